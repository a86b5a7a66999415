/** Small text helpers for the CLI faces. */
export { formatBytes as bytes } from '../units.js';

export function shortId(id: string): string {
  return id.slice(0, 12);
}

export function time(ms: number): string {
  const d = new Date(ms);
  const pad = (x: number) => String(x).padStart(2, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

const C_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '"': '\\"',
};

/**
 * A path as a listing shows it, quoted the way git does (core.quotePath):
 * a path with a control character, a double quote or a byte that is not UTF-8
 * (Vault holds those as `\xHH`, see objects/rawName.ts) is put in double quotes
 * with C escapes (`\n`, `\t`, `\"`, octal `\377`), so a name cannot forge
 * extra lines or columns in the output. Other paths, UTF-8 included, as they are.
 */
export function quotePath(path: string): string {
  if (!/[\x00-\x1f\x7f"\\]/.test(path)) return path;
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    const raw = c === '\\' ? /^\\x([0-9a-f]{2})/.exec(path.slice(i, i + 4)) : null;
    if (raw) {
      out += `\\${parseInt(raw[1]!, 16).toString(8).padStart(3, '0')}`;
      i += 3;
    } else if (C_ESCAPES[c]) out += C_ESCAPES[c];
    else if (c === '\\') out += '\\\\';
    else if (c < ' ' || c === '\x7f') out += `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
    else out += c;
  }
  return `"${out}"`;
}

/** The one note commit and status give when git's own store sits in the project (null when none did). */
export function gitFolderNote(paths: readonly string[]): string | null {
  if (!paths.length) return null;
  const more = paths.length > 3 ? `, and ${paths.length - 3} more` : '';
  const what = "git's own store, not project content; snapshots leave it out, as they do .vault";
  return `note: ${paths.slice(0, 3).join(', ')}${more}: ${what}`;
}

/** "1 file", "2 files", "0 files"; `many` for nouns that do not just take an s ("entry", "entries"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
