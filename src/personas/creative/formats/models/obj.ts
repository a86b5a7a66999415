/**
 * Wavefront OBJ and its MTL material libraries (line formats, read here: no maintained parser library is installed).
 */
import { DecodeError } from '../errors.js';
import { type Model, type ModelMaterial, type ModelMesh, UniqueNames, uniq } from './model.js';

const decoder = new TextDecoder('utf-8');

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
    const [only] = nums;
    if (!rest.length || !nums.every((n) => Number.isFinite(n))) cur.props[key] = rest.join(' ');
    else cur.props[key] = nums.length === 1 && only !== undefined ? only : nums;
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

export async function parseObj(
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
