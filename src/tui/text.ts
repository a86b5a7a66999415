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
