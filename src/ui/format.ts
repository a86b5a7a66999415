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

/** "1 file", "2 files", "0 files"; `many` for nouns that do not just take an s ("entry", "entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
