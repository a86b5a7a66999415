// The ignore rules: with no .vaultignore rules the built-in paths are matched directly (not through the `ignore`
// package, which remembers every path asked about); the answers must be the package's own.
import ignore from 'ignore';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadIgnoreRules } from '../../src/plumbing/ignoreRules.js';
import { memFs } from '../helpers/memfs.js';

const test = suite('plumbing/ignoreRules');

const PATHS: [string, boolean][] = [
  ['.vault', true],
  ['.VAULT', true],
  ['.Vault', false],
  ['.vault/index', false],
  ['.vaultignore', false],
  ['.vault2', false],
  ['sub/.vault', true],
  ['sub', true],
  ['store', true],
  ['store/packs/pack-1.pack', false],
  ['store2', false],
  ['stores/x', false],
  ['deep/store', true],
  ['a.txt', false],
];

for (const vaultignore of [undefined, '', '# only a comment\n\n', '\r\n#x\r\n']) {
  test(`no rules (${JSON.stringify(vaultignore)}): the built-in paths, as the ignore package matches them`, async () => {
    const { fs } = memFs();
    await fs.mkdir('/w', { recursive: true });
    if (vaultignore !== undefined) await fs.writeFile('/w/.vaultignore', vaultignore);
    const extra = ['/store'];
    const rules = await loadIgnoreRules(fs, '/w', extra);
    const ref = ignore().add(['/.vault', ...extra]);
    for (const [p, dir] of PATHS) assert.is(rules.ignored(p, dir), ref.ignores(dir ? `${p}/` : p), p);
  });
}

test('rules in .vaultignore still apply (through the ignore package)', async () => {
  const { fs } = memFs();
  await fs.mkdir('/w', { recursive: true });
  await fs.writeFile('/w/.vaultignore', '*.tmp\nBuild/\n!keep.tmp\n');
  const rules = await loadIgnoreRules(fs, '/w');
  assert.ok(rules.ignored('x.tmp', false));
  assert.not.ok(rules.ignored('keep.tmp', false));
  assert.ok(rules.ignored('Build', true));
  assert.ok(rules.ignored('.vault', true));
  assert.not.ok(rules.ignored('a.txt', false));
});

test.run();
