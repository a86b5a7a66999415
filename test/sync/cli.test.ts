// the remote commands as a user runs them: node bin/vault against the real git server in this process.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { nodeFs } from '../helpers/vault.js';
import { ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { ENV, newRepo, startFixture, stopFixture, USER, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/cli', {} as SyncCtx);

type Run = CliRun;

function vault(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  return runVault(cwd, args, env);
}

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

function assertUserError(r: Run): void {
  assert.is(r.code, 1, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.match(must(lines[0]), /^vault: \S/);
  for (const l of lines.slice(1)) assert.match(l, /^hint: /);
  assert.not.match(r.stderr, /^\s+at /m, 'no stack trace');
}

test('remote add / -v / remove, push with progress, clone, wrong password', async (ctx) => {
  const work = join(ctx.tmp, 'castle');
  await mkdir(join(work, 'Art'), { recursive: true });
  await writeFile(join(work, 'notes.md'), 'castle\n');
  await writeFile(join(work, 'Art', 'hero.psd'), prngBytes(9, 1_500_000));
  const repo = await newRepo(ctx);
  assert.is((await vault(work, {}, 'init')).code, 0);
  const c = await vault(work, {}, 'commit', '-m', 'first');
  assert.is(c.code, 0, c.stderr);

  assert.is((await vault(work, {}, 'remote', 'add', 'origin', repo.url)).code, 0);
  const list = await vault(work, {}, 'remote', '-v');
  assert.is(list.stdout, `origin\t${repo.url}\n`);
  assertUserError(await vault(work, {}, 'remote', 'add', 'origin', repo.url));

  const bad = await vault(work, { VAULT_GIT_USERNAME: USER, VAULT_GIT_PASSWORD: 'nope' }, 'push');
  assertUserError(bad);
  assert.match(bad.stderr, /refused the credentials/);
  const badJson = await vault(work, { VAULT_GIT_USERNAME: USER, VAULT_GIT_PASSWORD: 'nope' }, 'push', '--json');
  assert.is((JSON.parse(badJson.stdout) as { error: { code: string } }).error.code, 'EAUTH');

  const p = await vault(work, { ...ENV, VAULT_PROGRESS: '1' }, 'push');
  assert.is(p.code, 0, p.stderr);
  assert.match(p.stdout, /^refs\/heads\/main -> [0-9a-f]{12} \(git [0-9a-f]{12}\)$/m);
  assert.match(p.stderr, /^push: upload \d+\/\d+ objects/m);
  const again = await vault(work, ENV, 'push');
  assert.match(again.stdout, 'origin is up to date');

  const cl = await vault(ctx.tmp, ENV, 'clone', repo.url, 'copy');
  assert.is(cl.code, 0, cl.stderr);
  assert.match(cl.stdout, /^cloned .* 1 snapshot\(s\), main at [0-9a-f]{12}$/m);
  assert.equal(await listTree(nodeFs, join(ctx.tmp, 'copy')), await listTree(nodeFs, work));
  const l1 = JSON.parse((await vault(work, {}, 'log', '--json')).stdout) as { id: string }[];
  const l2 = JSON.parse((await vault(join(ctx.tmp, 'copy'), {}, 'log', '--json')).stdout) as { id: string }[];
  assert.equal(
    l2.map((e) => e.id),
    l1.map((e) => e.id),
  );
  const pl = await vault(join(ctx.tmp, 'copy'), ENV, 'pull');
  assert.is(pl.code, 0, pl.stderr);
  assert.match(pl.stdout, 'main is up to date');

  assert.is((await vault(work, {}, 'remote', 'remove', 'origin')).code, 0);
  assert.is((await vault(work, {}, 'remote', '-v')).stdout, '');
  const none = await vault(work, ENV, 'push', '--json');
  assert.is((JSON.parse(none.stdout) as { error: { code: string } }).error.code, 'ENOREMOTE');
});

test.run();
