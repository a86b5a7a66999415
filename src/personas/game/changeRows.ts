import type { Change } from '../../porcelain/diffTrees.js';

/**
 * Changed files as a person reads them: an engine's sidecar file (Godot `x.png.import` and `x.gd.uid`,
 * Unity `x.png.meta`) shares one row with the file it belongs to (the texture and its import settings),
 * and scripts and scenes come first, then project settings, then assets, then the rest.
 */
export type RowCategory = 'script' | 'scene' | 'settings' | 'asset' | 'other';

export interface ChangeRowFile {
  readonly path: string;
  readonly kind: Change['kind'];
  readonly from?: string;
  readonly oldSize?: number;
  readonly newSize?: number;
}

export interface ChangeRow {
  /** the file the row is about (a sidecar's own file, even when only the sidecar changed) */
  readonly path: string;
  /** how that file changed; null when only its sidecars did (import settings, a new uid) */
  readonly kind: Change['kind'] | null;
  readonly from?: string;
  readonly oldSize?: number;
  readonly newSize?: number;
  /** changed sidecar files of this file (.import, .uid, .meta) */
  readonly sidecars: readonly string[];
  readonly category: RowCategory;
}

const SIDECAR = /\.(import|uid|meta)$/;
const SCRIPT = /\.(gd|cs|gdshader|gdshaderinc|shader|hlsl|glsl|cginc|lua|py|js|ts|cpp|c|h|hpp)$/i;
const SCENE = /\.(tscn|scn|tres|res|unity|prefab|asset|mat|anim|controller|umap|uasset)$/i;
const SETTINGS = /(^|\/)(project\.godot|export_presets\.cfg|override\.cfg|vault-game\.yaml)$|^ProjectSettings\/|\.cfg$/;
const ASSET =
  /\.(png|jpe?g|webp|tga|bmp|gif|tiff?|exr|hdr|dds|ktx2?|svg|psd|kra|obj|mtl|fbx|gltf|glb|blend|dae|wav|ogg|mp3|flac|mp4|webm|ttf|otf|csv)$/i;

export function categoryOf(path: string): RowCategory {
  if (SCRIPT.test(path)) return 'script';
  if (SCENE.test(path)) return 'scene';
  if (SETTINGS.test(path)) return 'settings';
  if (ASSET.test(path)) return 'asset';
  return 'other';
}

const ORDER: readonly RowCategory[] = ['script', 'scene', 'settings', 'asset', 'other'];

/** The file a sidecar belongs to (`art/hero.png.import` -> `art/hero.png`); null for other files. */
export function sidecarOf(path: string): string | null {
  const m = SIDECAR.exec(path);
  if (!m) return null;
  const owner = path.slice(0, -m[0].length);
  // `folder.meta` (Unity) belongs to a folder; `x.import` needs a file name with its own extension
  return owner && !owner.endsWith('/') && (m[1] === 'meta' || /\.[^/]+$/.test(owner)) ? owner : null;
}

/** One row per changed file, with its changed sidecars folded in; scripts and scenes first. */
export function changeRows(changes: readonly ChangeRowFile[]): ChangeRow[] {
  const byPath = new Map(changes.map((c) => [c.path, c]));
  const rows = new Map<string, { file: ChangeRowFile | null; sidecars: string[] }>();
  for (const c of changes) {
    const owner = sidecarOf(c.path);
    if (owner === null) {
      const r = rows.get(c.path);
      if (r) r.file = c;
      else rows.set(c.path, { file: c, sidecars: [] });
      continue;
    }
    const r = rows.get(owner) ?? { file: byPath.get(owner) ?? null, sidecars: [] };
    r.sidecars.push(c.path);
    rows.set(owner, r);
  }
  const out: ChangeRow[] = [];
  for (const [path, r] of rows) {
    const f = r.file;
    out.push({
      path,
      kind: f ? f.kind : null,
      ...(f?.from ? { from: f.from } : {}),
      ...(f?.oldSize !== undefined ? { oldSize: f.oldSize } : {}),
      ...(f?.newSize !== undefined ? { newSize: f.newSize } : {}),
      sidecars: r.sidecars.sort(),
      category: categoryOf(path),
    });
  }
  const byPathName = (a: ChangeRow, b: ChangeRow) => (a.path < b.path ? -1 : Number(a.path > b.path));
  return out.sort((a, b) => ORDER.indexOf(a.category) - ORDER.indexOf(b.category) || byPathName(a, b));
}
