/**
 * Turn a reference as written into a project-relative path. Relative paths
 * resolve against the referencing file's folder; `res://` against the Godot
 * project's folder (the nearest one holding project.godot, else the root); backslashes count as separators (files
 * written on Windows);
 * `file://`, absolute and drive-letter paths, and paths climbing above the
 * root, leave the project. URLs of other schemes (`http:`, `data:`, `uid:`)
 * are not file references: null.
 */
export interface Resolved {
  readonly target: string | null;
  readonly outside?: boolean;
}

export function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Normalise `a/./b/../c` against a base folder; null when it climbs above the root. */
export function normalizeJoin(base: string, rel: string): string | null {
  const parts = base ? base.split('/') : [];
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (!parts.length) return null;
      parts.pop();
    } else parts.push(p);
  }
  return parts.join('/');
}

export interface ResolveOptions {
  /** the string is a URI (glTF): percent-decoded first */
  uri?: boolean;
  /** the folder res:// names (the Godot project's: where project.godot is); default the project root */
  resRoot?: string;
}

export function resolveReference(from: string, raw: string, opts: ResolveOptions = {}): Resolved | null {
  let s = raw.trim();
  if (!s) return null;
  if (opts.uri) {
    try {
      s = decodeURIComponent(s);
    } catch {
      /* not percent-encoded after all: keep it as written */
    }
  }
  if (/^res:\/\//i.test(s)) {
    const t = normalizeJoin(opts.resRoot ?? '', s.slice(6).replace(/\\/g, '/'));
    return t ? { target: t } : { target: null, outside: true };
  }
  if (/^file:\/\//i.test(s)) return { target: null, outside: true };
  // a URL scheme (http:, data:, uid:, user:...) but not a drive letter (C:\...)
  if (/^[a-z][a-z0-9+.-]+:/i.test(s)) return null;
  s = s.replace(/\\/g, '/');
  if (s.startsWith('/') || /^[a-z]:\//i.test(s)) return { target: null, outside: true };
  const t = normalizeJoin(folderOf(from), s);
  if (t === null) return { target: null, outside: true };
  return t ? { target: t } : null;
}
