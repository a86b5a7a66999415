// Element-aware merge: two people changed different layers of a PSD, different nodes of a Godot
// scene, different parts of a glTF and an OBJ; the merge keeps both, and the same element changed on
// both sides is a conflict that names it. Fixtures: ag-psd, @gltf-transform/core, Godot's text format.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readPsd } from 'ag-psd';
import { mergeElements } from '../../../src/personas/creative/elements/index.js';
import { runVault } from '../../helpers/cli.js';
import { codeOf } from '../../helpers/vault.js';
import { TSCN_V1, makeGlb, makePsd, positionsOf, readGlb, type LayerSpec } from './elements.fixtures.js';

const test = suite('personas/creative/element-merge');

const psd = (hero: [number, number, number, number], sky: [number, number, number, number], moon = false) =>
  makePsd([
    { name: 'Background', color: [20, 20, 60, 255] },
    { name: 'Sky', color: sky, rect: [0, 0, 16, 4] },
    { name: 'Characters', children: [{ name: 'Hero', color: hero, rect: [6, 6, 3, 3] }] },
    ...(moon ? [{ name: 'Moon', color: [250, 250, 200, 255], rect: [12, 0, 2, 2] } as LayerSpec] : []),
  ]);
const RED = [200, 30, 30, 255] as [number, number, number, number];
const BLUE = [30, 30, 200, 255] as [number, number, number, number];
const GOLD = [240, 190, 40, 255] as [number, number, number, number];
const DUSK = [200, 120, 90, 255] as [number, number, number, number];

const pixel = (b: Uint8Array, x: number, y: number) => {
  const p = readPsd(b, { useImageData: true, skipThumbnail: true });
  return [...p.imageData!.data.slice((y * 16 + x) * 4, (y * 16 + x) * 4 + 4)];
};

test('PSD: our repainted Hero and their new Sky and Moon end up in one file, with its composite', async () => {
  const r = await mergeElements({
    path: 'Art/castle.psd',
    base: psd(RED, BLUE),
    ours: psd(GOLD, BLUE),
    theirs: psd(RED, DUSK, true),
  });
  assert.equal(r.conflicts, []);
  const by = Object.fromEntries(r.elements.map((e) => [`${e.kind}:${e.name}`, `${e.from} ${e.change}`]));
  assert.equal(by, {
    'layer:Characters/Hero': 'ours changed',
    'layer:Sky': 'theirs changed',
    'layer:Moon': 'theirs added',
  });
  const out = readPsd(r.data!, { useImageData: true, skipThumbnail: true });
  assert.equal(
    out.children!.map((l) => l.name),
    ['Background', 'Sky', 'Characters', 'Moon'],
  );
  assert.equal(pixel(r.data!, 7, 7), GOLD, 'our Hero');
  assert.equal(pixel(r.data!, 1, 1), DUSK, 'their Sky');
  assert.equal(pixel(r.data!, 12, 0), [250, 250, 200, 255], 'their Moon');
});

test('PSD: the same layer changed on both sides is a conflict; a layer they removed goes', async () => {
  const r = await mergeElements({
    path: 'a.psd',
    base: psd(RED, BLUE),
    ours: psd(GOLD, BLUE),
    theirs: psd(DUSK, BLUE),
  });
  assert.is(r.data, null);
  assert.equal(
    r.conflicts.map((c) => `${c.kind}:${c.name}`),
    ['layer:Characters/Hero'],
  );
  const gone = await mergeElements({
    path: 'a.psd',
    base: psd(RED, BLUE, true),
    ours: psd(GOLD, BLUE, true),
    theirs: psd(RED, BLUE),
  });
  assert.equal(
    readPsd(gone.data!, { useImageData: true, skipLayerImageData: true, skipCompositeImageData: true }).children!.map(
      (l) => l.name,
    ),
    ['Background', 'Sky', 'Characters'],
  );
});

const scene = (player: string, coin: string, enemy = false) =>
  `${TSCN_V1.replace('position = Vector2(100, 200)', `position = Vector2(${player})`).replace(
    'zoom = Vector2(1, 1)\n',
    `zoom = Vector2(1, 1)\n\n[node name="Coin" type="Area2D" parent="."]\nposition = Vector2(${coin})\n${
      enemy ? '\n[node name="Enemy" type="CharacterBody2D" parent="."]\nposition = Vector2(9, 9)\n' : ''
    }`,
  )}`;

test('Godot scene: our moved Player and their moved Coin and new Enemy; the rest of the text kept', async () => {
  const r = await mergeElements({
    path: 'scenes/main.tscn',
    base: Buffer.from(scene('100, 200', '5, 5')),
    ours: Buffer.from(scene('120, 200', '5, 5')),
    theirs: Buffer.from(scene('100, 200', '50, 60', true)),
  });
  assert.equal(r.conflicts, []);
  assert.is(Buffer.from(r.data!).toString(), scene('120, 200', '50, 60', true));
  assert.equal(
    r.elements.map((e) => `${e.from} ${e.change} ${e.name}`).sort(),
    ['ours changed Player', 'theirs added Enemy', 'theirs changed Coin'].sort(),
  );
  const both = await mergeElements({
    path: 'm.tscn',
    base: Buffer.from(scene('1, 1', '5, 5')),
    ours: Buffer.from(scene('2, 2', '5, 5')),
    theirs: Buffer.from(scene('3, 3', '5, 5')),
  });
  assert.equal(
    both.conflicts.map((c) => c.name),
    ['Player'],
  );
  assert.match(both.conflicts[0]!.why, 'changed on both sides');
});

test('glTF and OBJ: parts changed on different sides are merged; other formats are refused', async () => {
  const tri = (x: number) => [x, 0, 0, x + 1, 0, 0, x, 1, 0];
  const glb = (a: number, b: number) =>
    makeGlb([
      { name: 'A', positions: tri(a), color: [1, 0, 0, 1] },
      { name: 'B', positions: tri(b), color: [0, 0, 1, 1] },
    ]);
  const g = await mergeElements({
    path: 'm.glb',
    base: await glb(0, 5),
    ours: await glb(1, 5),
    theirs: await glb(0, 9),
  });
  assert.equal(g.conflicts, []);
  const doc = await readGlb(g.data!);
  assert.is(positionsOf(doc, 'A')[0], 1);
  assert.is(positionsOf(doc, 'B')[0], 9);
  const obj = (a: string, b: string) =>
    `v 0 0 0\nv 1 0 0\nv 0 1 0\nv ${a}\nv ${b}\no Left\nf 1 2 4\no Right\nf 1 3 5\n`;
  const o = await mergeElements({
    path: 'm.obj',
    base: Buffer.from(obj('0 0 1', '0 0 2')),
    ours: Buffer.from('v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 7\nv 0 0 2\no Left\nf 1 2 4\no Right\nf 1 3 5\n'),
    theirs: Buffer.from(obj('0 0 1', '0 0 2').replace('o Right\nf 1 3 5', 'o Right\nv 5 5 5\nf 1 3 6')),
  });
  assert.equal(o.conflicts, []);
  const text = Buffer.from(o.data!).toString();
  assert.match(text, /v 0 0 7/, 'our Left');
  // their Right brings the pool vertices it uses (OBJ element restore), numbered where they now stand
  assert.match(text, /o Right\nv 0 0 0\nv 0 1 0\nv 5 5 5\nf 6 7 8\n$/, 'their Right');
  assert.match(text, /^v 0 0 7$/m);
  assert.is(
    await codeOf(() =>
      mergeElements({ path: 'a.json', base: Buffer.from('{}'), ours: Buffer.from('{}'), theirs: Buffer.from('{}') }),
    ),
    'EUNSUPPORTED',
  );
});

test('vault merge-file --element-aware: writes -o, reports sides; a conflict exits 1 and writes nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vault-merge-'));
  try {
    await writeFile(join(dir, 'base.psd'), psd(RED, BLUE));
    await writeFile(join(dir, 'mine.psd'), psd(GOLD, BLUE));
    await writeFile(join(dir, 'theirs.psd'), psd(RED, DUSK, true));
    const ok = await runVault(dir, [
      'merge-file',
      'base.psd',
      'mine.psd',
      'theirs.psd',
      '--element-aware',
      '-o',
      'out.psd',
    ]);
    assert.is(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^ours +changed +layer Characters\/Hero$/m);
    assert.match(ok.stdout, /^theirs +added +layer Moon$/m);
    assert.equal(pixel(await readFile(join(dir, 'out.psd')), 1, 1), DUSK);
    await writeFile(join(dir, 'theirs.psd'), psd(DUSK, BLUE));
    const clash = await runVault(dir, [
      'merge-file',
      'base.psd',
      'mine.psd',
      'theirs.psd',
      '--element-aware',
      '-o',
      'x.psd',
    ]);
    assert.is(clash.code, 1);
    assert.match(clash.stdout, /CONFLICT +layer Characters\/Hero: changed on both sides/);
    assert.is(await codeOf(() => readFile(join(dir, 'x.psd'))), 'ENOENT');
    const usage = await runVault(dir, ['merge-file', 'base.psd', 'mine.psd', 'theirs.psd']);
    assert.is(usage.code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
