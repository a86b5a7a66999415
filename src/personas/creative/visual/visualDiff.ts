import { PathNotFoundError, UsageError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import { diff, type DiffSide } from '../../../porcelain/diff.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { UnsupportedFormatError } from '../formats/errors.js';
import { decodeImage, decodePsd, imageFormatOf, type PsdLayer, type RgbaImage } from '../formats/images.js';
import { modelFormatOf, parseModel } from '../formats/models.js';
import { diffScene, sceneFormatOf, type SceneDiffReport } from '../scene/diffScene.js';
import { compareImages, type CompareImagesOptions, type ImageDiffReport } from './imageDiff.js';
import { diffModels, type ModelDiffReport } from './modelDiff.js';
import { diffPsdLayers, type LayerDiff } from './psdDiff.js';
import { projectPath, readSideFile, relatedReader, resolveSide } from './sides.js';

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
  /** PSD: also compare this layer ('Group/Layer' path or a unique layer name) on the document canvas; the diff picture is then the layer's */
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
  /** images: the diff picture (see compareImages); null for models and scenes */
  readonly image: RgbaImage | null;
}

/** Which comparison a path gets: image (PNG, JPEG, PSD, WebP; magic bytes win), model (OBJ, STL, glTF, GLB), scene (JSON, YAML, Godot). */
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

/**
 * Compare one file between two sides by what it shows: images pixel by pixel (pixelmatch) with
 * changed regions and a diff picture, PSD layers one by one, 3D models per object/mesh/node,
 * scene files key by key. Reads through vault.fs and the object store; writes nothing.
 */
export async function visualDiff(opts: VisualDiffOptions): Promise<VisualDiff> {
  const { vault } = opts;
  const path = projectPath(opts.path);
  const [sa, sb] = [await resolveSide(vault, opts.a), await resolveSide(vault, opts.b)];
  let [x, y] = [await readSideFile(vault, sa, path), await readSideFile(vault, sb, path)];
  if (!x && !y) throw new PathNotFoundError(path, `${sa.label} or ${sb.label}`);
  // a file that is new under this name may have been renamed: compare with its old self
  let from: string | undefined;
  if (!x) {
    const renamed = (await diff({ vault, a: opts.a, b: opts.b })).renamed.find((c) => c.path === path);
    if (renamed?.from) {
      from = renamed.from;
      x = await readSideFile(vault, sa, from);
    }
  }
  const kind = visualKindOf(path, (y ?? x)!.subarray(0, 16));
  if (!kind)
    throw new UnsupportedFormatError(
      path,
      'a visual or structural diff of this file type',
      'it is not an image (PNG, JPEG, PSD, WebP), a model (OBJ, STL, glTF, GLB) or a scene (JSON, YAML, Godot .tscn/.tres)',
    );
  const status = !x ? 'added' : !y ? 'removed' : sameBytes(x, y) ? 'unchanged' : 'modified';
  const base = {
    path,
    kind,
    a: { rev: sa.label, id: sa.id },
    b: { rev: sb.label, id: sb.id },
    status,
    ...(from ? { from } : {}),
  } as const;
  if (opts.layer !== undefined && (kind !== 'image' || imageFormatOf(path, (y ?? x)!.subarray(0, 16)) !== 'psd'))
    throw new UsageError(`--layer needs a PSD file, and ${path} is not one`);
  if (kind === 'image') {
    const isPsd = (b: Uint8Array | null) => !!b && imageFormatOf(path, b.subarray(0, 16)) === 'psd';
    if (isPsd(x) || isPsd(y)) {
      const [px, py] = [
        x && isPsd(x) ? await decodePsd(x, path) : null,
        y && isPsd(y) ? await decodePsd(y, path) : null,
      ];
      const [ix, iy] = [
        px?.composite ?? (x ? await decodeImage(x, path) : null),
        py?.composite ?? (y ? await decodeImage(y, path) : null),
      ];
      const cmp = compareImages(ix, iy, opts);
      const layers = diffPsdLayers(px?.layers ?? [], py?.layers ?? [], {
        threshold: opts.threshold,
        ignoreAntialiasing: opts.ignoreAntialiasing,
      });
      if (opts.layer !== undefined) {
        const lx = px ? findLayer(px.layers, opts.layer) : null;
        const ly = py ? findLayer(py.layers, opts.layer) : null;
        if (!lx && !ly)
          throw new PathNotFoundError(`${path}#${opts.layer}`, `the layers of ${path} (${sa.label} or ${sb.label})`);
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
      return { report: { ...base, image: cmp.report, layers }, image: cmp.image };
    }
    const cmp = compareImages(x ? await decodeImage(x, path) : null, y ? await decodeImage(y, path) : null, opts);
    return { report: { ...base, image: cmp.report }, image: cmp.image };
  }
  if (kind === 'model') {
    const [ra, rb] = [relatedReader(vault, sa, from ?? path), relatedReader(vault, sb, path)];
    const mx = x ? await parseModel(x, path, ra) : null;
    const my = y ? await parseModel(y, path, rb) : null;
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
    return { report: { ...base, model: { ...model, textures: { ...model.textures, changed } } }, image: null };
  }
  return { report: { ...base, scene: diffScene(x, y, path, { max: opts.maxChanges }) }, image: null };
}
