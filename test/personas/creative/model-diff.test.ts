// Model diffs that never stop silently: 120 changed parts are all accounted for ('... and N more',
// --all lists every one), node rotations read as angles, and --out draws before | after | diff
// pictures of the model. Fixtures made with @gltf-transform/core.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Document, NodeIO } from '@gltf-transform/core';
import pngjs from 'pngjs';
import { describeVisualDiff, eulerDegrees, visualDiff } from '../../../src/personas/creative/visual/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { runVault, vaultOk } from '../../helpers/cli.js';
import { memVault } from '../../helpers/vault.js';
import { cube } from './visual-fixtures.js';

const test = suite('personas/creative/model-diff');

/** A GLB of `n` small cubes in a row (`lift` raises each), and a turret turned `yaw` degrees about y. */
async function city(n: number, lift: number, yaw: number): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const scene = doc.createScene('City');
  const { positions, indices } = cube(1);
  const mesh = (name: string) =>
    doc.createMesh(name).addPrimitive(
      doc
        .createPrimitive()
        .setAttribute(
          'POSITION',
          doc.createAccessor().setType('VEC3').setArray(new Float32Array(positions)).setBuffer(buffer),
        )
        .setIndices(doc.createAccessor().setType('SCALAR').setArray(new Uint32Array(indices)).setBuffer(buffer)),
    );
  const block = mesh('Block');
  for (let i = 0; i < n; i++)
    scene.addChild(
      doc
        .createNode(`House${i}`)
        .setMesh(block)
        .setTranslation([i * 2, lift, 0]),
    );
  const r = (yaw * Math.PI) / 360;
  scene.addChild(
    doc
      .createNode('Turret')
      .setMesh(mesh('Gun'))
      .setTranslation([0, 0, 5])
      .setRotation([0, Math.sin(r), 0, Math.cos(r)]),
  );
  return new NodeIO().writeBinary(doc);
}

test('120 houses moved: the first 40 listed, then "... and 81 more"; maxLines Infinity lists all', async () => {
  const t = await memVault({ 'city.glb': await city(120, 0, 0) });
  const a = (await commit({ vault: t.vault, message: 'v1' })).id!;
  await t.fs.writeFile('/work/city.glb', await city(120, 1, 90));
  const d = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: a },
    b: { kind: 'worktree' },
    path: 'city.glb',
  });
  const changed = d.report.model!.meshes.filter((m) => m.status === 'changed');
  assert.is(changed.length, 121);
  const text = describeVisualDiff(d.report);
  assert.match(text.join('\n'), /parts {5}121 changed, 0 added, 0 removed/);
  assert.is(text.filter((l) => /^ {4}changed {2}node /.test(l)).length, 40);
  assert.ok(text.includes('    ... and 81 more (--all lists every one)'), text.join('\n'));
  const all = describeVisualDiff(d.report, { maxLines: Infinity });
  assert.is(all.filter((l) => /^ {4}changed {2}node /.test(l)).length, 121);
  assert.not.ok(all.some((l) => l.includes('more (--all')));
  const turret = all.find((l) => l.includes('node Turret'))!;
  assert.match(turret, /rotation \[0°, 0°, 0°\] -> \[0°, 90°, 0°\]/);
});

test('eulerDegrees: X, Y, Z angles of quaternions', () => {
  const q = (ax: number[], deg: number): [number, number, number, number] => {
    const s = Math.sin((deg * Math.PI) / 360);
    return [ax[0]! * s, ax[1]! * s, ax[2]! * s, Math.cos((deg * Math.PI) / 360)];
  };
  assert.equal(eulerDegrees(q([1, 0, 0], 30)), [30, 0, 0]);
  assert.equal(eulerDegrees(q([0, 0, 1], -45)), [0, 0, -45]);
  assert.equal(eulerDegrees([0, 0, 0, 1]), [0, 0, 0]);
});

test('vault diff --visual MODEL --out draws before | after | diff; --all in the CLI', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vault-model-'));
  try {
    await vaultOk(dir, ['init']);
    await writeFile(join(dir, 'city.glb'), await city(60, 0, 0));
    await vaultOk(dir, ['commit', '-m', 'v1']);
    await writeFile(join(dir, 'city.glb'), await city(60, 3, 45));
    const r = await runVault(dir, ['diff', '--visual', 'city.glb', '--out', 'city.png', '--all']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /diff image written to city\.png \(before \| after \| diff\)/);
    assert.is(r.stdout.split('\n').filter((l) => /^ {4}changed {2}node /.test(l)).length, 61);
    const png = pngjs.PNG.sync.read(await readFile(join(dir, 'city.png')));
    assert.ok(png.width > png.height * 2.5, `three panels side by side: ${png.width}x${png.height}`);
    let red = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 230 && png.data[i + 1] === 25) red++;
    assert.ok(red > 100, 'the moved houses are marked');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
