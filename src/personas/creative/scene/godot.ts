/**
 * Godot's text resource format (.tscn scenes, .tres resources, project.godot): `[heading attr=value ...]`
 * sections followed by `key = value` properties, values being Godot variant literals that may span
 * lines (arrays, dictionaries, PackedVector2Array(...), multi-line strings). Values are kept as
 * their source text, whitespace-normalised: the diff compares text, it does not evaluate. References
 * to external resources by id (`ExtResource("1_ab3")`) are rewritten to the resource's path
 * (`ExtResource("res://art/hero.png")`), since the editor renumbers ids.
 */
import { DecodeError } from '../formats/errors.js';

export interface GodotSection {
  /** the heading's tag: gd_scene, ext_resource, sub_resource, node, connection, resource, editable... */
  readonly tag: string;
  /**
   * a stable identity for matching versions: `node "Root/Player"`, `ext_resource "res://a.png"`, `sub_resource
   * "Shape_x"`
   */
  readonly key: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly props: Readonly<Record<string, string>>;
  /** 1-based line of the heading */
  readonly line: number;
}

/** Scan a balanced value starting at s[i] (quotes, (), [], {}); returns the end index (exclusive). */
function scanValue(s: string, i: number, stopAt: RegExp): number {
  let depth = 0;
  let quote: string | null = null;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0 && stopAt.test(c)) return i;
  }
  return i;
}

/** True while `text` has an open quote or bracket (a value continues on the next line). */
function unbalanced(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return depth > 0 || quote !== null;
}

function normalise(v: string): string {
  // collapse whitespace outside strings
  let out = '';
  let quote = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (quote) {
      out += c;
      if (c === '\\' && i + 1 < v.length) out += v[++i];
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    if (/\s/.test(c)) {
      if (!out.endsWith(' ')) out += ' ';
    } else out += c;
  }
  return out
    .trim()
    .replace(/([([{]) /g, '$1')
    .replace(/ ([)\]}])/g, '$1');
}

function parseHeading(body: string, line: number, path: string): { tag: string; attrs: Record<string, string> } {
  const m = /^\s*([A-Za-z_][\w]*)/.exec(body);
  if (!m) throw new DecodeError(path, 'godot', `line ${line}: bad section heading [${body}]`);
  const attrs: Record<string, string> = {};
  let i = m[0].length;
  while (i < body.length) {
    while (i < body.length && /\s/.test(body[i]!)) i++;
    if (i >= body.length) break;
    const eq = body.indexOf('=', i);
    if (eq < 0) throw new DecodeError(path, 'godot', `line ${line}: bad attribute in [${body}]`);
    const key = body.slice(i, eq).trim();
    const end = scanValue(body, eq + 1, /\s/);
    attrs[key] = normalise(body.slice(eq + 1, end));
    i = end;
  }
  return { tag: m[1]!, attrs };
}

function unquote(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(v);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : v;
}

/** Sections of a .tscn/.tres/project.godot file, each with a key that stays the same across versions. */
export function parseGodot(text: string, path: string): GodotSection[] {
  const lines = text.split(/\r?\n/);
  const raw: { tag: string; attrs: Record<string, string>; props: Record<string, string>; line: number }[] = [];
  let cur: (typeof raw)[number] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (!t || t.startsWith(';')) continue;
    if (t.startsWith('[')) {
      // a heading may itself span lines when an attribute value does
      let body = t;
      while (unbalanced(body) && i + 1 < lines.length) body += `\n${lines[++i]}`;
      const close = scanValue(body, 1, /$^/);
      if (body[close] !== ']') throw new DecodeError(path, 'godot', `line ${i + 1}: unterminated section heading`);
      cur = { ...parseHeading(body.slice(1, close), i + 1, path), props: {}, line: i + 1 };
      raw.push(cur);
      continue;
    }
    const eq = t.indexOf('=');
    if (eq <= 0)
      throw new DecodeError(path, 'godot', `line ${i + 1}: expected 'key = value', found '${t.slice(0, 60)}'`);
    let value = t.slice(eq + 1);
    while (unbalanced(value) && i + 1 < lines.length) value += `\n${lines[++i]}`;
    if (!cur) {
      cur = { tag: '', attrs: {}, props: {}, line: 1 };
      raw.push(cur);
    }
    cur.props[t.slice(0, eq).trim()] = normalise(value);
  }
  // ExtResource("1_ab3") -> ExtResource("res://art/hero.png"): ids are renumbered by the editor, paths are what matter
  const extPath = new Map<string, string>();
  for (const s of raw)
    if (s.tag === 'ext_resource' && s.attrs.id !== undefined && s.attrs.path !== undefined)
      extPath.set(unquote(s.attrs.id)!, s.attrs.path);
  const resolveRefs = (v: string) =>
    v.replace(/ExtResource\(\s*"?([^")]*?)"?\s*\)/g, (m, id: string) =>
      extPath.has(id) ? `ExtResource(${extPath.get(id)})` : m,
    );
  for (const s of raw) {
    if (s.tag === 'ext_resource') continue;
    for (const k of Object.keys(s.props)) s.props[k] = resolveRefs(s.props[k]!);
    for (const k of Object.keys(s.attrs)) s.attrs[k] = resolveRefs(s.attrs[k]!);
  }
  // node paths: the root has no parent; parent="." is the root; parent="A/B" is under the root
  const root = raw.find((s) => s.tag === 'node' && s.attrs.parent === undefined);
  const rootName = unquote(root?.attrs.name) ?? '.';
  const seen = new Map<string, number>();
  return raw.map((s) => {
    const a = s.attrs;
    let key: string;
    switch (s.tag) {
      case 'node': {
        const name = unquote(a.name) ?? '?';
        const parent = unquote(a.parent);
        let path = `${rootName}/${parent}/${name}`;
        if (parent === undefined) path = name;
        else if (parent === '.') path = `${rootName}/${name}`;
        key = `node "${path}"`;
        break;
      }
      case 'ext_resource':
        key = `ext_resource "${unquote(a.path) ?? unquote(a.uid) ?? unquote(a.id) ?? '?'}"`;
        break;
      case 'sub_resource':
        key = `sub_resource "${unquote(a.id) ?? '?'}"`;
        break;
      case 'connection':
        key =
          `connection "${unquote(a.signal)}" from "${unquote(a.from)}" ` +
          `to "${unquote(a.to)}" method "${unquote(a.method)}"`;
        break;
      case 'editable':
        key = `editable "${unquote(a.path)}"`;
        break;
      case '':
        key = '(top)';
        break;
      default:
        key =
          Object.keys(a).length && !['gd_scene', 'gd_resource', 'resource'].includes(s.tag)
            ? `${s.tag} ${Object.entries(a)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')}`
            : s.tag;
    }
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return { tag: s.tag, key: n > 1 ? `${key} #${n}` : key, attrs: a, props: s.props, line: s.line };
  });
}
