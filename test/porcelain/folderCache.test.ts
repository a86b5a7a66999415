// The stat cache's folder records (as git's untracked cache): a folder whose stat data are as when it was listed,
// under the same ignore rules, is not listed again; its names are the cache's. A name must never be lost by it:
// each case below ends in a snapshot that restores exactly as the folder is.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { InlineCodec } from '../../src/plumbing/codec.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { StatCache } from '../../src/plumbing/statCache.js';
import { syncFs } from '../../src/plumbing/syncFs.js';
import { commit, type CommitResult } from '../../src/porcelain/commit.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { restore } from '../../src/porcelain/restore.js';
import { status } from '../../src/porcelain/status.js';
import { watchFs } from '../helpers/memfs.js';
import { prngBytes } from '../helpers/prng.js';
import { bodyOf, recordsOf, withoutFolders, withSum } from '../helpers/statCacheBytes.js';
import { listTree, type FileTree } from '../helpers/tree.js';
import { diskVault, fakeClock, memVault, tempDir, type TestVault } from '../helpers/vault.js';

const test = suite('porcelain/folderCache');

/** long ago: nothing this old is racy */
const PAST = Date.UTC(2020, 0, 1);
const INDEX = '/work/.vault/index';

const PROJECT: FileTree = {
  'alpha.txt': 'alpha\n',
  Art: { 'hero.psd': prngBytes(4, 30_000), 'icon.png': prngBytes(5, 700), Old: { 'v1.psd': 'v1' } },
  Docs: { 'notes.md': '# notes\n', 'todo.md': '- [ ] more\n' },
  Empty: {},
};

test.after.each(() => {
  StatCache.piece = 1024 * 1024;
});

/** Every folder under `dir` (but the vault's) dated `ms`, as if last changed then. */
async function age(fs: FsPromises, dir: string, ms = PAST): Promise<void> {
  for (const name of (await fs.readdir(dir)) as string[]) {
    if (name === '.vault') continue;
    const p = `${dir}/${name}`;
    if ((await fs.lstat(p)).isDirectory()) {
      await age(fs, p, ms);
      await fs.utimes(p, ms / 1000, ms / 1000);
    }
  }
}

/** A vault holding PROJECT, committed once with its folders long unchanged: the cache vouches for them all. */
async function project(tree: FileTree = PROJECT): Promise<TestVault> {
  const t = await memVault(tree, { mtime: PAST });
  await age(t.fs, '/work');
  await commit({ vault: t.vault, message: 'first' });
  return t;
}

/** The vault at `dir`, opened on `fs` (a watched or failing one). */
const openOn = (fs: FsPromises, dir: string) =>
  openVault({ fs, cwd: dir, codec: new InlineCodec(), clock: fakeClock(), author: 'T <t@example.org>' });

/** The folders a command listed (readdir) on a watched fs, relative to /work. */
async function listed<T>(t: TestVault, run: (v: TestVault['vault']) => Promise<T>): Promise<{ r: T; dirs: string[] }> {
  const { fs, calls } = watchFs(t.fs, ['readdir']);
  const r = await run(await openOn(fs, t.dir));
  const dirs = calls.map((c) => c.path.replace(/^\/work\/?/, '') || '.').filter((p) => !p.startsWith('.vault'));
  return { r, dirs };
}

/** HEAD restores exactly as the folder is now. */
async function assertSnapshotIsTheFolder(t: TestVault, what: string): Promise<void> {
  const v = await t.reopen();
  await t.fs.rm('/out', { recursive: true, force: true });
  await restore({ vault: v, snapshot: 'HEAD', to: '/out' });
  assert.equal(await listTree(t.fs, '/out'), await listTree(t.fs, '/work'), `${what}: HEAD restores as the folder is`);
}

test('an unchanged commit and status list only the project folder: the cache gives the rest', async () => {
  const t = await project();
  const raw = (await t.fs.readFile(INDEX)) as Buffer;
  assert.is(raw.subarray(0, 4).toString('latin1'), 'VSC4');
  const folders = recordsOf(bodyOf(raw)).filter((r) => r.obj >= 3);
  assert.equal(
    folders.map((r) => [r.path, r.obj]),
    [
      ['Art', 3],
      ['Art/Old', 3],
      ['Docs', 3],
      ['Empty', 3],
    ],
    'a record per folder, each listed whole',
  );
  const c = await listed(t, (vault) => commit({ vault, message: 'again' }));
  assert.is(c.r.id, null, 'nothing changed');
  assert.is(c.r.filesRead, 0);
  assert.equal(c.dirs, ['.'], 'only the project folder was listed');
  const s = await listed(t, (vault) => status({ vault }));
  assert.equal(s.dirs, ['.']);
  assert.ok(s.r.clean);
});

test('a cache saved by lock modes or restore (no folder records left): the next commit writes them again', async () => {
  const t = await project();
  // as a lock's read-only mode does (locks/modes.ts): a file made read-only, its entry set to what the disk
  // says, in the cache loaded whole, and saved
  await t.fs.chmod('/work/Docs/notes.md', 0o444);
  const c = await StatCache.load(t.fs, INDEX);
  const e = c.entries.get('Docs/notes.md')!;
  c.set('Docs/notes.md', { ...e, mode: (await t.fs.lstat('/work/Docs/notes.md')).mode });
  await c.save(t.fs, INDEX);
  const saved = (await t.fs.readFile(INDEX)) as Buffer;
  assert.is(recordsOf(bodyOf(saved)).filter((r) => r.obj >= 3).length, 0, 'its folders were dropped');
  // and with them the rules they were listed under: a commit that changes nothing else still writes the cache
  assert.is(bodyOf(saved)[4]! & 4, 0, 'no rules digest in the header');
  const first = await listed(t, (vault) => commit({ vault, message: 'after' }));
  assert.equal(first.dirs, ['.', 'Art', 'Art/Old', 'Docs', 'Empty']);
  const next = await listed(t, (vault) => commit({ vault, message: 'again' }));
  assert.equal(next.dirs, ['.'], 'written again with its folders');
});

test('VAULT_LIST_FOLDERS=1 lists every folder (for a filesystem whose folder dates cannot be trusted)', async () => {
  const t = await project();
  process.env.VAULT_LIST_FOLDERS = '1';
  try {
    const c = await listed(t, (vault) => commit({ vault, message: 'again' }));
    assert.is(c.r.id, null);
    assert.equal(c.dirs, ['.', 'Art', 'Art/Old', 'Docs', 'Empty']);
  } finally {
    delete process.env.VAULT_LIST_FOLDERS;
  }
  const after = await listed(t, (vault) => commit({ vault, message: 'again' }));
  assert.equal(after.dirs, ['.']);
});

test('a name added, removed or renamed in a folder (deep or not) is seen, and only that folder is listed', async () => {
  const t = await project();
  // each change moves its folder's date to one the cache has not seen (here one long past: not racy, so the
  // folders not changed are vouched for in the next round)
  const dated = (dirs: string[], s: number) =>
    Promise.all(dirs.map((d) => t.fs.utimes(`/work/${d}`, PAST / 1000 + s, PAST / 1000 + s)));
  await t.fs.writeFile('/work/Art/Old/v2.psd', 'v2');
  await dated(['Art/Old'], 2);
  const added = await listed(t, (vault) => commit({ vault, message: 'added' }));
  assert.ok(added.r.id);
  assert.is(added.r.filesRead, 1);
  assert.equal(added.dirs, ['.', 'Art/Old']);
  await assertSnapshotIsTheFolder(t, 'added');
  await t.fs.unlink('/work/Docs/notes.md');
  await t.fs.rename('/work/Art/icon.png', '/work/Art/icon-old.png');
  await t.fs.mkdir('/work/Empty/Now');
  await dated(['Docs', 'Art', 'Empty', 'Empty/Now'], 3);
  const changed = await listed(t, (vault) => commit({ vault, message: 'changed' }));
  assert.ok(changed.r.id);
  assert.equal(changed.dirs, ['.', 'Art', 'Docs', 'Empty', 'Empty/Now'], 'not Art/Old');
  await assertSnapshotIsTheFolder(t, 'removed, renamed, a new folder');
});

// a cache held whole (small) and one read a piece at a time (big): the rules are checked either way
for (const [how, piece] of [
  ['held whole', 1024 * 1024],
  ['read a piece at a time', 137],
] as const) {
  test(`a name the ignore rules let in now is found, though its folder did not change (${how})`, async () => {
    StatCache.piece = piece;
    const t = await project({ ...PROJECT, '.vaultignore': '*.tmp\n', Docs: { 'notes.md': 'n', 'scratch.tmp': 'x' } });
    const before = await commit({ vault: await t.reopen(), message: 'again' });
    assert.is(before.id, null);
    await t.fs.writeFile('/work/.vaultignore', '# nothing ignored\n');
    await age(t.fs, '/work'); // no folder's stat data moved
    const r = await listed(t, (vault) => commit({ vault, message: 'rules' }));
    assert.ok(r.r.id);
    assert.ok(r.dirs.includes('Docs'), 'listed again: its record was made under other rules');
    await assertSnapshotIsTheFolder(t, 'un-ignored');
    const next = await listed(t, (vault) => commit({ vault, message: 'again' }));
    assert.equal(next.dirs, ['.'], 'the cache was written again under the new rules');
  });
}

test('a folder dated at or after the cache is listed (racy), and the cache written again', async () => {
  const t = await project();
  const future = Date.now() + 3600_000;
  await t.fs.utimes('/work/Docs', future / 1000, future / 1000);
  await commit({ vault: await t.reopen(), message: 'records the date' });
  // a name added where the filesystem's clock did not move the folder's date (a coarse one)
  await t.fs.writeFile('/work/Docs/late.md', 'late');
  await t.fs.utimes('/work/Docs', future / 1000, future / 1000);
  const r = await listed(t, (vault) => commit({ vault, message: 'late' }));
  assert.ok(r.dirs.includes('Docs'), 'not vouched for: its date is not before the cache');
  assert.ok(r.r.id);
  await assertSnapshotIsTheFolder(t, 'racy folder');
});

test('a folder with something left out is listed, and reported, on every commit', async () => {
  const t = await project({ ...PROJECT, Docs: { 'notes.md': 'n', 'back\\slash.txt': 'x', '.git': { HEAD: 'ref' } } });
  for (const round of [1, 2]) {
    const gits: string[] = [];
    const r = await listed(t, (vault) =>
      commit({ vault, message: `round ${round}`, allowEmpty: true, onGitFolder: (p) => gits.push(p) }),
    );
    assert.equal(
      r.r.skipped.map((s) => [s.path, s.kind]),
      [['Docs/back\\slash.txt', 'name']],
      `round ${round}`,
    );
    assert.equal(gits, ['Docs/.git'], `round ${round}`);
    assert.equal(r.dirs, ['.', 'Docs'], `round ${round}: only the folder with something left out`);
  }
  const folders = recordsOf(bodyOf((await t.fs.readFile(INDEX)) as Buffer)).filter((x) => x.obj >= 3);
  assert.equal(folders.find((x) => x.path === 'Docs')?.obj, 4, 'to list');
});

test('a file that could not be read: its folder is listed next time, and the file is backed up then', async () => {
  const t = await project();
  await t.fs.writeFile('/work/Art/icon.png', prngBytes(6, 900));
  await t.fs.utimes('/work/Art/icon.png', PAST / 1000 + 60, PAST / 1000 + 60);
  await t.fs.utimes('/work/Art', PAST / 1000, PAST / 1000);
  const denied = Object.create(t.fs) as FsPromises;
  const denyOnce = (p: unknown) => {
    if (String(p) === '/work/Art/icon.png')
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  };
  denied.open = (async (p: string, ...rest: unknown[]) => {
    denyOnce(p);
    return (t.fs.open as (...a: unknown[]) => unknown)(p, ...rest);
  }) as FsPromises['open'];
  denied.readFile = (async (p: string, ...rest: unknown[]) => {
    denyOnce(p);
    return (t.fs.readFile as (...a: unknown[]) => unknown)(p, ...rest);
  }) as FsPromises['readFile'];
  const v = await openOn(denied, '/work');
  const first = await commit({ vault: v, message: 'unreadable' });
  assert.equal(
    first.skipped.map((s) => [s.path, s.kind]),
    [['Art/icon.png', 'unreadable']],
  );
  assert.is(first.complete, false);
  const folders = recordsOf(bodyOf((await t.fs.readFile(INDEX)) as Buffer)).filter((x) => x.obj >= 3);
  assert.equal(folders.find((x) => x.path === 'Art')?.obj, 4, 'Art: to list (a name in it has no record)');
  const r = await listed(t, (vault) => commit({ vault, message: 'readable again' }));
  assert.ok(r.dirs.includes('Art'));
  assert.is(r.r.filesRead, 1);
  assert.ok(r.r.complete);
  await assertSnapshotIsTheFolder(t, 'read once readable');
});

test('records cut short (read a piece at a time): the rest of the folder is listed, no name lost', async () => {
  const t = await project({ ...PROJECT, Docs: { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c', 'd.md': 'd' } });
  const raw = (await t.fs.readFile(INDEX)) as Buffer;
  const body = bodyOf(raw);
  const recs = recordsOf(body);
  const b = recs.findIndex((r) => r.path === 'Docs/b.md');
  assert.ok(b > 0);
  // the records stop after Docs/b.md; the counts still say more (a checksum made over what is left)
  await t.fs.writeFile(INDEX, withSum('VSC4', body.subarray(0, recs[b]!.end)));
  StatCache.piece = 137;
  await t.fs.writeFile('/work/Docs/c.md', 'c, edited');
  await t.fs.utimes('/work/Docs', PAST / 1000, PAST / 1000);
  const r = await listed(t, (vault) => commit({ vault, message: 'cut short' }));
  assert.ok(r.r.id);
  // Docs listed for the names after the last one given; the folders after it have no record to vouch
  assert.equal(r.dirs, ['.', 'Docs', 'Empty']);
  await assertSnapshotIsTheFolder(t, 'cut short');
});

test('a cache from the Vault before (VSC3): used, and written again with folders by an unchanged commit', async () => {
  const t = await project();
  await t.fs.writeFile(INDEX, withSum('VSC3', withoutFolders(bodyOf((await t.fs.readFile(INDEX)) as Buffer))));
  const first = await listed(t, (vault) => commit({ vault, message: 'upgrade' }));
  assert.is(first.r.filesRead, 0, 'its entries vouch');
  assert.equal(first.dirs, ['.', 'Art', 'Art/Old', 'Docs', 'Empty'], 'every folder listed once');
  assert.is(((await t.fs.readFile(INDEX)) as Buffer).subarray(0, 4).toString('latin1'), 'VSC4');
  const next = await listed(t, (vault) => commit({ vault, message: 'again' }));
  assert.equal(next.dirs, ['.']);
});

test('on a real disk, the way the CLI reads it (sync fs): unchanged, a deep file added, a folder dated back', async () => {
  const tmp = await tempDir();
  try {
    const t = await diskVault(tmp.path, PROJECT, { fs: syncFs, mtime: PAST });
    const work = join(tmp.path, 'work');
    await age(syncFs, work);
    await commit({ vault: t.vault, message: 'first' });
    const lists: string[] = [];
    const counted = Object.create(syncFs) as typeof syncFs;
    Object.defineProperty(counted, 'listSync', {
      value: {
        ...syncFs.listSync,
        readdir: (p: string) => {
          lists.push(p.slice(work.length + 1) || '.');
          return syncFs.listSync.readdir(p);
        },
      },
    });
    const again = await commit({ vault: await openOn(counted, work), message: 'x' });
    assert.is(again.id, null);
    assert.equal(lists, ['.']);
    await syncFs.writeFile(join(work, 'Art/Old/v2.psd'), 'v2');
    lists.length = 0;
    const added: CommitResult = await commit({
      vault: await openOn(counted, work),
      message: 'added',
    });
    assert.ok(added.id);
    assert.is(added.filesRead, 1);
    assert.equal(lists, ['.', 'Art/Old']);
    // a name added, and the folder's mtime put back (as a tool that restores dates would): its ctime moved
    const docs = join(work, 'Docs');
    const before = (await syncFs.lstat(docs)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await syncFs.writeFile(join(docs, 'sneaky.md'), 'sneaky');
    await syncFs.utimes(docs, before / 1000, before / 1000);
    assert.is((await syncFs.lstat(docs)).mtimeMs, before);
    lists.length = 0;
    const sneaky = await commit({ vault: await openOn(counted, work), message: 'sneaky' });
    assert.ok(sneaky.id);
    assert.equal(lists, ['.', 'Docs'], 'Docs listed: its ctime is not the one recorded');
    await restore({ vault: await t.reopen(), snapshot: 'HEAD', to: join(tmp.path, 'out') });
    assert.equal(await listTree(syncFs, join(tmp.path, 'out')), await listTree(syncFs, work));
  } finally {
    await tmp.remove();
  }
});

test.run();
