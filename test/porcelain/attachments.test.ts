import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { joinPath } from '../../src/plumbing/fs.js';
import { commit } from '../../src/porcelain/commit.js';
import { readAttachedFile, readAttachment, type CommitAttachment } from '../../src/porcelain/attachments.js';
import { prune } from '../../src/porcelain/prune.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { verify } from '../../src/porcelain/verify.js';
import { memVault } from '../helpers/vault.js';

const test = suite('porcelain/attachments');

/** an attachment that records, per changed file, its length and first byte; unchanged files carry forward */
const sizes: CommitAttachment = {
  name: 'sizes',
  async run(ctx) {
    const out = new Map(ctx.previous);
    for (const c of [...ctx.changes.deleted, ...ctx.changes.renamed]) out.delete(c.from ?? c.path);
    for (const c of [...ctx.changes.added, ...ctx.changes.modified, ...ctx.changes.renamed]) {
      const bytes = await ctx.readFile(c.path);
      out.set(`${c.path}.txt`, await ctx.putBytes(`${c.path}.txt`, Buffer.from(`${bytes.length} ${bytes[0]}`)));
    }
    for (const c of ctx.changes.deleted) out.delete(`${c.path}.txt`);
    return [...out.values()];
  },
};

const counting: CommitAttachment = {
  name: 'counting',
  async run(ctx) {
    for (let i = 1; i <= 3; i++) ctx.progress(i, 3);
    return [];
  },
};

test('an attachment reports progress through the commit as phase attach', async () => {
  const t = await memVault({ 'a.bin': 'x' });
  const seen: string[] = [];
  await commit({
    vault: t.vault,
    message: 'one',
    attachments: [counting],
    onProgress: (p) => p.phase === 'attach' && seen.push(`${p.files}/${p.filesTotal}`),
  });
  assert.equal(seen, ['1/3', '2/3', '3/3']);
});

const failing: CommitAttachment = {
  name: 'broken',
  async run() {
    throw new Error('decoder exploded');
  },
};

test('attachments are stored with the snapshot, carried forward, and a failing one only warns', async () => {
  const t = await memVault({ 'a.bin': Buffer.alloc(1000, 7), 'b.bin': Buffer.alloc(10, 9) });
  const warnings: string[] = [];
  const r1 = await commit({
    vault: t.vault,
    message: 'one',
    attachments: [sizes, failing],
    onWarning: (w) => warnings.push(`${w.attachment}: ${w.message}`),
  });
  assert.ok(r1.id && r1.attachments);
  assert.equal(warnings, ['broken: left out of this snapshot: decoder exploded']);
  const s1 = await readSnapshot(t.vault, 'HEAD');
  assert.is(s1.attachments, r1.attachments);
  const a1 = await readAttachment(t.vault, s1.attachments, 'sizes');
  assert.equal([...a1.keys()].sort(), ['a.bin.txt', 'b.bin.txt']);
  assert.is((await readAttachedFile(t.vault, a1.get('a.bin.txt')!)).toString(), '1000 7');
  assert.is((await readAttachment(t.vault, s1.attachments, 'broken')).size, 0);

  await t.fs.writeFile(joinPath(t.dir, 'b.bin'), Buffer.alloc(20, 3));
  const r2 = await commit({ vault: t.vault, message: 'two', attachments: [sizes] });
  const a2 = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'sizes');
  assert.is((await readAttachedFile(t.vault, a2.get('b.bin.txt')!)).toString(), '20 3');
  assert.is(a2.get('a.bin.txt')!.id, a1.get('a.bin.txt')!.id, 'unchanged file keeps its attachment');
  assert.ok(r2.id);

  // nothing changed: no snapshot, attachments not re-run
  const r3 = await commit({ vault: t.vault, message: 'three', attachments: [sizes] });
  assert.is(r3.id, null);
});

test('verify checks attached objects and prune keeps them; an `always` attachment can make a snapshot on its own', async () => {
  const t = await memVault({ 'a.bin': Buffer.alloc(1000, 7) });
  let n = 0;
  const counter: CommitAttachment = {
    name: 'ws',
    always: true,
    run: async (ctx) => [await ctx.putBytes('state.json', Buffer.from(`{"n":${n}}`))],
  };
  const r1 = await commit({ vault: t.vault, message: 'one', attachments: [counter] });
  assert.ok(r1.id);
  const again = await commit({ vault: t.vault, message: 'same', attachments: [counter] });
  assert.is(again.id, null, 'same workspace, same files: nothing new');
  n = 1;
  const r2 = await commit({ vault: t.vault, message: 'workspace changed', attachments: [counter] });
  assert.ok(r2.id, 'a changed workspace alone makes a snapshot');
  assert.is(r2.tree, r1.tree);

  const v = await verify({ vault: t.vault, readData: true });
  assert.equal(v.problems, []);
  await prune({ vault: t.vault, protectMs: 0 });
  const ws = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'ws');
  assert.is((await readAttachedFile(t.vault, ws.get('state.json')!)).toString(), '{"n":1}');
  const old = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD~1')).attachments, 'ws');
  assert.is((await readAttachedFile(t.vault, old.get('state.json')!)).toString(), '{"n":0}');
});

test.run();
