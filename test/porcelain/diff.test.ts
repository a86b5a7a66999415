import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { diff, textPatch, type DiffResult } from '../../src/porcelain/diff.js';
import { memVault } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('porcelain/diff');

const names = (d: DiffResult) => ({
  added: d.added.map((c) => c.path),
  modified: d.modified.map((c) => c.path),
  deleted: d.deleted.map((c) => c.path),
  renamed: d.renamed.map((c) => `${c.from} -> ${c.path}`),
});

async function twoSnapshots() {
  const t = await memVault({
    'notes.txt': 'line 1\nline 2\nline 3\n',
    'data.bin': Buffer.from([0, 1, 2, 3]),
    Art: { 'a.png': 'a', 'b.png': 'b' },
    'old.txt': 'old',
  });
  const a = await commit({ vault: t.vault, message: 'a' });
  await t.fs.writeFile('/work/notes.txt', 'line 1\nline two\nline 3\n');
  await t.fs.writeFile('/work/data.bin', Buffer.from([0, 1, 2, 4]));
  await t.fs.rename('/work/Art/b.png', '/work/Art/c.png');
  await t.fs.unlink('/work/old.txt');
  await t.fs.writeFile('/work/new.txt', 'hello\n');
  const b = await commit({ vault: t.vault, message: 'b' });
  return { t, a: a.id!, b: b.id! };
}

test('snapshot to snapshot: what the second changed', async () => {
  const { t, a, b } = await twoSnapshots();
  const d = await diff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD~1' },
    b: { kind: 'snapshot', rev: 'HEAD' },
  });
  assert.is(d.a, a);
  assert.is(d.b, b);
  assert.equal(names(d), {
    added: ['new.txt'],
    modified: ['data.bin', 'notes.txt'],
    deleted: ['old.txt'],
    renamed: ['Art/b.png -> Art/c.png'],
  });
  // and backwards
  const r = await diff({ vault: t.vault, a: { kind: 'snapshot', rev: b }, b: { kind: 'snapshot', rev: a } });
  assert.equal(names(r), {
    added: ['old.txt'],
    modified: ['data.bin', 'notes.txt'],
    deleted: ['new.txt'],
    renamed: ['Art/c.png -> Art/b.png'],
  });
  // a snapshot against itself
  const same = await diff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'snapshot', rev: 'HEAD' },
  });
  assert.equal(names(same), { added: [], modified: [], deleted: [], renamed: [] });
});

test('snapshot to the working folder; only some paths', async () => {
  const { t } = await twoSnapshots();
  await t.fs.writeFile('/work/Art/a.png', 'A!');
  await t.fs.writeFile('/work/new.txt', 'hello\nworld\n');
  const d = await diff({ vault: t.vault, a: { kind: 'snapshot', rev: 'HEAD' }, b: { kind: 'worktree' } });
  assert.is(d.b, 'worktree');
  assert.equal(names(d).modified, ['Art/a.png', 'new.txt']);
  const only = await diff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    paths: ['Art/'],
  });
  assert.equal(names(only), { added: [], modified: ['Art/a.png'], deleted: [], renamed: [] });
});

test('textPatch: a unified diff for text, null for binary', async () => {
  const { t } = await twoSnapshots();
  const d = await diff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD~1' },
    b: { kind: 'snapshot', rev: 'HEAD' },
  });
  const notes = d.modified.find((c) => c.path === 'notes.txt')!;
  const p = await textPatch(t.vault, notes, d);
  assert.ok(p);
  assert.match(p!, '--- a/notes.txt');
  assert.match(p!, '+++ b/notes.txt');
  assert.match(p!, '-line 2\n+line two');
  assert.is(
    await textPatch(
      t.vault,
      d.modified.find((c) => c.path === 'data.bin')!,
      d,
    ),
    null,
  );
  const added = await textPatch(t.vault, must(d.added[0]), d);
  assert.match(added!, '--- /dev/null');
  assert.match(added!, '+hello');
  // against the working folder
  await t.fs.writeFile('/work/new.txt', 'hello\nworld\n');
  const w = await diff({ vault: t.vault, a: { kind: 'snapshot', rev: 'HEAD' }, b: { kind: 'worktree' } });
  assert.match((await textPatch(t.vault, must(w.modified[0]), w))!, '+world');
});

test('unknown revision: EUNKNOWNREV', async () => {
  const { t } = await twoSnapshots();
  try {
    await diff({ vault: t.vault, a: { kind: 'snapshot', rev: 'nosuch' }, b: { kind: 'worktree' } });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'EUNKNOWNREV');
  }
});

test.run();
