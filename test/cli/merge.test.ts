// Branches and merging from the command line: `node bin/vault branch|switch|merge|resolve|commit|log`,
// their exit codes and --json (bin/vault loads dist/: test/run.mjs builds it; run alone, the before hook does).
import { spawnSync } from 'node:child_process';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { nodeFs, tempDir } from '../helpers/vault.js';
import { makePsd } from '../personas/creative/elements.fixtures.js';

type Rgba = [number, number, number, number];
const psd = (hero: Rgba, sky: Rgba) =>
  makePsd([
    { name: 'Background', color: [20, 20, 60, 255] },
    { name: 'Sky', color: sky, rect: [0, 0, 16, 4] },
    { name: 'Hero', color: hero, rect: [6, 6, 3, 3] },
  ]);
const [RED, BLUE, GOLD, DUSK]: [Rgba, Rgba, Rgba, Rgba] = [
  [200, 30, 30, 255],
  [30, 30, 200, 255],
  [240, 190, 40, 255],
  [200, 120, 90, 255],
];

interface Ctx {
  dir: string;
  remove: () => Promise<void>;
}

const test = suite<Ctx>('cli/merge', {} as Ctx);

const v = (cwd: string, ...args: string[]) => runVault(cwd, args);

async function ok(cwd: string, ...args: string[]): Promise<CliRun> {
  const r = await v(cwd, ...args);
  assert.is(r.code, 0, `vault ${args.join(' ')}\n${r.stderr}`);
  return r;
}

// oxlint-disable-next-line typescript/no-explicit-any -- the JSON is checked field by field
async function json(cwd: string, code: number, ...args: string[]): Promise<any> {
  const r = await v(cwd, ...args, '--json');
  assert.is(r.code, code, `vault ${args.join(' ')} --json\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** An error as a user sees it: the exit code, one "vault:" line (and a hint), the code in --json. */
async function fails(cwd: string, exit: number, code: string, ...args: string[]): Promise<void> {
  const r = await v(cwd, ...args);
  assert.is(r.code, exit, `vault ${args.join(' ')}: ${r.stderr}`);
  assert.match(r.stderr, /^vault: \S/);
  assert.not.match(r.stderr, /^\s+at /m, 'no stack trace');
  assert.is((await json(cwd, exit, ...args)).error.code, code, args.join(' '));
}

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

test.before.each(async (ctx) => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-merge-cli-');
  ctx.dir = tmp.path;
  ctx.remove = tmp.remove;
});

test.after.each(async (ctx) => {
  await ctx.remove();
});

const put = (dir: string, p: string, c: string | Uint8Array) => writeFile(join(dir, p), c);
const text = (dir: string, p: string) => readFile(join(dir, p), 'utf8');

/** base; feature changes hero.psd and notes.md line 2 and adds b.txt; main changes both too. */
async function diverged(dir: string): Promise<void> {
  await put(dir, 'hero.psd', prngBytes(1, 4000));
  await put(dir, 'notes.md', 'one\ntwo\nthree\n');
  await ok(dir, 'init');
  await ok(dir, 'commit', '-m', 'base');
  await ok(dir, 'switch', '-c', 'feature');
  await put(dir, 'hero.psd', prngBytes(2, 4000));
  await put(dir, 'notes.md', 'one\ntheirs\nthree\n');
  await put(dir, 'b.txt', 'b');
  await ok(dir, 'commit', '-m', 'feature work');
  await ok(dir, 'switch', 'main');
  await put(dir, 'hero.psd', prngBytes(3, 4000));
  await put(dir, 'notes.md', 'one\nours\nthree\n');
  await ok(dir, 'commit', '-m', 'main work');
}

test('branch and switch: list, create, --json, errors', async ({ dir }) => {
  await put(dir, 'a.txt', 'a');
  await ok(dir, 'init');
  assert.equal((await json(dir, 0, 'branch')).current, 'main');
  assert.match((await ok(dir, 'branch')).stdout, /^\* main {2}\(no snapshot yet\)$/m);
  await ok(dir, 'commit', '-m', 'one');
  const made = await json(dir, 0, 'branch', 'sketch');
  assert.is(made.name, 'sketch');
  await fails(dir, 1, 'EEXIST', 'branch', 'sketch');
  await fails(dir, 1, 'EBADREF', 'branch', 'a..b');
  await fails(dir, 1, 'ENOREF', 'switch', 'nope');
  const sw = await json(dir, 0, 'switch', 'sketch');
  assert.is(sw.branch, 'sketch');
  assert.match((await ok(dir, 'branch')).stdout, /^\* sketch {2}[0-9a-f]{12}$/m);
  await fails(dir, 1, 'ECURRENT', 'branch', '-d', 'sketch');
  await put(dir, 'a.txt', 'sketched');
  await ok(dir, 'commit', '-m', 'sketch');
  await ok(dir, 'switch', 'main');
  assert.is(await text(dir, 'a.txt'), 'a');
  await fails(dir, 1, 'EUNMERGED', 'branch', '-d', 'sketch');
  await ok(dir, 'branch', '-D', 'sketch');
  assert.equal(
    (await json(dir, 0, 'branch')).branches.map((b: { name: string }) => b.name),
    ['main'],
  );
});

test('merge with conflicts: exit 1, status lists them, commit refused, resolve, commit, log --graph, verify', async ({
  dir,
}) => {
  await diverged(dir);
  const m = await v(dir, 'merge', 'feature');
  assert.is(m.code, 1, m.stderr);
  assert.match(m.stdout, /^C {2}hero\.psd {2}\(both changed it; theirs in hero~theirs\.psd; not resolved\)$/m);
  assert.match(m.stdout, /^C {2}notes\.md {2}\(both changed it: conflict markers in the file; not resolved\)$/m);
  assert.match(m.stdout, /^M {2}b\.txt$/m);
  assert.is(await text(dir, 'notes.md'), 'one\n<<<<<<< main\nours\n=======\ntheirs\n>>>>>>> feature\nthree\n');
  const st = await json(dir, 0, 'status');
  assert.equal(
    st.merge.conflicts.map((c: { path: string; resolved: string | null }) => [c.path, c.resolved]),
    [
      ['hero.psd', null],
      ['notes.md', null],
    ],
  );
  assert.match((await ok(dir, 'status')).stdout, /^merging feature \([0-9a-f]{12}\) into main: 2 of 2 conflict/m);
  await fails(dir, 1, 'ECONFLICT', 'commit');
  await fails(dir, 1, 'EMERGING', 'merge', 'feature');
  await fails(dir, 1, 'EMERGING', 'switch', 'feature');
  const res = await json(dir, 0, 'resolve', 'hero.psd', '--theirs');
  assert.is(res[0].conflict.resolved, 'theirs');
  assert.equal(await readFile(join(dir, 'hero.psd')), prngBytes(2, 4000));
  const marked = await ok(dir, 'resolve', 'notes.md');
  assert.match(marked.stderr, /still holds conflict markers/);
  await put(dir, 'notes.md', 'one\nours and theirs\nthree\n');
  await ok(dir, 'resolve', 'notes.md');
  const c = await json(dir, 0, 'commit');
  const snap = await json(dir, 0, 'cat-object', '-p', c.id);
  assert.is(snap.parents.length, 2);
  assert.is(snap.message, 'merge feature into main');
  const graph = (await ok(dir, 'log', '--graph')).stdout
    .split('\n')
    .map((l) => l.replace(/[0-9a-f]{12} {2}\S+ \S+ {2}/, ''));
  assert.equal(graph.slice(0, 6), [
    `*  merge ${snap.parents[0].slice(0, 7)} ${snap.parents[1].slice(0, 7)}: merge feature into main (main)`,
    '|\\',
    '| *  feature work (feature)',
    '* |  main work',
    '|/',
    '*  base',
  ]);
  assert.equal(
    (await json(dir, 0, 'log', '--first-parent')).map((e: { message: string }) => e.message),
    ['merge feature into main', 'main work', 'base'],
  );
  assert.is((await json(dir, 0, 'log')).length, 4);
  await ok(dir, 'verify', '--read-data');
  // no ~theirs copy is left: --theirs removed it
  assert.equal(
    (await listTree(nodeFs, dir)).map((l) => l.split(' ')[1]),
    ['b.txt', 'hero.psd', 'notes.md'],
  );
  assert.match((await ok(dir, 'status')).stdout, /nothing to commit/);
});

test('resolve --both keeps theirs beside ours; merge --continue; --abort; usage errors', async ({ dir }) => {
  await diverged(dir);
  const before = await listTree(nodeFs, dir);
  const m = await json(dir, 1, 'merge', 'feature');
  assert.is(m.outcome, 'conflicts');
  assert.equal(
    m.conflicts.map((c: { path: string; theirsCopy: string | null }) => [c.path, c.theirsCopy]),
    [
      ['hero.psd', 'hero~theirs.psd'],
      ['notes.md', null],
    ],
  );
  const ab = await json(dir, 0, 'merge', '--abort');
  assert.equal(ab.notDone, []);
  assert.equal(await listTree(nodeFs, dir), before);
  await fails(dir, 1, 'ENOMERGE', 'merge', '--abort');
  await fails(dir, 1, 'ENOMERGE', 'resolve', 'hero.psd', '--ours');
  await fails(dir, 2, 'EUSAGE', 'merge');
  await fails(dir, 2, 'EUSAGE', 'merge', 'feature', '--abort');
  await fails(dir, 2, 'EUSAGE', 'resolve', 'hero.psd', '--ours', '--theirs');
  await fails(dir, 1, 'EUNKNOWNREV', 'merge', 'nope');
  await fails(dir, 1, 'EDIVERGED', 'merge', 'feature', '--ff-only');
  await put(dir, 'notes.md', 'dirty');
  await fails(dir, 1, 'EDIRTY', 'merge', 'feature');
  await put(dir, 'notes.md', 'one\nours\nthree\n');
  await v(dir, 'merge', 'feature');
  await ok(dir, 'resolve', 'hero.psd', 'notes.md', '--both');
  assert.equal(await readFile(join(dir, 'hero~theirs.psd')), prngBytes(2, 4000));
  assert.is(await text(dir, 'notes.md'), 'one\nours\nthree\n');
  assert.is(await text(dir, 'notes~theirs.md'), 'one\ntheirs\nthree\n');
  await fails(dir, 1, 'ENOPATH', 'resolve', 'b.txt', '--ours');
  const done = await ok(dir, 'merge', '--continue', '-m', 'kept both');
  assert.match(done.stdout, /^merge snapshot [0-9a-f]{64}$/m);
  assert.is((await json(dir, 0, 'log', '-n', '1'))[0].message, 'kept both');
  await fails(dir, 1, 'ENOMERGE', 'merge', '--continue');
});

test('a merge without conflicts commits itself; a fast-forward moves the branch; up to date', async ({ dir }) => {
  await put(dir, 'a.txt', 'a');
  await put(dir, 'b.txt', 'b');
  await ok(dir, 'init');
  await ok(dir, 'commit', '-m', 'base');
  await ok(dir, 'branch', 'feature');
  await ok(dir, 'switch', 'feature');
  await put(dir, 'b.txt', 'b2');
  await ok(dir, 'commit', '-m', 'b2');
  await ok(dir, 'switch', 'main');
  const ff = await json(dir, 0, 'merge', 'feature');
  assert.is(ff.outcome, 'fast-forward');
  assert.is(await text(dir, 'b.txt'), 'b2');
  assert.match((await ok(dir, 'merge', 'feature')).stdout, /^already up to date with feature$/m);
  await ok(dir, 'switch', 'feature');
  await rm(join(dir, 'a.txt'));
  await ok(dir, 'commit', '-m', 'no a');
  await ok(dir, 'switch', 'main');
  await put(dir, 'c.txt', 'c');
  await ok(dir, 'commit', '-m', 'c');
  const merged = await ok(dir, 'merge', 'feature', '-m', 'bring feature in');
  assert.match(merged.stdout, /^merged feature \([0-9a-f]{12}\): snapshot [0-9a-f]{64}$/m);
  assert.match(merged.stdout, /^D {2}a\.txt$/m);
  assert.equal(
    (await listTree(nodeFs, dir)).map((l) => l.split(' ')[1]),
    ['b.txt', 'c.txt'],
  );
  assert.is((await json(dir, 0, 'log', '-n', '1'))[0].message, 'bring feature in');
  assert.match((await ok(dir, 'status')).stdout, /nothing to commit/);
});

test('creative vault: a PSD both sides changed in different layers is merged element by element', async ({ dir }) => {
  await put(dir, 'castle.psd', psd(RED, BLUE));
  await ok(dir, 'init', '--persona', 'creative');
  await ok(dir, 'commit', '-m', 'base');
  await ok(dir, 'switch', '-c', 'sky');
  await put(dir, 'castle.psd', psd(RED, DUSK));
  await ok(dir, 'commit', '-m', 'dusk sky');
  await ok(dir, 'switch', 'main');
  await put(dir, 'castle.psd', psd(GOLD, BLUE));
  await ok(dir, 'commit', '-m', 'gold hero');
  const r = await json(dir, 0, 'merge', 'sky');
  assert.is(r.outcome, 'merged');
  assert.equal(r.merged, [
    {
      path: 'castle.psd',
      how: 'file-merger',
      report: [
        'layer Sky: changed, from theirs',
        'layer Hero: changed, from ours',
        'layer Sky: composite regenerated from the visible layers',
      ],
    },
  ]);
  const { readPsd } = await import('ag-psd');
  const out = readPsd(await readFile(join(dir, 'castle.psd')), { useImageData: true, skipThumbnail: true });
  const px = (x: number, y: number) => [...out.imageData!.data.slice((y * 16 + x) * 4, (y * 16 + x) * 4 + 4)];
  assert.equal([px(7, 7), px(1, 1)], [GOLD, DUSK]);
  await ok(dir, 'verify', '--read-data');
  // the same layer changed on both sides: a conflict, with the merger's reason; theirs kept beside ours
  await ok(dir, 'switch', 'sky');
  await put(dir, 'castle.psd', psd(BLUE, DUSK));
  await ok(dir, 'commit', '-m', 'blue hero');
  await ok(dir, 'switch', 'main');
  const c = await json(dir, 1, 'merge', 'sky');
  assert.equal(
    c.conflicts.map((x: { path: string; theirsCopy: string; report: string[] }) => [x.path, x.theirsCopy, x.report]),
    [['castle.psd', 'castle~theirs.psd', ['layer Hero: changed on both sides (ours changed, theirs changed)']]],
  );
  await ok(dir, 'merge', '--abort');
  // without a persona, no element merge: the PSD is kept on both sides
  await ok(dir, 'persona', 'none');
  assert.equal((await json(dir, 1, 'merge', 'sky')).conflicts[0].report, []);
});

test.run();
