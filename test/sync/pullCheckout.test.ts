// A pull whose checkout cannot put every entry into the working folder (a committed symlink where the
// remote's snapshot now has a folder) says so: the pull reports the entries, and `vault pull` exits 1.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { commit } from '../../src/porcelain/commit.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { pull } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { ROOT, runVault } from '../helpers/cli.js';
import { diskVault, fakeClock, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, startFixture, stopFixture, type SyncCtx } from './gitServer.js';

const test = suite<SyncCtx>('sync/pullCheckout', {} as SyncCtx);

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});
test.before.each(async (ctx) => {
  if (buildError) throw buildError;
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

test('pull over a committed symlink where the new snapshot has a folder: reported, and the CLI exits 1', async (ctx) => {
  // the first snapshot has `sub` as a symlink; two clones check it out
  const outside = join(ctx.tmp, 'outside');
  await mkdir(outside);
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  await symlink(outside, join(tv.dir, 'sub'));
  await commit({ vault: tv.vault, message: 'sub is a link' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  const lib = join(ctx.tmp, 'lib');
  const cli = join(ctx.tmp, 'cli');
  for (const dir of [lib, cli]) {
    const c = await clone({ fs: nodeFs, url: repo.url, dir, env: ENV, codec: new InlineCodec() });
    assert.equal(c.checkout, { skipped: [], failures: [] });
  }
  // then `sub` becomes a folder with a file
  await rm(join(tv.dir, 'sub'));
  await mkdir(join(tv.dir, 'sub'));
  await writeFile(join(tv.dir, 'sub', 'f.txt'), 'inside\n');
  await commit({ vault: tv.vault, message: 'sub is a folder' });
  await push({ vault: tv.vault, env: ENV });

  const v = await openVault({ fs: nodeFs, cwd: lib, codec: new InlineCodec(), clock: fakeClock(), author: 'B <b@x>' });
  const r = await pull({ vault: v, env: ENV });
  await v.close();
  assert.is(r.outcome, 'fast-forward');
  assert.equal(
    r.checkout?.skipped.map((s) => s.path),
    ['sub', 'sub/f.txt'],
  );
  assert.equal(await readdir(outside), [], 'nothing written through the link');

  const p = await runVault(cli, ['pull'], ENV);
  assert.is(p.code, 1, `exit code; stdout: ${p.stdout} stderr: ${p.stderr}`);
  assert.match(p.stdout, /does not match HEAD: 2 entries not restored/);
  assert.match(p.stderr, /not restored: sub: a symlink is in the way/);
  assert.not.match(p.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(await readdir(outside), []);
});

test.run();
