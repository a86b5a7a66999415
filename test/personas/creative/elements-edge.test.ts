// Element restore, the less common shapes of each format: shared OBJ vertex pools, deleted glTF nodes,
// embedded .gltf, compact and CRLF JSON, clashing Godot resource ids, PSD blend modes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readPsd, writePsd } from 'ag-psd';
import { Document, NodeIO } from '@gltf-transform/core';
import { restoreElement } from '../../../src/personas/creative/elements/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { codeOf, memVault, vaultOn } from '../../helpers/vault.js';
import { memFs } from '../../helpers/memfs.js';
import { TSCN_V1, makeGlb, makePsd, positionsOf, readGlb } from './elements.fixtures.js';

const test = suite('personas/creative/elements-edge');

async function twoVersions(path: string, v1: string | Uint8Array, v2: string | Uint8Array) {
  const t = await memVault({ [path]: v1 } as never);
  const a = await commit({ vault: t.vault, message: 'v1' });
  await t.fs.writeFile(`/work/${path}`, v2);
  await commit({ vault: t.vault, message: 'v2' });
  const read = async () => Buffer.from((await t.fs.readFile(`/work/${path}`)) as Buffer);
  const run = (element: string) => restoreElement({ vault: t.vault, rev: a.id!, path, element });
  return { ...t, v1: a.id!, read, run };
}

test('OBJ: groups over a shared vertex pool: the pool vertices a restored group used are copied in', async () => {
  const pool = 'v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\n';
  const v1 = `${pool}g left\nf 1 2 3\ng right\nf 1 3 4\n`;
  const v2 = `${pool}g left\nf 1 2 4\ng right\nv 2 2 0\nf 1 3 5\n`;
  const t = await twoVersions('pool.obj', v1, v2);
  const r = await t.run('group:left');
  assert.is(r.action, 'replaced');
  assert.is(
    (await t.read()).toString(),
    `${pool}g left\nv 0 0 0\nv 1 0 0\nv 1 1 0\nf 5 6 7\ng right\nv 2 2 0\nf 1 3 8\n`,
  );
  assert.match(r.notes.join(' '), '3 vertex line(s)');
});

test('OBJ: an object the current file lost comes back after the one it followed; CRLF kept', async () => {
  const v1 =
    'o A\r\nv 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nf 1 2 3\r\no B\r\nv 5 0 0\r\nv 6 0 0\r\nv 5 1 0\r\nf 4 5 6\r\no C\r\nv 9 9 9\r\nv 9 8 9\r\nv 8 9 9\r\nf 7 8 9\r\n';
  const v2 = 'o A\r\nv 0 0 0\r\nv 1 0 0\r\nv 0 1 0\r\nf 1 2 3\r\no C\r\nv 9 9 9\r\nv 9 8 9\r\nv 8 9 9\r\nf 4 5 6\r\n';
  const t = await twoVersions('m.obj', v1, v2);
  const r = await t.run('B');
  assert.is(r.action, 'inserted');
  assert.is((await t.read()).toString(), v1);
});

test('glTF: a node deleted since is added back under the scene with its mesh; other nodes untouched', async () => {
  const tri = (x: number) => [x, 0, 0, x + 1, 0, 0, x, 1, 0];
  const v1 = await makeGlb([
    { name: 'Keep', positions: tri(0), color: [1, 0, 0, 1] },
    {
      name: 'Gone',
      positions: tri(4),
      color: [0, 1, 0, 1],
      children: [{ name: 'Child', positions: tri(8), color: [0, 0, 1, 1] }],
    },
  ]);
  const v2 = await makeGlb([{ name: 'Keep', positions: tri(1), color: [1, 0, 0, 1] }]);
  const t = await twoVersions('s.glb', v1, v2);
  const r = await t.run('Gone');
  assert.is(r.action, 'inserted');
  const doc = await readGlb(await t.read());
  assert.equal(
    doc
      .getRoot()
      .listScenes()[0]!
      .listChildren()
      .map((n) => n.getName()),
    ['Keep', 'Gone'],
  );
  assert.equal(positionsOf(doc, 'Gone'), tri(4));
  assert.equal(positionsOf(doc, 'Child'), tri(8), 'children the current file lacks come along');
  assert.equal(positionsOf(doc, 'Keep'), tri(1));
});

test('glTF: a material other meshes also use is kept (with a note) when one node is restored', async () => {
  const make = async (x: number, color: [number, number, number, number]) => {
    const doc = new Document();
    const buf = doc.createBuffer();
    const stone = doc.createMaterial('Stone').setBaseColorFactor(color);
    const scene = doc.createScene('S');
    for (const [i, name] of ['A', 'B'].entries()) {
      const acc = doc
        .createAccessor(`${name}p`, buf)
        .setType('VEC3')
        .setArray(new Float32Array([x + i, 0, 0, 1, 0, 0, 0, 1, 0]));
      scene.addChild(
        doc
          .createNode(name)
          .setMesh(
            doc
              .createMesh(`${name}Mesh`)
              .addPrimitive(doc.createPrimitive().setAttribute('POSITION', acc).setMaterial(stone)),
          ),
      );
    }
    return Buffer.from(await new NodeIO().writeBinary(doc));
  };
  const t = await twoVersions('shared.glb', await make(0, [1, 0, 0, 1]), await make(5, [0, 1, 0, 1]));
  const r = await t.run('A');
  assert.match(r.notes.join(' '), 'Stone is also used by other meshes');
  const doc = await readGlb(await t.read());
  assert.equal(positionsOf(doc, 'A').slice(0, 3), [0, 0, 0]);
  assert.equal(positionsOf(doc, 'B').slice(0, 3), [6, 0, 0]);
  assert.is(doc.getRoot().listMaterials().length, 1);
  assert.equal([...doc.getRoot().listMaterials()[0]!.getBaseColorFactor()], [0, 1, 0, 1]);
});

test('glTF: an embedded .gltf is written back embedded; extensions are kept; compressed geometry is refused', async () => {
  const io = new NodeIO();
  const make = async (x: number) => {
    const doc = new Document();
    const buf = doc.createBuffer();
    const acc = doc
      .createAccessor('p', buf)
      .setType('VEC3')
      .setArray(new Float32Array([x, 0, 0, 1, 0, 0, 0, 1, 0]));
    const mesh = doc.createMesh('M').addPrimitive(doc.createPrimitive().setAttribute('POSITION', acc));
    doc.createScene('S').addChild(doc.createNode('N').setMesh(mesh));
    const { json, resources } = await io.writeJSON(doc);
    for (const b of json.buffers ?? [])
      b.uri = `data:application/octet-stream;base64,${Buffer.from(resources[b.uri!]!).toString('base64')}`;
    return json;
  };
  const v1 = await make(0);
  const v2 = await make(7);
  const t = await twoVersions('e.gltf', JSON.stringify(v1), JSON.stringify(v2));
  await t.run('mesh:M');
  const out = JSON.parse((await t.read()).toString());
  assert.match(out.buffers[0].uri, /^data:application\/octet-stream;base64,/);
  const doc = await io.readJSON({ json: out, resources: {} });
  assert.equal([...doc.getRoot().listAccessors()[0]!.getArray()!].slice(0, 3), [0, 0, 0]);
  const unlit = { ...v2, extensionsUsed: ['KHR_materials_unlit'] };
  const k = await twoVersions('k.gltf', JSON.stringify(v1), JSON.stringify(unlit));
  await k.run('mesh:M');
  assert.equal(JSON.parse((await k.read()).toString()).extensionsUsed, ['KHR_materials_unlit']);
  const draco = { ...v2, extensionsUsed: ['KHR_draco_mesh_compression'] };
  const u = await twoVersions('x.gltf', JSON.stringify(v1), JSON.stringify(draco));
  assert.is(await codeOf(() => u.run('mesh:M')), 'EUNSUPPORTED');
  assert.is((await u.read()).toString(), JSON.stringify(draco));
});

test('JSON: a one-line file stays one line; a value already as it was is reported unchanged', async () => {
  const t = await twoVersions('c.json', '{"a":{"b":[1,2]},"c":3}', '{"a":{"b":[5]},"c":4}');
  await t.run('a.b');
  assert.is((await t.read()).toString(), '{"a":{"b":[1,2]},"c":4}');
  const r = await t.run('a.b');
  assert.is(r.action, 'unchanged');
  assert.is(r.undo, null);
  assert.is(await codeOf(() => t.run('a[')), 'EUSAGE');
});

test('Godot: an ext_resource id the current file uses for another path is renamed in the restored node', async () => {
  const v2 = TSCN_V1.replace('path="res://icon.svg" id="1_icon"', 'path="res://other.png" id="1_icon"').replace(
    'scale = Vector2(2, 2)',
    'scale = Vector2(9, 9)',
  );
  const t = await twoVersions('m.tscn', TSCN_V1, v2);
  await t.run('Player/Sprite');
  const now = (await t.read()).toString();
  assert.match(
    now,
    '[ext_resource type="Texture2D" uid="uid://icon" path="res://other.png" id="1_icon"]\n[ext_resource type="Texture2D" uid="uid://icon" path="res://icon.svg" id="1_icon_r1"]\n\n',
  );
  assert.match(now, 'texture = ExtResource("1_icon_r1")\nscale = Vector2(2, 2)');
  assert.match(now, '[gd_scene load_steps=4 ');
  assert.is(await codeOf(() => t.run('Nobody')), 'ENOELEMENT');
});

test('a parent the current file lost: ENOPARENT (JSON object, Godot parent node), the file untouched', async () => {
  const j = await twoVersions('p.json', '{"a": {"b": {"c": 1}}}', '{"x": 1}');
  assert.is(await codeOf(() => j.run('a.b.c')), 'ENOPARENT');
  const r = await j.run('a');
  assert.is(r.action, 'inserted');
  assert.equal(JSON.parse((await j.read()).toString()), { x: 1, a: { b: { c: 1 } } });
  const v2 = TSCN_V1.replace(/\[node name="Player"[^]*?(?=\[node name="Camera")/, '');
  const g = await twoVersions('g.tscn', TSCN_V1, v2);
  assert.is(await codeOf(() => g.run('Player/Sprite')), 'ENOPARENT');
  assert.is((await g.read()).toString(), v2);
  const p = await g.run('Player');
  assert.is(p.action, 'inserted');
  assert.match(
    (await g.read()).toString(),
    'zoom = Vector2(1, 1)\n\n[node name="Player" type="CharacterBody2D" parent="."]\nposition = Vector2(100, 200)\n',
  );
});

test('PSD: a multiply layer is composited exactly; layer effects keep the stored composite outside the layer', async () => {
  const solid = (w: number, h: number, c: number[]) => ({
    width: w,
    height: h,
    data: new Uint8ClampedArray(Array.from({ length: w * h }, () => c).flat()),
  });
  // the composite as Photoshop would store it: Base everywhere, Shade (2x2 at 0,0) multiplied over it
  const mk = (shade: number[], effects?: object, stored = [0, 0, 0, 255]) =>
    Buffer.from(
      writePsd({
        width: 4,
        height: 4,
        imageData: solid(4, 4, stored) as never,
        children: [
          { name: 'Base', left: 0, top: 0, right: 4, bottom: 4, imageData: solid(4, 4, [200, 200, 200, 255]) as never },
          {
            name: 'Shade',
            blendMode: 'multiply',
            left: 0,
            top: 0,
            right: 2,
            bottom: 2,
            imageData: solid(2, 2, shade) as never,
            ...(effects ? { effects } : {}),
          },
        ],
      }),
    );
  const t = await twoVersions('s.psd', mk([255, 0, 0, 255]), mk([0, 0, 255, 255]));
  const r = await t.run('Shade');
  assert.match(r.notes.join(' '), 'composite regenerated from the visible layers');
  const psd = readPsd(await t.read(), { useImageData: true, skipThumbnail: true });
  assert.not.equal(psd.imageResources?.versionInfo?.hasRealMergedData, false);
  // multiply: 200 * 255 / 255 = 200 red, 200 * 0 = 0 green and blue
  assert.equal([...psd.imageData!.data.slice(0, 4)], [200, 0, 0, 255]);
  assert.equal([...psd.imageData!.data.slice(12, 16)], [200, 200, 200, 255], 'Base alone');

  const glow = { outerGlow: { enabled: true, size: { units: 'Pixels', value: 3 } } };
  // a real (not uniform) stored composite: grey with a marked pixel Vault cannot reproduce
  const stored = Array.from({ length: 16 }, (_, i) => (i === 15 ? [9, 99, 9, 255] : [200, 200, 200, 255]));
  const withFx = (shade: number[]) => {
    const b = mk(shade, glow);
    const p = readPsd(b, { useImageData: true, skipThumbnail: true });
    p.imageData = { width: 4, height: 4, data: new Uint8ClampedArray(stored.flat()) } as never;
    return Buffer.from(writePsd(p));
  };
  const u = await twoVersions('fx.psd', withFx([255, 0, 0, 255]), withFx([0, 0, 255, 255]));
  const ur = await u.run('Shade');
  assert.match(ur.notes.join(' '), 'layer effects');
  const out = readPsd(await u.read(), { useImageData: true, skipThumbnail: true });
  assert.is(out.imageResources?.versionInfo?.hasRealMergedData, false);
  assert.equal([...out.imageData!.data.slice(60, 64)], [9, 99, 9, 255], "outside the layer: Photoshop's pixel kept");
  assert.equal([...out.imageData!.data.slice(0, 4)], [200, 0, 0, 255], 'inside: redrawn');
});

test('PSD: a document over the pixel cap is refused before decoding (ETOOBIG), the file untouched', async () => {
  const big = makePsd([{ name: 'A', color: [1, 2, 3, 255] }]);
  big.writeUInt32BE(20000, 14); // height
  big.writeUInt32BE(20000, 18); // width: 400 Mpx claimed
  const t = await twoVersions('big.psd', big, makePsd([{ name: 'A', color: [9, 9, 9, 255] }]));
  assert.is(await codeOf(() => t.run('A')), 'ETOOBIG');
  assert.ok((await t.read()).equals(makePsd([{ name: 'A', color: [9, 9, 9, 255] }])));
});

test('the file changing while the undo snapshot is made: ECHANGED, the newer file is left as it is', async () => {
  const { fs } = memFs();
  let armed = false;
  // an application saves the file right when the commit finishes (it releases the vault lock last)
  const racing = {
    ...fs,
    unlink: async (path: string) => {
      await fs.unlink(path);
      if (armed && path.endsWith('.vault/lock')) {
        armed = false;
        await fs.writeFile('/work/c.json', '{"a": 99}\n');
      }
    },
  } as typeof fs;
  const t = await vaultOn(racing, '/work', { 'c.json': '{"a": 1}\n' });
  const a = await commit({ vault: t.vault, message: 'v1' });
  await fs.writeFile('/work/c.json', '{"a": 2}\n');
  await commit({ vault: t.vault, message: 'v2' });
  armed = true;
  assert.is(
    await codeOf(() => restoreElement({ vault: t.vault, rev: a.id!, path: 'c.json', element: 'a' })),
    'ECHANGED',
  );
  assert.is(String(await fs.readFile('/work/c.json', 'utf8')), '{"a": 99}\n');
});

test.run();
