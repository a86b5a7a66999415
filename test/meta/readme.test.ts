// The README's Quick start runs as written: its sh block, run in a temp folder, with `npx vault` being this
// checkout's CLI (how npx finds it is the install check's business: scripts/check-install.sh). Every line must
// succeed (`set -e`), and what it says it makes must be there.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('meta/readme');

/** The first ```sh block after `## heading` in the README. */
async function shBlock(heading: string): Promise<string> {
  const text = await readFile(join(ROOT, 'README.md'), 'utf8');
  const at = text.indexOf(`\n## ${heading}\n`);
  assert.ok(at >= 0, `README has a "${heading}" section`);
  const m = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(m?.[1], `"${heading}" has an sh block`);
  return m[1];
}

test('Quick start: every line runs, the project, its snapshots, the copy and the tag are there', async () => {
  const block = await shBlock('Quick start');
  assert.match(block, /npx vault -C demo init/);
  const tmp = await tempDir('vault-readme-');
  try {
    const script = `set -e\nvault() { "${process.execPath}" "${BIN}" "$@"; }\n${block.replace(/\bnpx vault\b/g, 'vault')}`;
    const r = spawnSync('bash', ['-c', script], {
      cwd: tmp.path,
      encoding: 'utf8',
      env: { ...process.env, VAULT_AUTHOR: 'Tess Ter <tess@example.org>', NO_COLOR: '1' },
    });
    assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const log = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n[') + 1)) as { message: string; refs?: string[] }[];
    assert.equal(
      log.map((e) => e.message),
      ['moat', 'first blockout'],
    );
    assert.ok(log[1]?.refs?.includes('tags/first-review'), JSON.stringify(log[1]));
    // restore HEAD~1 Docs/notes.md put the first version back; the copy has the second
    assert.is(await readFile(join(tmp.path, 'demo/Docs/notes.md'), 'utf8'), 'castle notes\n');
    assert.is(await readFile(join(tmp.path, 'demo-copy/Docs/notes.md'), 'utf8'), 'castle notes\nmoat added\n');
  } finally {
    await tmp.remove();
  }
});

test.run();
