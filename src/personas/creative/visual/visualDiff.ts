import { PathNotFoundError, UsageError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import { diff, type DiffSide } from '../../../porcelain/diff.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { UnsupportedFormatError } from '../formats/errors.js';
import type { ReadRelated } from '../formats/gltfIo.js';
import {
  IMAGE_FORMATS,
  decodeImage,
  decodePsd,
  imageFormatOf,
  type PsdLayer,
  type RgbaImage,
} from '../formats/images.js';
import { sourceOf } from '../formats/imageSource.js';
import { modelFormatOf, parseModel, type Model } from '../formats/models.js';
import { openImage } from '../formats/openImage.js';
import { diffScene, sceneFormatOf, type SceneDiffReport } from '../scene/diffScene.js';
import { compareImageSources } from './compareSources.js';
import { compareImages, type CompareImagesOptions, type ImageDiffReport } from './imageDiff.js';
import { diffModels, type ModelDiffReport } from './modelDiff.js';
import { diffPsdLayers, type LayerDiff } from './psdDiff.js';
import { projectPath, relatedReader, resolveSide, sameContent, sideInput, type SideInput } from './sides.js';

const MAX_COMPARE_WORKERS = 4;

export type VisualKind = 'image' | 'model' | 'scene';

export interface VisualDiffOptions extends CompareImagesOptions {
  vault: Vault;
  /** old side (a snapshot) */
  a: DiffSide;
  /** new side (a snapshot or the working folder) */
  b: DiffSide;
  /** project-relative path of the file to compare */
  path: string;
  /** most scene changes to list (default 500) */
  maxChanges?: number;
  /** models: draw before | after | diff pictures of the two versions (the renderer of the thumbnails) */
  modelPicture?: boolean;
  /**
   * PSD: also compare this layer ('Group/Layer' path or a unique layer name) on the document canvas; the diff picture
   * is then the layer's
   */
  layer?: string;
}

export interface VisualDiffReport {
  readonly path: string;
  readonly kind: VisualKind;
  readonly a: { readonly rev: string; readonly id: ObjectId | 'worktree' };
  readonly b: { readonly rev: string; readonly id: ObjectId | 'worktree' };
  readonly status: 'added' | 'removed' | 'modified' | 'unchanged';
  /** the file's path on the old side when it was renamed (then `status` is modified or unchanged) */
  readonly from?: string;
  /** images (PSD: the composite) */
  readonly image?: ImageDiffReport;
  /** PSD: every layer and group, unchanged ones included */
  readonly layers?: readonly LayerDiff[];
  /** PSD with `layer`: that layer alone, each version placed on its document's canvas */
  readonly layer?: { readonly path: string; readonly image: ImageDiffReport };
  readonly model?: ModelDiffReport;
  readonly scene?: SceneDiffReport;
}

export interface VisualDiff {
  readonly report: VisualDiffReport;
  /** images: the diff picture (see compareImages); models with `modelPicture`: before | after | diff; else null */
  readonly image: RgbaImage | null;
}

/**
 * Which comparison a path gets: image (PNG, JPEG, PSD, WebP; magic bytes win), model (OBJ, STL, glTF, GLB), scene
 * (JSON, YAML, Godot).
 */
export function visualKindOf(path: string, head?: Uint8Array): VisualKind | null {
  if (imageFormatOf(path, head)) return 'image';
  if (modelFormatOf(path)) return 'model';
  if (sceneFormatOf(path)) return 'scene';
  return null;
}

/** A layer by path, or by name when exactly one layer has it. */
function findLayer(layers: readonly PsdLayer[], name: string): PsdLayer | null {
  const byPath = layers.find((l) => l.path === name);
  if (byPath) return byPath;
  const byName = layers.filter((l) => l.name === name);
  if (byName.length > 1)
    throw new UsageError(
      `${byName.length} layers are named '${name}': ${byName.map((l) => l.path).join(', ')}`,
      'name the layer by its path, e.g. Group/Layer',
    );
  return byName[0] ?? null;
}

/** A layer's pixels at its place on a transparent canvas the size of its document (opacity and visibility ignored). */
function layerOnCanvas(l: PsdLayer, doc: RgbaImage): RgbaImage {
  const { width, height } = doc;
  const data = new Uint8Array(width * height * 4);
  const img = l.image;
  if (img) {
    for (let y = 0; y < img.height; y++) {
      const dy = y + l.top;
      if (dy < 0 || dy >= height) continue;
      const x0 = Math.max(0, l.left);
      const x1 = Math.min(width, l.left + img.width);
      if (x1 <= x0) continue;
      data.set(
        img.data.subarray((y * img.width + (x0 - l.left)) * 4, (y * img.width + (x1 - l.left)) * 4),
        (dy * width + x0) * 4,
      );
    }
  }
  return { width, height, data, info: { ...doc.info, layers: undefined } };
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  return !!a && !!b && a.length === b.length && Buffer.compare(a, b) === 0;
}

type Base = Omit<VisualDiffReport, 'image' | 'layers' | 'layer' | 'model' | 'scene'>;

/**
 * Compare one file between two sides by what it shows: images pixel by pixel (pixelmatch) with
 * changed regions and a diff picture, PSD layers one by one, 3D models per object/mesh/node,
 * scene files key by key. Reads through vault.fs and the object store; writes nothing. PNGs are
 * read a strip of rows at a time, so big ones need little memory.
 */
export async function visualDiff(opts: VisualDiffOptions): Promise<VisualDiff> {
  const { vault } = opts;
  const path = projectPath(opts.path);
  const [sa, sb] = [await resolveSide(vault, opts.a), await resolveSide(vault, opts.b)];
  let [x, y] = [await sideInput(vault, sa, path), await sideInput(vault, sb, path)];
  if (!x && !y) throw new PathNotFoundError(path, `${sa.label} or ${sb.label}`);
  // a file that is new under this name may have been renamed: compare with its old self
  let from: string | undefined;
  if (!x) {
    const renamed = (await diff({ vault, a: opts.a, b: opts.b })).renamed.find((c) => c.path === path);
    if (renamed?.from) {
      from = renamed.from;
      x = await sideInput(vault, sa, from);
    }
  }
  const head = (y ?? x)!.head;
  const kind = visualKindOf(path, head);
  if (!kind)
    throw new UnsupportedFormatError(
      path,
      'a visual or structural diff of this file type',
      `it is not an image (${IMAGE_FORMATS}), a model (OBJ, STL, glTF, GLB) or a scene (JSON, YAML, Godot .tscn/.tres)`,
    );
  let status: 'added' | 'removed' | 'unchanged' | 'modified' = 'modified';
  if (!x) status = 'added';
  else if (!y) status = 'removed';
  else if (await sameContent(x, y)) status = 'unchanged';
  const base: Base = {
    path,
    kind,
    a: { rev: sa.label, id: sa.id },
    b: { rev: sb.label, id: sb.id },
    status,
    ...(from ? { from } : {}),
  };
  const isPsd = imageFormatOf(path, head) === 'psd' || (!!x && imageFormatOf(path, x.head) === 'psd');
  if (opts.layer !== undefined && (kind !== 'image' || !isPsd))
    throw new UsageError(`--layer needs a PSD file, and ${path} is not one`);
  if (kind === 'image') return isPsd ? psdVisualDiff(opts, base, x, y) : imageVisualDiff(opts, base, x, y);
  const [bx, by] = [x ? await x.bytes() : null, y ? await y.bytes() : null];
  if (kind === 'model') {
    const [ra, rb] = [relatedReader(vault, sa, from ?? path), relatedReader(vault, sb, path)];
    const mx = bx ? await parseModel(bx, path, ra) : null;
    const my = by ? await parseModel(by, path, rb) : null;
    const image = opts.modelPicture ? (await import('./modelPicture.js')).modelPicture(mx, my) : null;
    return { report: { ...base, model: await modelReport(mx, my, ra, rb) }, image };
  }
  return { report: { ...base, scene: diffScene(bx, by, path, { max: opts.maxChanges }) }, image: null };
}

/** Threads that compare a big picture: the vault's worker threads (the CLI: up to 4), at most 4. */
function compareWorkers(opts: VisualDiffOptions): number {
  return opts.workers ?? Math.min(MAX_COMPARE_WORKERS, opts.vault.threads);
}

async function imageVisualDiff(
  opts: VisualDiffOptions,
  base: Base,
  x: SideInput | null,
  y: SideInput | null,
): Promise<VisualDiff> {
  const [ix, iy] = [x ? await openImage(x, base.path) : null, y ? await openImage(y, base.path) : null];
  const cmp = await compareImageSources(ix, iy, { ...opts, workers: compareWorkers(opts) });
  return { report: { ...base, image: cmp.report }, image: cmp.image };
}

async function psdVisualDiff(
  opts: VisualDiffOptions,
  base: Base,
  x: SideInput | null,
  y: SideInput | null,
): Promise<VisualDiff> {
  const path = base.path;
  const isPsd = (s: SideInput | null) => !!s && imageFormatOf(path, s.head) === 'psd';
  const [px, py] = [
    x && isPsd(x) ? await decodePsd(await x.bytes(), path) : null,
    y && isPsd(y) ? await decodePsd(await y.bytes(), path) : null,
  ];
  const [ix, iy] = [
    px?.composite ?? (x ? await decodeImage(await x.bytes(), path) : null),
    py?.composite ?? (y ? await decodeImage(await y.bytes(), path) : null),
  ];
  const cmp = await compareImageSources(ix && sourceOf(ix), iy && sourceOf(iy), {
    ...opts,
    workers: compareWorkers(opts),
  });
  const layers = diffPsdLayers(px?.layers ?? [], py?.layers ?? [], {
    threshold: opts.threshold,
    ignoreAntialiasing: opts.ignoreAntialiasing,
  });
  if (opts.layer === undefined) return { report: { ...base, image: cmp.report, layers }, image: cmp.image };
  const lx = px ? findLayer(px.layers, opts.layer) : null;
  const ly = py ? findLayer(py.layers, opts.layer) : null;
  if (!lx && !ly)
    throw new PathNotFoundError(`${path}#${opts.layer}`, `the layers of ${path} (${base.a.rev} or ${base.b.rev})`);
  // a layer missing on one side is an empty canvas there, so only its own pixels count
  const doc = (py ?? px)!.composite;
  const empty = (d: RgbaImage | undefined): RgbaImage => ({
    width: (d ?? doc).width,
    height: (d ?? doc).height,
    data: new Uint8Array((d ?? doc).width * (d ?? doc).height * 4),
    info: (d ?? doc).info,
  });
  const lc = compareImages(
    lx ? layerOnCanvas(lx, px!.composite) : empty(px?.composite),
    ly ? layerOnCanvas(ly, py!.composite) : empty(py?.composite),
    opts,
  );
  return {
    report: { ...base, image: cmp.report, layers, layer: { path: (ly ?? lx)!.path, image: lc.report } },
    image: lc.image,
  };
}

async function modelReport(
  mx: Model | null,
  my: Model | null,
  ra: ReadRelated,
  rb: ReadRelated,
): Promise<ModelDiffReport> {
  const model = diffModels(mx, my);
  // texture files both versions use: did the pictures themselves change?
  const changed: string[] = [];
  if (mx && my) {
    const kept = my.textures.filter((t) => mx.textures.includes(t));
    for (const t of kept) {
      const [p, q] = [await ra(t).catch(() => null), await rb(t).catch(() => null)];
      if (p && q && !sameBytes(p, q)) changed.push(t);
    }
  }
  return { ...model, textures: { ...model.textures, changed } };
}
