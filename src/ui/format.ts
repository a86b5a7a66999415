/** Small text helpers for the CLI faces. */
export { formatBytes as bytes } from '../units.js';

export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function time(ms: number): string {
  const d = new Date(ms);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The one note commit and status give when git's own store sits in the project (null when none did). */
export function gitFolderNote(paths: readonly string[]): string | null {
  if (!paths.length) return null;
  const more = paths.length > 3 ? `, and ${paths.length - 3} more` : '';
  const what = "git's own store, not project content; snapshots leave it out, as they do .vault";
  return `note: ${paths.slice(0, 3).join(', ')}${more}: ${what}`;
}
