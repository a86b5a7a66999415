import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { acquireLock } from '../../src/plumbing/lock.js';
import type { CommitAttachment } from '../../src/porcelain/attachments.js';
import { flattenTree } from '../../src/plumbing/trees.js';
import { readHead, readReflog, updateRef } from '../../src/refs/refs.js';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { status } from '../../src/porcelain/status.js';
import { memFs, watchFs } from '../helpers/memfs.js';
import { exec, symlink, type FileTree } from '../helpers/tree.js';
import { codeOf, memVault, vaultOn, type TestVault } from '../helpers/vault.js';

const test = suite('porcelain/commit');

/** an mtime well in the past: files this old are never "racy" */
const PAST = Date.UTC(2020, 0, 1);

const PROJECT: FileTree = {
  'README.md': '# castle\n',
  Art: { 'hero.psd': Buffer.alloc(300_000, 'layer'), 'icon.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) },
  Scripts: { 'build.sh': exec('#!/bin/sh\necho build\n') },
  'latest.psd': symlink('Art/hero.psd'),
  Empty: {},
};

async function paths(t: TestVault, rev = 'HEAD') {
  const s = await readSnapshot(t.vault, rev);
  return [...(await flattenTree(t.vault.db, s.tree)).values()].map((e) => `${e.kind} ${e.path}`).sort();
}

test('commit records every file, folder and link; log shows it; the snapshot carries author, time, message', async () => {
  const t = await memVault(PROJECT);
  const r = await commit({ vault: t.vault, message: 'first\n\nbody' });
  assert.ok(r.id);
  assert.is(r.parent, null);
  assert.is(r.files, 5);
  assert.is(r.filesRead, 4, 'the symlink is not read as a file');
  assert.equal(await paths(t), [
    'dir Art',
    'dir Empty',
    'dir Scripts',
    'exec Scripts/build.sh',
    'file Art/hero.psd',
    'file Art/icon.png',
    'file README.md',
    'symlink latest.psd',
  ]);
  const s = await readSnapshot(t.vault, 'HEAD');
  assert.is(s.id, r.id);
  assert.is(s.message, 'first\n\nbody');
  assert.is(s.author, 'Tess Ter <tess@example.org>');
  assert.equal(s.parents, []);
  assert.ok(s.time >= 1_700_000_000_000 && s.time < 1_800_000_000_000, 'time comes from the injected clock');
  const l = await log({ vault: t.vault });
  assert.equal(
    l.map((e) => [e.id, e.refs]),
    [[r.id, ['main']]],
  );
  const reflog = await readReflog(t.vault.refs, 'refs/heads/main');
  assert.equal(
    reflog.map((e) => [e.old, e.value, e.message]),
    [[null, r.id, 'commit: first']],
  );
});

test('a second commit after a change has the first as parent; log is newest first', async () => {
  const t = await memVault(PROJECT);
  const a = await commit({ vault: t.vault, message: 'a' });
  await t.fs.writeFile('/work/README.md', '# castle, with a moat\n');
  const b = await commit({ vault: t.vault, message: 'b' });
  assert.ok(b.id && b.id !== a.id);
  assert.is(b.parent, a.id);
  assert.equal((await readSnapshot(t.vault, 'HEAD')).parents, [a.id]);
  assert.equal(
    (await log({ vault: t.vault })).map((e) => e.message),
    ['b', 'a'],
  );
  assert.is(b.filesRead, 1);
  assert.is(b.newObjects, 3, 'one blob, the root tree, the snapshot');
});

test('nothing changed: id null, HEAD does not move; allowEmpty records a snapshot with the same tree', async () => {
  const t = await memVault(PROJECT);
  const a = await commit({ vault: t.vault, message: 'a' });
  const b = await commit({ vault: t.vault, message: 'again' });
  assert.is(b.id, null);
  assert.is(b.parent, a.id);
  assert.is(b.tree, a.tree);
  assert.is(b.newObjects, 0);
  assert.is((await readHead(t.vault.refs)).id, a.id);
  assert.is((await log({ vault: t.vault })).length, 1);
  const c = await commit({ vault: t.vault, message: 'empty', allowEmpty: true });
  assert.ok(c.id);
  assert.is(c.tree, a.tree);
  assert.is((await readHead(t.vault.refs)).id, c.id);
});

test('an empty project can be committed once', async () => {
  const t = await memVault({});
  const r = await commit({ vault: t.vault, message: 'empty' });
  assert.ok(r.id);
  assert.is(r.files, 0);
  assert.is((await commit({ vault: t.vault, message: 'again' })).id, null);
});

test('the same files (same names, content, modes and mtimes) give the same tree id in another vault', async () => {
  const a = await memVault(PROJECT, { mtime: PAST });
  const b = await memVault(PROJECT, { mtime: PAST });
  const ra = await commit({ vault: a.vault, message: 'x' });
  const rb = await commit({ vault: b.vault, message: 'y' });
  assert.is(ra.tree, rb.tree);
  assert.is.not(ra.id, rb.id, 'the snapshots differ (message)');
  // one more second on one file's mtime: another tree
  const c = await memVault(PROJECT, { mtime: PAST });
  await c.fs.utimes('/work/README.md', PAST / 1000 + 1, PAST / 1000 + 1);
  assert.is.not((await commit({ vault: c.vault, message: 'x' })).tree, ra.tree);
});

test('.vaultignore keeps files out; .vault itself is never committed', async () => {
  const t = await memVault({
    '.vaultignore': '*.tmp\nBuild/\n!keep.tmp\n',
    'a.txt': 'a',
    'x.tmp': 'x',
    'keep.tmp': 'k',
    Build: { 'out.bin': 'o' },
    Sub: { 'y.tmp': 'y' },
  });
  await commit({ vault: t.vault, message: 'm' });
  assert.equal(await paths(t), ['dir Sub', 'file .vaultignore', 'file a.txt', 'file keep.tmp']);
});

test('a held vault lock: ELOCKED, nothing recorded; once released the commit works', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  const release = await acquireLock({ fs: t.fs, path: t.vault.db.paths.lock, command: 'restore' });
  assert.is(await codeOf(() => commit({ vault: t.vault, message: 'm' })), 'ELOCKED');
  assert.is((await readHead(t.vault.refs)).id, null);
  await release();
  assert.ok((await commit({ vault: t.vault, message: 'm' })).id);
  assert.not.ok(await t.fs.lstat('/work/.vault/lock').catch(() => null), 'the commit released its lock');
});

test('a lock left by a process that is gone (same host) is taken over', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  const child = spawnSync(process.execPath, ['-e', '0']);
  assert.ok(child.pid);
  const { hostname } = await import('node:os');
  await t.fs.writeFile(
    '/work/.vault/lock',
    JSON.stringify({ pid: child.pid, host: hostname(), time: 1, command: 'commit' }),
  );
  assert.ok((await commit({ vault: t.vault, message: 'm' })).id);
});

test('a branch moved by someone else during the commit: EREFCONFLICT, the other value is kept', async () => {
  const { fs: mem } = memFs();
  let moving: Promise<void> | undefined;
  // the commit's own ref update waits until the other writer has moved the branch
  const fs = {
    ...mem,
    open: async (path: string, flags?: string, mode?: number) => {
      if (path.endsWith('/refs/heads/main.lock') && moving) await moving;
      return mem.open(path, flags, mode);
    },
  } as typeof mem;
  const t = await vaultOn(fs, '/work', { 'a.txt': 'a' });
  const first = await commit({ vault: t.vault, message: 'first' });
  await t.fs.writeFile('/work/a.txt', 'changed');
  const other = 'f'.repeat(64);
  const code = await codeOf(() =>
    commit({
      vault: t.vault,
      message: 'second',
      onProgress: (p) => {
        if (p.phase === 'write' && !moving) {
          moving = updateRef({
            fs: mem,
            vaultDir: '/work/.vault',
            ref: 'refs/heads/main',
            value: other,
            expected: first.id,
            message: 'other',
            author: 'other',
            time: 1,
          });
        }
      },
    }),
  );
  assert.ok(moving, 'the other writer ran');
  await moving;
  assert.is(code, 'EREFCONFLICT');
  assert.is((await readHead(t.vault.refs)).id, other);
});

test('a detached HEAD: commit moves HEAD itself', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  const a = await commit({ vault: t.vault, message: 'a' });
  await t.fs.writeFile('/work/.vault/HEAD', `${a.id}\n`);
  await t.fs.writeFile('/work/a.txt', 'b');
  const b = await commit({ vault: t.vault, message: 'b' });
  assert.equal(await readHead(t.vault.refs), { ref: null, id: b.id });
  assert.is(b.parent, a.id);
});

test('a file whose name cannot be stored in a tree (backslash) is skipped and reported; the rest is committed', async () => {
  const t = await memVault({ 'ok.txt': 'fine', 'back\\slash.txt': 'odd name', Sub: { 'a\\b': 'x', 'c.txt': 'c' } });
  const skipped: string[] = [];
  const r = await commit({ vault: t.vault, message: 'm', onSkip: (p) => skipped.push(p) });
  assert.ok(r.id);
  assert.equal(skipped.sort(), ['Sub/a\\b', 'back\\slash.txt']);
  assert.equal(r.skipped.map((s) => s.path).sort(), ['Sub/a\\b', 'back\\slash.txt']);
  assert.equal(await paths(t), ['dir Sub', 'file Sub/c.txt', 'file ok.txt']);
  // and status does not choke on them either
  assert.ok((await status({ vault: t.vault })).clean);
});

test('a file that keeps changing while it is read is skipped and reported; one that changes once is stored as it is now', async () => {
  const { fs: mem } = memFs();
  let busyReads = 0;
  let onceReads = 0;
  /** after the first read of each handle, `change` runs: the file changes under the reader */
  const changing = (fh: Awaited<ReturnType<typeof mem.open>>, change: () => Promise<void>) => {
    let first = true;
    return new Proxy(fh, {
      get(target, key) {
        if (key === 'read')
          return async (...args: unknown[]) => {
            const r = await (target.read as (...a: unknown[]) => Promise<unknown>)(...args);
            if (first) {
              first = false;
              await change();
            }
            return r;
          };
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  };
  const fs = {
    ...mem,
    open: async (path: string, flags?: string, mode?: number) => {
      const fh = await mem.open(path, flags, mode);
      if (path === '/work/busy.log') return changing(fh, () => mem.appendFile(path, `line ${++busyReads}\n`));
      if (path === '/work/once.txt')
        return changing(
          fh,
          async () => void (++onceReads === 1 && (await mem.writeFile(path, 'second version, longer'))),
        );
      return fh;
    },
  } as typeof mem;
  const t = await vaultOn(fs, '/work', { 'busy.log': 'start\n', 'once.txt': 'first', 'calm.txt': 'calm' });
  const skipped: string[] = [];
  const r = await commit({ vault: t.vault, message: 'm', onSkip: (p) => skipped.push(p) });
  assert.ok(r.id);
  assert.equal(skipped, ['busy.log']);
  assert.ok(busyReads >= 2, `${busyReads} attempts`);
  assert.equal(await paths(t), ['file calm.txt', 'file once.txt']);
  const s = await readSnapshot(t.vault, 'HEAD');
  const once = (await flattenTree(t.vault.db, s.tree)).get('once.txt')!;
  assert.ok((await t.vault.db.readTyped(once.id, 'blob')).equals(Buffer.from('second version, longer')));
  assert.is(once.size, 22);
});

test('a file that vanishes between listing and reading is skipped and reported', async () => {
  const { fs: mem } = memFs();
  const fs = {
    ...mem,
    open: async (path: string, flags?: string, mode?: number) => {
      if (path === '/work/ghost.txt') await mem.unlink(path).catch(() => {});
      return mem.open(path, flags, mode);
    },
  } as typeof mem;
  const t = await vaultOn(fs, '/work', { 'ghost.txt': 'boo', 'real.txt': 'here' });
  const r = await commit({ vault: t.vault, message: 'm' });
  assert.ok(r.id);
  assert.equal(
    r.skipped.map((s) => s.path),
    ['ghost.txt'],
  );
  assert.equal(await paths(t), ['file real.txt']);
});

test('the disk fills up while packing: ENOSPC, HEAD unchanged, no temp pack, lock released; the next commit works', async () => {
  const { fs: mem } = memFs();
  let full = true;
  const fs = {
    ...mem,
    open: async (path: string, flags?: string, mode?: number) => {
      const fh = await mem.open(path, flags, mode);
      if (!full || !path.includes('/packs/')) return fh;
      return new Proxy(fh, {
        get(target, key) {
          if (key === 'write')
            return () =>
              Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
          const v = Reflect.get(target, key);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  } as typeof mem;
  const t = await vaultOn(fs, '/work', { 'a.txt': 'a'.repeat(1000), 'b.bin': Buffer.alloc(300_000, 'b') });
  assert.is(await codeOf(() => commit({ vault: t.vault, message: 'm' })), 'ENOSPC');
  assert.is((await readHead(t.vault.refs)).id, null);
  const left = ((await mem.readdir('/work/.vault/packs')) as string[]).filter((n) => !n.startsWith('pack-'));
  assert.equal(left, [], 'temp pack files left behind');
  assert.not.ok(await mem.lstat('/work/.vault/lock').catch(() => null), 'lock released');
  full = false;
  const r = await commit({ vault: t.vault, message: 'm' });
  assert.ok(r.id);
  assert.equal(await paths(t), ['file a.txt', 'file b.bin']);
});

const N_DIRS = 100;
const PER_DIR = 100;

test('a commit of an unchanged 10,000-file folder reads no file content', async () => {
  const { fs: mem } = memFs();
  const watched = watchFs(mem, ['open', 'readFile']);
  const tree: Record<string, FileTree> = {};
  for (let d = 0; d < N_DIRS; d++) {
    const files: Record<string, string> = {};
    for (let f = 0; f < PER_DIR; f++) files[`f${f}.txt`] = `dir ${d} file ${f}\n`;
    tree[`d${d}`] = files;
  }
  // mtimes well in the past, so no file is "racy" (as new as the stat cache)
  const t = await vaultOn(watched.fs, '/work', tree, { mtime: PAST });
  /** content reads of project files (the .vault folder and .vaultignore do not count) */
  const contentReads = () =>
    watched.calls
      .filter(
        (c) => c.path.startsWith('/work/') && !c.path.startsWith('/work/.vault/') && c.path !== '/work/.vaultignore',
      )
      .map((c) => c.path);

  watched.calls.length = 0;
  const first = await commit({ vault: t.vault, message: 'all' });
  assert.ok(first.id);
  assert.is(first.files, N_DIRS * PER_DIR);
  assert.is(first.filesRead, N_DIRS * PER_DIR);
  assert.ok(contentReads().length >= N_DIRS * PER_DIR, 'the wrapper sees the first commit read every file');

  watched.calls.length = 0;
  const second = await commit({ vault: t.vault, message: 'again' });
  assert.is(second.id, null);
  assert.is(second.filesRead, 0);
  assert.equal(contentReads(), []);

  watched.calls.length = 0;
  assert.ok((await status({ vault: t.vault })).clean);
  assert.equal(contentReads(), [], 'status reads nothing either');

  // a modified file IS read, and only it
  await t.fs.writeFile('/work/d42/f7.txt', 'changed content\n');
  await t.fs.utimes('/work/d42/f7.txt', PAST / 1000 + 60, PAST / 1000 + 60);
  watched.calls.length = 0;
  const third = await commit({ vault: t.vault, message: 'one change' });
  assert.ok(third.id);
  assert.is(third.filesRead, 1);
  assert.equal([...new Set(contentReads())], ['/work/d42/f7.txt']);
});

test('racy file: changed within the same mtime as the stat cache was written, with the same size, is re-hashed', async () => {
  const T = Date.UTC(2021, 5, 1) / 1000; // whole seconds: exact on every filesystem
  const t = await memVault({ 'a.txt': 'aaaa', 'b.txt': 'bbbb' }, { mtime: T * 1000 });
  const first = await commit({ vault: t.vault, message: 'one' });
  const index = t.vault.db.paths.index;
  // the stat cache (.vault/index) was written in the same tick as a.txt was last changed...
  await t.fs.utimes(index, T, T);
  // ...and a.txt changes again within that tick: same size, same mtime, same inode
  await t.fs.writeFile('/work/a.txt', 'AAAA');
  await t.fs.utimes('/work/a.txt', T, T);
  const st = await status({ vault: t.vault });
  assert.equal(
    st.modified.map((c) => c.path),
    ['a.txt'],
  );
  const second = await commit({ vault: t.vault, message: 'two' });
  assert.ok(second.id && second.id !== first.id);
  assert.ok(second.filesRead >= 1);
});

test('not racy: a stat cache written strictly after the mtime is trusted (the case above depends on the rule)', async () => {
  const T = Date.UTC(2021, 5, 1) / 1000;
  const t = await memVault({ 'a.txt': 'aaaa' }, { mtime: T * 1000 });
  await commit({ vault: t.vault, message: 'one' });
  await t.fs.utimes(t.vault.db.paths.index, T + 1, T + 1);
  await t.fs.writeFile('/work/a.txt', 'AAAA');
  await t.fs.utimes('/work/a.txt', T, T);
  // same size, mtime, inode and mode as recorded: the cache vouches for it and the content is not read
  const st = await status({ vault: t.vault });
  assert.ok(st.clean);
  const r = await commit({ vault: t.vault, message: 'two' });
  assert.is(r.filesRead, 0);
});

test("HEAD's snapshot is read and decoded once per commit, with attachments and no cached HEAD", async () => {
  const t = await memVault({ 'a.txt': 'a' });
  let n = 0;
  const note = {
    name: 'note',
    always: true,
    run: async (ctx: { putBytes(p: string, b: Uint8Array): Promise<unknown> }) => [
      await ctx.putBytes('n.txt', Buffer.from(String(++n))),
    ],
  } as unknown as CommitAttachment;
  const first = await commit({ vault: t.vault, message: 'one', attachments: [note] });
  await t.fs.unlink('/work/.vault/index'); // the stat cache no longer knows HEAD's tree
  await t.fs.writeFile('/work/a.txt', 'b');
  const db = t.vault.db;
  const reads: string[] = [];
  const readTyped = db.readTyped.bind(db);
  db.readTyped = ((id: string, type: string) => {
    if (type === 'snapshot') reads.push(id);
    return readTyped(id, type as never);
  }) as typeof db.readTyped;
  const second = await commit({ vault: t.vault, message: 'two', attachments: [note] });
  assert.ok(second.id);
  assert.equal(reads, [first.id], 'one read of HEAD');
  assert.ok(second.attachments);
});

test.run();
