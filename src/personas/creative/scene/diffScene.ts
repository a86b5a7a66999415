import YAML from 'yaml';
import { DecodeError, UnsupportedFormatError } from '../formats/errors.js';
import { parseGodot, type GodotSection } from './godot.js';

export type SceneFormat = 'json' | 'yaml' | 'godot';

/** One structural difference. */
export interface SceneChange {
  /** where: `player.stats.hp`, `enemies[id=3].pos`, `node "Main/Player" position` */
  readonly path: string;
  readonly status: 'added' | 'removed' | 'changed';
  /** Godot: the section (`node "Main/Player"`, `ext_resource "res://a.png"`) */
  readonly section?: string;
  /** Godot: the property or `@attribute` inside the section; absent when the whole section was added/removed */
  readonly key?: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface SceneDiffReport {
  readonly format: SceneFormat;
  /** in document order (after's, then what was removed), at most `max` */
  readonly changes: readonly SceneChange[];
  /** changes before the cap */
  readonly total: number;
  /** Godot: sections added, removed, changed */
  readonly sections?: { readonly added: number; readonly removed: number; readonly changed: number };
}

const EXT: Record<string, SceneFormat> = {
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  tscn: 'godot',
  tres: 'godot',
  godot: 'godot',
};

export function sceneFormatOf(path: string): SceneFormat | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? (EXT[base.slice(dot + 1).toLowerCase()] ?? null) : null;
}

const decoder = new TextDecoder('utf-8');

/** A scene file's data: JSON/YAML values, or Godot sections. */
export function parseScene(bytes: Uint8Array, path: string): { format: SceneFormat; data: unknown } {
  const format = sceneFormatOf(path);
  if (!format) throw new UnsupportedFormatError(path, 'this file type', 'not a JSON, YAML or Godot .tscn/.tres file');
  const text = decoder.decode(bytes);
  if (format === 'godot') return { format, data: parseGodot(text, path) };
  try {
    if (format === 'json') return { format, data: JSON.parse(text) };
    const docs = YAML.parseAllDocuments(text);
    for (const d of docs) if (d.errors.length) throw d.errors[0];
    const values = docs.map((d) => d.toJS());
    return { format, data: values.length === 1 ? values[0] : values };
  } catch (e) {
    throw new DecodeError(path, format, (e as Error).message);
  }
}

const IDENT = /^[A-Za-z_$][\w$-]*$/;

function child(path: string, key: string): string {
  if (IDENT.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An identity key every element of both arrays has, unique on each side (id, name, uid, key), or null. */
function identityKey(a: unknown[], b: unknown[]): string | null {
  if (!a.length || !b.length || ![...a, ...b].every(isPlain)) return null;
  for (const k of ['id', 'uid', 'name', 'key']) {
    const ok = [a, b].every((xs) => {
      const vals = (xs as Record<string, unknown>[]).map((x) => x[k]);
      return vals.every((v) => typeof v === 'string' || typeof v === 'number') && new Set(vals).size === vals.length;
    });
    if (ok) return k;
  }
  return null;
}

function walk(a: unknown, b: unknown, path: string, out: SceneChange[]): void {
  if (isPlain(a) && isPlain(b)) {
    for (const k of Object.keys(b)) {
      if (!(k in a)) out.push({ path: child(path, k), status: 'added', after: b[k] });
      else walk(a[k], b[k], child(path, k), out);
    }
    for (const k of Object.keys(a)) if (!(k in b)) out.push({ path: child(path, k), status: 'removed', before: a[k] });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const id = identityKey(a, b);
    if (id) {
      const ka = new Map((a as Record<string, unknown>[]).map((x) => [x[id], x]));
      const kb = new Map((b as Record<string, unknown>[]).map((x) => [x[id], x]));
      const at = (v: unknown) => `${path}[${id}=${JSON.stringify(v)}]`;
      for (const [v, x] of kb) {
        if (!ka.has(v)) out.push({ path: at(v), status: 'added', after: x });
        else walk(ka.get(v), x, at(v), out);
      }
      for (const [v, x] of ka) if (!kb.has(v)) out.push({ path: at(v), status: 'removed', before: x });
      return;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}[${i}]`;
      if (i >= a.length) out.push({ path: p, status: 'added', after: b[i] });
      else if (i >= b.length) out.push({ path: p, status: 'removed', before: a[i] });
      else walk(a[i], b[i], p, out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b))
    out.push({ path: path || '(root)', status: 'changed', before: a, after: b });
}

function godotChanges(
  a: readonly GodotSection[],
  b: readonly GodotSection[],
  out: SceneChange[],
): { added: number; removed: number; changed: number } {
  const sa = new Map(a.map((s) => [s.key, s]));
  const sb = new Map(b.map((s) => [s.key, s]));
  const counts = { added: 0, removed: 0, changed: 0 };
  const body = (s: GodotSection) => ({
    ...Object.fromEntries(Object.entries(s.attrs).map(([k, v]) => [`@${k}`, v])),
    ...s.props,
  });
  for (const s of b) {
    const old = sa.get(s.key);
    if (!old) {
      counts.added++;
      out.push({ path: s.key, section: s.key, status: 'added', after: body(s) });
      continue;
    }
    const [x, y] = [body(old), body(s)];
    const before = out.length;
    for (const k of Object.keys(y)) {
      if (!(k in x)) out.push({ path: `${s.key} ${k}`, section: s.key, key: k, status: 'added', after: y[k] });
      else if (x[k] !== y[k])
        out.push({ path: `${s.key} ${k}`, section: s.key, key: k, status: 'changed', before: x[k], after: y[k] });
    }
    for (const k of Object.keys(x))
      if (!(k in y)) out.push({ path: `${s.key} ${k}`, section: s.key, key: k, status: 'removed', before: x[k] });
    if (out.length > before) counts.changed++;
  }
  for (const s of a) {
    if (sb.has(s.key)) continue;
    counts.removed++;
    out.push({ path: s.key, section: s.key, status: 'removed', before: body(s) });
  }
  return counts;
}

/**
 * Structural differences between two versions of a scene file (either may be null: added or
 * removed file). JSON/YAML: keys added, removed and changed, as paths (`player.stats.hp`; arrays
 * of objects with an id/uid/name/key are matched by it: `enemies[id=3].hp`). Godot: sections
 * (nodes by their path in the scene, resources by path or id, connections) added and removed,
 * and their attributes (`@type`, `@instance`...) and properties changed.
 */
export function diffScene(
  before: Uint8Array | null,
  after: Uint8Array | null,
  path: string,
  opts: { max?: number } = {},
): SceneDiffReport {
  const max = opts.max ?? 500;
  const a = before ? parseScene(before, path) : null;
  const b = after ? parseScene(after, path) : null;
  const format = (b ?? a)?.format ?? sceneFormatOf(path);
  if (!format) throw new UnsupportedFormatError(path, 'this file type', 'not a JSON, YAML or Godot .tscn/.tres file');
  const out: SceneChange[] = [];
  let sections: SceneDiffReport['sections'];
  if (format === 'godot')
    sections = godotChanges((a?.data ?? []) as GodotSection[], (b?.data ?? []) as GodotSection[], out);
  else if (!a) out.push({ path: '(root)', status: 'added', after: b!.data });
  else if (!b) out.push({ path: '(root)', status: 'removed', before: a.data });
  else walk(a.data, b.data, '', out);
  return { format, changes: out.slice(0, max), total: out.length, ...(sections ? { sections } : {}) };
}
