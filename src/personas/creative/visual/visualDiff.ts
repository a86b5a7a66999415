import { PathNotFoundError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import { diff, type DiffSide } from '../../../porcelain/diff.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { UnsupportedFormatError } from '../formats/errors.js';
import { decodeImage, decodePsd, imageFormatOf, type RgbaImage } from '../formats/images.js';
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
  if (!kind) throw new UnsupportedFormatError(path, 'a visual or structural diff of this file type', 'it is not an image (PNG, JPEG, PSD, WebP), a model (OBJ, STL, glTF, GLB) or a scene (JSON, YAML, Godot .tscn/.tres)');
  const status = !x ? 'added' : !y ? 'removed' : sameBytes(x, y) ? 'unchanged' : 'modified';
  const base = { path, kind, a: { rev: sa.label, id: sa.id }, b: { rev: sb.label, id: sb.id }, status, ...(from ? { from } : {}) } as const;
  if (kind === 'image') {
    const isPsd = (b: Uint8Array | null) => !!b && imageFormatOf(path, b.subarray(0, 16)) === 'psd';
    if (isPsd(x) || isPsd(y)) {
      const [px, py] = [x && isPsd(x) ? await decodePsd(x, path) : null, y && isPsd(y) ? await decodePsd(y, path) : null];
      const [ix, iy] = [px?.composite ?? (x ? await decodeImage(x, path) : null), py?.composite ?? (y ? await decodeImage(y, path) : null)];
      const cmp = compareImages(ix, iy, opts);
      const layers = diffPsdLayers(px?.layers ?? [], py?.layers ?? [], { threshold: opts.threshold });
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
