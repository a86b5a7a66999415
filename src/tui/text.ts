/** Plain text helpers for fixed-width cells (no ANSI: colours are applied by components). */
export { bytes, time } from '../ui/format.js';

/** Cut to `width` columns, with '…' when cut. */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  const flat = s.replace(/[\t\r\n]+/g, ' ');
  return flat.length <= width ? flat : `${flat.slice(0, Math.max(0, width - 1))}…`;
}

/** Cut or pad to exactly `width` columns. */
export function cell(s: string, width: number): string {
  return fit(s, width).padEnd(Math.max(0, width));
}

/** The first window start that keeps `cursor` visible in `height` rows, moving as little as possible from `offset`. */
export function follow(offset: number, cursor: number, height: number): number {
  if (height <= 0) return cursor;
  if (cursor < offset) return cursor;
  if (cursor >= offset + height) return cursor - height + 1;
  return offset;
}

/** "Name <mail>" -> "Name" */
export function authorName(author: string): string {
  return author.replace(/\s*<[^>]*>\s*$/, '') || author;
}

/** Tab stops every `tab` columns: "\tx" -> "    x" (a patch's indentation must survive; `fit` flattens tabs). */
export function expandTabs(s: string, tab = 4): string {
  if (!s.includes('\t')) return s;
  let out = '';
  for (const ch of s) out += ch === '\t' ? ' '.repeat(tab - (out.length % tab)) : ch;
  return out;
}

/**
 * Word-wrap `s` to lines of at most `width` columns, at most `maxLines` of them (the last cut with '…'
 * when there is more). A word longer than a line is split; '\n' starts a new line.
 */
export function wrap(s: string, width: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      let w = word;
      if (line && line.length + 1 + w.length <= width) {
        line += ` ${w}`;
        continue;
      }
      if (line) lines.push(line);
      while (w.length > width) {
        lines.push(w.slice(0, width));
        w = w.slice(width);
      }
      line = w;
    }
    lines.push(line);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${fit(kept[maxLines - 1] ?? '', width - 1)}…`;
  return kept;
}
