/**
 * 3D model parsing for the creative persona: OBJ (+MTL), STL (ASCII and binary), glTF and GLB
 * become one Model: named meshes (positions and triangles), materials, textures, and every
 * external file the model references. glTF/GLB go through @gltf-transform/core; OBJ, MTL and STL
 * are line/record formats read here (no maintained parser library is installed for them).
 *
 * Models are parsed in memory; files above MAX_MODEL_BYTES are refused with ETOOBIG.
 */
import {
  type Document,
  Logger,
  PlatformIO,
  Verbosity,
  type Node as GltfNode,
  type Mesh as GltfMesh,
} from '@gltf-transform/core';
import { DecodeError, TooLargeError, UnsupportedFormatError } from './errors.js';

export type ModelFormat = 'obj' | 'stl' | 'gltf' | 'glb';

export interface ModelMesh {
  /** unique within the model (duplicates get '#2', '#3'...) */
  readonly name: string;
  /** OBJ 'o' -> object, 'g' -> group; glTF node -> node (world space), mesh -> mesh (local space); STL solid -> solid */
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

class UniqueNames {
  private readonly seen = new Map<string, number>();
  take(name: string): string {
    const n = (this.seen.get(name) ?? 0) + 1;
    this.seen.set(name, n);
    return n > 1 ? `${name}#${n}` : name;
  }
}

function uniq(xs: Iterable<string>): string[] {
  return [...new Set(xs)];
}

const decoder = new TextDecoder('utf-8');

/* ---------------------------------------------------------------- OBJ + MTL */

function parseMtl(text: string): ModelMaterial[] {
  const mats: { name: string; props: Record<string, unknown>; textures: string[] }[] = [];
  let cur: (typeof mats)[number] | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'newmtl') {
      cur = { name: rest.join(' '), props: {}, textures: [] };
      mats.push(cur);
      continue;
    }
    if (!cur || !key) continue;
    if (/^(map_|bump$|disp$|decal$|refl$|norm$)/i.test(key)) {
      // options (-bm 1, -s 1 1 1 ...) come before the file name, which is the rest after them
      const file = textureFileOf(rest);
      if (file) {
        cur.textures.push(file);
        cur.props[key] = file;
      }
      continue;
    }
    const nums = rest.map(Number);
    cur.props[key] =
      rest.length && nums.every((n) => Number.isFinite(n)) ? (nums.length === 1 ? nums[0] : nums) : rest.join(' ');
  }
  return mats;
}

const TEX_OPT_ARGS: Record<string, number> = {
  '-blendu': 1,
  '-blendv': 1,
  '-bm': 1,
  '-boost': 1,
  '-cc': 1,
  '-clamp': 1,
  '-imfchan': 1,
  '-mm': 2,
  '-o': 3,
  '-s': 3,
  '-t': 3,
  '-texres': 1,
  '-type': 1,
};

function textureFileOf(args: string[]): string | null {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-') && TEX_OPT_ARGS[args[i]!] !== undefined) {
    const n = TEX_OPT_ARGS[args[i]!]!;
    i += 1;
    // -o/-s/-t take 1 to 3 numbers
    let taken = 0;
    while (taken < n && i < args.length && /^-?[\d.]+(e-?\d+)?$/i.test(args[i]!)) {
      i++;
      taken++;
    }
    if (taken === 0 && n > 0 && i < args.length && !args[i]!.startsWith('-')) i++;
  }
  const file = args.slice(i).join(' ');
  return file || null;
}

interface ObjGroup {
  name: string;
  kind: 'object' | 'group';
  faces: number[];
  materials: Set<string>;
}

async function parseObj(
  bytes: Uint8Array,
  path: string,
  readRelated?: (p: string) => Promise<Uint8Array | null>,
): Promise<Model> {
  const text = decoder.decode(bytes);
  const verts: number[] = [];
  const groups: ObjGroup[] = [];
  const names = new UniqueNames();
  const mtllibs: string[] = [];
  let cur: ObjGroup | undefined;
  let currentObject: string | undefined;
  let material = '';
  const start = (name: string, kind: 'object' | 'group') => {
    cur = { name: names.take(name), kind, faces: [], materials: new Set() };
    groups.push(cur);
  };
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    let line = lines[ln]!;
    while (line.endsWith('\\') && ln + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++ln];
    line = line.trim();
    if (!line || line.startsWith('#')) continue;
    const sp = line.search(/\s/);
    const key = sp < 0 ? line : line.slice(0, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1).trim();
    switch (key) {
      case 'v': {
        const p = rest.split(/\s+/).map(Number);
        if (p.length < 3 || !p.slice(0, 3).every(Number.isFinite))
          throw new DecodeError(path, 'obj', `line ${ln + 1}: bad vertex '${line}'`);
        verts.push(p[0]!, p[1]!, p[2]!);
        break;
      }
      case 'o':
        currentObject = rest || 'object';
        start(currentObject, 'object');
        break;
      case 'g':
        start(rest || currentObject || 'default', 'group');
        break;
      case 'usemtl':
        material = rest;
        break;
      case 'mtllib':
        mtllibs.push(...rest.split(/\s+/).filter(Boolean));
        break;
      case 'f': {
        if (!cur) start('default', 'object');
        const idx = rest.split(/\s+/).map((t) => {
          const n = parseInt(t.split('/')[0]!, 10);
          if (!Number.isFinite(n) || n === 0) throw new DecodeError(path, 'obj', `line ${ln + 1}: bad face '${line}'`);
          return n < 0 ? verts.length / 3 + n : n - 1;
        });
        for (let i = 1; i + 1 < idx.length; i++) cur!.faces.push(idx[0]!, idx[i]!, idx[i + 1]!);
        if (material) cur!.materials.add(material);
        break;
      }
      default:
        break;
    }
  }
  const vcount = verts.length / 3;
  const meshes: ModelMesh[] = [];
  for (const g of groups) {
    // objects with no faces of their own (an 'o' followed by 'g's) are kept only when nothing else is
    if (!g.faces.length && groups.length > 1) continue;
    const remap = new Map<number, number>();
    const positions: number[] = [];
    const indices = new Uint32Array(g.faces.length);
    g.faces.forEach((v, i) => {
      if (v < 0 || v >= vcount) throw new DecodeError(path, 'obj', `face refers to vertex ${v + 1} of ${vcount}`);
      let m = remap.get(v);
      if (m === undefined) {
        m = remap.size;
        remap.set(v, m);
        positions.push(verts[v * 3]!, verts[v * 3 + 1]!, verts[v * 3 + 2]!);
      }
      indices[i] = m;
    });
    meshes.push({
      name: g.name,
      kind: g.kind,
      positions: new Float32Array(positions),
      indices,
      materials: [...g.materials],
    });
  }
  const materials: ModelMaterial[] = [];
  for (const lib of mtllibs) {
    const data = readRelated ? await readRelated(lib) : null;
    if (data) materials.push(...parseMtl(decoder.decode(data)));
  }
  const textures = uniq(materials.flatMap((m) => m.textures));
  return { format: 'obj', meshes, materials, textures, references: uniq([...mtllibs, ...textures]) };
}

/* ---------------------------------------------------------------- STL */

/** Merge identical positions so vertex counts mean something for STL's unindexed triangles. */
function weld(tri: Float32Array): { positions: Float32Array; indices: Uint32Array } {
  const map = new Map<string, number>();
  const pos: number[] = [];
  const indices = new Uint32Array(tri.length / 3);
  for (let i = 0; i < tri.length; i += 3) {
    const key = `${tri[i]},${tri[i + 1]},${tri[i + 2]}`;
    let n = map.get(key);
    if (n === undefined) {
      n = map.size;
      map.set(key, n);
      pos.push(tri[i]!, tri[i + 1]!, tri[i + 2]!);
    }
    indices[i / 3] = n;
  }
  return { positions: new Float32Array(pos), indices };
}

function isBinaryStl(bytes: Uint8Array): boolean {
  if (bytes.length < 84) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(80, true);
  if (84 + n * 50 === bytes.length) return true;
  const head = decoder.decode(bytes.subarray(0, Math.min(bytes.length, 512)));
  return !/^\s*solid\b/.test(head) || !/facet|endsolid/.test(head);
}

function parseStl(bytes: Uint8Array, path: string): Model {
  const stem = path.slice(path.lastIndexOf('/') + 1).replace(/\.[^.]*$/, '') || 'solid';
  if (isBinaryStl(bytes)) {
    if (bytes.length < 84) throw new DecodeError(path, 'stl', 'shorter than an STL header');
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = dv.getUint32(80, true);
    if (84 + n * 50 > bytes.length)
      throw new DecodeError(
        path,
        'stl',
        `binary STL says ${n} triangles but holds ${Math.floor((bytes.length - 84) / 50)}`,
      );
    const tri = new Float32Array(n * 9);
    for (let t = 0; t < n; t++)
      for (let k = 0; k < 9; k++) tri[t * 9 + k] = dv.getFloat32(84 + t * 50 + 12 + k * 4, true);
    const header = decoder.decode(bytes.subarray(0, 80)).replace(/\0.*$/s, '').trim();
    const name = /^solid\s+(\S.*)$/.exec(header)?.[1]?.trim() || stem;
    return {
      format: 'stl',
      meshes: [{ name, kind: 'solid', ...weld(tri), materials: [] }],
      materials: [],
      textures: [],
      references: [],
    };
  }
  const text = decoder.decode(bytes);
  const names = new UniqueNames();
  const meshes: ModelMesh[] = [];
  let name: string | null = null;
  let tri: number[] = [];
  const flush = () => {
    if (name === null) return;
    meshes.push({ name: names.take(name), kind: 'solid', ...weld(new Float32Array(tri)), materials: [] });
    name = null;
    tri = [];
  };
  const lines = text.split(/\r?\n/);
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln]!.trim();
    if (line.startsWith('solid')) {
      flush();
      name = line.slice(5).trim() || stem;
    } else if (line.startsWith('vertex')) {
      const p = line.slice(6).trim().split(/\s+/).map(Number);
      if (p.length < 3 || !p.slice(0, 3).every(Number.isFinite))
        throw new DecodeError(path, 'stl', `line ${ln + 1}: bad vertex '${line}'`);
      if (name === null) name = stem;
      tri.push(p[0]!, p[1]!, p[2]!);
    } else if (line.startsWith('endsolid')) flush();
  }
  flush();
  for (const m of meshes)
    if (m.indices.length % 3)
      throw new DecodeError(path, 'stl', `solid ${m.name} has a vertex count that is not a multiple of 3`);
  return { format: 'stl', meshes, materials: [], textures: [], references: [] };
}

/* ---------------------------------------------------------------- glTF / GLB */

const MAIN = '\u0000vault-main-file';

/** PlatformIO whose files come from the caller (the model's bytes and readRelated), never from disk or network. */
class RelatedIO extends PlatformIO {
  constructor(
    private readonly main: Uint8Array,
    private readonly related: ((p: string) => Promise<Uint8Array | null>) | undefined,
  ) {
    super();
  }
  protected readURI(uri: string, type: 'view'): Promise<Uint8Array<ArrayBuffer>>;
  protected readURI(uri: string, type: 'text'): Promise<string>;
  protected async readURI(uri: string, type: 'view' | 'text'): Promise<Uint8Array | string> {
    let bytes: Uint8Array | null;
    if (uri === MAIN) bytes = this.main;
    else {
      let rel = uri;
      try {
        rel = decodeURIComponent(uri);
      } catch {
        /* keep as written */
      }
      bytes = this.related ? await this.related(rel) : null;
      if (!bytes) throw new Error(`referenced file '${rel}' is missing`);
    }
    return type === 'text' ? decoder.decode(bytes) : new Uint8Array(bytes);
  }
  protected resolve(_base: string, path: string): string {
    return path;
  }
  protected dirname(_uri: string): string {
    return '';
  }
}

function externalUris(json: { buffers?: { uri?: string }[]; images?: { uri?: string }[] }): {
  buffers: string[];
  images: string[];
} {
  const ext = (u?: string) => !!u && !u.startsWith('data:') && !u.startsWith('__');
  return {
    buffers: (json.buffers ?? []).map((b) => b.uri).filter(ext) as string[],
    images: (json.images ?? []).map((b) => b.uri).filter(ext) as string[],
  };
}

function glbJson(bytes: Uint8Array): Record<string, unknown> | null {
  if (bytes.length < 20) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== 0x46546c67) return null;
  const len = dv.getUint32(12, true);
  if (dv.getUint32(16, true) !== 0x4e4f534a || 20 + len > bytes.length) return null;
  return JSON.parse(decoder.decode(bytes.subarray(20, 20 + len)));
}

function meshPositions(
  mesh: GltfMesh,
  matrix?: number[],
): { positions: Float32Array; indices: Uint32Array; materials: string[] } {
  const pos: number[] = [];
  const idx: number[] = [];
  const mats = new Set<string>();
  for (const prim of mesh.listPrimitives()) {
    const attr = prim.getAttribute('POSITION');
    if (!attr) continue;
    const base = pos.length / 3;
    const v: number[] = [0, 0, 0];
    for (let i = 0; i < attr.getCount(); i++) {
      attr.getElement(i, v);
      if (matrix) {
        const m = matrix;
        const [x, y, z] = v as [number, number, number];
        pos.push(
          m[0]! * x + m[4]! * y + m[8]! * z + m[12]!,
          m[1]! * x + m[5]! * y + m[9]! * z + m[13]!,
          m[2]! * x + m[6]! * y + m[10]! * z + m[14]!,
        );
      } else pos.push(v[0]!, v[1]!, v[2]!);
    }
    const mode = prim.getMode();
    const ind = prim.getIndices();
    const n = ind ? ind.getCount() : attr.getCount();
    const at = (i: number) => base + (ind ? ind.getScalar(i) : i);
    if (mode === 4) for (let i = 0; i + 2 < n; i += 3) idx.push(at(i), at(i + 1), at(i + 2));
    else if (mode === 5)
      for (let i = 0; i + 2 < n; i++)
        idx.push(...(i % 2 ? [at(i + 1), at(i), at(i + 2)] : [at(i), at(i + 1), at(i + 2)]));
    else if (mode === 6) for (let i = 1; i + 1 < n; i++) idx.push(at(0), at(i), at(i + 1));
    const mat = prim.getMaterial();
    if (mat) mats.add(mat.getName() || 'material');
  }
  return { positions: new Float32Array(pos), indices: new Uint32Array(idx), materials: [...mats] };
}

async function parseGltf(
  bytes: Uint8Array,
  path: string,
  format: 'gltf' | 'glb',
  readRelated?: (p: string) => Promise<Uint8Array | null>,
): Promise<Model> {
  let json: Record<string, unknown> | null;
  try {
    json = format === 'glb' ? glbJson(bytes) : JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new DecodeError(path, format, `bad JSON: ${(e as Error).message}`);
  }
  if (!json) throw new DecodeError(path, format, 'not a GLB container (bad magic or JSON chunk)');
  const ext = externalUris(json as Parameters<typeof externalUris>[0]);
  const io = new RelatedIO(bytes, readRelated).setStrictResources(false).setLogger(new Logger(Verbosity.SILENT));
  let doc: Document;
  try {
    doc = await io.read(MAIN);
  } catch (e) {
    throw new DecodeError(path, format, (e as Error).message);
  }
  const root = doc.getRoot();
  const meshNames = new UniqueNames();
  const meshName = new Map<GltfMesh, string>();
  root.listMeshes().forEach((m, i) => meshName.set(m, meshNames.take(m.getName() || `mesh${i}`)));
  const matNames = new UniqueNames();
  const texUri = (t: { getURI(): string; getName(): string } | null) =>
    t ? t.getURI() || t.getName() || 'embedded' : null;
  const materials: ModelMaterial[] = root.listMaterials().map((m, i) => {
    const textures = [
      m.getBaseColorTexture(),
      m.getNormalTexture(),
      m.getEmissiveTexture(),
      m.getOcclusionTexture(),
      m.getMetallicRoughnessTexture(),
    ]
      .map(texUri)
      .filter((t): t is string => !!t);
    return {
      name: matNames.take(m.getName() || `material${i}`),
      props: {
        baseColorFactor: [...m.getBaseColorFactor()],
        emissiveFactor: [...m.getEmissiveFactor()],
        metallicFactor: m.getMetallicFactor(),
        roughnessFactor: m.getRoughnessFactor(),
        alphaMode: m.getAlphaMode(),
        doubleSided: m.getDoubleSided(),
        ...(m.getBaseColorTexture() ? { baseColorTexture: texUri(m.getBaseColorTexture()) } : {}),
        ...(m.getNormalTexture() ? { normalTexture: texUri(m.getNormalTexture()) } : {}),
      },
      textures,
    };
  });
  const meshes: ModelMesh[] = [];
  const nodeNames = new UniqueNames();
  const nodeName = new Map<GltfNode, string>();
  root.listNodes().forEach((n, i) => nodeName.set(n, nodeNames.take(n.getName() || `node${i}`)));
  for (const n of root.listNodes()) {
    const mesh = n.getMesh();
    const parent = n.getParentNode();
    const geo = mesh
      ? meshPositions(mesh, n.getWorldMatrix() as unknown as number[])
      : { positions: new Float32Array(0), indices: new Uint32Array(0), materials: [] };
    meshes.push({
      name: nodeName.get(n)!,
      kind: 'node',
      ...geo,
      ...(mesh ? { mesh: meshName.get(mesh) } : {}),
      ...(parent ? { parent: nodeName.get(parent) } : {}),
    });
  }
  for (const m of root.listMeshes()) meshes.push({ name: meshName.get(m)!, kind: 'mesh', ...meshPositions(m) });
  const textures = uniq(root.listTextures().map((t) => t.getURI() || t.getName() || 'embedded'));
  return { format, meshes, materials, textures, references: uniq([...ext.buffers, ...ext.images]) };
}

/* ---------------------------------------------------------------- entry point */

/**
 * Parse a model. `readRelated(relativePath)` gives the bytes of a file the model references
 * (MTL libraries, glTF .bin buffers and images), relative to the model's folder, or null when
 * it is missing; without it, OBJ materials are empty and glTF with external buffers fails.
 */
export async function parseModel(
  bytes: Uint8Array,
  path: string,
  readRelated?: (relativePath: string) => Promise<Uint8Array | null>,
): Promise<Model> {
  let format = modelFormatOf(path);
  if (!format && bytes.length >= 4 && bytes[0] === 0x67 && bytes[1] === 0x6c && bytes[2] === 0x54 && bytes[3] === 0x46)
    format = 'glb';
  if (!format) throw new UnsupportedFormatError(path, 'this file type', 'not an OBJ, STL, glTF or GLB model');
  if (bytes.length > MAX_MODEL_BYTES)
    throw new TooLargeError(path, `${bytes.length} bytes`, `${MAX_MODEL_BYTES} bytes`);
  try {
    if (format === 'obj') return await parseObj(bytes, path, readRelated);
    if (format === 'stl') return parseStl(bytes, path);
    return await parseGltf(bytes, path, format, readRelated);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TooLargeError || e instanceof UnsupportedFormatError) throw e;
    throw new DecodeError(path, format, (e as Error)?.message ?? String(e));
  }
}
