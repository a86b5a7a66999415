// `vault log | head -1`: a reader that goes away early is not an error (git behaves the same)
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, runVault } from '../helpers/cli.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('cli/pipe');

test('vault log piped into head -1: one line, exit 0, no stack trace', async () => {
  const t = await tempDir();
  try {
    await runVault(t.path, ['init']);
    for (let i = 0; i < 40; i++) {
      await writeFile(join(t.path, 'f.txt'), `${i}\n`);
      assert.is((await runVault(t.path, ['commit', '-m', `commit number ${i} `.repeat(40)])).code, 0);
    }
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" log | head -1; echo "exit=\${PIPESTATUS:-0}"`], {
      cwd: t.path,
      encoding: 'utf8',
      env: { ...process.env, VAULT_AUTHOR: 'T <t@example.org>' },
    });
    assert.is(r.stdout.trim().split('\n').length, 2, r.stdout);
    assert.not.match(r.stderr, /EPIPE|internal error|\s+at /, r.stderr);
    const bash = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" log | head -1 >/dev/null`], {
      cwd: t.path,
      encoding: 'utf8',
    });
    assert.is(bash.status, 0, bash.stderr);
  } finally {
    await t.remove();
  }
});

test.run();
