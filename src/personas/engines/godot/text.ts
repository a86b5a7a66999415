import { ConfigSyntaxError } from '../errors.js';

/**
 * Godot's two text formats, read exactly and never guessed at:
 *
 * - ConfigFile (`project.godot`, `export_presets.cfg`, `*.import`, `override.cfg`, any `.cfg` Godot writes):
 *   `[section]` headings, `key=value` lines, `;` comments.
 * - Text resources (`.tscn`, `.tres`): `[tag attr=value ...]` headings, then `key = value` properties.
 *
 * Values are Godot Variant literals and may span lines: `"strings"` (with `\n`, `\uXXXX` escapes and real line
 * breaks), `&"StringName"`, `^"NodePath"`, numbers, `true`/`false`/`null`, `inf`/`nan`, `[arrays]`,
 * `{"dictionaries": ...}`, constructors (`Vector2(1, 2)`, `Color(...)`, `PackedStringArray("a", "b")`,
 * `ExtResource("1_x")`), `Object(InputEventKey, "keycode": 32, ...)` and typed collections (`Array[int]([1])`).
 *
 * As JSON-like values: packed arrays of strings or numbers become lists, Object(...) a mapping with its class
 * under "@class", other constructors their canonical text (`Vector2(1280, 720)`), `inf`/`nan` the strings
 * "inf", "-inf", "nan". Anything that does not parse is a ConfigSyntaxError naming the file and line.
 */
export type GodotValue = null | boolean | number | string | GodotValue[] | { [k: string]: GodotValue };

export interface GodotProperty {
  readonly key: string;
  readonly value: GodotValue;
  /** 1-based line where the key is */
  readonly line: number;
}

export interface GodotSection {
  /** the heading's name (`application`, `preset.0.options`, `ext_resource`); '' for keys before any heading */
  readonly name: string;
  /** a text resource heading's attributes (`[ext_resource path="..." id="1"]`); empty in ConfigFiles */
  readonly attrs: Readonly<Record<string, GodotValue>>;
  readonly line: number;
  readonly props: readonly GodotProperty[];
}

/** Where a string literal was found: its section, and the property key or heading attribute it belongs to. */
export interface StringSite {
  readonly section: string;
  readonly key: string;
  readonly attr: boolean;
}

export interface ParseGodotOptions {
  /** 'config': ConfigFile headings are plain names; 'resource': `[tag attr=value ...]` */
  readonly mode: 'config' | 'resource';
  /** called for every string literal, with the line it starts on */
  readonly onString?: (value: string, line: number, site: StringSite) => void;
}

const MAX_DEPTH = 200;
const PACKED_LISTS = new Set([
  'PackedStringArray',
  'PackedByteArray',
  'PackedInt32Array',
  'PackedInt64Array',
  'PackedFloat32Array',
  'PackedFloat64Array',
  // Godot 3 names
  'PoolStringArray',
  'PoolByteArray',
  'PoolIntArray',
  'PoolRealArray',
]);

type Punct = '[' | ']' | '{' | '}' | '(' | ')' | ',' | ':' | '=';
type Token =
  | { readonly t: 'punct'; readonly v: Punct; readonly line: number }
  | { readonly t: 'string'; readonly v: string; readonly line: number }
  | { readonly t: 'number'; readonly v: number; readonly line: number }
  | { readonly t: 'ident'; readonly v: string; readonly line: number }
  | { readonly t: 'eof'; readonly line: number };

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const COLOR = /#[0-9a-fA-F]{3,8}\b/y;

class Reader {
  i = 0;
  line = 1;
  site: StringSite = { section: '', key: '', attr: false };
  private peeked: Token | null = null;

  constructor(
    readonly s: string,
    readonly path: string,
    readonly onString?: ParseGodotOptions['onString'],
  ) {}

  fail(reason: string, line = this.line): never {
    throw new ConfigSyntaxError(this.path, line, reason);
  }

  /** Skip spaces and tabs (and line breaks when `lines`). */
  skip(lines: boolean): void {
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === '\n') {
        if (!lines) return;
        this.line++;
      } else if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\uFEFF') return;
    }
  }

  /** Nothing but spaces or a `;` comment up to the end of the line (which is consumed). */
  endOfLine(): void {
    this.skip(false);
    if (this.s[this.i] === ';' || this.s[this.i] === '#') this.skipComment();
    if (this.i < this.s.length && this.s[this.i] !== '\n')
      this.fail(`unexpected '${this.s.slice(this.i, this.i + 20).split('\n')[0]}' after the value`);
  }

  skipComment(): void {
    while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
  }

  string(): string {
    const start = this.line;
    this.i++; // opening quote
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('a string is not closed', start);
      const c = this.s[this.i++];
      if (c === '"') return out;
      if (c === '\n') this.line++;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      if (e === undefined) this.fail('a string is not closed', start);
      out += this.escape(e);
    }
  }

  private escape(e: string): string {
    switch (e) {
      case 'b':
        return '\b';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case 'u':
      case 'U': {
        const n = e === 'u' ? 4 : 6;
        const hex = this.s.slice(this.i, this.i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.fail(`bad \\${e} escape in a string`);
        this.i += n;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      case '\n':
        this.line++;
        return '\n';
      default:
        // Godot keeps any other escaped character as itself (\" \\ \')
        return e;
    }
  }

  next(): Token {
    if (this.peeked) {
      const t = this.peeked;
      this.peeked = null;
      return t;
    }
    this.skip(true);
    const line = this.line;
    if (this.i >= this.s.length) return { t: 'eof', line };
    const c = this.s.charAt(this.i);
    if ('[]{}(),:='.includes(c)) {
      this.i++;
      return { t: 'punct', v: c as Punct, line };
    }
    if (c === '"' || ((c === '&' || c === '^') && this.s[this.i + 1] === '"')) {
      if (c !== '"') this.i++;
      const v = this.string();
      this.onString?.(v, line, this.site);
      return { t: 'string', v, line };
    }
    if (c === '#') {
      COLOR.lastIndex = this.i;
      const m = COLOR.exec(this.s);
      if (!m) this.fail(`'${this.s.slice(this.i, this.i + 12).split('\n')[0]}' is not a value`);
      this.i += m[0].length;
      return { t: 'string', v: m[0], line };
    }
    if (c === '-' && /[A-Za-z]/.test(this.s[this.i + 1] ?? '')) {
      this.i++;
      const id = this.ident();
      return { t: 'ident', v: `-${id}`, line };
    }
    NUMBER.lastIndex = this.i;
    const num = NUMBER.exec(this.s);
    if (num) {
      this.i += num[0].length;
      if (/[A-Za-z0-9_]/.test(this.s[this.i] ?? '')) this.fail(`'${num[0]}${this.s[this.i]}...' is not a number`);
      return { t: 'number', v: Number(num[0]), line };
    }
    if (/[A-Za-z_]/.test(c)) return { t: 'ident', v: this.ident(), line };
    this.fail(`'${this.s.slice(this.i, this.i + 20).split('\n')[0]}' is not a value`);
  }

  ident(): string {
    IDENT.lastIndex = this.i;
    const m = IDENT.exec(this.s);
    if (!m) this.fail(`expected a name at '${this.s.slice(this.i, this.i + 12).split('\n')[0]}'`);
    this.i += m[0].length;
    return m[0];
  }

  peek(): Token {
    return (this.peeked ??= this.next());
  }

  expect(v: Punct, what: string): Token {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== v) this.fail(`expected '${v}' ${what}, found ${describe(t)}`, t.line);
    return t;
  }
}

function describe(t: Token): string {
  switch (t.t) {
    case 'eof':
      return 'the end of the file';
    case 'string':
      return JSON.stringify(t.v.length > 30 ? `${t.v.slice(0, 30)}...` : t.v);
    default:
      return `'${t.v}'`;
  }
}

/** Canonical text of a value inside a constructor: `Vector2(1, 2)`, `ExtResource("1_x")`. */
export function valueText(v: GodotValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map(valueText).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}: ${valueText(x)}`)
    .join(', ')}}`;
}

function keyText(v: GodotValue): string {
  return typeof v === 'string' ? v : valueText(v);
}

function value(r: Reader, depth: number): GodotValue {
  if (depth > MAX_DEPTH) r.fail(`values nested more than ${MAX_DEPTH} deep`);
  const t = r.next();
  switch (t.t) {
    case 'eof':
      return r.fail('a value is missing at the end of the file', t.line);
    case 'string':
    case 'number':
      return t.v;
    case 'punct':
      if (t.v === '[') return list(r, ']', depth);
      if (t.v === '{') return dict(r, depth);
      return r.fail(`expected a value, found '${t.v}'`, t.line);
    case 'ident':
      return named(r, t.v, t.line, depth);
  }
}

/** The end of the file inside a list, dictionary or call: name the line it was opened on. */
function unclosed(r: Reader, t: Token, open: string, line: number): void {
  if (t.t === 'eof') r.fail(`'${open}' opened on line ${line} is not closed`, line);
}

function list(r: Reader, close: ']' | ')', depth: number): GodotValue[] {
  const out: GodotValue[] = [];
  const opened = r.line;
  for (;;) {
    const p = r.peek();
    unclosed(r, p, close === ']' ? '[' : '(', opened);
    if (p.t === 'punct' && p.v === close) {
      r.next();
      return out;
    }
    out.push(value(r, depth + 1));
    const sep = r.next();
    if (sep.t === 'punct' && sep.v === close) return out;
    if (sep.t !== 'punct' || sep.v !== ',')
      r.fail(`expected ',' or '${close}' in a list, found ${describe(sep)}`, sep.line);
  }
}

function dict(r: Reader, depth: number): { [k: string]: GodotValue } {
  const out: { [k: string]: GodotValue } = {};
  const opened = r.line;
  for (;;) {
    const p = r.peek();
    unclosed(r, p, '{', opened);
    if (p.t === 'punct' && p.v === '}') {
      r.next();
      return out;
    }
    const k = keyText(value(r, depth + 1));
    r.expect(':', 'after a dictionary key');
    out[k] = value(r, depth + 1);
    const sep = r.next();
    if (sep.t === 'punct' && sep.v === '}') return out;
    if (sep.t !== 'punct' || sep.v !== ',')
      r.fail(`expected ',' or '}' in a dictionary, found ${describe(sep)}`, sep.line);
  }
}

/** `Object(InputEventKey, "keycode": 32, ...)` as {"@class": "InputEventKey", "keycode": 32, ...} */
function object(r: Reader, depth: number): { [k: string]: GodotValue } {
  const cls = r.next();
  if (cls.t !== 'ident') r.fail(`Object( needs a class name, found ${describe(cls)}`, cls.line);
  const out: { [k: string]: GodotValue } = { '@class': cls.v };
  for (;;) {
    const sep = r.next();
    if (sep.t === 'punct' && sep.v === ')') return out;
    if (sep.t !== 'punct' || sep.v !== ',') r.fail(`expected ',' or ')' in Object(, found ${describe(sep)}`, sep.line);
    const k = r.next();
    if (k.t !== 'string') r.fail(`expected a property name in Object(, found ${describe(k)}`, k.line);
    r.expect(':', 'after an Object property name');
    out[k.v] = value(r, depth + 1);
  }
}

/** The `[...]` type of a typed Array/Dictionary: names and constructor calls, kept as text. */
function typeArgs(r: Reader, depth: number): string {
  const parts: string[] = [];
  for (;;) {
    const t = r.next();
    if (t.t === 'punct' && t.v === ']') return parts.join(', ');
    if (t.t === 'punct' && t.v === ',') continue;
    if (t.t !== 'ident') r.fail(`expected a type name, found ${describe(t)}`, t.line);
    const p = r.peek();
    if (p.t === 'punct' && p.v === '(') {
      r.next();
      parts.push(`${t.v}(${list(r, ')', depth).map(valueText).join(', ')})`);
    } else parts.push(t.v);
  }
}

function named(r: Reader, name: string, line: number, depth: number): GodotValue {
  switch (name) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
    case 'nil':
      return null;
    case 'inf':
    case 'nan':
      return name;
    case '-inf':
    case 'inf_neg':
      return '-inf';
  }
  const p = r.peek();
  if ((name === 'Array' || name === 'Dictionary') && p.t === 'punct' && p.v === '[') {
    r.next();
    typeArgs(r, depth);
    r.expect('(', `after ${name}[...]`);
    const inner = value(r, depth + 1);
    r.expect(')', `closing ${name}[...](`);
    return inner;
  }
  if (p.t !== 'punct' || p.v !== '(') return r.fail(`'${name}' is not a value`, line);
  r.next();
  if (name === 'Object') return object(r, depth);
  const args = list(r, ')', depth);
  if (PACKED_LISTS.has(name)) return args;
  return `${name}(${args.map(valueText).join(', ')})`;
}

function configHeading(r: Reader): string {
  const line = r.line;
  const end = r.s.indexOf(']', r.i);
  const eol = r.s.indexOf('\n', r.i);
  if (end < 0 || (eol >= 0 && eol < end)) r.fail('a [section] heading is not closed on its line', line);
  const name = r.s.slice(r.i + 1, end).trim();
  if (!name) r.fail('a [section] heading has no name', line);
  r.i = end + 1;
  return name;
}

function resourceHeading(r: Reader, attrs: Record<string, GodotValue>): string {
  r.i++; // [
  r.skip(false);
  const name = r.ident();
  for (;;) {
    const t = r.next();
    if (t.t === 'punct' && t.v === ']') return name;
    if (t.t !== 'ident') r.fail(`expected an attribute or ']' in [${name} ...], found ${describe(t)}`, t.line);
    r.expect('=', `after attribute ${t.v}`);
    r.site = { section: name, key: t.v, attr: true };
    attrs[t.v] = value(r, 0);
  }
}

/** A property key: up to '=' on the same line, or a quoted key. */
function propertyKey(r: Reader): string {
  const line = r.line;
  if (r.s[r.i] === '"') {
    const k = r.string();
    r.skip(false);
    if (r.s[r.i] !== '=') r.fail(`expected '=' after the key "${k}"`, line);
    r.i++;
    return k;
  }
  let j = r.i;
  while (j < r.s.length && r.s[j] !== '=' && r.s[j] !== '\n') j++;
  if (r.s[j] !== '=') r.fail(`expected key=value, found '${r.s.slice(r.i, Math.min(j, r.i + 40)).trim()}'`, line);
  const key = r.s.slice(r.i, j).trim();
  if (!key) r.fail('a line starts with = (no key)', line);
  r.i = j + 1;
  return key;
}

/** Parse a whole Godot text file (see the header for the formats). */
export function parseGodotText(text: string, path: string, opts: ParseGodotOptions): GodotSection[] {
  const r = new Reader(text, path, opts.onString);
  type Open = { name: string; attrs: Record<string, GodotValue>; line: number; props: GodotProperty[] };
  let section: Open = { name: '', attrs: {}, line: 1, props: [] }; // the one being read
  const sections: Open[] = [section];
  for (;;) {
    r.skip(true);
    if (r.i >= text.length) break;
    const c = text[r.i];
    if (c === ';' || c === '#') {
      r.skipComment();
      continue;
    }
    const line = r.line;
    if (c === '[') {
      const attrs: Record<string, GodotValue> = {};
      const name = opts.mode === 'config' ? configHeading(r) : resourceHeading(r, attrs);
      r.endOfLine();
      section = { name, attrs, line, props: [] };
      sections.push(section);
      continue;
    }
    const key = propertyKey(r);
    r.site = { section: section.name, key, attr: false };
    const v = value(r, 0);
    r.endOfLine();
    section.props.push({ key, value: v, line });
  }
  return sections;
}

/**
 * A ConfigFile as one mapping: each section's keys under the section's name, keys before any heading at
 * the top. A key given twice keeps its last value (as Godot does).
 */
export function configFileObject(sections: readonly GodotSection[]): { [k: string]: GodotValue } {
  const out: { [k: string]: GodotValue } = {};
  for (const s of sections) {
    const into = s.name ? ((out[s.name] as { [k: string]: GodotValue } | undefined) ?? {}) : out;
    for (const p of s.props) into[p.key] = p.value;
    if (s.name && (s.props.length || !(s.name in out))) out[s.name] = into;
  }
  return out;
}

/** One Variant literal making up a whole text (nothing after it but space). */
export function parseGodotValue(text: string, path: string): GodotValue {
  const r = new Reader(text, path);
  const v = value(r, 0);
  const t = r.next();
  if (t.t !== 'eof') r.fail(`unexpected ${describe(t)} after the value`, t.line);
  return v;
}
