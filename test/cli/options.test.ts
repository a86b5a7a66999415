// The CLI's small parts in-process: the numeric option check every command uses, the command-word
// finder of the dispatcher, "did you mean", the examples layout and the command registry.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, GROUPS, nameOf } from '../../src/cli/commands/registry.js';
import { examplesText, shellWords } from '../../src/cli/examples.js';
import { topLevelHelp } from '../../src/cli/help.js';
import { fastArgs } from '../../src/cli/fastArgs.js';
import { commandWord } from '../../src/cli/main.js';
import { numberOption, parseNumber, takeOptionError, type NumberKind } from '../../src/cli/options.js';
import { parseCommand } from '../../src/cli/parse.js';
import { VaultError } from '../../src/errors.js';
import { closestNames, didYouMean, editDistance } from '../../src/suggest.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('cli/options');

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof VaultError ? e.code : `not a VaultError: ${String(e)}`;
  }
}

test('parseNumber: a table of values per kind, accepted or EUSAGE', () => {
  const table: [NumberKind, unknown, number | 'EUSAGE', { max?: number }?][] = [
    ['count', '5', 5],
    ['count', 5, 5],
    ['count', '+3', 3],
    ['count', 'abc', 'EUSAGE'],
    ['count', '0', 'EUSAGE'],
    ['count', '-3', 'EUSAGE'],
    ['count', -3, 'EUSAGE'],
    ['count', '2x', 'EUSAGE'],
    ['count', '1.5', 'EUSAGE'],
    ['count', 1.5, 'EUSAGE'],
    ['count', '', 'EUSAGE'],
    ['count', true, 'EUSAGE'], // a bare `-n` with no value
    ['count', '0x10', 'EUSAGE'],
    ['count', '1e3', 'EUSAGE'],
    ['count', 'Infinity', 'EUSAGE'],
    ['count', ['3', '4'], 4], // repeated: the last one counts, like git
    ['count', '5', 5, { max: 5 }],
    ['count', '6', 'EUSAGE', { max: 5 }],
    ['whole', '0', 0],
    ['whole', '-1', 'EUSAGE'],
    ['seconds', '0', 0],
    ['seconds', '2.5', 2.5],
    ['seconds', '.5', 0.5],
    ['seconds', '-1', 'EUSAGE'],
    ['seconds', 'soon', 'EUSAGE'],
    ['positive', '0', 'EUSAGE'],
    ['positive', '0.25', 0.25],
    ['fraction', '0', 0],
    ['fraction', '1', 1],
    ['fraction', '0.5', 0.5],
    ['fraction', '1.01', 'EUSAGE'],
    ['fraction', '-0.1', 'EUSAGE'],
    ['fraction', 'NaN', 'EUSAGE'],
  ];
  for (const [kind, raw, want, opts] of table) {
    const label = `${kind} ${JSON.stringify(raw)}${opts ? ` ${JSON.stringify(opts)}` : ''}`;
    if (want === 'EUSAGE')
      assert.is(
        codeOf(() => parseNumber('max', raw, kind, opts)),
        'EUSAGE',
        label,
      );
    else assert.is(parseNumber('max', raw, kind, opts), want, label);
  }
});

test('parseNumber: the message names the option as typed and the value', () => {
  try {
    parseNumber('max', '2x', 'count', { alias: 'n' });
    assert.unreachable('2x was accepted');
  } catch (e) {
    assert.is((e as VaultError).code, 'EUSAGE');
    assert.match((e as Error).message, /^-n\/--max takes a whole number of 1 or more, got '2x'$/);
  }
  try {
    parseNumber('lockWait', 'x', 'seconds');
    assert.unreachable('x was accepted');
  } catch (e) {
    assert.match((e as Error).message, /^--lock-wait /);
  }
});

test('numberOption: its coerce keeps the typed error for the failure handler, and passes good values', () => {
  const o = numberOption('rating', 'count', { describe: '1..5', max: 5, alias: 'r' });
  assert.is(o.coerce('4'), 4);
  assert.is(takeOptionError(), undefined);
  assert.throws(() => o.coerce('9'));
  const e = takeOptionError();
  assert.is(e?.code, 'EUSAGE');
  assert.is(takeOptionError(), undefined, 'taken once');
});

test('every numeric option of every command refuses a bad value with EUSAGE before its handler runs', async () => {
  const empty = await tempDir('vault-cli-numbers-');
  try {
    const cases: string[][] = [
      ['log', '-n', 'abc'],
      ['log', '-n', '0'],
      ['log', '-n', '-3'],
      ['log', '-n', '2x'],
      ['log', '-n', '1.5'],
      ['log', '--max', ''],
      ['log', '-n'],
      ['log', '-n', '0x10'],
      ['commit', '-m', 'x', '--lock-wait', 'soon'],
      ['commit', '-m', 'x', '--lock-wait', '-1'],
      ['restore', 'HEAD', 'a.txt', '--element', 'E', '--lock-wait', '1s'],
      ['gc', '--lock-wait', 'x'],
      ['prune', '--repack-threshold', '2'],
      ['prune', '--lock-wait', 'NaN'],
      ['repair', '--lock-wait', '1e3'],
      ['forget', '--keep-last', '-1'],
      ['forget', '--keep-hourly', 'x'],
      ['forget', '--keep-daily', '2.5'],
      ['forget', '--keep-weekly', '1w'],
      ['forget', '--keep-monthly', '-2'],
      ['forget', '--keep-yearly', 'many'],
      ['forget', '--keep-last', '1', '--lock-wait', 'x'],
      ['diff', 'HEAD', '--visual', 'x.png', '--threshold', '1.5'],
      ['timeline', '-n', '0'],
      ['timeline', '--max-count', '2.5'],
      ['timeline', '--width', 'wide'],
      ['push', '--batch-mb', '0'],
      ['push', '--batch-mb', 'lots'],
      ['feedback', 'add', '--build', '1', '--tester', 't', '--rating', '6', 'text'],
      ['feedback', 'add', '--build', '1', '--tester', 't', '--rating', '0', 'text'],
      ['feedback', 'add', '--build', '1', '--tester', 't', '-r', '2.5', 'text'],
      ['feedback', 'add', '--build', '1', '--tester', 't', '--rating', '3', '--lock-wait', 'x', 'text'],
      ['feedback', 'import', 'f.csv', '--lock-wait', 'x'],
      ['build', 'record', '--version', '1', '--platform', 'p', '--lock-wait', 'y'],
      ['playtest', 'save', '--build', '1', '--tester', 't', 'f', '--lock-wait', 'z'],
    ];
    for (const args of cases) {
      const command = await COMMANDS.find((c) => nameOf(c) === args[0])!.load();
      let ran = false;
      const code = await parseCommand(['-C', empty.path, ...args], {
        ...command,
        handler: () => void (ran = true),
      }).then(
        () => 'no error',
        (e: unknown) => (e instanceof VaultError ? e.code : String(e)),
      );
      assert.is(code, 'EUSAGE', `vault ${args.join(' ')}`);
      assert.not.ok(ran, `vault ${args.join(' ')}: the handler ran`);
      assert.is(fastArgs(['-C', empty.path, ...args], command, args[0]!), null, `fastArgs took: ${args.join(' ')}`);
    }
  } finally {
    await empty.remove();
  }
});

test('commandWord: skips global options and their values', () => {
  const table: [string[], string | undefined][] = [
    [['status'], 'status'],
    [['-C', 'demo', 'commit', '-m', 'x'], 'commit'],
    [['--vault-dir', '/v', '--json', 'log'], 'log'],
    [['--vault-dir=/v', '-q', 'log'], 'log'],
    [['-Cdemo', 'log'], 'log'],
    [['--version'], undefined],
    [['-C', 'status'], undefined], // -C takes 'status' as its folder
    [['--', 'status'], 'status'],
    [[], undefined],
  ];
  for (const [args, want] of table) assert.is(commandWord(args), want, args.join(' '));
});

test('editDistance and didYouMean: typos of names are suggested, unrelated names are not', () => {
  assert.is(editDistance('commit', 'comit'), 1);
  assert.is(editDistance('HEAD', 'HAED'), 1, 'a swap of neighbours is one edit');
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.equal(closestNames('comit', ['commit', 'commit-tree', 'init']), ['commit']);
  assert.is(didYouMean('jolt-alpah', ['jolt-alpha', 'jolt-beta', 'main']), "did you mean 'jolt-alpha'?");
  assert.is(didYouMean('tga', ['tag', 'gc']), "did you mean 'tag'?");
  assert.is(didYouMean('frobnicate', ['commit', 'status']), null);
  assert.is(didYouMean('lg', ['log', 'ls']), "did you mean 'log' or 'ls'?");
});

test('examplesText: each example is one whole command line, or broken between words with a backslash', () => {
  const long =
    'vault feedback add --build 0.4.2@windows --tester ana --rating 2 --tag crash "crashed in the cave, twice"';
  const text = examplesText(
    [
      ['vault log -n 5', 'the last five snapshots'],
      [long, "one tester's feedback"],
    ],
    60,
  );
  const lines = text.split('\n');
  assert.is(lines[0], 'Examples:');
  assert.ok(lines.includes('  vault log -n 5'));
  for (const l of lines) assert.ok(l.length <= 59, `longer than the width: ${l}`);
  // joining the continued lines gives back the example exactly, with the quoted text whole
  const start = lines.findIndex((l) => l.startsWith('  vault feedback'));
  const parts: string[] = [];
  for (let i = start; ; i++) {
    const l = lines[i]!;
    parts.push(l.replace(/ \\$/, '').trim());
    if (!l.endsWith(' \\')) break;
  }
  assert.is(parts.join(' '), long);
  assert.ok(
    parts.some((p) => p.includes('"crashed in the cave, twice"')),
    'a quoted argument is not split',
  );
  assert.equal(shellWords('a "b c" $(d e) \'f g\''), ['a', '"b c"', '$(d e)', "'f g'"]);
});

test('registry: every command loads, its module is the named command, and the help lists it in its group', async () => {
  const help = topLevelHelp('9.9.9', 100);
  const names = new Set<string>();
  for (const c of COMMANDS) {
    const name = nameOf(c);
    assert.not.ok(names.has(name), `${name} listed twice`);
    names.add(name);
    const m = await c.load();
    assert.is(String(m.command).split(' ')[0], name, `the module loaded for '${name}'`);
    assert.ok(typeof m.handler === 'function', `${name} has a handler`);
    assert.ok(GROUPS.includes(c.group));
    assert.match(help, `vault ${c.usage}`);
  }
  // porcelain first, plumbing last, like `git help`
  const at = (s: string) => help.indexOf(s);
  assert.ok(at('vault commit') < at('vault verify') && at('vault verify') < at('vault hash-object'));
  assert.ok(at('Plumbing') > at('vault prune'));
  for (const l of help.split('\n')) assert.ok(l.length <= 100, `help line over 100 columns: ${l}`);
});

test.run();
