// A 300 MiB vault pushed within 300 MiB of RSS (the pusher runs in a child process so its peak RSS is its own).
// Slow (a minute or more): runs only with VAULT_SYNC_BIG=1.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { prngBytes } from '../helpers/prng.js';
import { diskVault } from '../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';

const test = suite<SyncCtx>('sync/big', {} as SyncCtx);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIG = process.env.VAULT_SYNC_BIG === '1';

test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

(BIG ? test : test.skip)(
  'a 300 MiB vault is pushed and cloned with peak RSS under 300 MiB, and git fsck passes',
  async (ctx) => {
    const tv = await diskVault(ctx.tmp, {});
    await mkdir(join(tv.dir, 'Art'), { recursive: true });
    for (let i = 0; i < 10; i++)
      await writeFile(join(tv.dir, 'Art', `layer-${i}.psd`), prngBytes(100 + i, 30 * 1024 * 1024));
    await commit({ vault: tv.vault, message: '300 MiB of layers' });
    await tv.vault.close();
    const repo = await newRepo(ctx);
    await addRemote(tv.fs, join(tv.dir, '.vault'), 'origin', repo.url);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/sync/pushChild.ts'), 'push', tv.dir, 'origin'],
      {
        cwd: ROOT,
        env: { ...process.env, ...ENV },
        maxBuffer: 1 << 20,
      },
    );
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
      maxRssBytes: number;
      bytesSent: number;
      requests: number;
    };
    console.log(
      `    300 MiB push: peak RSS ${(r.maxRssBytes / 1048576).toFixed(0)} MiB, ${r.requests} requests, ${(r.bytesSent / 1048576).toFixed(0)} MiB sent`,
    );
    assert.ok(r.maxRssBytes < 300 * 1024 * 1024, `peak RSS ${r.maxRssBytes}`);
    assert.ok(r.bytesSent > 300 * 1024 * 1024);
    await run('git', ['-C', repo.dir, 'fsck', '--full']);
    // clone streams the pack to disk and reads it back object by object: bounded too
    const c = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'test/sync/pushChild.ts'), 'clone', join(ctx.tmp, 'copy'), repo.url],
      {
        cwd: ROOT,
        env: { ...process.env, ...ENV },
        maxBuffer: 1 << 20,
      },
    );
    const cr = JSON.parse(c.stdout.trim().split('\n').pop()!) as { maxRssBytes: number; imported: number };
    console.log(`    300 MiB clone: peak RSS ${(cr.maxRssBytes / 1048576).toFixed(0)} MiB`);
    assert.is(cr.imported, 1);
    assert.ok(cr.maxRssBytes < 300 * 1024 * 1024, `clone peak RSS ${cr.maxRssBytes}`);
  },
);

test.run();
