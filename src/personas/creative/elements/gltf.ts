/**
 * glTF / GLB nodes, meshes and materials (@gltf-transform/core).
 *
 * Names: nodes by their path in the scene (`Robot/Arm`), meshes and materials
 * by name; `node:Cube` / `mesh:Cube` tell same-named elements apart. Unnamed
 * ones are `node3`, `mesh0`... by index.
 *
 * Restore copies the element from the old document into the current one with
 * a resolver that copies what it uses (primitives, accessors, textures,
 * cameras) into the current document, with every buffer view going into the
 * current file's buffer:
 * - a **mesh** or **material** is overwritten in place, so every node and
 *   primitive using it now uses the old version;
 * - a **node** gets its old transform, mesh, camera and extras, and keeps its
 *   current place and children (each child is an element of its own); a node
 *   the current file lost is added back under its old parent (or the scene),
 *   with the children the current file does not have;
 * - a restored node or mesh brings its old materials and textures: a current
 *   material of the same name is overwritten when only the replaced mesh uses
 *   it, and kept (with a note) when other meshes use it too; missing ones are
 *   copied.
 * What the replaced element alone used (accessors, textures) is removed; the
 * rest of the file keeps its data. A `.gltf` keeps its layout: buffers and
 * images in separate files are read from the same snapshot (or the project
 * folder) and written back to the same files, embedded ones stay embedded.
 * Extensions (KHR_materials_*, KHR_texture_transform, lights...) are read and
 * written by @gltf-transform/extensions, so they survive; a file with
 * compressed geometry (Draco, meshopt) is refused.
 */
import { nodeCrypto } from '../../../builtins.js';
import {
  type Document,
  PropertyType,
  type Material,
  type Mesh,
  type Node,
  type Property,
  type Texture,
} from '@gltf-transform/core';
import { gltfJson, isGlb, readGltf, writeGltf } from '../formats/gltfIo.js';
import { ElementFormatError, UnsupportedElementFormatError } from './errors.js';
import { pickElement, siblingNamer } from './match.js';
import type {
  ElementFormat,
  ElementInfo,
  ElementPrint,
  Fingerprint,
  FormatRestore,
  ReadRelated,
  RemoveInput,
  RestoreInput,
  Side,
} from './types.js';

/** extensions that compress geometry: reading them needs a decoder Vault does not ship, writing would drop them */
const COMPRESSION = new Set(['KHR_draco_mesh_compression', 'EXT_meshopt_compression']);

async function parse(bytes: Uint8Array, side: Side, readRelated?: ReadRelated): Promise<Document> {
  let json;
  try {
    json = gltfJson(bytes);
  } catch (e) {
    throw new ElementFormatError(side.path, side.where, `not a readable glTF: ${(e as Error).message}`);
  }
  const packed = (json.extensionsUsed ?? []).filter((x) => COMPRESSION.has(x));
  if (packed.length)
    throw new UnsupportedElementFormatError(
      side.path,
      `it uses compressed geometry (${packed.join(', ')}); decompress it (e.g. gltf-transform copy) first`,
    );
  try {
    return await readGltf(bytes, readRelated);
  } catch (e) {
    throw new ElementFormatError(side.path, side.where, `not a readable glTF: ${(e as Error).message}`);
  }
}

/** The written file, plus the separate files (.bin, images) whose bytes differ from what the folder has now. */
async function write(
  doc: Document,
  glb: boolean,
  currentRelated: ReadRelated | undefined,
): Promise<{ data: Uint8Array; related: Map<string, Uint8Array> }> {
  const { main, resources } = await writeGltf(doc, glb);
  const related = new Map<string, Uint8Array>();
  for (const [uri, bytes] of resources) {
    const now = currentRelated ? await currentRelated(uri) : null;
    if (!now || !Buffer.from(now).equals(Buffer.from(bytes))) related.set(uri, bytes);
  }
  return { data: main, related };
}

interface Named<T> {
  readonly name: string;
  readonly item: T;
}

function nodePaths(doc: Document): Named<Node>[] {
  const out: Named<Node>[] = [];
  const seen = new Set<Node>();
  const all = doc.getRoot().listNodes();
  const label = (n: Node) => n.getName() || `node${all.indexOf(n)}`;
  const visit = (nodes: Node[], prefix: string) => {
    const named = siblingNamer();
    for (const n of nodes) {
      if (seen.has(n)) continue;
      seen.add(n);
      const name = `${prefix}${named(label(n))}`;
      out.push({ name, item: n });
      visit(n.listChildren(), `${name}/`);
    }
  };
  for (const s of doc.getRoot().listScenes()) visit(s.listChildren(), '');
  // nodes in no scene, as top-level paths
  visit(
    all.filter((n) => !n.getParentNode() && !seen.has(n)),
    '',
  );
  return out;
}

function named<T extends Property>(items: T[], prefix: string): Named<T>[] {
  const n = siblingNamer();
  return items.map((item, i) => ({ name: n(item.getName() || `${prefix}${i}`), item }));
}

function vertexCount(mesh: Mesh): number {
  return mesh.listPrimitives().reduce((s, p) => s + (p.getAttribute('POSITION')?.getCount() ?? 0), 0);
}

function listOf(doc: Document): ElementInfo[] {
  const out: ElementInfo[] = [];
  for (const { name, item } of nodePaths(doc)) {
    const t = item.getTranslation();
    out.push({
      name,
      kind: 'node',
      details: { mesh: item.getMesh()?.getName() ?? null, children: item.listChildren().length, translation: [...t] },
    });
  }
  for (const { name, item } of named(doc.getRoot().listMeshes(), 'mesh')) {
    out.push({
      name,
      kind: 'mesh',
      details: {
        primitives: item.listPrimitives().length,
        vertices: vertexCount(item),
        materials: [...new Set(item.listPrimitives().map((p) => p.getMaterial()?.getName() ?? null))],
      },
    });
  }
  for (const { name, item } of named(doc.getRoot().listMaterials(), 'material')) {
    out.push({
      name,
      kind: 'material',
      details: {
        baseColor: [...item.getBaseColorFactor()],
        baseColorTexture: item.getBaseColorTexture()?.getName() ?? null,
      },
    });
  }
  return out;
}

/**
 * Copies properties of `from` into `to`: every property reached is copied once;
 * buffers become `to`'s buffer; nodes, and materials (unless `copyMaterials`),
 * resolve to `to`'s of the same name when it has one (such a material is
 * overwritten with the old one when only replaced primitives use it); textures
 * with the same image are shared.
 */
interface ResolveOptions {
  copyMaterials: boolean;
  /** primitives the restore replaces: a material only they use is overwritten with the old one */
  replacing?: Set<Property>;
  /** names of current materials kept because other meshes use them too */
  shared?: Set<string>;
  /** what overwriting a material freed (its textures) */
  orphans?: Property[];
}

function resolver(to: Document, opts: ResolveOptions) {
  const memo = new Map<Property, Property>();
  const graph = to.getGraph();
  const buffer = () => to.getRoot().listBuffers()[0] ?? to.createBuffer();
  const resolve = (p: Property): Property => {
    const hit = memo.get(p);
    if (hit) return hit;
    const type = p.propertyType;
    if (type === PropertyType.BUFFER) return buffer();
    if (type === PropertyType.MATERIAL && !opts.copyMaterials) {
      const same = to
        .getRoot()
        .listMaterials()
        .find((m) => m.getName() === p.getName() && p.getName() !== '');
      if (same) {
        memo.set(p, same);
        if (same.equals(p as Material)) return same;
        const root = to.getRoot();
        const users = same.listParents().filter((x) => x !== root);
        if (users.every((u) => opts.replacing?.has(u))) {
          // only what is being replaced uses it: it gets its old look back too
          opts.orphans?.push(...texturesOf(same));
          same.copy(p as Material, resolve as never);
        } else opts.shared?.add(p.getName());
        return same;
      }
    }
    if (type === PropertyType.NODE) {
      const same = to
        .getRoot()
        .listNodes()
        .find((n) => n.getName() === p.getName());
      if (same) return same;
    }
    if (type === PropertyType.TEXTURE) {
      const img = (p as Texture).getImage();
      const same =
        img &&
        to
          .getRoot()
          .listTextures()
          .find(
            (t) =>
              t.getMimeType() === (p as Texture).getMimeType() &&
              Buffer.from(t.getImage() ?? []).equals(Buffer.from(img)),
          );
      if (same) return same;
    }
    const copy = new (p.constructor as new (g: typeof graph) => Property)(graph);
    memo.set(p, copy);
    copy.copy(p as never, resolve as never);
    return copy;
  };
  return resolve;
}

/**
 * The properties in `candidates` that nothing uses any more (parents before children: a disposed mesh frees its
 * primitives).
 */
function disposeOrphans(doc: Document, candidates: Iterable<Property>): void {
  const root = doc.getRoot();
  for (const p of candidates) {
    if (p.isDisposed()) continue;
    if (p.listParents().every((x) => x === root)) p.dispose();
  }
}

/** Extensions the old document uses that the current one lacks: registered, so what was copied is written. */
function adoptExtensions(cur: Document, old: Document): void {
  const have = new Set(
    cur
      .getRoot()
      .listExtensionsUsed()
      .map((e) => e.extensionName),
  );
  for (const e of old.getRoot().listExtensionsUsed()) {
    if (have.has(e.extensionName)) continue;
    const made = cur.createExtension(e.constructor as never) as { setRequired(r: boolean): unknown };
    made.setRequired(e.isRequired());
  }
}

function usedBy(mesh: Mesh | null): Property[] {
  if (!mesh) return [];
  const out: Property[] = [mesh];
  for (const prim of mesh.listPrimitives()) {
    out.push(prim, ...prim.listTargets());
    out.push(...prim.listAttributes());
    const idx = prim.getIndices();
    if (idx) out.push(idx);
    for (const t of prim.listTargets()) out.push(...t.listAttributes());
  }
  return out;
}

function texturesOf(m: Material): Texture[] {
  return [
    m.getBaseColorTexture(),
    m.getNormalTexture(),
    m.getOcclusionTexture(),
    m.getEmissiveTexture(),
    m.getMetallicRoughnessTexture(),
  ].filter((t): t is Texture => !!t);
}

async function restore(opts: RestoreInput): Promise<FormatRestore> {
  const curSide = { path: opts.path, where: 'the project folder' };
  const oldSide = { path: opts.path, where: opts.oldWhere };
  const cur = await parse(opts.current, curSide, opts.currentRelated);
  const old = await parse(opts.old, oldSide, opts.oldRelated);
  const target = pickElement(listOf(old), opts.element, oldSide);
  const notes: string[] = [];
  let action: FormatRestore['action'] = 'replaced';
  const orphans: Property[] = [];
  const sharedMaterials = new Set<string>();
  const replacing = new Set<Property>();
  const matOpts: ResolveOptions = { copyMaterials: false, replacing, shared: sharedMaterials, orphans };

  if (target.kind === 'material') {
    const from = named(old.getRoot().listMaterials(), 'material').find((m) => m.name === target.name)!.item;
    const here = named(cur.getRoot().listMaterials(), 'material').find((m) => m.name === target.name)?.item;
    const resolve = resolver(cur, { copyMaterials: true });
    if (here) {
      orphans.push(...texturesOf(here));
      here.copy(from, resolve as never);
    } else {
      resolve(from);
      action = 'inserted';
      notes.push('the material was added back; no mesh uses it yet');
    }
  } else if (target.kind === 'mesh') {
    const from = named(old.getRoot().listMeshes(), 'mesh').find((m) => m.name === target.name)!.item;
    const here = named(cur.getRoot().listMeshes(), 'mesh').find((m) => m.name === target.name)?.item;
    const resolve = resolver(cur, matOpts);
    if (here) {
      for (const prim of here.listPrimitives()) replacing.add(prim);
      orphans.push(...usedBy(here).filter((p) => p !== here));
      here.copy(from, resolve as never);
    } else {
      resolve(from);
      action = 'inserted';
      notes.push('the mesh was added back; no node uses it yet (restore the node that had it)');
    }
  } else {
    const fromAll = nodePaths(old);
    const from = fromAll.find((n) => n.name === target.name)!.item;
    const curAll = nodePaths(cur);
    const here = curAll.find((n) => n.name === target.name)?.item;
    const resolve = resolver(cur, matOpts);
    const assign = (dst: Node, src: Node) => {
      dst
        .setTranslation([...src.getTranslation()] as never)
        .setRotation([...src.getRotation()] as never)
        .setScale([...src.getScale()] as never);
      dst.setWeights([...src.getWeights()]).setExtras(JSON.parse(JSON.stringify(src.getExtras())));
      const mesh = src.getMesh();
      const was = dst.getMesh();
      // the node's current mesh is replaced for every node only when this node alone uses it
      if (was && was.listParents().every((x) => x === dst || x === cur.getRoot()))
        for (const prim of was.listPrimitives()) replacing.add(prim);
      orphans.push(...usedBy(was));
      dst.setMesh(mesh ? (resolve(mesh) as Mesh) : null);
      const cam = src.getCamera();
      if (dst.getCamera()) orphans.push(dst.getCamera()!);
      dst.setCamera(cam ? (resolve(cam) as never) : null);
      if (src.getSkin())
        notes.push(`node '${src.getName()}' has a skin: it was not restored (the current skin, if any, is kept)`);
    };
    const present = new Set(
      cur
        .getRoot()
        .listNodes()
        .map((n) => n.getName()),
    );
    const addBack = (src: Node, parent: Node | null): Node => {
      const n = cur.createNode(src.getName());
      assign(n, src);
      if (parent) parent.addChild(n);
      else (cur.getRoot().getDefaultScene() ?? cur.getRoot().listScenes()[0] ?? cur.createScene()).addChild(n);
      for (const child of src.listChildren()) if (!present.has(child.getName())) addBack(child, n);
      return n;
    };
    if (here) assign(here, from);
    else {
      const parentName = target.name.includes('/') ? target.name.slice(0, target.name.lastIndexOf('/')) : '';
      const parent = parentName ? (curAll.find((n) => n.name === parentName)?.item ?? null) : null;
      if (parentName && !parent)
        notes.push(`parent node '${parentName}' is not in the current file: the node was put at the top of the scene`);
      addBack(from, parent);
      action = 'inserted';
    }
  }
  disposeOrphans(cur, orphans);
  adoptExtensions(cur, old);
  if (sharedMaterials.size)
    notes.push(
      `material${sharedMaterials.size === 1 ? '' : 's'} ` +
        `${[...sharedMaterials].join(', ')} ${sharedMaterials.size === 1 ? 'is' : 'are'} ` +
        `also used by other meshes: the current version was kept (restore ` +
        `it with --element material:NAME for the old look everywhere)`,
    );
  let written;
  try {
    written = await write(cur, isGlb(opts.current), opts.currentRelated);
  } catch (e) {
    throw new ElementFormatError(opts.path, 'writing the result', (e as Error).message);
  }
  for (const uri of written.related.keys()) notes.push(`${uri} (a file the model uses) was written too`);
  return { data: written.data, related: written.related, element: target, action, notes };
}

function digest(parts: unknown[]): string {
  const h = nodeCrypto().createHash('sha256');
  for (const p of parts) {
    if (ArrayBuffer.isView(p)) h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    else h.update(JSON.stringify(p) ?? 'undefined');
    h.update('\u0000');
  }
  return h.digest('hex');
}

function meshSig(m: Mesh): string {
  return digest(
    m
      .listPrimitives()
      .flatMap((p) => [
        p.getMode(),
        p.getMaterial()?.getName() ?? null,
        ...p.listSemantics().flatMap((k) => [k, p.getAttribute(k)!.getArray() ?? null]),
        p.getIndices()?.getArray() ?? null,
        p.listTargets().length,
      ]),
  );
}

function materialSig(m: Material): string {
  const tex = (t: Texture | null) => t?.getImage() ?? null;
  return digest([
    m.getBaseColorFactor(),
    m.getEmissiveFactor(),
    m.getMetallicFactor(),
    m.getRoughnessFactor(),
    m.getAlphaMode(),
    m.getAlphaCutoff(),
    m.getDoubleSided(),
    m.getExtras(),
    ...texturesOf(m).map(tex),
    m.listExtensions().map((e) => e.extensionName),
  ]);
}

async function fingerprint(bytes: Uint8Array, side: Side, readRelated?: ReadRelated): Promise<Fingerprint> {
  const doc = await parse(bytes, side, readRelated);
  const elements = new Map<string, ElementPrint>();
  for (const { name, item } of nodePaths(doc)) {
    const sig = digest([
      item.getTranslation(),
      item.getRotation(),
      item.getScale(),
      item.getMesh()?.getName() ?? null,
      item.getCamera()?.getName() ?? null,
      item.getExtras(),
    ]);
    const parent = name.includes('/') ? `node:${name.slice(0, name.lastIndexOf('/'))}` : undefined;
    elements.set(`node:${name}`, { name, kind: 'node', sig, ...(parent ? { parent } : {}) });
  }
  for (const { name, item } of named(doc.getRoot().listMeshes(), 'mesh'))
    elements.set(`mesh:${name}`, { name, kind: 'mesh', sig: meshSig(item) });
  for (const { name, item } of named(doc.getRoot().listMaterials(), 'material'))
    elements.set(`material:${name}`, { name, kind: 'material', sig: materialSig(item) });
  const root = doc.getRoot();
  const rest = JSON.stringify([
    root.listScenes().map((x) => x.getName()),
    root.listAnimations().map((a) => [a.getName(), a.listChannels().length]),
    root.listSkins().length,
    root.listExtensionsUsed().map((e) => e.extensionName),
  ]);
  return { elements, rest };
}

async function remove(opts: RemoveInput): Promise<FormatRestore> {
  const side = { path: opts.path, where: 'the file being merged' };
  const cur = await parse(opts.current, side, opts.currentRelated);
  const target = pickElement(listOf(cur), opts.element, side);
  const all =
    target.kind === 'node'
      ? nodePaths(cur)
      : named<Property>(
          target.kind === 'mesh' ? cur.getRoot().listMeshes() : cur.getRoot().listMaterials(),
          target.kind,
        );
  const item = all.find((x) => x.name === target.name)!.item;
  const orphans = target.kind === 'mesh' ? usedBy(item as Mesh) : [];
  item.dispose();
  disposeOrphans(cur, orphans);
  const w = await write(cur, isGlb(opts.current), opts.currentRelated);
  return { data: w.data, related: w.related, element: target, action: 'replaced', notes: [] };
}

export const gltfFormat: ElementFormat = {
  format: 'gltf',
  list: async (bytes, side, readRelated) => listOf(await parse(bytes, side, readRelated)),
  restore,
  fingerprint,
  remove,
};
