/**
 * PSD layers and groups (ag-psd). A layer's name is its path of group names
 * (`Characters/Hero`); a second sibling of the same name is `Hero#2`.
 *
 * Restore reads both versions with their pixels, puts the old layer (or group,
 * with everything in it) where the current one of that name is, or, when the
 * current file no longer has it, back beside the sibling it was above before,
 * and writes the file again with ag-psd. The stored composite (what viewers and
 * thumbnails show) is regenerated from the visible layers; when the layers use
 * what that simple compositing cannot reproduce (blend modes other than normal,
 * masks, effects, clipping, adjustment or text layers), the file is also marked
 * as having no real merged data, so Photoshop re-renders it from the layers.
 * The old embedded thumbnail is dropped (it would show the previous picture).
 */
import { nodeCrypto } from '../../../builtins.js';
import { initializeCanvas, readPsd, writePsd, type Layer, type Psd } from 'ag-psd';
import { compositePsd } from '../formats/psdComposite.js';
import { ElementFileTooLargeError, ElementFormatError } from './errors.js';
import { pickElement, siblingNamer } from './match.js';
import type {
  ElementFormat,
  ElementInfo,
  ElementPrint,
  Fingerprint,
  FormatRestore,
  RemoveInput,
  Side,
} from './types.js';

let canvasReady = false;
/** ag-psd makes pixel buffers through a canvas factory; in Node, plain RGBA arrays do (no canvas is ever drawn). */
function ensureImageDataFactory(): void {
  if (canvasReady) return;
  initializeCanvas(
    (() => {
      throw new Error('no canvas in Node: Vault reads PSDs with useImageData');
    }) as never,
    (width: number, height: number) =>
      ({ width, height, data: new Uint8ClampedArray(width * height * 4), colorSpace: 'srgb' }) as unknown as ImageData,
  );
  canvasReady = true;
}

/**
 * Documents with more pixels than this are not decoded (64 Mpx: 256 MiB per full-size RGBA layer, and both versions are
 * held).
 */
export const MAX_PSD_PIXELS = 64 * 1024 * 1024;

function parse(bytes: Uint8Array, side: Side, pixels: boolean): Psd {
  ensureImageDataFactory();
  if (bytes.length >= 26) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const px = view.getUint32(14) * view.getUint32(18);
    if (pixels && px > MAX_PSD_PIXELS) throw new ElementFileTooLargeError(side.path, px, MAX_PSD_PIXELS, 'pixels');
  }
  try {
    return readPsd(
      bytes,
      pixels
        ? { useImageData: true, skipThumbnail: true }
        : { useImageData: true, skipThumbnail: true, skipLayerImageData: true, skipCompositeImageData: true },
    );
  } catch (e) {
    throw new ElementFormatError(side.path, side.where, `not a readable PSD: ${(e as Error).message}`);
  }
}

interface Located {
  readonly layer: Layer;
  readonly siblings: Layer[];
  readonly index: number;
  readonly name: string;
}

/** Every layer and group with its path name, bottom to top within each group (ag-psd's order). */
function walk(children: Layer[] | undefined, prefix: string, out: Located[]): Located[] {
  const named = siblingNamer();
  (children ?? []).forEach((layer, index) => {
    const name = `${prefix}${named(layer.name ?? 'Layer')}`;
    out.push({ layer, siblings: children!, index, name });
    if (layer.children) walk(layer.children, `${name}/`, out);
  });
  return out;
}

function info(l: Located): ElementInfo {
  const { layer } = l;
  const isGroup = Array.isArray(layer.children);
  const details: Record<string, unknown> = isGroup
    ? {
        layers: layer.children!.length,
        visible: !layer.hidden,
        opacity: layer.opacity ?? 1,
        blendMode: layer.blendMode ?? 'pass through',
      }
    : {
        width: (layer.right ?? 0) - (layer.left ?? 0),
        height: (layer.bottom ?? 0) - (layer.top ?? 0),
        left: layer.left ?? 0,
        top: layer.top ?? 0,
        visible: !layer.hidden,
        opacity: layer.opacity ?? 1,
        blendMode: layer.blendMode ?? 'normal',
      };
  return { name: l.name, kind: isGroup ? 'group' : 'layer', details };
}

function listOf(psd: Psd): ElementInfo[] {
  return walk(psd.children, '', []).map(info);
}

function check8BitRgb(psd: Psd, side: Side): void {
  if ((psd.bitsPerChannel ?? 8) !== 8)
    throw new ElementFormatError(
      side.path,
      side.where,
      `${psd.bitsPerChannel}-bit channels: layer restore handles 8-bit documents only`,
    );
  if ((psd.colorMode ?? 3) !== 3)
    throw new ElementFormatError(
      side.path,
      side.where,
      `colour mode ${psd.colorMode}: layer restore handles RGB documents only`,
    );
}

function uniform(d: ArrayLike<number>): boolean {
  for (let i = 4; i < d.length; i++) if (d[i] !== d[i & 3]) return false;
  return true;
}

/** Share of pixels whose channels differ by more than 3 (our composite against the file's own). */
function mismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let off = 0;
  for (let i = 0; i < a.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a[i + c]! - b[i + c]!) > 3) {
        off++;
        break;
      }
    }
  }
  return a.length ? off / (a.length / 4) : 0;
}

/** The canvas rectangle a layer or group (everything in it) covers: [x0, y0, x1, y1), or null. */
function extent(l: Layer): [number, number, number, number] | null {
  const boxes: [number, number, number, number][] = [];
  const visit = (x: Layer) => {
    if (x.children) x.children.forEach(visit);
    else if ((x.right ?? 0) > (x.left ?? 0) && (x.bottom ?? 0) > (x.top ?? 0))
      boxes.push([x.left ?? 0, x.top ?? 0, x.right ?? 0, x.bottom ?? 0]);
  };
  visit(l);
  if (!boxes.length) return null;
  return [
    Math.min(...boxes.map((b) => b[0])),
    Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])),
    Math.max(...boxes.map((b) => b[3])),
  ];
}

/**
 * The new composite. Exact when Vault's compositing reproduces what the file uses (and agrees with
 * the composite Photoshop stored); otherwise the stored composite is kept outside the area of the
 * restored element, only that area is drawn again, and the caller flags the file for re-rendering.
 */
function newComposite(
  before: Psd,
  after: Psd,
  changed: readonly (Layer | undefined)[],
): { data: Uint8ClampedArray; exact: boolean; why: string[] } {
  const now = compositePsd(after);
  const stored = before.imageData?.data;
  const why = [...now.unsupported];
  // a composite a writer left blank (one colour) or flagged as not real is no reference
  const real = before.imageResources?.versionInfo?.hasRealMergedData !== false && !!stored && !uniform(stored);
  if (stored && stored.length === now.data.length && real && mismatch(compositePsd(before).data, stored) > 0.01)
    why.push("Vault's compositing differs from the file's own composite");
  if (!why.length || !real || stored.length !== now.data.length) return { data: now.data, exact: !why.length, why };
  // keep Photoshop's pixels outside what changed
  const data = Uint8ClampedArray.from(stored as ArrayLike<number>);
  const { width, height } = after;
  for (const l of changed) {
    const r = l && extent(l);
    if (!r) continue;
    for (let y = Math.max(0, r[1]); y < Math.min(height, r[3]); y++) {
      const from = (y * width + Math.max(0, r[0])) * 4;
      const to = (y * width + Math.min(width, r[2])) * 4;
      if (to > from) data.set(now.data.subarray(from, to), from);
    }
  }
  return { data, exact: false, why };
}

function restore(opts: {
  current: Uint8Array;
  old: Uint8Array;
  element: string;
  path: string;
  oldWhere: string;
}): FormatRestore {
  const curSide = { path: opts.path, where: 'the project folder' };
  const oldSide = { path: opts.path, where: opts.oldWhere };
  const cur = parse(opts.current, curSide, true);
  const old = parse(opts.old, oldSide, true);
  check8BitRgb(cur, curSide);
  check8BitRgb(old, oldSide);
  const oldAll = walk(old.children, '', []);
  const target = pickElement(oldAll.map(info), opts.element, oldSide);
  const from = oldAll.find((l) => l.name === target.name)!;
  const curAll = walk(cur.children, '', []);
  const here = curAll.find(
    (l) => l.name === target.name && Array.isArray(l.layer.children) === Array.isArray(from.layer.children),
  );
  const notes: string[] = [];
  let action: FormatRestore['action'];
  const before = parse(opts.current, curSide, true);
  if (here) {
    here.siblings[here.index] = from.layer;
    action = 'replaced';
  } else {
    // back into its group (when the current file still has it), next to the sibling it was above
    const parentName = target.name.includes('/') ? target.name.slice(0, target.name.lastIndexOf('/')) : '';
    const parent = parentName
      ? curAll.find((l) => l.name === parentName && Array.isArray(l.layer.children))
      : undefined;
    if (parentName && !parent)
      notes.push(`group '${parentName}' is not in the current file: the layer was put at the top of the layer stack`);
    const siblings = parent ? parent.layer.children! : (cur.children ??= []);
    const below = from.siblings[from.index - 1]?.name;
    const above = from.siblings[from.index + 1]?.name;
    let at = below === undefined ? -1 : siblings.findIndex((l) => l.name === below);
    if (at >= 0) at += 1;
    else {
      at = above === undefined ? -1 : siblings.findIndex((l) => l.name === above);
      if (at < 0) at = parentName && !parent ? siblings.length : Math.min(from.index, siblings.length);
    }
    siblings.splice(at, 0, from.layer);
    action = 'inserted';
  }
  notes.push(...finish(cur, before, [from.layer, here?.layer], target.kind));
  if (old.width !== cur.width || old.height !== cur.height)
    notes.push(
      `the canvas size changed (${old.width}x${old.height} then, ` +
        `${cur.width}x${cur.height} now): the layer keeps its old position`,
    );
  return { data: written(cur, opts.path), element: target, action, notes };
}

/** The new composite and the flags that go with it (see newComposite); returns the notes to show. */
function finish(cur: Psd, before: Psd, changed: readonly (Layer | undefined)[], kind: string): string[] {
  const made = newComposite(before, cur, changed);
  cur.imageData = { width: cur.width, height: cur.height, data: made.data } as never;
  cur.imageResources ??= {};
  delete cur.imageResources.thumbnail;
  delete cur.imageResources.thumbnailRaw;
  if (!made.exact) {
    cur.imageResources.versionInfo = {
      ...(cur.imageResources.versionInfo ?? { writerName: 'Vault', readerName: 'Adobe Photoshop', fileVersion: 1 }),
      hasRealMergedData: false,
    };
    return [
      `composite kept as the file had it outside the restored ${kind}, redrawn approximately inside ` +
        `it (${made.why.join(', ')}), and marked for re-rendering: Photoshop rebuilds it from the layers`,
    ];
  }
  // the composite is exact now, whatever an earlier writer said
  if (cur.imageResources.versionInfo)
    cur.imageResources.versionInfo = { ...cur.imageResources.versionInfo, hasRealMergedData: true };
  return ['composite regenerated from the visible layers'];
}

function written(psd: Psd, path: string): Uint8Array {
  try {
    return new Uint8Array(writePsd(psd));
  } catch (e) {
    throw new ElementFormatError(path, 'writing the result', (e as Error).message);
  }
}

/** A digest of what a layer is (its properties and pixels), without its children. */
function layerSig(l: Layer): string {
  const h = nodeCrypto().createHash('sha256');
  const { children: _c, imageData, mask, canvas: _cv, ...props } = l;
  const { imageData: maskPixels, canvas: _mc, ...maskProps } = mask ?? {};
  h.update(JSON.stringify({ props, maskProps, group: Array.isArray(l.children) }));
  if (imageData) h.update(new Uint8Array(imageData.data.buffer, imageData.data.byteOffset, imageData.data.byteLength));
  if (maskPixels)
    h.update(new Uint8Array(maskPixels.data.buffer, maskPixels.data.byteOffset, maskPixels.data.byteLength));
  return h.digest('hex');
}

function fingerprint(bytes: Uint8Array, side: Side): Fingerprint {
  const psd = parse(bytes, side, true);
  const elements = new Map<string, ElementPrint>();
  for (const l of walk(psd.children, '', [])) {
    const kind = Array.isArray(l.layer.children) ? 'group' : 'layer';
    const parent = l.name.includes('/') ? `group:${l.name.slice(0, l.name.lastIndexOf('/'))}` : undefined;
    elements.set(`${kind}:${l.name}`, { name: l.name, kind, sig: layerSig(l.layer), ...(parent ? { parent } : {}) });
  }
  const rest = JSON.stringify([psd.width, psd.height, psd.bitsPerChannel, psd.colorMode, psd.channels]);
  return { elements, rest };
}

function remove(opts: RemoveInput): FormatRestore {
  const side = { path: opts.path, where: 'the file being merged' };
  const cur = parse(opts.current, side, true);
  check8BitRgb(cur, side);
  const before = parse(opts.current, side, true);
  const all = walk(cur.children, '', []);
  const target = pickElement(all.map(info), opts.element, side);
  const here = all.find((l) => l.name === target.name)!;
  here.siblings.splice(here.index, 1);
  const notes = finish(cur, before, [here.layer], target.kind);
  return { data: written(cur, opts.path), element: target, action: 'replaced', notes };
}

export const psdFormat: ElementFormat = {
  format: 'psd',
  list: (bytes, side) => listOf(parse(bytes, side, false)),
  restore,
  fingerprint,
  remove,
  nested: true,
};
