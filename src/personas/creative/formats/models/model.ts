/** The Model every 3D format parser returns, the format of a path, and helpers the parsers share. */
export type ModelFormat = 'obj' | 'stl' | 'gltf' | 'glb';

export interface ModelMesh {
  /** unique within the model (duplicates get '#2', '#3'...) */
  readonly name: string;
  /**
   * OBJ 'o' -> object, 'g' -> group; glTF node -> node (world space), mesh -> mesh (local space); STL solid -> solid
   */
  readonly kind: 'object' | 'group' | 'mesh' | 'node' | 'solid';
  /** xyz */
  readonly positions: Float32Array;
  /** triangles, indexes into positions/3 */
  readonly indices: Uint32Array;
  /** names of the materials its faces use */
  readonly materials: readonly string[];
  /** glTF node: the name of its mesh, if any */
  readonly mesh?: string;
  /** glTF node: its parent's name */
  readonly parent?: string;
  /** glTF node: its local transform (translation xyz, rotation quaternion xyzw, scale xyz) */
  readonly transform?: {
    readonly translation: readonly [number, number, number];
    readonly rotation: readonly [number, number, number, number];
    readonly scale: readonly [number, number, number];
  };
}

export interface ModelMaterial {
  readonly name: string;
  /** OBJ: Kd, Ks, Ns, d...; glTF: baseColorFactor, metallicFactor, roughnessFactor, alphaMode... */
  readonly props: Readonly<Record<string, unknown>>;
  /** texture paths/uris the material uses */
  readonly textures: readonly string[];
}

export interface Model {
  readonly format: ModelFormat;
  readonly meshes: readonly ModelMesh[];
  readonly materials: readonly ModelMaterial[];
  /** referenced texture paths/uris */
  readonly textures: readonly string[];
  /** every external file it references: mtllib, textures, glTF buffer/image uris (relative, as written in the file) */
  readonly references: readonly string[];
}

/** Files larger than this are not parsed (256 MiB). */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;

const EXT: Record<string, ModelFormat> = { obj: 'obj', stl: 'stl', gltf: 'gltf', glb: 'glb' };

export function modelFormatOf(path: string): ModelFormat | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? (EXT[base.slice(dot + 1).toLowerCase()] ?? null) : null;
}

/** Axis-aligned bounds of xyz positions, or null when there are none. */
export function bounds(
  positions: Float32Array,
): { min: [number, number, number]; max: [number, number, number] } | null {
  if (positions.length < 3) return null;
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 2 < positions.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      const v = positions[i + c]!;
      if (v < min[c]!) min[c] = v;
      if (v > max[c]!) max[c] = v;
    }
  }
  return { min, max };
}

export class UniqueNames {
  private readonly seen = new Map<string, number>();
  take(name: string): string {
    const n = (this.seen.get(name) ?? 0) + 1;
    this.seen.set(name, n);
    return n > 1 ? `${name}#${n}` : name;
  }
}

export function uniq(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}
