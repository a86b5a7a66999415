// `vault init --persona` and `vault persona`: the setting that decides what commit attaches
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runVault } from '../helpers/cli.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('cli/persona');

test('init --persona creative sets it; persona shows, changes and clears it; a bad name is a usage error', async () => {
  const t = await tempDir();
  try {
    assert.is((await runVault(t.path, ['init', '--persona', 'creative'])).code, 0);
    assert.is((await runVault(t.path, ['persona'])).stdout.trim(), 'creative');
    const config = JSON.parse(await readFile(join(t.path, '.vault', 'config'), 'utf8'));
    assert.is(config.extra.persona, 'creative');
    assert.is((await runVault(t.path, ['persona', 'game'])).code, 0);
    assert.equal(JSON.parse((await runVault(t.path, ['persona', '--json'])).stdout), { persona: 'game' });
    assert.is((await runVault(t.path, ['persona', 'none'])).code, 0);
    assert.is((await runVault(t.path, ['persona'])).stdout.trim(), 'none');
    assert.is(JSON.parse(await readFile(join(t.path, '.vault', 'config'), 'utf8')).extra.persona, undefined);
    const bad = await runVault(t.path, ['persona', 'painter']);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /unknown persona 'painter'/);
    assert.match(bad.stderr, /hint: use one of: creative, game, none/);
  } finally {
    await t.remove();
  }
});

test.run();
