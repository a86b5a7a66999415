// The vault lock (.vault/lock): a disk that fills up while the lock is written must not leave a lock that keeps
// every later command out, and an empty or unparseable lock counts as stale once it is old, taken over atomically.
import { hostname } from 'node:os';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileHandle, FsPromises } from '../../src/plumbing/fs.js';
import { TORN_LOCK_AGE_MS, acquireLock } from '../../src/plumbing/lock.js';
import { commit } from '../../src/porcelain/commit.js';
import { memFs } from '../helpers/memfs.js';
import { codeOf, memVault } from '../helpers/vault.js';

const test = suite('plumbing/lock');
const LOCK = '/v/lock';

/** memfs where writes into the lock file fail with `code` (or write nothing, for 'short'). */
function fullDisk(code: 'ENOSPC' | 'EIO' | 'short', on: 'write' | 'sync' = 'write'): FsPromises {
  const { fs } = memFs({ '/v/refs/heads/.keep': '' });
  return {
    ...fs,
    open: async (path: string, flags?: string, mode?: number) => {
      const fh = (await fs.open(path, flags, mode)) as FileHandle;
      if (!path.startsWith(LOCK)) return fh; // the lock, or the temp file it is linked from
      return new Proxy(fh, {
        get(target, prop, recv) {
          const v = Reflect.get(target, prop, recv);
          if (prop === on && code === 'short') return async () => ({ bytesWritten: 0 });
          if (prop === on) return async () => Promise.reject(Object.assign(new Error(code), { code }));
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  } as FsPromises;
}

for (const [code, on, want] of [
  ['ENOSPC', 'write', 'ENOSPC'],
  ['ENOSPC', 'sync', 'ENOSPC'],
  ['EIO', 'write', 'EIO'],
  ['short', 'write', 'EIO'],
] as const) {
  test(`the lock cannot be written (${code} on ${on}): ${want}, and no lock file is left behind`, async () => {
    const fs = fullDisk(code, on);
    assert.is(await codeOf(() => acquireLock({ fs, path: LOCK, command: 'commit' })), want);
    assert.is(
      await fs.lstat(LOCK).then(
        () => 'left',
        () => 'none',
      ),
      'none',
      'a torn lock would keep everyone out',
    );
    assert.equal(((await fs.readdir('/v')) as string[]).sort(), ['refs'], 'no temp file left either');
  });
}

/** A lock file with `content`, `ageMs` old by its mtime. */
async function planted(content: string, ageMs: number): Promise<FsPromises> {
  const { fs } = memFs({ [LOCK]: content, '/v/refs/heads/.keep': '' });
  const t = (Date.now() - ageMs) / 1000;
  await fs.utimes(LOCK, t, t);
  return fs;
}

for (const [what, content] of [
  ['empty', ''],
  ['torn JSON', '{"pid":12'],
  ['not JSON', '\u0000\u0000garbage'],
  ['JSON without a pid', '{"host":"x"}'],
] as const) {
  test(`a lock file that is ${what}, older than ${TORN_LOCK_AGE_MS / 1000} s is stale: taken over`, async () => {
    const fs = await planted(content, TORN_LOCK_AGE_MS + 5000);
    const release = await acquireLock({ fs, path: LOCK, command: 'commit' });
    const held = JSON.parse((await fs.readFile(LOCK, 'utf8')) as string);
    assert.is(held.pid, process.pid, 'the lock is ours now');
    await release();
  });

  test(`a lock file that is ${what} and fresh may be one being written: ELOCKED, left alone`, async () => {
    const fs = await planted(content, 0);
    assert.is(await codeOf(() => acquireLock({ fs, path: LOCK, command: 'commit' })), 'ELOCKED');
    assert.is((await fs.readFile(LOCK, 'utf8')) as string, content);
  });
}

test('a 0-byte lock left by a full disk: commit works once it is old (it failed with ELOCKED forever)', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  await t.fs.writeFile('/work/.vault/lock', '');
  const old = (Date.now() - TORN_LOCK_AGE_MS - 1000) / 1000;
  await t.fs.utimes('/work/.vault/lock', old, old);
  assert.ok((await commit({ vault: t.vault, message: 'm' })).id);
  assert.is(
    await t.fs.lstat('/work/.vault/lock').then(
      () => 'held',
      () => 'free',
    ),
    'free',
  );
});

test('a stale lock replaced by a live one just before the take-over: the live lock survives', async () => {
  const { fs: mem } = memFs({ '/v/refs/heads/.keep': '' });
  // a dead process's lock (same host, a pid that is not running)
  const dead = JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), time: 1, command: 'commit' });
  const live = JSON.stringify({ pid: process.pid, host: hostname(), time: 2, command: 'prune' });
  await mem.writeFile(LOCK, dead);
  let raced = false;
  const fs = {
    ...mem,
    // another process removes the stale lock and takes the lock itself, right before our rename
    rename: async (from: string, to: string) => {
      if (from === LOCK && !raced) {
        raced = true;
        await mem.unlink(LOCK);
        await mem.writeFile(LOCK, live);
      }
      return mem.rename(from, to);
    },
  } as FsPromises;
  assert.is(await codeOf(() => acquireLock({ fs, path: LOCK, command: 'commit' })), 'ELOCKED');
  assert.ok(raced, 'the race happened');
  assert.is((await mem.readFile(LOCK, 'utf8')) as string, live, 'the live lock is back in place');
  assert.equal(
    ((await mem.readdir('/v')) as string[]).filter((n) => n.startsWith('lock.')),
    [],
    'nothing left aside',
  );
});

test.run();

test('the lock is linked into place whole: a temp file left by a killed process is swept once old', async () => {
  const { fs } = memFs({
    '/v/refs/heads/.keep': '',
    '/v/lock.new-old': '',
    '/v/lock.new-fresh': '',
    '/v/lock.stale-1': '',
  });
  const t = (Date.now() - TORN_LOCK_AGE_MS - 1000) / 1000;
  await fs.utimes('/v/lock.new-old', t, t);
  await fs.utimes('/v/lock.stale-1', t, t);
  const release = await acquireLock({ fs, path: LOCK, command: 'commit' });
  assert.is(JSON.parse((await fs.readFile(LOCK, 'utf8')) as string).pid, process.pid);
  assert.equal(((await fs.readdir('/v')) as string[]).sort(), ['lock', 'lock.new-fresh', 'refs']);
  await release();
  assert.equal(((await fs.readdir('/v')) as string[]).sort(), ['lock.new-fresh', 'refs']);
});

for (const [what, link] of [
  ['a filesystem without link()', undefined],
  ['link() refused with EPERM (no hard links there)', 'EPERM'],
] as const) {
  test(`${what}: the lock is created in place, and a second taker is refused`, async () => {
    const { fs: mem } = memFs({ '/v/refs/heads/.keep': '' });
    const fs: Partial<FsPromises> = { ...mem };
    if (link) fs.link = async () => Promise.reject(Object.assign(new Error(link), { code: link }));
    else delete fs.link;
    const release = await acquireLock({ fs: fs as FsPromises, path: LOCK, command: 'commit' });
    assert.is(JSON.parse((await mem.readFile(LOCK, 'utf8')) as string).pid, process.pid);
    assert.is(await codeOf(() => acquireLock({ fs: fs as FsPromises, path: LOCK, command: 'gc' })), 'ELOCKED');
    await release();
    assert.equal(((await mem.readdir('/v')) as string[]).sort(), ['refs']);
  });
}
