/** glTF and GLB through @gltf-transform (formats/gltfIo.ts): nodes in world space, meshes in their own space. */
import type { Document, Mesh as GltfMesh, Node as GltfNode, Texture } from '@gltf-transform/core';
import { DecodeError } from '../errors.js';
import { externalUris, gltfJson, readGltf, type GltfJson, type ReadRelated } from '../gltfIo.js';
import { type Model, type ModelMaterial, type ModelMesh, UniqueNames, uniq } from './model.js';

type Geometry = { positions: Float32Array; indices: Uint32Array; materials: string[] };

function triangles(mode: number, n: number, at: (i: number) => number, out: number[]): void {
  if (mode === 4) for (let i = 0; i + 2 < n; i += 3) out.push(at(i), at(i + 1), at(i + 2));
  else if (mode === 5)
    for (let i = 0; i + 2 < n; i++) {
      if (i % 2) out.push(at(i + 1), at(i), at(i + 2));
      else out.push(at(i), at(i + 1), at(i + 2));
    }
  else if (mode === 6) for (let i = 1; i + 1 < n; i++) out.push(at(0), at(i), at(i + 1));
}

function meshPositions(mesh: GltfMesh, m?: readonly number[]): Geometry {
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
      const [x, y, z] = v as [number, number, number];
      if (m)
        pos.push(
          m[0]! * x + m[4]! * y + m[8]! * z + m[12]!,
          m[1]! * x + m[5]! * y + m[9]! * z + m[13]!,
          m[2]! * x + m[6]! * y + m[10]! * z + m[14]!,
        );
      else pos.push(x, y, z);
    }
    const ind = prim.getIndices();
    triangles(prim.getMode(), ind ? ind.getCount() : attr.getCount(), (i) => base + (ind ? ind.getScalar(i) : i), idx);
    const mat = prim.getMaterial();
    if (mat) mats.add(mat.getName() || 'material');
  }
  return { positions: new Float32Array(pos), indices: new Uint32Array(idx), materials: [...mats] };
}

const texUri = (t: Texture | null) => (t ? t.getURI() || t.getName() || 'embedded' : null);

const SKIP = new Set(['getName', 'getExtras', 'getDefaults', 'getExtension', 'getGraph']);

/**
 * The values of an extension property (clearcoatFactor, transmissionTexture...), read through its public
 * getters: numbers, strings, booleans and number arrays as they are, textures by their URI or name.
 */
function extensionValues(p: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (
    let proto = Object.getPrototypeOf(p);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const f = (p as Record<string, unknown>)[key];
      if (!/^get[A-Z]/.test(key) || SKIP.has(key) || typeof f !== 'function' || f.length !== 0) continue;
      const name = key[3]!.toLowerCase() + key.slice(4);
      if (name in out) continue;
      const v: unknown = f.call(p);
      if (['number', 'string', 'boolean'].includes(typeof v)) out[name] = v;
      else if (Array.isArray(v) || ArrayBuffer.isView(v)) out[name] = [...(v as number[])].slice(0, 16);
      else if (v && typeof (v as Texture).getURI === 'function') out[name] = texUri(v as Texture);
    }
  }
  return out;
}

function materialsOf(doc: Document): ModelMaterial[] {
  const names = new UniqueNames();
  return doc
    .getRoot()
    .listMaterials()
    .map((m, i) => {
      const slots = [
        m.getBaseColorTexture(),
        m.getNormalTexture(),
        m.getEmissiveTexture(),
        m.getOcclusionTexture(),
        m.getMetallicRoughnessTexture(),
      ];
      const extensions = Object.fromEntries(m.listExtensions().map((e) => [e.extensionName, extensionValues(e)]));
      return {
        name: names.take(m.getName() || `material${i}`),
        props: {
          baseColorFactor: [...m.getBaseColorFactor()],
          emissiveFactor: [...m.getEmissiveFactor()],
          metallicFactor: m.getMetallicFactor(),
          roughnessFactor: m.getRoughnessFactor(),
          alphaMode: m.getAlphaMode(),
          doubleSided: m.getDoubleSided(),
          ...(m.getBaseColorTexture() ? { baseColorTexture: texUri(m.getBaseColorTexture()) } : {}),
          ...(m.getNormalTexture() ? { normalTexture: texUri(m.getNormalTexture()) } : {}),
          ...(Object.keys(extensions).length ? { extensions } : {}),
        },
        textures: slots.map(texUri).filter((t): t is string => !!t),
      };
    });
}

function nodesOf(doc: Document, meshName: Map<GltfMesh, string>): ModelMesh[] {
  const names = new UniqueNames();
  const nodeName = new Map<GltfNode, string>();
  const nodes = doc.getRoot().listNodes();
  nodes.forEach((n, i) => nodeName.set(n, names.take(n.getName() || `node${i}`)));
  return nodes.map((n) => {
    const mesh = n.getMesh();
    const parent = n.getParentNode();
    const geo = mesh
      ? meshPositions(mesh, n.getWorldMatrix() as unknown as number[])
      : { positions: new Float32Array(0), indices: new Uint32Array(0), materials: [] };
    return {
      name: nodeName.get(n)!,
      kind: 'node' as const,
      ...geo,
      ...(mesh ? { mesh: meshName.get(mesh) } : {}),
      ...(parent ? { parent: nodeName.get(parent) } : {}),
      transform: { translation: n.getTranslation(), rotation: n.getRotation(), scale: n.getScale() },
    };
  });
}

export async function parseGltf(
  bytes: Uint8Array,
  path: string,
  format: 'gltf' | 'glb',
  readRelated?: ReadRelated,
): Promise<Model> {
  let json: GltfJson;
  try {
    json = gltfJson(bytes);
  } catch (e) {
    throw new DecodeError(path, format, (e as Error).message);
  }
  const ext = externalUris(json);
  let doc: Document;
  try {
    doc = await readGltf(bytes, readRelated, { strictImages: false });
  } catch (e) {
    throw new DecodeError(path, format, (e as Error).message);
  }
  const root = doc.getRoot();
  const meshNames = new UniqueNames();
  const meshName = new Map<GltfMesh, string>();
  root.listMeshes().forEach((m, i) => meshName.set(m, meshNames.take(m.getName() || `mesh${i}`)));
  const meshes: ModelMesh[] = nodesOf(doc, meshName);
  for (const m of root.listMeshes()) meshes.push({ name: meshName.get(m)!, kind: 'mesh', ...meshPositions(m) });
  const textures = uniq(root.listTextures().map((t) => t.getURI() || t.getName() || 'embedded'));
  return {
    format,
    meshes,
    materials: materialsOf(doc),
    textures,
    references: uniq([...ext.buffers, ...ext.images]),
  };
}
