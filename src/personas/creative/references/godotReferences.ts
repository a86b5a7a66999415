import { ConfigSyntaxError } from '../../engines/errors.js';
import { parseGodotText, type StringSite } from '../../engines/godot/text.js';
import { folderOf, normalizeJoin, resolveReference } from './resolveReference.js';
import type { Provided, Reference, ReferenceKind } from './types.js';

/**
 * References of a Godot project: every `res://` and `uid://` string of its scripts (.gd, .cs), scenes and
 * resources (.tscn, .tres), ConfigFiles (project.godot, export_presets.cfg, *.import, other .cfg), and what
 * its files declare: a `.uid` file or a `uid="..."` heading attribute names the file it belongs to, an
 * .import file names its asset's uid and the files the import generates next to its source.
 *
 * - `"*res://..."` (an autoload singleton) names `res://...`.
 * - A translation remap's `:locale` suffix (`"res://audio/hello_es.wav:es"`) is not part of the path.
 * - `res://.godot/...` is Godot's import cache and editor data: never a project file, not a reference.
 * - Filters (`res://addons/*`) are patterns, not references.
 * - Paths built at run time (`"res://levels/" + name`, `"res://%s.tscn" % n`) are reported as dynamic.
 */
export interface ParsedReferences {
  readonly refs: Reference[];
  readonly provides: Provided[];
  /** why the file was not read whole, when it was not */
  readonly note?: string;
}

const LOCALE = /^(res:\/\/.*\.[A-Za-z0-9_]+):([a-z]{2,3}(?:[_-][A-Za-z0-9]+)*)$/;
const UID = /^uid:\/\/[a-z0-9]+$/;

/** One Godot string as a reference (null: not one). */
export function godotRef(
  from: string,
  raw: string,
  kind: ReferenceKind,
  line: number | undefined,
  resRoot: string,
  extra: { uid?: string; dynamic?: boolean } = {},
): Reference | null {
  const at = line ? { line } : {};
  if (UID.test(raw)) return { from, raw, kind, ...at, target: null, uid: raw };
  let path = raw.startsWith('*res://') ? raw.slice(1) : raw;
  if (!/^res:\/\//i.test(path)) return null;
  if (extra.dynamic) return { from, raw, kind, ...at, target: null, dynamic: true };
  if (/^res:\/\/\.godot(\/|$)/i.test(path) || /[*?]/.test(path)) return null;
  const locale = LOCALE.exec(path)?.[1];
  if (locale !== undefined) path = locale;
  const r = resolveReference(from, path, { resRoot });
  if (!r) return null;
  const uid = extra.uid && UID.test(extra.uid) ? { uid: extra.uid } : {};
  return { from, raw, kind, ...at, target: r.target, ...(r.outside ? { outside: true } : {}), ...uid };
}

function push(out: Reference[], r: Reference | null): void {
  if (r) out.push(r);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r' };

/** The string literals of GDScript code with where they start and end (comments skipped). */
function* gdStrings(text: string): Generator<{ value: string; line: number; start: number; end: number }> {
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '#') while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    else if (c === '"' || c === "'") {
      const raw = text[i - 1] === 'r' && !/[A-Za-z0-9_]/.test(text[i - 2] ?? '');
      const triple = text.startsWith(c.repeat(3), i);
      const close = triple ? c.repeat(3) : c;
      const start = i;
      const startLine = line;
      let value = '';
      i += close.length;
      while (i < text.length && !text.startsWith(close, i)) {
        const ch = text[i];
        if (ch === '\n') {
          line++;
          if (!triple) break; // an unclosed one-line string: stop at the line's end
        }
        if (ch === '\\' && !raw && i + 1 < text.length) {
          const e = text[++i] ?? ''; // i + 1 < text.length
          value += ESCAPES[e] ?? e;
          if (e === '\n') line++;
        } else value += ch;
        i++;
      }
      i += close.length - 1;
      yield { value, line: startLine, start, end: i + 1 };
    }
  }
}

/** Is the string at text[start..end) part of a path built at run time? */
function builtAtRunTime(text: string, value: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start).replace(/[&^r]$/, '');
  const after = text.slice(end, end + 40);
  if (/\+\s*$/.test(before) || /^\s*[+%]/.test(after)) return true;
  if (/^\s*\.(format|path_join|replace)\s*\(/.test(after)) return true;
  return /%[-+ 0-9.]*[sdifxXc]|\{[A-Za-z0-9_]*\}/.test(value);
}

const LOAD_CALL = /\b(?:pre)?load(?:_threaded_request)?\s*\(\s*$|\bLoad(?:<[^>]*>)?\s*\(\s*$/;

/** GDScript: every res:// and uid:// string; load()/preload()/ResourceLoader.load() are kind 'load'. */
export function gdscriptReferences(from: string, text: string, resRoot: string, lineOffset = 0): Reference[] {
  const out: Reference[] = [];
  for (const s of gdStrings(text)) {
    const lineStart = text.lastIndexOf('\n', s.start - 1) + 1;
    const before = text.slice(lineStart, s.start).replace(/[&r]$/, '');
    const load = LOAD_CALL.test(before);
    const line = s.line + lineOffset;
    if (load && s.value && !/^[a-z][a-z0-9+.-]*:/i.test(s.value)) {
      // load("enemy.tscn"): a path relative to the script's folder
      if (builtAtRunTime(text, s.value, s.start, s.end)) {
        out.push({ from, raw: s.value, kind: 'load', line, target: null, dynamic: true });
        continue;
      }
      const r = resolveReference(from, s.value);
      if (r)
        out.push({ from, raw: s.value, kind: 'load', line, target: r.target, ...(r.outside ? { outside: true } : {}) });
      continue;
    }
    if (!/^(res|uid):\/\//.test(s.value) && !s.value.startsWith('*res://')) continue;
    if (before.endsWith('^')) continue; // a NodePath
    const dynamic = builtAtRunTime(text, s.value, s.start, s.end);
    push(out, godotRef(from, s.value, load ? 'load' : 'path', line, resRoot, { dynamic }));
  }
  return out;
}

/** C# (Godot .NET): `GD.Load<T>("res://...")` and every other "res://..." string; `$"...{x}"` is dynamic. */
export function csharpReferences(from: string, text: string, resRoot: string): Reference[] {
  const out: Reference[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const code = line.replace(/^\s*\/\/.*$/, '');
    for (const m of code.matchAll(/(\$?@?|@\$)"((?:res|uid):\/\/(?:[^"\\]|\\.)*)"/g)) {
      const [whole, prefix = '', raw = ''] = m;
      const start = m.index;
      const end = start + whole.length;
      const interpolated = prefix.includes('$') && /\{[^}]*\}/.test(raw);
      const dynamic = interpolated || builtAtRunTime(code, raw, start, end);
      const kind: ReferenceKind = LOAD_CALL.test(code.slice(0, start)) ? 'load' : 'path';
      push(out, godotRef(from, raw, kind, i + 1, resRoot, { dynamic }));
    }
  }
  return out;
}

/** Strings of a file that does not parse: the res:// ones, by line (what a reader can still tell). */
function scanStrings(from: string, text: string, resRoot: string): Reference[] {
  const out: Reference[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries())
    for (const [, raw = ''] of line.matchAll(/"(\*?(?:res|uid):\/\/[^"\n]*)"/g))
      push(out, godotRef(from, raw, 'path', i + 1, resRoot));
  return out;
}

const HEADINGS_WITH_UID = new Set(['gd_scene', 'gd_resource']);

function importDeclarations(from: string, sections: ReturnType<typeof parseGodotText>, resRoot: string): Provided[] {
  const asset = from.slice(0, -'.import'.length);
  const out: Provided[] = [];
  for (const s of sections) {
    for (const p of s.props) {
      if (s.name === 'remap' && p.key === 'uid' && typeof p.value === 'string' && UID.test(p.value))
        out.push({ name: p.value, target: asset });
      // files the import writes next to its source (translations): they stand for the source
      if (s.name === 'deps' && (p.key === 'dest_files' || p.key === 'files') && Array.isArray(p.value))
        for (const f of p.value) {
          const r = typeof f === 'string' ? godotRef(from, f, 'path', undefined, resRoot) : null;
          if (r?.target && !out.some((d) => d.name === r.target)) out.push({ name: r.target, target: asset });
        }
    }
  }
  return out;
}

/** Skip a string the file's structure already accounts for. */
function skipString(from: string, site: StringSite): boolean {
  if (site.attr) return site.section === 'ext_resource' || HEADINGS_WITH_UID.has(site.section);
  if (from.endsWith('.import'))
    return (
      (site.section === 'deps' && (site.key === 'dest_files' || site.key === 'files')) ||
      (site.section === 'remap' && site.key === 'uid')
    );
  return false;
}

/**
 * A text resource (.tscn, .tres: `mode` 'resource') or ConfigFile (project.godot, .cfg, .import: 'config').
 * A file that does not parse still gives its res:// strings, with a note saying why it was not read whole.
 */
export function godotTextReferences(
  from: string,
  text: string,
  resRoot: string,
  mode: 'resource' | 'config',
): ParsedReferences {
  const strings: { s: string; line: number; site: StringSite }[] = [];
  let sections: ReturnType<typeof parseGodotText>;
  try {
    sections = parseGodotText(text, from, { mode, onString: (s, line, site) => strings.push({ s, line, site }) });
  } catch (e) {
    if (!(e instanceof ConfigSyntaxError)) throw e;
    return {
      refs: scanStrings(from, text, resRoot),
      provides: [],
      note: `not read whole for references: ${e.message}`,
    };
  }
  const refs: Reference[] = [];
  const provides: Provided[] = from.endsWith('.import') ? importDeclarations(from, sections, resRoot) : [];
  for (const s of sections) {
    const { path, uid } = s.attrs;
    if (s.name === 'ext_resource' && (typeof path === 'string' || typeof uid === 'string')) {
      const raw = typeof path === 'string' ? path : String(uid);
      const u = typeof uid === 'string' ? uid : undefined;
      push(refs, godotRef(from, raw, 'ext_resource', s.line, resRoot, { uid: u }));
    }
    if (HEADINGS_WITH_UID.has(s.name) && typeof uid === 'string' && UID.test(uid))
      provides.push({ name: uid, target: from });
  }
  for (const { s, line, site } of strings) {
    if (skipString(from, site)) continue;
    if (site.key === 'script/source') refs.push(...gdscriptReferences(from, s, resRoot, line - 1));
    else if (site.key === 'script' && from.endsWith('plugin.cfg') && s && !s.includes('://')) {
      // an editor plugin's script is named relative to its plugin.cfg
      const target = normalizeJoin(folderOf(from), s);
      if (target) refs.push({ from, raw: s, kind: 'path', line, target });
    } else push(refs, godotRef(from, s, 'path', line, resRoot));
  }
  return { refs, provides };
}

/** A `.uid` file (Godot 4.4+: beside scripts and shaders) declares its file's uid. */
export function uidFileDeclarations(from: string, text: string): Provided[] {
  const uid = text.trim();
  return UID.test(uid) ? [{ name: uid, target: from.slice(0, -'.uid'.length) }] : [];
}
