import { bounds, type Model, type ModelMaterial, type ModelMesh } from '../formats/models.js';
import type { ElementStatus, PropertyChange } from './psdDiff.js';

export interface Bounds {
  readonly min: readonly [number, number, number];
  readonly max: readonly [number, number, number];
}

export interface MeshDiff {
  readonly name: string;
  readonly kind: ModelMesh['kind'];
  readonly status: ElementStatus;
  readonly vertices: { readonly before: number | null; readonly after: number | null };
  readonly triangles: { readonly before: number | null; readonly after: number | null };
  readonly bounds: { readonly before: Bounds | null; readonly after: Bounds | null };
  /** after.min - before.min and after.max - before.max, when both exist and differ */
  readonly boundsDelta?: { readonly min: [number, number, number]; readonly max: [number, number, number] };
  /** positions or triangles differ */
  readonly geometryChanged: boolean;
  readonly materialsAdded: readonly string[];
  readonly materialsRemoved: readonly string[];
  /** glTF nodes: a different mesh or parent */
  readonly properties: readonly PropertyChange[];
}

export interface MaterialDiff {
  readonly name: string;
  readonly status: ElementStatus;
  readonly properties: readonly PropertyChange[];
  readonly texturesAdded: readonly string[];
  readonly texturesRemoved: readonly string[];
}

export interface ModelDiffReport {
  readonly before: {
    readonly format: Model['format'];
    readonly meshes: number;
    readonly vertices: number;
    readonly triangles: number;
    readonly materials: number;
  } | null;
  readonly after: {
    readonly format: Model['format'];
    readonly meshes: number;
    readonly vertices: number;
    readonly triangles: number;
    readonly materials: number;
  } | null;
  /** every object/group/mesh/node/solid, unchanged ones included */
  readonly meshes: readonly MeshDiff[];
  readonly materials: readonly MaterialDiff[];
  /** changed: referenced on both sides and the file's bytes differ (filled in by visualDiff, which can read them) */
  readonly textures: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed?: readonly string[];
  };
  readonly references: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly bounds: { readonly before: Bounds | null; readonly after: Bounds | null };
}

const EPS = 1e-6;

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

function roundBounds(b: ReturnType<typeof bounds>): Bounds | null {
  return b
    ? { min: b.min.map(round) as [number, number, number], max: b.max.map(round) as [number, number, number] }
    : null;
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>, eps = 0): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > eps) return false;
  return true;
}

function minus(a: readonly string[], b: readonly string[]): string[] {
  const s = new Set(b);
  return [...new Set(a)].filter((x) => !s.has(x));
}

function summary(m: Model | null): ModelDiffReport['before'] {
  if (!m) return null;
  const parts = m.meshes.filter((x) => x.kind !== 'mesh' || (m.format !== 'gltf' && m.format !== 'glb'));
  return {
    format: m.format,
    meshes: m.meshes.length,
    vertices: parts.reduce((s, x) => s + x.positions.length / 3, 0),
    triangles: parts.reduce((s, x) => s + x.indices.length / 3, 0),
    materials: m.materials.length,
  };
}

function allPositions(m: Model | null): Float32Array {
  if (!m) return new Float32Array(0);
  // glTF: nodes carry world-space copies of their meshes; count those, not the local mesh geometry
  const parts = m.meshes.filter((x) => x.kind !== 'mesh' || (m.format !== 'gltf' && m.format !== 'glb'));
  const out = new Float32Array(parts.reduce((s, x) => s + x.positions.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p.positions, o);
    o += p.positions.length;
  }
  return out;
}

function meshDiff(x: ModelMesh | undefined, y: ModelMesh | undefined): MeshDiff {
  const m = (y ?? x)!;
  const bx = x ? roundBounds(bounds(x.positions)) : null;
  const by = y ? roundBounds(bounds(y.positions)) : null;
  const geometryChanged = !!x && !!y && (!sameArray(x.positions, y.positions, EPS) || !sameArray(x.indices, y.indices));
  const properties: PropertyChange[] = [];
  if (x && y) {
    properties.push(...transformChanges(x, y));
    if ((x.mesh ?? null) !== (y.mesh ?? null))
      properties.push({ key: 'mesh', before: x.mesh ?? null, after: y.mesh ?? null });
    if ((x.parent ?? null) !== (y.parent ?? null))
      properties.push({ key: 'parent', before: x.parent ?? null, after: y.parent ?? null });
  }
  const materialsAdded = x && y ? minus(y.materials, x.materials) : [];
  const materialsRemoved = x && y ? minus(x.materials, y.materials) : [];
  const changed = !!(geometryChanged || properties.length || materialsAdded.length || materialsRemoved.length);
  const status = statusOf(x, y, changed);
  const delta =
    bx && by && JSON.stringify(bx) !== JSON.stringify(by)
      ? {
          min: bx.min.map((v, i) => round(by.min[i]! - v)) as [number, number, number],
          max: bx.max.map((v, i) => round(by.max[i]! - v)) as [number, number, number],
        }
      : undefined;
  return {
    name: m.name,
    kind: m.kind,
    status,
    vertices: { before: x ? x.positions.length / 3 : null, after: y ? y.positions.length / 3 : null },
    triangles: { before: x ? x.indices.length / 3 : null, after: y ? y.indices.length / 3 : null },
    bounds: { before: bx, after: by },
    ...(delta ? { boundsDelta: delta } : {}),
    geometryChanged,
    materialsAdded,
    materialsRemoved,
    properties,
  };
}

/**
 * Euler angles in degrees (X, then Y, then Z, about the node's own axes: Blender's default order)
 * of a unit quaternion [x, y, z, w], rounded to 0.01 degree.
 */

/** An element only in b was added, only in a removed; in both, changed or not. */
function statusOf(x: unknown, y: unknown, changed: boolean): ElementStatus {
  if (!x) return 'added';
  if (!y) return 'removed';
  return changed ? 'changed' : 'unchanged';
}
export function eulerDegrees(q: readonly [number, number, number, number]): [number, number, number] {
  const [x, y, z, w] = q;
  const m11 = 1 - 2 * (y * y + z * z);
  const m12 = 2 * (x * y - z * w);
  const m13 = 2 * (x * z + y * w);
  const m22 = 1 - 2 * (x * x + z * z);
  const m23 = 2 * (y * z - x * w);
  const m32 = 2 * (y * z + x * w);
  const m33 = 1 - 2 * (x * x + y * y);
  const ey = Math.asin(Math.max(-1, Math.min(1, m13)));
  const [ex, ez] =
    Math.abs(m13) < 0.9999999 ? [Math.atan2(-m23, m33), Math.atan2(-m12, m11)] : [Math.atan2(m32, m22), 0];
  const deg = (r: number) => Math.round(((r * 180) / Math.PI) * 100) / 100 || 0;
  return [deg(ex), deg(ey), deg(ez)];
}

/** glTF nodes: translation, rotation (as angles) and scale that differ. */
function transformChanges(x: ModelMesh, y: ModelMesh): PropertyChange[] {
  const [a, b] = [x.transform, y.transform];
  if (!a || !b) return [];
  const out: PropertyChange[] = [];
  const r6 = (v: readonly number[]) => v.map(round);
  if (!sameArray(a.translation, b.translation, EPS))
    out.push({ key: 'translation', before: r6(a.translation), after: r6(b.translation) });
  if (!sameArray(a.rotation, b.rotation, EPS))
    out.push({ key: 'rotation', before: eulerDegrees(a.rotation), after: eulerDegrees(b.rotation), unit: 'degrees' });
  if (!sameArray(a.scale, b.scale, EPS)) out.push({ key: 'scale', before: r6(a.scale), after: r6(b.scale) });
  return out;
}

function materialDiff(x: ModelMaterial | undefined, y: ModelMaterial | undefined): MaterialDiff {
  const m = (y ?? x)!;
  const properties: PropertyChange[] = [];
  if (x && y) {
    for (const key of new Set([...Object.keys(x.props), ...Object.keys(y.props)])) {
      const [p, q] = [x.props[key], y.props[key]];
      if (JSON.stringify(p) !== JSON.stringify(q)) properties.push({ key, before: p ?? null, after: q ?? null });
    }
  }
  const texturesAdded = x && y ? minus(y.textures, x.textures) : [];
  const texturesRemoved = x && y ? minus(x.textures, y.textures) : [];
  const status = statusOf(x, y, !!(properties.length || texturesAdded.length || texturesRemoved.length));
  return { name: m.name, status, properties, texturesAdded, texturesRemoved };
}

/**
 * Per object/group/mesh/node: added, removed, changed (vertex/triangle counts, bounds); materials and textures added,
 * removed, changed.
 */
export function diffModels(before: Model | null, after: Model | null): ModelDiffReport {
  const key = (m: ModelMesh) => `${m.kind}\u0000${m.name}`;
  const a = new Map((before?.meshes ?? []).map((m) => [key(m), m]));
  const b = new Map((after?.meshes ?? []).map((m) => [key(m), m]));
  const keys = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  const ma = new Map((before?.materials ?? []).map((m) => [m.name, m]));
  const mb = new Map((after?.materials ?? []).map((m) => [m.name, m]));
  const mkeys = [...mb.keys(), ...[...ma.keys()].filter((k) => !mb.has(k))];
  return {
    before: summary(before),
    after: summary(after),
    meshes: keys.map((k) => meshDiff(a.get(k), b.get(k))),
    materials: mkeys.map((k) => materialDiff(ma.get(k), mb.get(k))),
    textures: {
      added: minus(after?.textures ?? [], before?.textures ?? []),
      removed: minus(before?.textures ?? [], after?.textures ?? []),
    },
    references: {
      added: minus(after?.references ?? [], before?.references ?? []),
      removed: minus(before?.references ?? [], after?.references ?? []),
    },
    bounds: {
      before: before ? roundBounds(bounds(allPositions(before))) : null,
      after: after ? roundBounds(bounds(allPositions(after))) : null,
    },
  };
}
