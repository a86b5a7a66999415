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
import { restore, type RestoreResult } from '../../src/porcelain/restore.js';
import { probeNameFolding } from '../../src/porcelain/restoreTarget.js';
import { ls } from '../../src/porcelain/ls.js';
import { initVault, openVault } from '../../src/porcelain/openVault.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { exists, type FsPromises } from '../../src/plumbing/fs.js';
import { memFs } from '../helpers/memfs.js';
import { status } from '../../src/porcelain/status.js';
import type { Vault } from '../../src/porcelain/openVault.js';
import { prngBytes } from '../helpers/prng.js';
import { exec, listTree, symlink, writeTree, type FileTree } from '../helpers/tree.js';
import { codeOf, diskVault, fakeClock, memVault, nodeFs, tempDir, type TestVault } from '../helpers/vault.js';

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
      let refused: string[] = [];
      const code = await codeOf(async () => {
        const r = await restore({ vault: t.vault, snapshot: snap, to: '/out/target' });
        // skipped, or (a damaged subfolder) named as a failure with the rest restored
        refused = [...r.skipped, ...r.failures.filter((f) => f.code === 'EMALFORMED')].map((s) => s.path);
      });
      if (code !== '(did not throw)') assert.is(code, 'EMALFORMED');
      else assert.ok(refused.length > 0, 'restored without complaint');
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

/** The failures of a restore as [path, code] pairs. */
const failed = (r: RestoreResult) => r.failures.map((f) => [f.path, f.code]);

test('a chunk list that lies about chunk sizes: that file fails with EMALFORMED, no file (or temp file) is left', async () => {
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
  const r = await restore({ vault: t.vault, snapshot: snap, to: '/out' });
  assert.equal(failed(r), [['big.bin', 'EMALFORMED']]);
  assert.is(r.files, 0);
  assert.equal(await listTree(t.fs, '/out'), []);
});

test('a tree whose size disagrees with the content: that file fails with EMALFORMED, no file left', async () => {
  const t = await memVault({});
  const blob = await t.vault.db.writeLoose('blob', Buffer.from('12345'));
  const snap = await rawSnapshot(
    t.vault,
    await t.vault.db.writeLoose('tree', encodeTree({ entries: [fileEntry('a.txt', blob, 6)] })),
  );
  const r = await restore({ vault: t.vault, snapshot: snap, to: '/out' });
  assert.equal(failed(r), [['a.txt', 'EMALFORMED']]);
  assert.equal(await listTree(t.fs, '/out'), []);
});

test('a missing chunk: that file fails with ENOOBJECT, no file (or temp file) left', async () => {
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
  const r = await restore({ vault: t.vault, snapshot: snap, to: '/out' });
  assert.equal(failed(r), [['f', 'ENOOBJECT']]);
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

// ---- damaged objects: everything intact is restored, each failure named (issue 13, item 8) ----

/** Flip the last byte of an object's record in its pack (it then fails its check with ECORRUPT). */
async function damage(t: TestVault, id: string): Promise<void> {
  await t.vault.db.ready(); // a commit looks ids up lean: locate needs the whole index
  const loc = t.vault.db.locate(id);
  assert.ok(loc, `${id.slice(0, 12)} is packed`);
  await t.fs.chmod(loc!.packPath, 0o644);
  const fh = await t.fs.open(loc!.packPath, 'r+');
  const at = loc!.entry.offset + loc!.entry.length - 1;
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, at);
  b[0]! ^= 0x20; // b holds one byte
  await fh.write(b, 0, 1, at);
  await fh.close();
}

const idOf = async (v: Vault, path: string) =>
  (await ls({ vault: v, rev: 'HEAD' })).entries.find((e) => e.path === path)!.id;

test('two damaged files of 26: the other 24 are restored byte for byte, each damaged one is named', async () => {
  const docs: Record<string, string> = {};
  for (let i = 0; i < 26; i++) docs[`f${String(i).padStart(2, '0')}.txt`] = `file ${i}\n`.repeat(20 + i);
  const t = await committed({ docs });
  for (const victim of ['docs/f07.txt', 'docs/f19.txt']) await damage(t, await idOf(t.vault, victim));
  const v = await t.reopen();
  const r = await restore({ vault: v, snapshot: 'HEAD', to: '/out' });
  assert.equal(failed(r), [
    ['docs/f07.txt', 'ECORRUPT'],
    ['docs/f19.txt', 'ECORRUPT'],
  ]);
  assert.ok(r.failures.every((f) => f.reason.includes('corrupted')));
  assert.is(r.files, 24);
  const out = await listTree(t.fs, '/out');
  const want = (await listTree(t.fs, '/work')).filter(
    (l) => !l.includes('.vault') && !l.includes('f07') && !l.includes('f19'),
  );
  assert.equal(out, want);
});

test('a damaged folder fails alone: its siblings are restored, and a restore of another path does not see it', async () => {
  const t = await committed({ A: { 'a.txt': 'a' }, B: { 'b.txt': 'b' }, 'top.txt': 'top' });
  await damage(t, await idOf(t.vault, 'A'));
  const v = await t.reopen();
  const r = await restore({ vault: v, snapshot: 'HEAD', to: '/out' });
  assert.equal(failed(r), [['A', 'ECORRUPT']]);
  assert.is(String(await t.fs.readFile('/out/B/b.txt', 'utf8')), 'b');
  assert.is(String(await t.fs.readFile('/out/top.txt', 'utf8')), 'top');
  const only = await restore({ vault: v, snapshot: 'HEAD', paths: ['B'], to: '/only' });
  assert.equal(only.failures, []);
  assert.equal(await listTree(t.fs, '/only'), [
    'dir  B',
    (await listTree(t.fs, '/out')).find((l) => l.includes('b.txt'))!,
  ]);
});

// ---- the vault store is never a target (issue 13, item 10) ----

test('restore --to the vault store or anything inside it: ETARGETINVAULT, the store is untouched', async () => {
  const t = await committed({ HEAD: 'not a ref\n', config: 'evil', refs: { heads: { main: 'x' } } });
  const before = t.vol.toJSON('/work/.vault');
  await t.fs.symlink('/work/.vault', '/link-to-store');
  for (const to of [
    '/work/.vault',
    '/work/.vault/',
    '/work/.vault/refs/heads',
    '/work/x/../.vault/new',
    '/link-to-store',
    '/link-to-store/sub',
  ]) {
    assert.is(await codeOf(() => restore({ vault: t.vault, snapshot: 'HEAD', to })), 'ETARGETINVAULT', to);
  }
  assert.equal(t.vol.toJSON('/work/.vault'), before);
  // next to the store is fine
  const r = await restore({ vault: t.vault, snapshot: 'HEAD', to: '/work/copy' });
  assert.is(r.files, 3);
});

test('--vault-dir elsewhere: a target whose subtree holds the store is refused before anything is written', async () => {
  const { vol, fs } = memFs();
  await writeTree(fs, '/x/proj', { store: { HEAD: 'evil\n', config: 'evil' }, 'a.txt': 'a' });
  await initVault({ fs, dir: '/x/proj', vaultDir: '/x/store' });
  const vault = await openVault({
    fs,
    cwd: '/x/proj',
    vaultDir: '/x/store',
    codec: new InlineCodec(),
    clock: fakeClock(),
  });
  await commit({ vault, message: 'has a store folder' });
  const before = vol.toJSON('/x/store');
  for (const to of ['/x', '/x/', '/x/store', '/x/store/sub']) {
    assert.is(await codeOf(() => restore({ vault, snapshot: 'HEAD', to })), 'ETARGETINVAULT', to);
  }
  assert.equal(vol.toJSON('/x/store'), before);
  assert.not.ok(await exists(fs, '/x/a.txt'), 'nothing half-written');
  const r = await restore({ vault, snapshot: 'HEAD', to: '/x/copy' });
  assert.is(String(await fs.readFile('/x/copy/store/HEAD', 'utf8')), 'evil\n');
  assert.is(r.files, 3);
});

// ---- names a case-insensitive or normalising target cannot tell apart ----

const fold = (n: string) => n.normalize('NFC').toLowerCase();

/**
 * memfs seen as macOS sees its disk: a lookup by another case or Unicode spelling of a name finds the
 * entry (lstat and stat only: enough for the probe and for restore's checks of what is in the way).
 */
function foldingFs(fs: FsPromises, f: (n: string) => string = fold): FsPromises {
  const lookup =
    (op: 'lstat' | 'stat') =>
    async (p: string, ...rest: unknown[]): Promise<unknown> => {
      try {
        return await (fs[op] as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
      } catch (e) {
        const dir = p.slice(0, p.lastIndexOf('/')) || '/';
        const name = p.slice(p.lastIndexOf('/') + 1);
        const names = ((await fs.readdir(dir).catch(() => [])) as string[]).filter((n) => f(n) === f(name));
        if (!names.length) throw e;
        return (fs[op] as (...a: unknown[]) => Promise<unknown>)(`${dir}/${names[0]}`, ...rest);
      }
    };
  return { ...fs, lstat: lookup('lstat'), stat: lookup('stat') } as FsPromises;
}

async function collidingSnapshot(v: Vault): Promise<string> {
  const blob = (s: string) => v.db.writeLoose('blob', Buffer.from(s));
  const inner = await v.db.writeLoose('tree', encodeTree({ entries: [fileEntry('x.txt', await blob('x'), 1)] }));
  const entries: TreeEntry[] = [
    fileEntry('README.md', await blob('upper'), 5),
    fileEntry('readme.md', await blob('lower'), 5),
    dirEntry('Art', inner),
    { name: 'art', kind: 'symlink', size: 4, mtime: 0, obj: 'blob', id: await blob('/etc') },
    fileEntry('caf\u00e9.txt', await blob('nfc'), 3),
    fileEntry('cafe\u0301.txt', await blob('nfd'), 3),
    fileEntry('ok.txt', await blob('ok'), 2),
  ];
  return rawSnapshot(v, await v.db.writeLoose('tree', encodeTree({ entries })));
}

test('probeNameFolding: memfs tells every spelling apart; a folding fs is found out; the probe file is removed', async () => {
  const { fs } = memFs();
  await fs.mkdir('/d');
  assert.equal(await probeNameFolding(fs, '/d'), { case: false, unicode: false });
  assert.equal(await probeNameFolding(foldingFs(fs), '/d'), { case: true, unicode: true });
  assert.equal(
    await probeNameFolding(
      foldingFs(fs, (n) => n.toLowerCase()),
      '/d',
    ),
    { case: true, unicode: false },
  );
  assert.equal(await fs.readdir('/d'), []);
});

test('a case-insensitive, normalising target: entries that differ only in case or NFC/NFD are all refused', async () => {
  const t = await memVault({});
  const snap = await collidingSnapshot(t.vault);
  const folding = foldingFs(t.fs);
  const v = { ...t.vault, fs: folding } as Vault;
  const r = await restore({ vault: v, snapshot: snap, to: '/out' });
  assert.equal(
    r.skipped.map((s) => s.path).sort(),
    ['Art', 'Art/x.txt', 'README.md', 'art', 'caf\u00e9.txt', 'cafe\u0301.txt', 'readme.md'].sort(),
  );
  assert.equal(await t.fs.readdir('/out'), ['ok.txt'], 'only the unambiguous entry was written');
  // on a target that tells them apart, every one is restored
  const plain = await restore({ vault: t.vault, snapshot: snap, to: '/plain' });
  assert.equal(plain.skipped, []);
  assert.is(plain.files, 7);
  // a case-insensitive target that keeps Unicode spellings apart refuses only the case pairs
  const caseOnly = { ...t.vault, fs: foldingFs(t.fs, (n) => n.toLowerCase()) } as Vault;
  const c = await restore({ vault: caseOnly, snapshot: snap, to: '/caseonly' });
  assert.equal(c.skipped.map((s) => s.path).sort(), ['Art', 'Art/x.txt', 'README.md', 'art', 'readme.md']);
});

// ---- sparse content: all-zero chunks are holes, and the content is still exact (memfs) ----

test('a file with zero runs (middle and end) restores byte for byte at its full size', async () => {
  const content = Buffer.concat([
    prngBytes(5, 300_000),
    Buffer.alloc(3_000_000),
    prngBytes(6, 10),
    Buffer.alloc(2_000_000),
  ]);
  const t = await committed({ 'disk.img': content, 'zeros.bin': Buffer.alloc(1_000_000) });
  await restore({ vault: t.vault, snapshot: 'HEAD', to: '/out' });
  assert.ok(((await t.fs.readFile('/out/disk.img')) as Buffer).equals(content));
  assert.ok(((await t.fs.readFile('/out/zeros.bin')) as Buffer).equals(Buffer.alloc(1_000_000)));
});

test('a progress callback that throws stops the restore, and nothing is written after restore rejects', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`f${String(i).padStart(3, '0')}.txt`] = `file ${i}\n`;
  const { vault, fs } = await memVault(files);
  const snap = (await commit({ vault, message: 'many' })).id!;
  for (const name of Object.keys(files)) await fs.unlink(`/work/${name}`);
  const count = async () => ((await fs.readdir('/work')) as string[]).filter((n) => n.endsWith('.txt')).length;
  const stop = new Error('stopped by the caller');
  const err = await restore({
    vault,
    snapshot: snap,
    force: true,
    onProgress: (p) => {
      if (p.files > 0) throw stop;
    },
  }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.is(err, stop, 'the callback error comes out of restore');
  const atReturn = await count();
  assert.ok(atReturn < 300, `stopped early (${atReturn} files)`);
  await new Promise((r) => setTimeout(r, 100));
  assert.is(await count(), atReturn, 'no file was written after restore rejected (a clone removes the folder then)');
});

test.run();
