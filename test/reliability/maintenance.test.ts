// gc, forget, prune and repair on memfs: what each keeps, what it removes, and that the vault verifies after.
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { applyPolicy, forget } from '../../src/porcelain/forget.js';
import { gc } from '../../src/porcelain/gc.js';
import { log } from '../../src/porcelain/log.js';
import { prune } from '../../src/porcelain/prune.js';
import { parseDuration } from '../../src/porcelain/reachable.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { repair } from '../../src/porcelain/repair.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { readRef, updateRef } from '../../src/refs/refs.js';
import { flattenTree } from '../../src/plumbing/trees.js';
import { prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { codeOf, memVault, type TestVault } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('reliability/maintenance');

async function packFiles(t: TestVault): Promise<string[]> {
  return ((await t.fs.readdir('/work/.vault/packs')) as string[]).sort();
}

async function looseFiles(t: TestVault): Promise<number> {
  let n = 0;
  for (const fan of (await t.fs.readdir('/work/.vault/objects')) as string[])
    n += ((await t.fs.readdir(`/work/.vault/objects/${fan}`)) as string[]).length;
  return n;
}

async function clean(t: TestVault, readData = true): Promise<void> {
  const v = await verify({ vault: t.vault, readData });
  assert.equal(v.problems, [], 'the vault verifies');
}

/** n commits, each changing data.bin and adding a file; returns their ids (oldest first) */
async function history(t: TestVault, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    await t.fs.writeFile('/work/data.bin', prngBytes(100 + i, 40_000));
    await t.fs.writeFile(`/work/note${i}.txt`, `note ${i}\n`);
    ids.push((await commit({ vault: t.vault, message: `c${i}` })).id!);
  }
  return ids;
}

test('gc packs loose objects (durable pack first), removes temp leftovers, and everything still reads', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  await commit({ vault: t.vault, message: 'one' });
  const ids = [];
  for (let i = 0; i < 20; i++) ids.push(await t.vault.db.writeLoose('blob', Buffer.from(`loose ${i}`)));
  await t.fs.writeFile('/work/.vault/packs/tmp-0123456789abcdef.pack', 'half a pack');
  assert.is(await looseFiles(t), 20);
  const r = await gc({ vault: t.vault });
  assert.is(r.loosePacked, 20);
  assert.is(r.looseRemoved, 20);
  assert.equal(r.tempsRemoved, ['tmp-0123456789abcdef.pack']);
  assert.is(await looseFiles(t), 0);
  assert.ok(!(await packFiles(t)).some((n) => n.startsWith('tmp-')));
  const again = await t.reopen();
  for (let i = 0; i < 20; i++) assert.is((await again.db.read(must(ids[i]))).body.toString(), `loose ${i}`);
  await clean(t);
});

test('gc indexes a pack that lost its index, and removes one whose objects are all stored elsewhere', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  await history(t, 2);
  const packs = (await packFiles(t)).filter((n) => n.endsWith('.pack'));
  const first = must(packs[0]).slice(0, -5);
  // a copy of a pack without an index (a duplicate: everything in it is stored already)
  await t.fs.writeFile(
    '/work/.vault/packs/pack-00000000000000000000000000000000.pack',
    await t.fs.readFile(`/work/.vault/packs/${first}.pack`),
  );
  // and a pack whose index is lost (its objects are stored nowhere else)
  await t.fs.unlink(`/work/.vault/packs/${must(packs[1]).slice(0, -5)}.idx`);
  const young = await gc({ vault: await t.reopen() });
  assert.ok(
    young.orphanPacks.every((o) => o.action === 'too young'),
    'a pack without an index may still be being written: left alone at first',
  );
  const r = await gc({ vault: await t.reopen(), orphanMinAgeMs: 0 });
  const actions = Object.fromEntries(r.orphanPacks.map((o) => [o.name, o.action]));
  assert.is(actions['pack-00000000000000000000000000000000'], 'removed');
  assert.is(actions[must(packs[1]).slice(0, -5)], 'indexed');
  const v2 = await t.reopen();
  await clean({ ...t, vault: v2 });
});

test('gc combines many small packs into one; restore is byte-identical', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  await history(t, 9);
  const before = (await packFiles(t)).filter((n) => n.endsWith('.idx')).length;
  assert.ok(before >= 9);
  const want = await listTree(t.fs, '/work');
  const r = await gc({ vault: t.vault });
  assert.is(r.repackedFrom, before);
  assert.is(r.repackedInto, 1);
  assert.is((await packFiles(t)).filter((n) => n.endsWith('.idx')).length, 1);
  await restore({ vault: await t.reopen(), snapshot: 'HEAD', to: '/copy' });
  assert.equal(await listTree(t.fs, '/copy'), want);
  await clean(t);
});

test('a commit runs gc by itself once packs pile up (VAULT_GC_PACKS)', async () => {
  process.env.VAULT_GC_PACKS = '4';
  try {
    const t = await memVault({ 'a.txt': 'hello\n' });
    await history(t, 10);
    const idx = (await packFiles(t)).filter((n) => n.endsWith('.idx')).length;
    assert.ok(idx < 4, `packs stay few (${idx})`);
    await clean(t);
  } finally {
    delete process.env.VAULT_GC_PACKS;
  }
});

test('applyPolicy follows restic: last, daily (newest of each day), within, and a snapshot kept by several rules', () => {
  const day = 86400e3;
  const base = Date.UTC(2024, 4, 10, 12);
  // newest first: two on May 10, one on May 9, two on May 8, one on May 1
  const snaps = [base, base - 3600e3, base - day, base - 2 * day, base - 2 * day - 3600e3, base - 9 * day].map(
    (time) => ({ time }),
  );
  assert.equal(
    applyPolicy(snaps, { last: 2 }).map((r) => r.length > 0),
    [true, true, false, false, false, false],
  );
  assert.equal(
    applyPolicy(snaps, { daily: 3 }).map((r) => r.join()),
    ['daily 2024-05-10', '', 'daily 2024-05-09', 'daily 2024-05-08', '', ''],
  );
  assert.equal(
    applyPolicy(snaps, { withinMs: 2 * day }).map((r) => r.length > 0),
    [true, true, true, true, false, false],
  );
  assert.equal(applyPolicy(snaps, { monthly: 1, yearly: 1 })[0], ['monthly 2024-05', 'yearly 2024']);
  assert.equal(
    applyPolicy(snaps, { weekly: 2 }).map((r) => r.length > 0),
    [true, false, false, false, false, true],
  );
  assert.is(parseDuration('1y6m'), 365 * day + 180 * day);
  assert.is(parseDuration('36h'), 1.5 * day);
  assert.ok(Number.isNaN(parseDuration('3 days')));
});

test('forget keeps by policy and milestones, re-writes the chain (same trees, meta.original), moves the milestone; dry-run changes nothing', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  const ids = await history(t, 6);
  const base = { ...t.vault.refs, author: 'x', time: 1, message: 'm' };
  await updateRef({ ...base, ref: 'refs/milestones/alpha', value: must(ids[1]) });
  const trees = await Promise.all(ids.map(async (id) => (await readSnapshot(t.vault, id)).tree));

  const dry = await forget({ vault: t.vault, policy: { last: 2 }, dryRun: true });
  assert.equal(
    dry.snapshots.map((s) => s.keep),
    [true, true, false, false, true, false],
  );
  assert.is(await readRef(t.vault.refs, 'refs/heads/main'), ids[5], 'dry run moves nothing');

  const r = await forget({ vault: t.vault, policy: { last: 2 } });
  assert.is(r.kept, 3);
  assert.is(r.forgotten, 3);
  const chain = await log({ vault: t.vault });
  assert.equal(
    chain.map((e) => e.message),
    ['c5', 'c4', 'c1'],
  );
  for (const e of chain) {
    const s = await readSnapshot(t.vault, e.id);
    const old = ids[Number(s.message.slice(1))];
    assert.is(s.tree, trees[Number(s.message.slice(1))], 'same tree');
    assert.is(s.meta.original, old);
  }
  const alpha = await readRef(t.vault.refs, 'refs/milestones/alpha');
  assert.is((await readSnapshot(t.vault, alpha!)).meta.original, ids[1]);
  // the same policy again changes nothing
  const again = await forget({ vault: t.vault, policy: { last: 2 } });
  assert.is(again.rewritten.length, 0);
  assert.is(again.newTip, again.oldTip);
  await clean(t);
});

test("forget without a policy is a usage error; --drop-ref lifts a milestone's protection", async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  const ids = await history(t, 3);
  assert.is(await codeOf(() => forget({ vault: t.vault, policy: {} })), 'EUSAGE');
  await updateRef({ ...t.vault.refs, author: 'x', time: 1, message: 'm', ref: 'refs/tags/v1', value: must(ids[0]) });
  const r = await forget({ vault: t.vault, policy: { last: 1 }, dropRefs: ['v1'] });
  assert.is(r.kept, 1);
  assert.is(await readRef(t.vault.refs, 'refs/tags/v1'), null);
  assert.is(await codeOf(() => forget({ vault: t.vault, policy: { last: 1 }, dropRefs: ['nope'] })), 'EBADREF');
});

test('prune: the reflog window protects forgotten snapshots; with --protect 0 they go; dry-run deletes nothing; kept ones restore', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  const ids = await history(t, 5);
  const want = await listTree(t.fs, '/work');
  await forget({ vault: t.vault, policy: { last: 1 } });
  const p1 = await prune({ vault: t.vault });
  assert.is(p1.objectsDeleted, 0, 'reflog entries of the last 14 days keep the old chain');
  const files = await packFiles(t);
  const dry = await prune({ vault: t.vault, protectMs: 0, dryRun: true, repackThreshold: 0 });
  assert.ok(dry.objectsDeleted > 0);
  assert.equal(await packFiles(t), files, 'dry run touched nothing');
  const p2 = await prune({ vault: t.vault, protectMs: 0, repackThreshold: 0 });
  assert.is(p2.objectsDeleted, dry.objectsDeleted);
  assert.ok(!(await t.vault.db.has(must(ids[0]))), 'the forgotten snapshot is gone');
  await clean(t);
  await restore({ vault: await t.reopen(), snapshot: 'HEAD', to: '/copy' });
  assert.equal(await listTree(t.fs, '/copy'), want);
});

test('prune refuses to delete anything when a reachable object is missing or an index is damaged', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  await history(t, 3);
  await forget({ vault: t.vault, policy: { last: 1 } });
  const head = await readSnapshot(t.vault, 'HEAD');
  await t.vault.db.ready(); // commit looked ids up lean: the sync accessors need the whole index
  const where = t.vault.db.locate(head.tree)!.packPath;
  await t.fs.unlink(where.replace(/\.pack$/, '.idx'));
  const files = await packFiles(t);
  assert.is(await codeOf(async () => prune({ vault: await t.reopen(), protectMs: 0, repackThreshold: 0 })), 'EDAMAGED');
  assert.equal(await packFiles(t), files);
  await t.fs.writeFile(where.replace(/\.pack$/, '.idx'), 'garbage');
  const files2 = await packFiles(t);
  assert.is(await codeOf(async () => prune({ vault: await t.reopen(), protectMs: 0 })), 'EDAMAGED');
  assert.equal(await packFiles(t), files2);
});

test('repair rebuilds a lost index from the pack; a damaged record is reported as lost with its paths', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  await history(t, 2);
  const head = await readSnapshot(t.vault, 'HEAD');
  await t.vault.db.ready(); // commit looked ids up lean: the sync accessors need the whole index
  const packOf = t.vault.db.locate(head.tree)!.packPath;
  await t.fs.unlink(packOf.replace(/\.pack$/, '.idx'));
  const v0 = await verify({ vault: await t.reopen() });
  assert.ok(v0.problems.length > 0);
  const r = await repair({ vault: await t.reopen() });
  assert.is(r.packs.length, 1);
  assert.is(must(r.packs[0]).reason, 'index missing');
  assert.equal(r.lost, []);
  assert.equal(r.problems, []);

  // flip a byte inside the record of note1.txt's blob
  const v = await t.reopen();
  const flat = must((await log({ vault: v }))[0]);
  const s = await readSnapshot(v, flat.id);
  const note = (await flattenTree(v.db, s.tree)).get('note1.txt')!;
  const loc = v.db.locate(note.id)!;
  const buf = (await t.fs.readFile(loc.packPath)) as Buffer;
  buf[loc.entry.offset + loc.entry.length - 1]! ^= 0xff; // the record's last byte
  await t.fs.chmod(loc.packPath, 0o644);
  await t.fs.writeFile(loc.packPath, buf);
  const r2 = await repair({ vault: await t.reopen() });
  assert.equal(r2.lost, [note.id]);
  assert.is(
    await codeOf(() => t.fs.stat('/work/.vault/index')),
    'ENOENT',
    'no stat cache: the next commit re-reads every file',
  );
  const bad = r2.problems.find((p) => p.id === note.id)!;
  assert.ok(bad, 'verify names the lost object');
  assert.ok(bad.paths.includes('note1.txt'));
  // the next commit stores it again from the folder
  await commit({ vault: await t.reopen(), message: 'heal', allowEmpty: true });
  const healed = await t.reopen();
  await clean({ ...t, vault: healed });
});

test('a commit killed while moving the ref leaves ref.lock behind: the next commit clears it with the stale vault lock', async () => {
  const t = await memVault({ 'a.txt': 'hello\n' });
  await history(t, 1);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  await t.fs.writeFile(
    '/work/.vault/lock',
    JSON.stringify({ pid: dead, host: hostname(), time: Date.now() - 1000, command: 'commit' }),
  );
  await t.fs.writeFile('/work/.vault/refs/heads/main.lock', '');
  await t.fs.writeFile('/work/b.txt', 'more\n');
  const r = await commit({ vault: t.vault, message: 'after the crash' });
  assert.is(await readRef(t.vault.refs, 'refs/heads/main'), r.id);
  assert.is(await codeOf(() => t.fs.stat('/work/.vault/refs/heads/main.lock')), 'ENOENT');
});

test.run();
