// `vault restore` as a user runs it when not everything can be restored: damaged objects (named, the
// rest restored, exit 1, listed by --json) and a target inside the vault store (ETARGETINVAULT).
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, open, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { ls } from '../../src/porcelain/ls.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { ROOT, runVault, vaultOk, type CliRun } from '../helpers/cli.js';
import { nodeFs, tempDir } from '../helpers/vault.js';

interface Ctx {
  dir: string;
  remove: () => Promise<void>;
}

const test = suite<Ctx>('cli/restore', {} as Ctx);

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});
test.before.each(async (ctx) => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-cli-restore-');
  ctx.dir = tmp.path;
  ctx.remove = tmp.remove;
});
test.after.each(async (ctx) => ctx.remove());

/** A project with three committed files. */
async function project(dir: string): Promise<string> {
  const work = join(dir, 'work');
  await mkdir(work);
  for (const n of ['a', 'b', 'c']) await writeFile(join(work, `${n}.txt`), `${n}\n`.repeat(1000));
  await vaultOk(work, ['init']);
  await vaultOk(work, ['commit', '-m', 'three files']);
  return work;
}

/** Flip the last byte of the packed object that holds `path`'s content. */
async function damage(work: string, path: string): Promise<void> {
  const v = await openVault({ fs: nodeFs, cwd: work, codec: new InlineCodec() });
  try {
    const id = (await ls({ vault: v, rev: 'HEAD', path })).entries[0]!.id;
    await v.db.ready();
    const loc = v.db.locate(id)!;
    await chmod(loc.packPath, 0o644);
    const fh = await open(loc.packPath, 'r+');
    const at = loc.entry.offset + loc.entry.length - 1;
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0]! ^= 0x20; // b holds one byte
    await fh.write(b, 0, 1, at);
    await fh.close();
  } finally {
    await v.close();
  }
}

function noStack(r: CliRun): void {
  assert.not.match(r.stderr, /^\s+at /m, 'no stack trace');
  assert.not.match(r.stderr, /internal error/);
}

test('a damaged file: the others are restored, it is named, exit 1; --json lists it', async ({ dir }) => {
  const work = await project(dir);
  await damage(work, 'b.txt');
  const r = await runVault(work, ['restore', 'HEAD', '--to', '../out']);
  assert.is(r.code, 1, r.stderr);
  noStack(r);
  assert.match(r.stdout, /^restored 2 files from /);
  assert.match(r.stdout, /1 entry could not be restored/);
  assert.match(r.stderr, /error: not restored: b\.txt: object \w+ is corrupted/);
  assert.equal((await readdir(join(dir, 'out'))).sort(), ['a.txt', 'c.txt']);
  assert.is(await readFile(join(dir, 'out', 'c.txt'), 'utf8'), 'c\n'.repeat(1000));

  const j = await runVault(work, ['restore', 'HEAD', '--to', '../out-json', '--json']);
  assert.is(j.code, 1, j.stderr);
  const parsed = JSON.parse(j.stdout) as { files: number; failures: { path: string; code: string }[] };
  assert.is(parsed.files, 2);
  assert.equal(
    parsed.failures.map((f) => [f.path, f.code]),
    [['b.txt', 'ECORRUPT']],
  );
});

test('restore --to .vault (or inside it): ETARGETINVAULT, exit 1, HEAD and config untouched', async ({ dir }) => {
  const work = await project(dir);
  const head = await readFile(join(work, '.vault', 'HEAD'), 'utf8');
  const config = await readFile(join(work, '.vault', 'config'), 'utf8');
  for (const to of ['.vault', '.vault/refs', './x/../.vault']) {
    const r = await runVault(work, ['restore', 'HEAD', '--to', to]);
    assert.is(r.code, 1, `--to ${to}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^vault: refusing to restore into .*inside the vault store/);
    noStack(r);
    const j = await runVault(work, ['restore', 'HEAD', '--to', to, '--json']);
    assert.is((JSON.parse(j.stdout) as { error: { code: string } }).error.code, 'ETARGETINVAULT');
  }
  assert.is(await readFile(join(work, '.vault', 'HEAD'), 'utf8'), head);
  assert.is(await readFile(join(work, '.vault', 'config'), 'utf8'), config);
  assert.not.ok((await readdir(join(work, '.vault'))).includes('a.txt'));
});

test.run();
