/** STL, ASCII and binary (record formats, read here). */
import { DecodeError } from '../errors.js';
import { type Model, type ModelMesh, UniqueNames } from './model.js';

const decoder = new TextDecoder('utf-8');

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

export function parseStl(bytes: Uint8Array, path: string): Model {
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
