// Concurrency: two `vault commit`s and a `vault prune` (and a lock-impatient third commit) race on one
// vault as child processes. The lock serialises them: the waiting ones get in (--lock-wait), the impatient
// one fails with ELOCKED or gets in; afterwards the vault verifies and every committed snapshot restores.
import { ROOT, runVault, type CliRun } from '../helpers/cli.js';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { forget } from '../../src/porcelain/forget.js';
import { initVault, openVault } from '../../src/porcelain/openVault.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { nodeFs, tempDir } from '../helpers/vault.js';

const ROUNDS = Number(process.env.VAULT_RACE_ROUNDS ?? 3);
const test = suite('reliability/concurrency');

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

function vault(work: string, ...args: string[]): Promise<CliRun> {
  return runVault(undefined, ['-C', work, ...args], { VAULT_AUTHOR: 'Race <race@example.org>' });
}

test('two commits and a prune racing: serialised by the lock, nothing lost', async () => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-race-');
  const work = join(tmp.path, 'work');
  const expected = new Map<string, string[]>();
  let locked = 0;
  let commits = 0;
  try {
    await nodeFs.mkdir(work, { recursive: true });
    await initVault({ fs: nodeFs, dir: work });
    for (let round = 0; round < ROUNDS; round++) {
      await nodeFs.writeFile(join(work, 'art.bin'), prngBytes(round, 400_000 + round * 1000));
      await nodeFs.writeFile(join(work, `n${round}.txt`), `round ${round}\n`);
      const listing = await listTree(nodeFs, work);
      const [a, b, p, c] = await Promise.all([
        vault(work, 'commit', '-m', `a${round}`, '--allow-empty', '--lock-wait', '60', '--json'),
        vault(work, 'commit', '-m', `b${round}`, '--allow-empty', '--lock-wait', '60', '--json'),
        vault(work, 'prune', '--protect', '0', '--lock-wait', '60'),
        vault(work, 'commit', '-m', `c${round}`, '--allow-empty', '--json'),
      ]);
      for (const r of [a, b]) {
        assert.is(r.code, 0, r.stderr);
        expected.set(JSON.parse(r.stdout).id, listing);
        commits++;
      }
      assert.is(p.code, 0, p.stderr);
      if (c.code === 0) {
        expected.set(JSON.parse(c.stdout).id, listing);
        commits++;
      } else {
        assert.is(JSON.parse(c.stdout).error.code, 'ELOCKED', c.stderr);
        locked++;
      }
      // give the next prune garbage: forget all but the newest snapshots (the reflog keeps nothing: --protect 0)
      const v = await openVault({ fs: nodeFs, cwd: work, codec: new InlineCodec() });
      try {
        const r = await forget({ vault: v, policy: { last: 2 } });
        const next = new Map<string, string[]>();
        for (const s of r.snapshots)
          if (s.keep) next.set(r.rewritten.find((x) => x.old === s.id)?.new ?? s.id, expected.get(s.id)!);
        expected.clear();
        for (const [k, x] of next) expected.set(k, x);
      } finally {
        await v.close();
      }
    }
    const last = await vault(work, 'prune', '--protect', '0');
    assert.is(last.code, 0, last.stderr);
    const v = await openVault({ fs: nodeFs, cwd: work, codec: new InlineCodec() });
    try {
      assert.equal((await verify({ vault: v, readData: true })).problems, []);
      for (const [id, want] of expected) {
        const to = join(tmp.path, `r-${id.slice(0, 8)}`);
        await restore({ vault: v, snapshot: id, to });
        assert.equal(await listTree(nodeFs, to), want);
        await rm(to, { recursive: true, force: true });
      }
    } finally {
      await v.close();
    }
    console.log(
      `concurrency figures: ${ROUNDS} rounds of 3 commits + prune racing; ${commits} commits landed, ${locked} impatient commit(s) refused with ELOCKED; vault verified, kept snapshots restore`,
    );
  } finally {
    await tmp.remove();
  }
});

test.run();
