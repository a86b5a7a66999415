/**
 * `vault --help`: the top-level list of commands, grouped, everyday commands first and plumbing last
 * (like `git help`), written from the registry without loading any command.
 */
import { COMMANDS, GROUPS, nameOf } from './commands/registry.js';
import { helpWidth } from './examples.js';

export const GLOBAL_OPTIONS: readonly (readonly [string, string])[] = [
  ['-C DIR', 'run as if vault was started in DIR'],
  ['--vault-dir DIR', 'the storage folder (default: .vault in the project; env VAULT_DIR)'],
  ['--json', 'print results (and errors) as JSON'],
  ['-q, --quiet', 'no progress or summary lines (data, warnings, errors still print)'],
  ['-h, --help', 'show help (vault COMMAND --help: its options and examples)'],
  ['--version', "show Vault's version"],
];

/** `vault --help`: every command, by group. */
export function topLevelHelp(version: string, width = helpWidth()): string {
  const lines = [
    'usage: vault <command> [options]',
    '',
    `Vault ${version}: content-addressed, incremental backup and versioning`,
    'for projects full of big binary files.',
  ];
  // the usage column fits most commands; a longer usage puts its summary on the next line
  const col = 28;
  for (const group of GROUPS) {
    lines.push('', `${group[0]!.toUpperCase()}${group.slice(1)}:`);
    for (const c of COMMANDS.filter((x) => x.group === group))
      lines.push(...columns(`  vault ${c.usage}`, c.summary, col + 8, width));
  }
  lines.push('', 'Options of every command:');
  for (const [flag, text] of GLOBAL_OPTIONS) lines.push(...columns(`  ${flag}`, text, col + 8, width));
  lines.push(
    '',
    "'vault COMMAND --help' (or 'vault help COMMAND') shows a command's options and examples.",
    'Snapshot names: an id or 4+ hex digits of it, HEAD, HEAD~2, a branch, milestone or tag name.',
  );
  return `${lines.join('\n')}\n`;
}

/** A left column padded to `at`, then text wrapped at word boundaries under itself. */
function columns(left: string, text: string, at: number, width: number): string[] {
  const room = Math.max(20, width - at);
  const words = text.split(' ');
  const rows: string[] = [];
  let row = '';
  for (const w of words) {
    if (row && row.length + 1 + w.length > room) {
      rows.push(row);
      row = w;
    } else row = row ? `${row} ${w}` : w;
  }
  rows.push(row);
  if (left.length + 1 > at) return [left, ...rows.map((r) => `${' '.repeat(at)}${r}`)];
  return rows.map((r, i) => `${(i === 0 ? left : '').padEnd(at)}${r}`);
}

/** The names of every command, for "did you mean". */
export function commandNames(): string[] {
  return [...COMMANDS.map(nameOf), 'help'];
}
