/**
 * The examples of a command's help, written so a copied example is a whole, correct command line
 * (yargs' own .example() puts them in a half-width column and wraps them in the middle of an argument).
 */

/** The width help is laid out for: the terminal's, at most 110 (100 when stdout is not a terminal). */
export function helpWidth(): number {
  return Math.min(110, process.stdout.columns || 100);
}

export type Example = readonly [command: string, description: string];

/**
 * A command's examples as help text (yargs' epilogue): each description as a shell comment, then the
 * command on its own line. A command longer than the width is broken between arguments with a
 * trailing backslash, so a copied example is still one correct command.
 */
export function examplesText(examples: readonly Example[], width = helpWidth()): string {
  const lines = ['Examples:'];
  for (const [cmd, what] of examples) {
    lines.push(`  # ${what}`);
    lines.push(...breakCommand(cmd, width - 1));
  }
  return lines.join('\n');
}

/** Split a shell command into its words, keeping quoted strings and $(...) whole. */
export function shellWords(cmd: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let depth = 0;
  for (const ch of cmd) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ' ' && depth === 0) {
      if (cur) words.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur) words.push(cur);
  return words;
}

function breakCommand(cmd: string, width: number): string[] {
  const first = `  ${cmd}`;
  if (first.length <= width) return [first];
  const out: string[] = [];
  let row = '  ';
  for (const w of shellWords(cmd)) {
    const start = row.trim() === '';
    if (!start && row.length + 1 + w.length + 2 > width) {
      out.push(`${row} \\`);
      row = `      ${w}`;
    } else row = start ? `${row}${w}` : `${row} ${w}`;
  }
  out.push(row);
  return out;
}
