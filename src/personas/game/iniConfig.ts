import { ConfigSyntaxError } from '../engines/errors.js';

/**
 * INI, read strictly: `[section]` headings (dots nest: `[a.b]`), `key = value` lines, `;` and `#` comments.
 * Values: "quoted" or 'quoted' strings, true/false, numbers (`4`, `-0.5`, `1e3`), anything else a string.
 * A line that is none of these, a heading or string that is not closed on its line, and a value that
 * opens a bracket it does not close (a multi-line value: INI has none) are errors naming the line,
 * never a key made of the pieces.
 */
export type IniValue = string | number | boolean | { [k: string]: IniValue };

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function unbalanced(v: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (const c of v) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('[{('.includes(c)) depth++;
    else if (']})'.includes(c)) depth--;
  }
  return depth !== 0 || quote !== null;
}

function iniValue(raw: string, fail: (reason: string) => never): IniValue {
  let v = raw.trim();
  const q = v[0];
  if (q === '"' || q === "'") {
    const end = v.indexOf(q, 1);
    if (end < 0) fail('a quoted value is not closed on its line');
    const rest = v.slice(end + 1).trim();
    if (rest && !rest.startsWith(';') && !rest.startsWith('#')) fail(`unexpected '${rest}' after a quoted value`);
    return v.slice(1, end);
  }
  // an inline comment needs a space before it (a#b is a value)
  v = v.replace(/\s+[;#].*$/, '').trim();
  if (unbalanced(v)) fail(`the value '${v}' opens a bracket or quote it does not close (INI values are one line)`);
  if (v === 'true' || v === 'false') return v === 'true';
  if (NUMBER.test(v)) return Number(v);
  return v;
}

export function parseIniStrict(text: string, path: string): { [k: string]: IniValue } {
  const out: { [k: string]: IniValue } = {};
  let cur = out;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const fail = (reason: string): never => {
      throw new ConfigSyntaxError(path, i + 1, reason);
    };
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const heading = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(line)?.[1]?.trim();
      if (!heading) return fail('a [section] heading is not closed on its line, or has no name');
      cur = out;
      for (const part of heading.split('.')) {
        const next = cur[part];
        if (next !== undefined && (typeof next !== 'object' || next === null))
          fail(`section [${heading}] clashes with the key '${part}'`);
        cur = (cur[part] ??= {}) as { [k: string]: IniValue };
      }
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) fail(eq === 0 ? 'a line starts with = (no key)' : `expected key = value, found '${line}'`);
    cur[line.slice(0, eq).trim()] = iniValue(line.slice(eq + 1), fail);
  }
  return out;
}
