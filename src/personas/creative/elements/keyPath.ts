/** Key paths into JSON/YAML data: `settings.audio.volume`, `items[2]`, `["key.with.dots"]`. */
import { UsageError } from '../../../errors.js';

export type Segment = string | number;

export function parseKeyPath(path: string): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  const s = path.trim();
  while (i < s.length) {
    if (s[i] === '.') {
      i++;
      continue;
    }
    if (s[i] === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) throw new UsageError(`key path '${path}': '[' without ']'`, 'write items[2] or ["odd.key"]');
      const inner = s.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segs.push(Number(inner));
      else if (/^(".*"|'.*')$/.test(inner))
        segs.push(inner.startsWith('"') ? (JSON.parse(inner) as string) : inner.slice(1, -1));
      else
        throw new UsageError(
          `key path '${path}': [${inner}] is neither an index nor a quoted key`,
          'write items[2] or ["odd.key"]',
        );
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    segs.push(s.slice(i, j));
    i = j;
  }
  return segs;
}

export function formatKeyPath(segs: readonly Segment[]): string {
  let out = '';
  for (const s of segs) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** The value at a path of plain data, or undefined. Numeric segments also index objects by their string key. */
export function getAt(data: unknown, segs: readonly Segment[]): { found: boolean; value?: unknown } {
  let v: unknown = data;
  for (const s of segs) {
    if (Array.isArray(v) && typeof s === 'number' && s < v.length) v = v[s];
    else if (v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, String(s)))
      v = (v as Record<string, unknown>)[String(s)];
    else return { found: false };
  }
  return { found: true, value: v };
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Every key path of plain data, parents before children, at most `max` of them. */
export function listKeyPaths(
  data: unknown,
  max = 5000,
): { name: string; kind: string; details: Record<string, unknown> }[] {
  const out: { name: string; kind: string; details: Record<string, unknown> }[] = [];
  const visit = (v: unknown, segs: Segment[]) => {
    if (out.length >= max) return;
    if (segs.length) {
      const kind = kindOf(v);
      const details: Record<string, unknown> = {};
      if (kind === 'array') details.entries = (v as unknown[]).length;
      else if (kind === 'object') details.entries = Object.keys(v as object).length;
      else details.value = typeof v === 'string' && v.length > 60 ? `${v.slice(0, 57)}...` : v;
      out.push({
        name: formatKeyPath(segs),
        kind: kind === 'object' || kind === 'array' ? kind : 'value',
        details: { type: kind, ...details },
      });
    }
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...segs, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, [...segs, k]);
  };
  visit(data, []);
  return out;
}

/**
 * The key path a query names: `value:audio.volume` (the kind prefix the element
 * lists show, as `kind:name`) is `audio.volume` unless the data has a key
 * spelled with that prefix.
 */
export function keyPathOf(query: string, has: (segs: Segment[]) => boolean): Segment[] {
  const m = /^(value|object|array):(.+)$/.exec(query);
  if (m) {
    const plain = parseKeyPath(m[2]!);
    let literal: Segment[] | null = null;
    try {
      literal = parseKeyPath(query);
    } catch {
      /* not a path as written */
    }
    if (!(literal && literal.length && has(literal)) && plain.length && has(plain)) return plain;
  }
  return parseKeyPath(query);
}
