import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeChunkList } from '../../src/objects/chunkList.js';
import { hashObject } from '../../src/objects/hashObject.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { encodeTree } from '../../src/objects/tree.js';
import type { TreeEntry } from '../../src/objects/types.js';
import { acquireLock } from '../../src/plumbing/lock.js';
import { commit } from '../../src/porcelain/commit.js';
import { restore } from '../../src/porcelain/restore.js';
import { status } from '../../src/porcelain/status.js';
import type { Vault } from '../../src/porcelain/openVault.js';
import { prngBytes } from '../helpers/prng.js';
import { exec, listTree, symlink, writeTree, type FileTree } from '../helpers/tree.js';
import { codeOf, diskVault, memVault, nodeFs, tempDir } from '../helpers/vault.js';

const test = suite('porcelain/restore');

const PROJECT: FileTree = {
  'README.md': '# castle\n',
  'empty.txt': '',
  Art: { 'hero.psd': prngBytes(3, 700_000), 'icon.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), Layers: {} },
  Scripts: { 'build.sh': exec('#!/bin/sh\necho build\n') },
  'latest.psd': symlink('Art/hero.psd'),
  Ünïcødé: { '日本語.txt': 'こんにちは\n' },
};

async function committed(tree: FileTree = PROJECT) {
  const t = await memVault(tree);
  const r = await commit({ vault: t.vault, message: 'base' });
  return { ...t, id: r.id! };
}

test('restore --to another folder gives back every file byte for byte, with modes, links and empty folders', async () => {
  const t = await committed();
  const r = await restore({ vault: t.vault, snapshot: 'HEAD', to: '/out' });
  assert.is(r.snapshot, t.id);
  assert.is(r.target, '/out');
  assert.is(r.files, 7);
  assert.equal(r.skipped, []);
  assert.equal(await listTree(t.fs, '/out'), await listTree(t.fs, '/work'));
  // file mtimes come back too
  const a = await t.fs.stat('/work/README.md');
  const b = await t.fs.stat('/out/README.md');
  assert.is(Math.trunc(b.mtimeMs), Math.trunc(a.mtimeMs));
  // no temp files left
  assert.not.ok((await listTree(t.fs, '/out')).some((l) => l.includes('.tmp-')));
});

test('an older snapshot restores as it was', async () => {
  const t = await committed();
  const before = await listTree(t.fs, '/work');
  await t.fs.writeFile('/work/README.md', '# castle v2\n');
  await t.fs.rm('/work/Art', { recursive: true });
  await writeTree(t.fs, '/work', { 'new.txt': 'new' });
  await commit({ vault: t.vault, message: 'v2' });
  await restore({ vault: t.vault, snapshot: 'HEAD~1', to: '/old' });
  assert.equal(await listTree(t.fs, '/old'), before);
});

test('in place: refuses to overwrite an uncommitted change (EDIRTY) and leaves it alone', async () => {
  const t = await committed();
  await t.fs.writeFile('/work/README.md', 'my unsaved work');
  try {
    await restore({ vault: t.vault, snapshot: 'HEAD' });
    assert.unreachable('restore overwrote an uncommitted change');
  } catch (e) {
    const err = e as { code?: string; data?: { paths?: string[] } };
    assert.is(err.code, 'EDIRTY');
    assert.equal(err.data?.paths, ['README.md']);
  }
  assert.is(String(await t.fs.readFile('/work/README.md', 'utf8')), 'my unsaved work');
});

test('in place with force: the change is overwritten and the folder is clean again', async () => {
  const t = await committed();
  const before = await listTree(t.fs, '/work');
  await t.fs.writeFile('/work/README.md', 'my unsaved work');
  await t.fs.chmod('/work/Scripts/build.sh', 0o644);
  const r = await restore({ vault: t.vault, snapshot: 'HEAD', force: true });
  assert.ok(r.unchanged >= 4, `${r.unchanged} unchanged`);
  assert.equal(await listTree(t.fs, '/work'), before);
  assert.ok((await status({ vault: t.vault })).clean);
});

test('in place, nothing uncommitted: an older snapshot is restored without force', async () => {
  const t = await committed();
  await t.fs.writeFile('/work/README.md', 'v2');
  await commit({ vault: t.vault, message: 'v2' });
  await restore({ vault: t.vault, snapshot: 'HEAD~1' });
  assert.is(String(await t.fs.readFile('/work/README.md', 'utf8')), '# castle\n');
  assert.equal(
    (await status({ vault: t.vault })).modified.map((c) => c.path),
    ['README.md'],
  );
});

test('in place: an untracked file where the snapshot has one is an uncommitted change too', async () => {
  const t = await committed({ 'a.txt': 'a', 'b.txt': 'b' });
  await t.fs.unlink('/work/b.txt');
  await commit({ vault: t.vault, message: 'no b' });
  await t.fs.writeFile('/work/b.txt', 'a new, different b');
  assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: 'HEAD~1' })), 'EDIRTY');
  assert.is(String(await t.fs.readFile('/work/b.txt', 'utf8')), 'a new, different b');
});

test('in place: a deleted file comes back without force', async () => {
  const t = await committed();
  await t.fs.unlink('/work/Art/icon.png');
  const r = await restore({ vault: t.vault, snapshot: 'HEAD' });
  assert.ok(r.files >= 1);
  assert.ok((await status({ vault: t.vault })).clean);
});

test('restore --to the project folder itself must not bypass the uncommitted-change check', async () => {
  const t = await committed();
  await t.fs.writeFile('/work/README.md', 'my unsaved work');
  for (const to of ['/work', '/work/']) {
    const code = await codeOf(() => restore({ vault: t.vault, snapshot: 'HEAD', to }));
    assert.is(
      String(await t.fs.readFile('/work/README.md', 'utf8')),
      'my unsaved work',
      `to: ${to} overwrote an uncommitted change`,
    );
    assert.is(code, 'EDIRTY', `to: ${to}`);
  }
});

test('only some paths: a file, a folder; a missing path is ENOPATH, an escaping one EUNSAFEPATH', async () => {
  const t = await committed();
  await t.fs.writeFile('/work/README.md', 'v2');
  await t.fs.writeFile('/work/Art/icon.png', 'v2');
  await commit({ vault: t.vault, message: 'v2' });
  await restore({ vault: t.vault, snapshot: 'HEAD~1', paths: ['Art/icon.png'] });
  assert.is(String(await t.fs.readFile('/work/README.md', 'utf8')), 'v2');
  assert.ok(
    ((await t.fs.readFile('/work/Art/icon.png')) as Buffer).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])),
  );
  const r = await restore({ vault: t.vault, snapshot: 'HEAD~1', paths: ['Ünïcødé'], to: '/part' });
  assert.equal(await listTree(t.fs, '/part'), [
    'dir  Ünïcødé',
    (await listTree(t.fs, '/work')).find((l) => l.includes('日本語'))!,
  ]);
  assert.is(r.files, 1);
  assert.is(
    await codeOf(() => restore({ vault: t.vault, snapshot: 'HEAD', paths: ['nope.txt'], to: '/x' })),
    'ENOPATH',
  );
  assert.is(
    await codeOf(() => restore({ vault: t.vault, snapshot: 'HEAD', paths: ['../etc/passwd'], to: '/x' })),
    'EUNSAFEPATH',
  );
});

test('unknown snapshot: EUNKNOWNREV; vault lock held: ELOCKED (in place)', async () => {
  const t = await committed();
  assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: 'nosuch', to: '/x' })), 'EUNKNOWNREV');
  const release = await acquireLock({ fs: t.fs, path: t.vault.db.paths.lock, command: 'commit' });
  assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: 'HEAD', force: true })), 'ELOCKED');
  await release();
});

test('in place with force: a symlink comes back where a regular file holding the same bytes as its target path now sits', async () => {
  const t = await committed({ 'target.txt': 't', link: symlink('target.txt') });
  await t.fs.unlink('/work/link');
  await t.fs.writeFile('/work/link', 'target.txt');
  assert.equal(
    (await status({ vault: t.vault })).modified.map((c) => c.path),
    ['link'],
  );
  await restore({ vault: t.vault, snapshot: 'HEAD', force: true });
  assert.ok(
    (await t.fs.lstat('/work/link')).isSymbolicLink(),
    'restore left a regular file where the snapshot has a symlink',
  );
  assert.ok((await status({ vault: t.vault })).clean);
});

// ---- crafted snapshots: a restore must never write outside its target ----

const fileEntry = (name: string, id: string, size: number): TreeEntry => ({
  name,
  kind: 'file',
  size,
  mtime: 0,
  obj: 'blob',
  id,
});
const dirEntry = (name: string, id: string): TreeEntry => ({ name, kind: 'dir', size: 0, mtime: 0, obj: 'tree', id });

/** Store a tree body as given (no sorting, no name checks) and a snapshot pointing at `root`. */
async function rawTree(v: Vault, entries: TreeEntry[]): Promise<string> {
  return v.db.writeLoose('tree', Buffer.from(JSON.stringify({ entries })));
}
async function rawSnapshot(v: Vault, tree: string): Promise<string> {
  return v.db.writeLoose(
    'snapshot',
    encodeSnapshot({ tree, parents: [], author: 'mallory', time: 0, message: 'crafted', meta: {} }),
  );
}

const EVIL_NAMES = ['..', '../x', '../../etc/evil', '.vault', '.VAULT', 'a/b', '/abs', '.', 'x\\..\\..\\y', 'a\0b'];

for (const name of EVIL_NAMES) {
  for (const nested of [false, true]) {
    test(`crafted tree with an entry named ${JSON.stringify(name)}${nested ? ' in a subfolder' : ''}: EMALFORMED or skipped, nothing written outside`, async () => {
      const t = await memVault({ 'a.txt': 'a' });
      t.vol.mkdirSync('/out/target', { recursive: true });
      const evil = await t.vault.db.writeLoose('blob', Buffer.from('EVIL'));
      let root = await rawTree(t.vault, [fileEntry(name, evil, 4)]);
      if (nested) root = await rawTree(t.vault, [dirEntry('sub', root)]);
      const snap = await rawSnapshot(t.vault, root);
      const before = Object.keys(t.vol.toJSON());
      let skipped: string[] = [];
      const code = await codeOf(async () => {
        skipped = (await restore({ vault: t.vault, snapshot: snap, to: '/out/target' })).skipped.map((s) => s.path);
      });
      if (code !== '(did not throw)') assert.is(code, 'EMALFORMED');
      else assert.ok(skipped.length > 0, 'restored without complaint');
      const added = Object.keys(t.vol.toJSON()).filter((p) => !before.includes(p));
      assert.equal(
        added.filter((p) => !p.startsWith('/out/target/')),
        [],
        'written outside the target',
      );
      for (const [p, c] of Object.entries(t.vol.toJSON()))
        if (!p.startsWith('/out/target/')) assert.is.not(c, 'EVIL', p);
    });
  }
}

test('crafted tree naming .vault, restored in place: refused, the vault is intact', async () => {
  const t = await committed({ 'a.txt': 'a' });
  const config = String(await t.fs.readFile('/work/.vault/config', 'utf8'));
  const evil = await t.vault.db.writeLoose('blob', Buffer.from('EVIL'));
  const inner = await rawTree(t.vault, [fileEntry('config', evil, 4)]);
  const snap = await rawSnapshot(t.vault, await rawTree(t.vault, [dirEntry('.vault', inner)]));
  assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: snap, force: true })), 'EMALFORMED');
  assert.is(String(await t.fs.readFile('/work/.vault/config', 'utf8')), config);
});

test('a chunk list that lies about chunk sizes: EMALFORMED, and no file (or temp file) is left', async () => {
  const t = await memVault({});
  const chunk = await t.vault.db.writeLoose('chunk', Buffer.from('12345'));
  const list = await t.vault.db.writeLoose(
    'chunklist',
    encodeChunkList({ size: 10, chunks: [{ id: chunk, size: 10 }] }),
  );
  const root = await t.vault.db.writeLoose(
    'tree',
    encodeTree({ entries: [{ name: 'big.bin', kind: 'file', size: 10, mtime: 0, obj: 'chunklist', id: list }] }),
  );
  const snap = await rawSnapshot(t.vault, root);
  assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: snap, to: '/out' })), 'EMALFORMED');
  assert.equal(await listTree(t.fs, '/out'), []);
});

test('a tree whose size disagrees with the content: EMALFORMED, no file left', async () => {
  const t = await memVault({});
  const blob = await t.vault.db.writeLoose('blob', Buffer.from('12345'));
  const snap = await rawSnapshot(
    t.vault,
    await t.vault.db.writeLoose('tree', encodeTree({ entries: [fileEntry('a.txt', blob, 6)] })),
  );
  assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: snap, to: '/out' })), 'EMALFORMED');
  assert.equal(await listTree(t.fs, '/out'), []);
});

test('a missing chunk: ENOOBJECT, no file (or temp file) left', async () => {
  const t = await memVault({});
  const gone = hashObject('chunk', Buffer.from('never stored'));
  const list = await t.vault.db.writeLoose(
    'chunklist',
    encodeChunkList({ size: 12, chunks: [{ id: gone, size: 12 }] }),
  );
  const snap = await rawSnapshot(
    t.vault,
    await t.vault.db.writeLoose(
      'tree',
      encodeTree({ entries: [{ name: 'f', kind: 'file', size: 12, mtime: 0, obj: 'chunklist', id: list }] }),
    ),
  );
  assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: snap, to: '/out' })), 'ENOOBJECT');
  assert.equal(await listTree(t.fs, '/out'), []);
});

// ---- symlinks already in the target (real filesystem) ----

test('a symlink in the target where the snapshot has a folder is not written through; it is reported', async () => {
  const tmp = await tempDir();
  try {
    const t = await diskVault(tmp.path, { 'top.txt': 'top', sub: { 'file.txt': 'secret', deeper: { 'x.txt': 'x' } } });
    await commit({ vault: t.vault, message: 'm' });
    const elsewhere = join(tmp.path, 'elsewhere');
    const target = join(tmp.path, 'target');
    await writeTree(nodeFs, elsewhere, { 'keep.txt': 'k' });
    await writeTree(nodeFs, target, {});
    await nodeFs.symlink(elsewhere, join(target, 'sub'));
    const r = await restore({ vault: t.vault, snapshot: 'HEAD', to: target });
    assert.equal((await nodeFs.readdir(elsewhere)).sort(), ['keep.txt']);
    const skipped = r.skipped.map((s) => s.path);
    assert.ok(skipped.includes('sub'), `skipped: ${skipped.join(', ')}`);
    assert.ok(skipped.includes('sub/file.txt'), `skipped: ${skipped.join(', ')}`);
    assert.is(String(await nodeFs.readFile(join(target, 'top.txt'), 'utf8')), 'top');
    assert.ok((await nodeFs.lstat(join(target, 'sub'))).isSymbolicLink(), 'the link itself is left as it was');
  } finally {
    await tmp.remove();
  }
});

test('a symlink in the target where the snapshot has a file is replaced, its destination untouched', async () => {
  const tmp = await tempDir();
  try {
    const t = await diskVault(tmp.path, { 'a.txt': 'from the snapshot' });
    await commit({ vault: t.vault, message: 'm' });
    const elsewhere = join(tmp.path, 'elsewhere');
    const target = join(tmp.path, 'target');
    await writeTree(nodeFs, elsewhere, { 'a.txt': 'outside' });
    await writeTree(nodeFs, target, {});
    await nodeFs.symlink(join(elsewhere, 'a.txt'), join(target, 'a.txt'));
    await restore({ vault: t.vault, snapshot: 'HEAD', to: target });
    assert.is(String(await nodeFs.readFile(join(elsewhere, 'a.txt'), 'utf8')), 'outside');
    assert.ok((await nodeFs.lstat(join(target, 'a.txt'))).isFile());
    assert.is(String(await nodeFs.readFile(join(target, 'a.txt'), 'utf8')), 'from the snapshot');
  } finally {
    await tmp.remove();
  }
});

test('in place: a committed folder since replaced by a symlink is not followed, even with force', async () => {
  const tmp = await tempDir();
  try {
    const t = await diskVault(tmp.path, { sub: { 'file.txt': 'secret' } });
    await commit({ vault: t.vault, message: 'm' });
    const elsewhere = join(tmp.path, 'elsewhere');
    await writeTree(nodeFs, elsewhere, {});
    await nodeFs.rm(join(t.dir, 'sub'), { recursive: true });
    await nodeFs.symlink(elsewhere, join(t.dir, 'sub'));
    const r = await restore({ vault: t.vault, snapshot: 'HEAD', force: true });
    assert.equal(await nodeFs.readdir(elsewhere), []);
    assert.ok(r.skipped.some((s) => s.path === 'sub/file.txt'));
  } finally {
    await tmp.remove();
  }
});

test.run();
