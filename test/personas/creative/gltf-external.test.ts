// glTF as Blender exports it by default: a .gltf beside its .bin and images, and KHR extensions
// (made with @gltf-transform/core and @gltf-transform/extensions): list, diff and element restore.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Document, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS, KHRMaterialsClearcoat, type Clearcoat } from '@gltf-transform/extensions';
import { listElements, restoreElement } from '../../../src/personas/creative/elements/index.js';
import { visualDiff } from '../../../src/personas/creative/visual/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { memVault } from '../../helpers/vault.js';
import { png8 } from './visual-fixtures.js';

const test = suite('personas/creative/gltf-external');
const io = new NodeIO().registerExtensions(ALL_EXTENSIONS);

/** Two nodes (A, B) with their own meshes, a textured material with clearcoat; `ax` moves A's first vertex. */
function scene(ax: number, bAt: [number, number, number], clearcoat: number): Document {
  const doc = new Document();
  const buffer = doc.createBuffer('data').setURI('robot.bin');
  const coat = doc.createExtension(KHRMaterialsClearcoat);
  const mat = doc.createMaterial('Paint').setBaseColorTexture(
    doc
      .createTexture('skin')
      .setURI('skin.png')
      .setMimeType('image/png')
      .setImage(png8(2, 2, () => [200, 30, 30, 255])),
  );
  mat.setExtension('KHR_materials_clearcoat', coat.createClearcoat().setClearcoatFactor(clearcoat));
  const sceneNode = doc.createScene('Scene');
  for (const [name, x0, at] of [
    ['A', ax, [0, 0, 0]],
    ['B', 0, bAt],
  ] as const) {
    const pos = doc
      .createAccessor(`${name}-pos`, buffer)
      .setType('VEC3')
      .setArray(new Float32Array([x0, 0, 0, 1, 0, 0, 0, 1, 0]));
    const prim = doc.createPrimitive().setAttribute('POSITION', pos).setMaterial(mat);
    sceneNode.addChild(
      doc
        .createNode(name)
        .setMesh(doc.createMesh(name).addPrimitive(prim))
        .setTranslation([...at]),
    );
  }
  return doc;
}

/** The files of Models/ (robot.gltf, robot.bin, skin.png). */
async function files(doc: Document): Promise<Record<string, Uint8Array | string>> {
  const { json, resources } = await io.writeJSON(doc, { format: 'GLTF' as never });
  return { 'robot.gltf': JSON.stringify(json, null, 2), ...resources };
}

async function rewrite(t: { fs: { writeFile(p: string, b: Uint8Array | string): Promise<unknown> } }, doc: Document) {
  for (const [p, b] of Object.entries(await files(doc))) await t.fs.writeFile(`/work/Models/${p}`, b);
}

async function readBack(t: { fs: { readFile(p: string): Promise<unknown> } }): Promise<Document> {
  const json = JSON.parse(String(await t.fs.readFile('/work/Models/robot.gltf')));
  const resources: Record<string, Uint8Array> = {};
  for (const u of [...(json.buffers ?? []), ...(json.images ?? [])].map((b: { uri: string }) => b.uri))
    resources[u] = new Uint8Array((await t.fs.readFile(`/work/Models/${u}`)) as Buffer);
  return io.readJSON({ json, resources: resources as never });
}

function firstX(doc: Document, node: string): number {
  const n = doc
    .getRoot()
    .listNodes()
    .find((x) => x.getName() === node)!;
  return n.getMesh()!.listPrimitives()[0]!.getAttribute('POSITION')!.getArray()![0]!;
}

test('a .gltf with a separate .bin and texture: list, diff, restore one mesh; the .bin is rewritten in place', async () => {
  const t = await memVault({ Models: await files(scene(0, [3, 0, 0], 0.5)) });
  const v1 = (await commit({ vault: t.vault, message: 'v1' })).id!;
  await rewrite(t, scene(-2, [5, 0, 0], 0.9));
  await commit({ vault: t.vault, message: 'v2' });

  const list = await listElements(t.vault, v1, 'Models/robot.gltf');
  assert.equal(list.elements.map((e) => `${e.kind}:${e.name}`).sort(), [
    'material:Paint',
    'mesh:A',
    'mesh:B',
    'node:A',
    'node:B',
  ]);

  const d = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: v1 },
    b: { kind: 'snapshot', rev: 'HEAD' },
    path: 'Models/robot.gltf',
  });
  const changed = d.report.model!.meshes.filter((m) => m.status === 'changed').map((m) => `${m.kind}:${m.name}`);
  assert.equal(changed.sort(), ['mesh:A', 'node:A', 'node:B']);
  const paint = d.report.model!.materials.find((m) => m.name === 'Paint')!;
  assert.is(paint.status, 'changed', 'the clearcoat factor is an extension property');

  const r = await restoreElement({ vault: t.vault, rev: v1, path: 'Models/robot.gltf', element: 'mesh:A' });
  assert.is(r.action, 'replaced');
  const json = JSON.parse(String(await t.fs.readFile('/work/Models/robot.gltf')));
  assert.equal(
    json.buffers.map((b: { uri: string }) => b.uri),
    ['robot.bin'],
    'still a separate .bin, same name',
  );
  assert.equal(json.extensionsUsed, ['KHR_materials_clearcoat']);
  const doc = await readBack(t);
  assert.is(firstX(doc, 'A'), 0, 'mesh A as it was');
  assert.equal([...doc.getRoot().listNodes()[1]!.getTranslation()], [5, 0, 0], 'node B as it is now');
});

test('a material restored from a .gltf brings its old extension values', async () => {
  const t = await memVault({ Models: await files(scene(0, [0, 0, 0], 0.25)) });
  const v1 = (await commit({ vault: t.vault, message: 'v1' })).id!;
  await rewrite(t, scene(0, [0, 0, 0], 1));
  await commit({ vault: t.vault, message: 'v2' });
  await restoreElement({ vault: t.vault, rev: v1, path: 'Models/robot.gltf', element: 'material:Paint' });
  const doc = await readBack(t);
  const coat = doc.getRoot().listMaterials()[0]!.getExtension<Clearcoat>('KHR_materials_clearcoat');
  assert.is(coat?.getClearcoatFactor(), 0.25);
});

test.run();
