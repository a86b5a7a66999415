// gc, forget, prune and repair as a user runs them: `node bin/vault ...` on a real folder, --json output.
import { ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';
import { chmod, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { prngBytes } from '../helpers/prng.js';
import { tempDir } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('reliability/cli');

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

function vault(cwd: string, ...args: string[]): Promise<CliRun> {
  return runVault(cwd, args);
}

test('forget --dry-run, forget, prune --protect 0, a lost index, repair, verify: from the command line', async () => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-maint-cli-');
  const dir = tmp.path;
  try {
    assert.is((await vault(dir, 'init')).code, 0);
    for (let i = 0; i < 4; i++) {
      await writeFile(join(dir, 'art.bin'), prngBytes(i, 300_000));
      await writeFile(join(dir, `n${i}.txt`), `${i}\n`);
      const c = await vault(dir, 'commit', '-m', `c${i}`);
      assert.is(c.code, 0, c.stderr);
    }
    assert.is((await vault(dir, 'tag', 'v1', 'HEAD~2')).code, 0);
    assert.is((await vault(dir, 'forget')).code, 2, 'no policy: usage error');
    const dry = JSON.parse((await vault(dir, 'forget', '--keep-last', '1', '--dry-run', '--json')).stdout);
    assert.equal(
      dry.snapshots.map((s: { keep: boolean }) => s.keep),
      [true, false, true, false],
    );
    const f = await vault(dir, 'forget', '--keep-last', '1');
    assert.is(f.code, 0, f.stderr);
    assert.match(f.stdout, /kept 2 of 4 snapshot\(s\) on refs\/heads\/main; 2 forgotten/);
    const p = JSON.parse((await vault(dir, 'prune', '--protect', '0', '--repack-threshold', '0', '--json')).stdout);
    assert.ok(p.objectsDeleted > 0);
    const g = await vault(dir, 'gc');
    assert.is(g.code, 0, g.stderr);
    const idx = (await readdir(join(dir, '.vault', 'packs'))).filter((n) => n.endsWith('.idx'));
    await chmod(join(dir, '.vault', 'packs', must(idx[0])), 0o644);
    await unlink(join(dir, '.vault', 'packs', must(idx[0])));
    const broken = await vault(dir, 'verify');
    assert.is(broken.code, 1);
    const r = await vault(dir, 'repair');
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /re-indexed pack-[0-9a-f]+: index missing/);
    assert.match(r.stdout, /no objects lost/);
    const v = await vault(dir, 'verify', '--read-data');
    assert.is(v.code, 0, v.stdout);
    const log = await vault(dir, 'log');
    assert.match(log.stdout, /c3/);
    assert.match(log.stdout, /tags\/v1/);
  } finally {
    await tmp.remove();
  }
});

test.run();
