// Files and folders the user cannot read (chmod 000): commit and status skip them, name them, back up everything
// else, and say the snapshot is incomplete. Tests run as root, where chmod does not stop reads, so an fs wrapper
// throws EACCES for chosen paths (test/cli/unreadable.test.ts does it for real, as another user).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fsError } from '../../src/errors.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { commit } from '../../src/porcelain/commit.js';
import { restore } from '../../src/porcelain/restore.js';
import { status } from '../../src/porcelain/status.js';
import { memFs } from '../helpers/memfs.js';
import { listTree, type FileTree } from '../helpers/tree.js';
import { codeOf, vaultOn } from '../helpers/vault.js';

const test = suite('porcelain/unreadable');

const PROJECT: FileTree = {
  'a.txt': 'alpha\n',
  'secret.psd': 'layers\n',
  locked: { 'inside.txt': 'hidden\n' },
  noperm: { 'x.txt': 'x\n', 'y.txt': 'y\n' },
  Art: { 'hero.png': 'png\n' },
};

type Op = 'open' | 'readdir' | 'lstat';

/** memfs whose `op` on the listed paths fails with EACCES, as after chmod 000 for a user who is not root. */
function denying(deny: Partial<Record<Op, string[]>>) {
  const { fs: mem } = memFs();
  const on = { enabled: true };
  const wrap =
    (op: Op) =>
    (path: string, ...rest: unknown[]) => {
      if (on.enabled && deny[op]?.includes(String(path)))
        return Promise.reject(
          Object.assign(new Error(`EACCES: permission denied, ${op} '${path}'`), { code: 'EACCES', syscall: op, path }),
        );
      return (mem[op] as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
    };
  const fs = { ...mem, open: wrap('open'), readdir: wrap('readdir'), lstat: wrap('lstat') } as unknown as FsPromises;
  return { fs, mem, on };
}

const DENY = { open: ['/work/secret.psd'], readdir: ['/work/locked'], lstat: ['/work/noperm/x.txt'] };

test('commit skips what it cannot read, names each, backs up the rest, and says the snapshot is incomplete', async () => {
  const { fs, mem } = denying(DENY);
  const t = await vaultOn(fs, '/work', PROJECT);
  const seen: string[] = [];
  const r = await commit({ vault: t.vault, message: 'm', onSkip: (p, _why, kind) => seen.push(`${kind} ${p}`) });
  assert.ok(r.id, 'a snapshot was made');
  assert.is(r.complete, false);
  assert.equal(seen.sort(), ['unreadable locked', 'unreadable noperm/x.txt', 'unreadable secret.psd']);
  assert.equal(
    r.skipped.map((s) => [s.path, s.kind, s.reason]),
    [
      ['locked', 'unreadable', 'unreadable: permission denied'],
      ['noperm/x.txt', 'unreadable', 'unreadable: permission denied'],
      ['secret.psd', 'unreadable', 'unreadable: permission denied'],
    ].sort(),
  );
  await restore({ vault: t.vault, snapshot: 'HEAD', to: '/out' });
  const restored = (await listTree(mem, '/out')).map((l) => l.split(' ').filter(Boolean).slice(0, 2).join(' '));
  assert.equal(restored, ['dir Art', 'file Art/hero.png', 'file a.txt', 'dir noperm', 'file noperm/y.txt']);
  assert.is((await mem.readFile('/out/noperm/y.txt', 'utf8')) as string, 'y\n');
});

test('status: an unreadable file is listed as such, not as deleted; the result says it is incomplete', async () => {
  const { fs, mem, on } = denying(DENY);
  const t = await vaultOn(fs, '/work', PROJECT);
  on.enabled = false;
  await commit({ vault: t.vault, message: 'everything readable' });
  // changed since (so the stat cache cannot vouch for it), then made unreadable
  await mem.writeFile('/work/secret.psd', 'more layers\n');
  // chmod 000 moves the folder's mode and ctime: the stat cache's record of it no longer vouches for its names
  await mem.chmod('/work/locked', 0o000);
  on.enabled = true;
  const st = await status({ vault: t.vault });
  assert.equal(st.deleted, [], 'nothing was deleted');
  assert.equal(st.modified, [], 'what could not be read is not called modified either');
  assert.is(st.clean, true);
  assert.is(st.complete, false);
  assert.equal(st.skipped.map((s) => `${s.kind} ${s.path}`).sort(), [
    'unreadable locked',
    'unreadable noperm/x.txt',
    'unreadable secret.psd',
  ]);
});

test('permission denied while writing the store is not taken for an unreadable file: the commit fails', async () => {
  const { fs: mem } = memFs();
  const fs = {
    ...mem,
    open: (path: string, flags?: string, mode?: number) =>
      String(path).startsWith('/work/.vault/packs/') && /[wa]/.test(String(flags))
        ? Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' }))
        : mem.open(path, flags, mode),
  } as FsPromises;
  const t = await vaultOn(fs, '/work', PROJECT);
  assert.is(await codeOf(() => commit({ vault: t.vault, message: 'm' })), 'EACCES');
});

test('permission errors have their own code (EACCES), not EIO', () => {
  for (const code of ['EACCES', 'EPERM']) {
    const e = fsError(Object.assign(new Error(code), { code }), 'open', '/x');
    assert.is((e as { code?: string }).code, 'EACCES', code);
  }
  assert.is((fsError(Object.assign(new Error('EIO'), { code: 'EIO' }), 'read', '/x') as { code?: string }).code, 'EIO');
});

test.run();
