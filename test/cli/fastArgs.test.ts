// fastArgs reads the everyday command lines without yargs (start-up time); for every line it takes, the
// handler must get exactly what yargs would give it, and every other line must go to yargs.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findCommand, type AnyCommand } from '../../src/cli/commands/registry.js';
import { fastArgs } from '../../src/cli/fastArgs.js';
import { takeOptionError } from '../../src/cli/options.js';
import { parseCommand } from '../../src/cli/parse.js';

const test = suite('cli/fastArgs');

async function load(name: string): Promise<AnyCommand> {
  const info = findCommand(name);
  if (!info) throw new Error(`no command ${name}`);
  return info.load();
}

/** What yargs hands the handler for this line (the handler only records it). */
async function viaYargs(args: string[], command: AnyCommand): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> | undefined;
  await parseCommand(args, { ...command, handler: (a: Record<string, unknown>) => void (seen = a) });
  if (!seen) throw new Error(`yargs ran no handler for: ${args.join(' ')}`);
  return seen;
}

/** The keys a handler can read: everything but yargs' bookkeeping, and no key set to undefined. */
function visible(a: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a).filter(([k, v]) => v !== undefined && k !== '$0'));
}

const SAME: string[][] = [
  ['status'],
  ['-C', 'proj', 'status', '--json'],
  ['status', '-q'],
  ['commit', '-m', 'msg'],
  ['commit', '-m', 'msg', '--allow-empty', '--lock-wait', '3'],
  ['commit', '--message=hi there', '--workspace-note', 'Krita 5', '-q'],
  ['--vault-dir', '/v', 'commit', '-m', 'x', '--json'],
  ['commit', '-m', '', '--allow-empty-message'],
  // -m may be left out during a merge (the handler decides)
  ['commit'],
  ['log'],
  ['log', '-n', '5'],
  ['log', 'HEAD~1', '--max', '2', '--milestones'],
  ['log', '--max=3', '-C', 'p'],
  ['diff'],
  ['diff', 'HEAD~1', 'HEAD', '--stat'],
  ['diff', 'a', '--visual', 'x.png', '--out', 'o.png', '--threshold', '0.2', '--side-by-side'],
  ['show', 'HEAD'],
  ['ls', 'HEAD', 'Art'],
  ['restore', 'HEAD', 'a', 'b', '--force', '--to', 'x'],
  ['restore', 'HEAD~1', 'p', '--element', 'E', '--lock-wait', '2.5'],
  ['restore', 'HEAD', '-f'],
  ['tag'],
  ['tag', 'v1', 'HEAD', '-f'],
  ['tag', '-d', 'v1'],
  ['init'],
  ['init', 'dir', '--persona', 'game'],
  ['verify', '--read-data-subset', '1/3'],
  ['gc'],
  ['gc', '--lock-wait', '1'],
  ['prune', '--dry-run', '--protect', '0', '--repack-threshold', '0.3'],
  ['forget', '--keep-last', '3', '-n'],
  ['repair', '--read-data'],
  ['timeline', '--html', 'x.html', '--width', '80'],
  ['timeline', 'Art', '-n', '3', '--thumbnails'],
  ['tui', '--persona', 'creative'],
  ['persona'],
  ['persona', 'game'],
  ['rev-parse', 'HEAD', 'HEAD~1'],
  ['cat-object', '-p', 'HEAD'],
  ['ls-tree', '-r', 'HEAD'],
  ['hash-object', '-w', 'f'],
  ['hash-object', '--stdin', '-t', 'blob'],
  ['write-tree'],
  ['commit-tree', 't', '-m', 'x'],
  ['update-ref', 'refs/heads/x', 'abc', 'def'],
  ['update-ref', '-d', 'refs/tags/x', '-m', 'why'],
  ['push'],
  ['push', 'up', '--batch-mb', '8', '--resend'],
  ['fetch', 'origin'],
  ['pull'],
  ['clone', 'http://x/y.git', 'dir'],
  ['refs', 'x', '-r'],
  ['refs', '--broken'],
];

// lines fastArgs must leave to yargs: help, unusual forms, errors yargs words, sub-commands
const TO_YARGS: string[][] = [
  ['status', '--help'],
  ['status', '-h'],
  ['log', '--version'],
  ['commit', '--no-allow-empty', '-m', 'x'],
  ['log', '-n5'],
  ['log', '-qn', '5'],
  ['commit', '-m'],
  ['commit', '-m', '-x'],
  ['commit', '-m', 'a', '-m', 'b'],
  ['status', 'extra'],
  ['log', '--', 'x'],
  ['log', '-n', 'x'],
  ['log', '-n', '0'],
  ['init', '--persona', 'painter'],
  ['restore'],
  ['status', '--bogus'],
  ['status', '--json=false'],
  ['diff', '--path', 'a', 'b'],
  ['rev-parse', '--no-peel', 'x'],
  ['timeline', '--no-thumbnails'],
  ['feedback', 'add', 'x'],
  ['milestone', 'create', 'x'],
  ['bundles'],
  ['remote', '-v'],
];

test('the lines fastArgs reads give the handler exactly what yargs gives it', async () => {
  for (const args of SAME) {
    const name = args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-C' && args[i - 1] !== '--vault-dir')!;
    const command = await load(name);
    const fast = fastArgs(args, command, name);
    assert.ok(fast, `fastArgs should read: vault ${args.join(' ')}`);
    assert.equal(visible(fast!), visible(await viaYargs(args, command)), `vault ${args.join(' ')}`);
  }
});

test('help, unusual forms, errors and sub-commands are left to yargs', async () => {
  for (const args of TO_YARGS) {
    const name = args[0]!;
    assert.is(fastArgs(args, await load(name), name), null, `vault ${args.join(' ')}`);
    assert.is(takeOptionError(), undefined, 'a numeric check that failed leaves nothing behind');
  }
});

test.run();
