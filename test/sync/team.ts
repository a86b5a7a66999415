// Two people and one remote, from the command line: shared by teamPush.test.ts and teamMerge.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { ENV, newRepo, run, type SyncCtx } from './gitServer.js';

let built: Error | null | undefined;
/** Build dist once per process (bin/vault runs it), unless the runner did. */
export function ensureBuilt(): void {
  if (process.env.VAULT_TEST_BUILT || built === null) return;
  if (built) throw built;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  built = b.status === 0 ? null : new Error(`build failed:\n${b.stdout}${b.stderr}`);
  if (built) throw built;
}

export type Person = ((...args: string[]) => Promise<CliRun>) & { dir: string };

/** `vault ARGS` as a person in their folder: their own author, the server's credentials. */
export function person(name: string, dir: string): Person {
  const env = { ...ENV, VAULT_AUTHOR: `${name} <${name.toLowerCase()}@studio.example>` };
  return Object.assign((...args: string[]) => runVault(dir, args, env), { dir });
}

export async function ok(r: Promise<CliRun> | CliRun): Promise<CliRun> {
  const done = await r;
  assert.is(done.code, 0, `exit ${done.code}\n${done.stdout}\n${done.stderr}`);
  return done;
}

export interface CliError {
  code: string;
  message: string;
  hint?: string;
  data: { rejected: { ref: string; why: string; reason: string }[] } & Record<string, unknown>;
}

/** A command that must fail with exit 1 and `code` (read from --json, which the caller passes). */
export async function fails(r: Promise<CliRun> | CliRun, code: string): Promise<CliError> {
  const done = await r;
  assert.is(done.code, 1, `expected exit 1\n${done.stdout}\n${done.stderr}`);
  const err = (JSON.parse(done.stdout) as { error: CliError }).error;
  assert.is(err.code, code, JSON.stringify(err));
  return err;
}

export async function put(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [p, body] of Object.entries(files)) {
    await mkdir(dirname(join(dir, p)), { recursive: true });
    await writeFile(join(dir, p), body);
  }
}

/** git's own check of the server's repository. */
export async function fsck(repoDir: string): Promise<void> {
  const r = await run('git', ['-C', repoDir, 'fsck', '--full', '--strict']).catch((e) => e);
  assert.is(r.code ?? 0, 0, `git fsck --full --strict failed:\n${r.stdout}\n${r.stderr}`);
}

export async function serverRefs(repoDir: string): Promise<Record<string, string>> {
  const r = await run('git', ['-C', repoDir, 'for-each-ref', '--format=%(refname) %(objectname)']);
  return Object.fromEntries(
    r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
}

/** Ana starts a project with `files`, pushes it, Bo clones it. */
export async function team(
  ctx: SyncCtx,
  files: Record<string, string | Buffer>,
): Promise<{ ana: Person; bo: Person; repo: { url: string; dir: string } }> {
  const repo = await newRepo(ctx);
  const ana = person('Ana', join(ctx.tmp, 'ana'));
  await put(ana.dir, files);
  await ok(ana('init'));
  await ok(ana('commit', '-m', 'start'));
  await ok(ana('remote', 'add', 'origin', repo.url));
  await ok(ana('push'));
  await ok(person('Bo', ctx.tmp)('clone', repo.url, 'bo'));
  return { ana, bo: person('Bo', join(ctx.tmp, 'bo')), repo };
}

export async function headOf(p: Person): Promise<string> {
  return ((await ok(p('rev-parse', 'HEAD'))).stdout as string).trim();
}
