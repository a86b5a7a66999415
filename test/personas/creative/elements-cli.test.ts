// vault restore SNAP PATH --element NAME / --list-elements as a user runs it (real CLI child process on a temp folder).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readPsd } from 'ag-psd';
import { runVault, type CliRun } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/vault.js';
import { TSCN_V1, TSCN_V2, makeGlb, makePsd, positionsOf, readGlb, type LayerSpec } from './elements.fixtures.js';

const test = suite('personas/creative/elements-cli');

const psdV1: LayerSpec[] = [
  { name: 'Background', color: [255, 255, 255, 255] },
  { name: 'Sky', color: [0, 0, 255, 255], rect: [0, 0, 16, 4], hidden: true },
  { name: 'Characters', children: [{ name: 'Hero', color: [220, 20, 20, 255], rect: [4, 6, 3, 3] }] },
];
const psdV2: LayerSpec[] = [
  { name: 'Background', color: [255, 255, 255, 255] },
  { name: 'Sky', color: [128, 0, 128, 255], rect: [0, 0, 16, 4], hidden: true },
  { name: 'Characters', children: [{ name: 'Hero', color: [20, 200, 20, 255], rect: [4, 6, 3, 3] }] },
];
const tri = (x: number) => [x, 0, 0, x + 1, 0, 0, x, 1, 0];

/** A project with v1 and v2 of a PSD, a GLB and a Godot scene committed. */
async function project(): Promise<{ dir: string; remove: () => Promise<void>; v1: string; v2: string }> {
  const t = await tempDir('vault-elements-');
  const dir = join(t.path, 'proj');
  await mkdir(join(dir, 'Art'), { recursive: true });
  const write = async (v: 1 | 2) => {
    await writeFile(join(dir, 'Art/castle.psd'), makePsd(v === 1 ? psdV1 : psdV2));
    await writeFile(
      join(dir, 'tower.glb'),
      await makeGlb([
        { name: 'Tower', positions: tri(v === 1 ? 0 : 2), color: [1, 0, 0, 1] },
        { name: 'Wall', positions: tri(v === 1 ? 5 : 9), color: [0, 0, 1, 1] },
      ]),
    );
    await writeFile(join(dir, 'main.tscn'), v === 1 ? TSCN_V1 : TSCN_V2);
    await writeFile(join(dir, 'notes.txt'), `version ${v}\n`);
  };
  await write(1);
  const ok = (r: CliRun) => {
    assert.is(r.code, 0, r.stderr);
    return r;
  };
  ok(await runVault(dir, ['init']));
  const v1 = JSON.parse(ok(await runVault(dir, ['commit', '-m', 'v1', '--json'])).stdout).id as string;
  await write(2);
  const v2 = JSON.parse(ok(await runVault(dir, ['commit', '-m', 'v2', '--json'])).stdout).id as string;
  return { dir, remove: t.remove, v1, v2 };
}

function pixel(bytes: Uint8Array, layer: string): number[] {
  const psd = readPsd(bytes, { useImageData: true, skipThumbnail: true });
  const all = [...(psd.children ?? []), ...(psd.children ?? []).flatMap((l) => l.children ?? [])];
  const l = all.find((x) => x.name === layer)!;
  return [...l.imageData!.data.slice(0, 4)];
}

/** A user-facing error: the exit code, one "vault: ..." line and a hint, no stack. */
function userError(r: CliRun, exit = 1): void {
  assert.is(r.code, exit, `exit code; stderr: ${r.stderr}`);
  assert.match(r.stderr, /^vault: \S/);
  assert.match(r.stderr, /\nhint: /);
  assert.not.match(r.stderr, /^\s+at /m);
}

test('--list-elements --json lists layers with sizes and visibility; the text form too', async () => {
  const p = await project();
  try {
    const r = await runVault(p.dir, ['restore', 'HEAD~1', 'Art/castle.psd', '--list-elements', '--json']);
    assert.is(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    assert.is(list.snapshot, p.v1);
    assert.is(list.format, 'psd');
    assert.equal(
      list.elements.map((e: { kind: string; name: string }) => `${e.kind} ${e.name}`),
      ['layer Background', 'layer Sky', 'group Characters', 'layer Characters/Hero'],
    );
    assert.equal(
      [list.elements[1].details.width, list.elements[1].details.height, list.elements[1].details.visible],
      [16, 4, false],
    );
    const text = await runVault(p.dir, ['restore', 'HEAD~1', 'Art/castle.psd', '--list-elements']);
    assert.match(text.stdout, /layer +Sky +\(16x4, hidden\)/);
    const glb = JSON.parse(
      (await runVault(p.dir, ['restore', p.v1.slice(0, 8), 'tower.glb', '--list-elements', '--json'])).stdout,
    );
    assert.ok(glb.elements.some((e: { kind: string; name: string }) => e.kind === 'mesh' && e.name === 'TowerMesh'));
  } finally {
    await p.remove();
  }
});

test('--element restores one layer, prints the undo command, and that command gives the file back', async () => {
  const p = await project();
  try {
    const before = await readFile(join(p.dir, 'Art/castle.psd'));
    const r = await runVault(p.dir, ['restore', 'HEAD~1', 'Art/castle.psd', '--element', 'Characters/Hero']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /^replaced layer Characters\/Hero of Art\/castle.psd from /);
    const now = await readFile(join(p.dir, 'Art/castle.psd'));
    assert.equal(pixel(now, 'Hero'), [220, 20, 20, 255]);
    assert.equal(pixel(now, 'Sky'), [128, 0, 128, 255]);
    const undo = /^ {2}(vault restore .*)$/m.exec(r.stdout)![1]!;
    assert.is(undo, `vault restore ${p.v2} Art/castle.psd --force`);
    const u = await runVault(p.dir, undo.split(' ').slice(1));
    assert.is(u.code, 0, u.stderr);
    assert.ok((await readFile(join(p.dir, 'Art/castle.psd'))).equals(before));
  } finally {
    await p.remove();
  }
});

test('--element --json on a GLB node and a Godot node; an uncommitted change is snapshotted first', async () => {
  const p = await project();
  try {
    await writeFile(join(p.dir, 'notes.txt'), 'work in progress\n');
    const r = await runVault(p.dir, ['restore', 'HEAD~1', 'tower.glb', '--element', 'node:Tower', '--json']);
    assert.is(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout);
    assert.is(res.action, 'replaced');
    assert.is(res.undo.created, true);
    const doc = await readGlb(await readFile(join(p.dir, 'tower.glb')));
    assert.equal(positionsOf(doc, 'Tower'), tri(0));
    assert.equal(positionsOf(doc, 'Wall'), tri(9));
    const log = await runVault(p.dir, ['log', '-n', '1', '--json']);
    const head = JSON.parse(log.stdout)[0];
    assert.is(head.id, res.undo.snapshot);
    assert.match(head.message, 'before restoring element Tower of tower.glb from HEAD~1');
    const g = await runVault(p.dir, ['restore', p.v1, 'main.tscn', '-e', 'Player/Sprite']);
    assert.is(g.code, 0, g.stderr);
    const scene = await readFile(join(p.dir, 'main.tscn'), 'utf8');
    assert.match(scene, 'texture = ExtResource("1_icon")\nscale = Vector2(2, 2)');
    assert.match(scene, 'zoom = Vector2(3, 3)');
  } finally {
    await p.remove();
  }
});

test('errors: unknown element (close names, --json code), unsupported format, bad option combinations; plain restore unchanged', async () => {
  const p = await project();
  try {
    const before = await readFile(join(p.dir, 'Art/castle.psd'));
    const unknown = await runVault(p.dir, ['restore', 'HEAD~1', 'Art/castle.psd', '--element', 'Heroo']);
    userError(unknown);
    assert.match(unknown.stderr, "no element 'Heroo' in Art/castle.psd");
    assert.match(unknown.stderr, 'close names: Characters/Hero');
    assert.match(unknown.stderr, '--list-elements');
    const j = await runVault(p.dir, ['restore', 'HEAD~1', 'Art/castle.psd', '--element', 'Heroo', '--json']);
    assert.is(JSON.parse(j.stdout).error.code, 'ENOELEMENT');
    assert.ok((await readFile(join(p.dir, 'Art/castle.psd'))).equals(before), 'nothing written');
    const unsupported = await runVault(p.dir, ['restore', 'HEAD~1', 'notes.txt', '--element', 'x', '--json']);
    assert.is(unsupported.code, 1);
    const err = JSON.parse(unsupported.stdout).error;
    assert.is(err.code, 'EUNSUPPORTED');
    assert.ok(err.data.supported.some((s: string) => s.startsWith('.psd')));
    userError(await runVault(p.dir, ['restore', 'HEAD~1', 'notes.txt', '--element', 'x']));
    userError(await runVault(p.dir, ['restore', 'HEAD~1', 'Art/castle.psd', 'tower.glb', '--element', 'Hero']), 2);
    userError(await runVault(p.dir, ['restore', 'HEAD~1', 'Art/castle.psd', '--element', 'Hero', '--to', '/tmp/x']), 2);
    userError(await runVault(p.dir, ['restore', 'HEAD~1', '../escape.psd', '--element', 'Hero']));
    // without --element, restore is the whole-file restore it always was
    const plain = await runVault(p.dir, ['restore', 'HEAD~1', 'notes.txt']);
    assert.is(plain.code, 0, plain.stderr);
    assert.is(await readFile(join(p.dir, 'notes.txt'), 'utf8'), 'version 1\n');
    const help = await runVault(p.dir, ['restore', '--help']);
    assert.match(help.stdout, '--element');
    assert.match(help.stdout, '--list-elements');
  } finally {
    await p.remove();
  }
});

test.run();
