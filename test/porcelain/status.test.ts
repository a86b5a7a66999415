import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { status, type StatusResult } from '../../src/porcelain/status.js';
import { symlink, writeTree, type FileTree } from '../helpers/tree.js';
import { memVault } from '../helpers/vault.js';
import { mulberry32 } from '../helpers/prng.js';
import { hashWorktree } from '../../src/porcelain/hashWorktree.js';
import { diffFlat } from '../../src/porcelain/diffTrees.js';
import { flattenTree, type FlatEntry } from '../../src/plumbing/trees.js';
import { decodeSnapshot } from '../../src/objects/snapshot.js';

const test = suite('porcelain/status');

const BASE: FileTree = {
  'keep.txt': 'unchanged',
  'edit.txt': 'before',
  'gone.txt': 'to be deleted',
  'move-me.bin': Buffer.alloc(5000, 'm'),
  Art: { 'hero.psd': Buffer.alloc(400_000, 'h'), 'old-name.png': Buffer.from('png bytes') },
  'run.sh': 'echo hi\n',
  link: symlink('keep.txt'),
};

function summary(s: StatusResult) {
  return {
    added: s.added.map((c) => c.path),
    modified: s.modified.map((c) => c.path),
    deleted: s.deleted.map((c) => c.path),
    renamed: s.renamed.map((c) => `${c.from} -> ${c.path}`),
  };
}

test('no snapshot yet: everything is added', async () => {
  const t = await memVault({ 'a.txt': 'a', sub: { 'b.txt': 'b' }, empty: {} });
  const s = await status({ vault: t.vault });
  assert.is(s.head, null);
  assert.not.ok(s.clean);
  assert.equal(summary(s), { added: ['a.txt', 'sub/b.txt'], modified: [], deleted: [], renamed: [] });
});

test('right after a commit: clean', async () => {
  const t = await memVault(BASE);
  const r = await commit({ vault: t.vault, message: 'base' });
  const s = await status({ vault: t.vault });
  assert.ok(s.clean);
  assert.is(s.head, r.id);
  assert.equal(summary(s), { added: [], modified: [], deleted: [], renamed: [] });
});

test('added, modified, deleted and renamed files', async () => {
  const t = await memVault(BASE);
  await commit({ vault: t.vault, message: 'base' });
  const { fs } = t;
  await fs.writeFile('/work/edit.txt', 'after, and longer');
  await fs.unlink('/work/gone.txt');
  await fs.rename('/work/move-me.bin', '/work/moved.bin');
  await fs.rename('/work/Art/old-name.png', '/work/Art/new-name.png');
  await fs.writeFile('/work/Art/hero.psd', Buffer.alloc(400_000, 'H'));
  await writeTree(fs, '/work', { 'new.txt': 'brand new', Audio: { 'theme.ogg': 'OggS...' } });
  const s = await status({ vault: t.vault });
  assert.not.ok(s.clean);
  assert.equal(summary(s), {
    added: ['Audio/theme.ogg', 'new.txt'],
    modified: ['Art/hero.psd', 'edit.txt'],
    deleted: ['gone.txt'],
    renamed: ['Art/old-name.png -> Art/new-name.png', 'move-me.bin -> moved.bin'],
  });
  const edit = s.modified.find((c) => c.path === 'edit.txt')!;
  assert.is(edit.oldSize, 6);
  assert.is(edit.newSize, 17);
  assert.is.not(edit.oldId, edit.newId);
});

test('kind changes are modifications: exec bit, symlink target, file replaced by a link', async () => {
  const t = await memVault(BASE);
  await commit({ vault: t.vault, message: 'base' });
  await t.fs.chmod('/work/run.sh', 0o755);
  await t.fs.unlink('/work/link');
  await t.fs.symlink('edit.txt', '/work/link');
  await t.fs.unlink('/work/keep.txt');
  await t.fs.symlink('edit.txt', '/work/keep.txt');
  const s = await status({ vault: t.vault });
  assert.equal(summary(s).modified, ['keep.txt', 'link', 'run.sh']);
  const run = s.modified.find((c) => c.path === 'run.sh')!;
  assert.equal([run.oldKind, run.newKind], ['file', 'exec']);
  assert.is(run.oldId, run.newId);
});

test('a rename plus an edit is a delete and an add; copies of one file are matched once', async () => {
  const t = await memVault({ 'a.txt': 'same', 'b.txt': 'same', 'c.txt': 'ccc' });
  await commit({ vault: t.vault, message: 'base' });
  await t.fs.rename('/work/c.txt', '/work/d.txt');
  await t.fs.writeFile('/work/d.txt', 'ccc, edited');
  await t.fs.unlink('/work/a.txt');
  await t.fs.unlink('/work/b.txt');
  await t.fs.writeFile('/work/e.txt', 'same');
  assert.equal(summary(await status({ vault: t.vault })), {
    added: ['d.txt'],
    modified: [],
    deleted: ['b.txt', 'c.txt'],
    renamed: ['a.txt -> e.txt'],
  });
});

test('folders alone are not changes; a file replaced by a folder is a delete and an add', async () => {
  const t = await memVault({ x: 'a file', sub: {} });
  await commit({ vault: t.vault, message: 'base' });
  await t.fs.mkdir('/work/another-empty-folder');
  assert.ok((await status({ vault: t.vault })).clean);
  await t.fs.unlink('/work/x');
  await writeTree(t.fs, '/work', { x: { 'inner.txt': 'in' } });
  assert.equal(summary(await status({ vault: t.vault })), {
    added: ['x/inner.txt'],
    modified: [],
    deleted: ['x'],
    renamed: [],
  });
});

test('status changes nothing: no objects written, HEAD and the stat cache file untouched', async () => {
  const t = await memVault(BASE);
  await commit({ vault: t.vault, message: 'base' });
  await t.fs.writeFile('/work/edit.txt', 'changed');
  await t.fs.writeFile('/work/new.txt', 'new');
  const before = await listVault(t);
  await status({ vault: t.vault });
  assert.equal(await listVault(t), before);
});

async function listVault(t: Awaited<ReturnType<typeof memVault>>): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const n of (await t.fs.readdir(d)) as string[]) {
      const p = `${d}/${n}`;
      const st = await t.fs.lstat(p);
      if (st.isDirectory()) await walk(p);
      else out.push(`${p} ${st.size} ${st.mtimeMs}`);
    }
  };
  await walk('/work/.vault');
  return out.sort();
}

test('random edits: the folder-pruned comparison finds what comparing every entry finds', async () => {
  let changes = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const next = mulberry32(seed);
    const rnd = () => next() / 2 ** 32;
    const tree: Record<string, FileTree | string> = { 'top.txt': 'top' };
    for (const d of ['a', 'a.b', 'b', 'é']) {
      const sub: Record<string, FileTree | string> = { deep: { 'x.txt': `x ${d}`, 'y.txt': `y ${d}` } };
      for (let i = 0; i < 6; i++) sub[`f${i}.txt`] = `file ${d} ${i}`;
      tree[d] = sub;
    }
    const t = await memVault(tree);
    const r = await commit({ vault: t.vault, message: 'base' });
    const paths = ['top.txt'];
    for (const d of ['a', 'a.b', 'b', 'é'])
      paths.push(...[0, 1, 2, 3, 4, 5].map((i) => `${d}/f${i}.txt`), `${d}/deep/x.txt`, `${d}/deep/y.txt`);
    for (const p of paths) {
      const x = rnd();
      if (x < 0.1) await t.fs.unlink(`/work/${p}`);
      else if (x < 0.2) await t.fs.writeFile(`/work/${p}`, `edited ${seed} ${p}`);
      else if (x < 0.25) await t.fs.rename(`/work/${p}`, `/work/${p}.moved`);
    }
    if (rnd() < 0.5) await t.fs.mkdir('/work/b/new/deeper', { recursive: true });
    if (rnd() < 0.5) await t.fs.writeFile('/work/b/new.txt', 'new');
    const s = await status({ vault: t.vault });
    // the reference: every entry of HEAD and of the folder
    const head = decodeSnapshot(await t.vault.db.readTyped(r.id!, 'snapshot'), r.id!).tree;
    const h = await hashWorktree({ vault: t.vault, store: false });
    const after = new Map<string, FlatEntry>();
    for (const e of h.entries) if (e.kind !== 'dir') after.set(e.path, e as FlatEntry);
    const want = diffFlat(await flattenTree(t.vault.db, head), after);
    const sorted = (c: readonly { path: string }[]) => c.map((x) => JSON.stringify(x)).sort();
    for (const k of ['added', 'modified', 'deleted', 'renamed'] as const)
      assert.equal(sorted(s[k]), sorted(want[k]), `seed ${seed}: ${k}`);
    assert.is(s.clean, want.added.length + want.modified.length + want.deleted.length + want.renamed.length === 0);
    changes += s.added.length + s.modified.length + s.deleted.length + s.renamed.length;
  }
  assert.ok(changes > 20, `${changes} changes seen`);
});

test.run();
