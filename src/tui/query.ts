import type { LogEntry, SnapshotChanges } from '../index.js';

/**
 * The timeline filter typed after `/`: words separated by spaces, all of which must match.
 * `type:beta` (a milestone of that type marks the snapshot), `path:Art/` (the snapshot changed a file
 * under Art/, or whose path contains the text when it does not end in '/'), anything else is text
 * matched against message, author, ref names, the id and the snapshot's words (game persona: its builds'
 * versions and platforms, their feedback's text, tags and testers).
 */
export interface Query {
  readonly text: readonly string[];
  readonly types: readonly string[];
  readonly paths: readonly string[];
}

export function parseQuery(s: string): Query {
  const text: string[] = [];
  const types: string[] = [];
  const paths: string[] = [];
  for (const word of s.trim().split(/\s+/)) {
    if (!word) continue;
    const m = /^(type|path):(.*)$/i.exec(word);
    if (!m) {
      text.push(word.toLowerCase());
      continue;
    }
    const [, key = '', value] = m;
    if (value) (key.toLowerCase() === 'type' ? types : paths).push(value.toLowerCase());
  }
  return { text, types, paths };
}

export function isEmpty(q: Query): boolean {
  return !q.text.length && !q.types.length && !q.paths.length;
}

/** What matching needs besides the entry: milestone types by snapshot, changed paths (when known). */
export interface MatchContext {
  /** milestone types marking each snapshot */
  readonly milestoneTypes: ReadonlyMap<string, readonly string[]>;
  /** what each snapshot changed; undefined while not computed yet */
  changes(id: string): SnapshotChanges | Error | undefined;
  /** more text a snapshot matches (lower case): its builds and their feedback */
  readonly words?: ReadonlyMap<string, readonly string[]>;
}

export function pathMatches(path: string, want: string): boolean {
  const p = path.toLowerCase();
  return want.endsWith('/') ? p.startsWith(want) : p.includes(want);
}

/** The paths a snapshot's changes touch (renames: both names). */
export function changedPaths(c: SnapshotChanges): string[] {
  const out: string[] = [];
  for (const list of [c.added, c.modified, c.deleted, c.renamed])
    for (const x of list) out.push(x.path, ...(x.from ? [x.from] : []));
  return out;
}

/** true / false, or 'pending' when a path condition waits for the snapshot's changes. */
export function matchEntry(e: LogEntry, q: Query, ctx: MatchContext): boolean | 'pending' {
  for (const t of q.text) {
    if (!(
      e.message.toLowerCase().includes(t) ||
      e.author.toLowerCase().includes(t) ||
      e.refs.some((r) => r.toLowerCase().includes(t)) ||
      e.id.startsWith(t) ||
      (ctx.words?.get(e.id) ?? []).some((w) => w.includes(t))
    ))
      return false;
  }
  for (const t of q.types) if (!(ctx.milestoneTypes.get(e.id) ?? []).includes(t)) return false;
  if (q.paths.length) {
    const c = ctx.changes(e.id);
    if (c === undefined) return 'pending';
    if (c instanceof Error) return false;
    const paths = changedPaths(c);
    for (const want of q.paths) if (!paths.some((p) => pathMatches(p, want))) return false;
  }
  return true;
}
