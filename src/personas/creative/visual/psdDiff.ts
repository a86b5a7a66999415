import type { PsdLayer } from '../formats/images.js';
import { changedMask } from './imageDiff.js';

export type ElementStatus = 'added' | 'removed' | 'changed' | 'unchanged';

/** A property that differs between two versions of an element. */
export interface PropertyChange {
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
  /** what the numbers are in, when it is not plain ('degrees': rotations as X, Y, Z angles) */
  readonly unit?: string;
}

export interface LayerRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface LayerDiff {
  /** 'Group/Layer' */
  readonly path: string;
  readonly kind: 'layer' | 'group';
  readonly status: ElementStatus;
  readonly before: LayerRect | null;
  readonly after: LayerRect | null;
  /** hidden, opacity, blendMode, position, size */
  readonly properties: readonly PropertyChange[];
  /** pixels that differ on the union of both layer rectangles (layers only) */
  readonly changedPixels?: number;
  /** changedPixels over that union's area, 0..1 */
  readonly changedShare?: number;
}

function rect(l: PsdLayer): LayerRect {
  return { left: l.left, top: l.top, width: l.image?.width ?? 0, height: l.image?.height ?? 0 };
}

/** Both layers' pixels placed on the union of their rectangles, compared with pixelmatch. */
function pixelChange(
  a: PsdLayer,
  b: PsdLayer,
  threshold: number,
  includeAA: boolean,
): { changed: number; area: number } {
  const ra = rect(a);
  const rb = rect(b);
  const boxes = [ra, rb].filter((r) => r.width > 0 && r.height > 0);
  if (!boxes.length) return { changed: 0, area: 0 };
  const left = Math.min(...boxes.map((r) => r.left));
  const top = Math.min(...boxes.map((r) => r.top));
  const width = Math.max(...boxes.map((r) => r.left + r.width)) - left;
  const height = Math.max(...boxes.map((r) => r.top + r.height)) - top;
  const place = (l: PsdLayer) => {
    const d = new Uint8Array(width * height * 4);
    const img = l.image;
    if (!img) return d;
    for (let y = 0; y < img.height; y++)
      d.set(
        img.data.subarray(y * img.width * 4, (y + 1) * img.width * 4),
        ((y + l.top - top) * width + (l.left - left)) * 4,
      );
    return d;
  };
  let changed = 0;
  for (const m of changedMask(place(a), place(b), width, height, { threshold, ignoreAntialiasing: !includeAA }))
    changed += m;
  return { changed, area: width * height };
}

/** Layers added, removed and changed (pixels and properties) between two versions of a PSD, matched by path. */
export function diffPsdLayers(
  before: readonly PsdLayer[],
  after: readonly PsdLayer[],
  opts: { threshold?: number; ignoreAntialiasing?: boolean } = {},
): LayerDiff[] {
  const threshold = opts.threshold ?? 0.1;
  const a = new Map(before.map((l) => [l.path, l]));
  const b = new Map(after.map((l) => [l.path, l]));
  const order = [...after.map((l) => l.path), ...before.map((l) => l.path).filter((p) => !b.has(p))];
  const out: LayerDiff[] = [];
  for (const path of order) {
    const x = a.get(path);
    const y = b.get(path);
    if (!x || !y) {
      const l = (x ?? y)!;
      out.push({
        path,
        kind: l.kind,
        status: x ? 'removed' : 'added',
        before: x && x.kind === 'layer' ? rect(x) : null,
        after: y && y.kind === 'layer' ? rect(y) : null,
        properties: [],
      });
      continue;
    }
    const props: PropertyChange[] = [];
    const cmp = (key: string, p: unknown, q: unknown) => {
      if (JSON.stringify(p) !== JSON.stringify(q)) props.push({ key, before: p, after: q });
    };
    cmp('kind', x.kind, y.kind);
    cmp('hidden', x.hidden, y.hidden);
    cmp('opacity', Math.round(x.opacity * 1000) / 1000, Math.round(y.opacity * 1000) / 1000);
    cmp('blendMode', x.blendMode, y.blendMode);
    let changedPixels: number | undefined;
    let changedShare: number | undefined;
    if (y.kind === 'layer') {
      const [rx, ry] = [rect(x), rect(y)];
      cmp('position', [rx.left, rx.top], [ry.left, ry.top]);
      cmp('size', [rx.width, rx.height], [ry.width, ry.height]);
      const p = pixelChange(x, y, threshold, !opts.ignoreAntialiasing);
      changedPixels = p.changed;
      changedShare = p.area ? p.changed / p.area : 0;
    }
    const status: ElementStatus = props.length || changedPixels ? 'changed' : 'unchanged';
    out.push({
      path,
      kind: y.kind,
      status,
      before: x.kind === 'layer' ? rect(x) : null,
      after: y.kind === 'layer' ? rect(y) : null,
      properties: props,
      ...(changedPixels !== undefined ? { changedPixels, changedShare } : {}),
    });
  }
  return out;
}
