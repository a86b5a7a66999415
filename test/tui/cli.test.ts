/**
 * `vault tui` through the real CLI without a terminal (the interactive runs are in e2e.test.ts, in tmux):
 * it refuses with a usage error instead of drawing into a pipe; --help documents --persona with examples.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runVault } from '../helpers/cli.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('vault tui (CLI)');

test('off a terminal: exit 2 with a hint; --json gives EUSAGE; a bad --persona is refused; --help has examples', async () => {
  const tmp = await tempDir('vault-tui-cli-');
  try {
    assert.is((await runVault(tmp.path, ['init', '--persona', 'creative'])).code, 0);
    const r = await runVault(tmp.path, ['tui']);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, /vault: vault tui needs a terminal/);
    assert.match(r.stderr, /hint: use 'vault log' and 'vault diff' in scripts/);
    assert.is(r.stdout, '');
    const j = await runVault(tmp.path, ['tui', '--json']);
    assert.is((JSON.parse(j.stdout) as { error: { code: string } }).error.code, 'EUSAGE');
    const bad = await runVault(tmp.path, ['tui', '--persona', 'painter']);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /persona/);
    const h = await runVault(tmp.path, ['tui', '--help']);
    assert.is(h.code, 0);
    assert.match(h.stdout, /--persona .*default: the vault's persona/);
    assert.match(h.stdout, /vault tui --persona creative/);
  } finally {
    await tmp.remove();
  }
});

test.run();
