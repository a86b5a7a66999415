import { AmbiguousRevisionError, UnknownRevisionError } from '../errors.js';
import { decodeSnapshot } from '../objects/snapshot.js';
import { isObjectId } from '../objects/hashObject.js';
import type { ObjectId } from '../objects/types.js';
import { badRefName, listRefs, readHead, readRef, REF_PREFIXES, type RefOptions } from './refs.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import { didYouMean } from '../suggest.js';

export interface RevParseOptions extends RefOptions {
  db: ObjectDatabase;
  /**
   * A milestone or tag ref may point at an annotation snapshot (meta `vault.annotation`, one parent:
   * see personas/game/milestones.ts). By default its name means the snapshot it marks, everywhere;
   * `peel: false` returns the annotation itself (plumbing: `vault rev-parse --no-peel`).
   */
  peel?: boolean;
}

/** Full ref names a short name could mean, in the order they are tried. */
export function refCandidates(name: string): string[] {
  if (name === 'HEAD') return ['HEAD'];
  if (name.startsWith('refs/')) return [name];
  return REF_PREFIXES.map((p) => p + name);
}

async function snapshotsWithPrefix(db: ObjectDatabase, prefix: string): Promise<ObjectId[]> {
  const found = new Set<ObjectId>();
  await db.ready();
  for (const e of db.packedEntries()) if (e.type === 'snapshot' && e.id.startsWith(prefix)) found.add(e.id);
  for (const id of await db.listLoose(prefix)) {
    if (!found.has(id) && (await db.typeOf(id).catch(() => null)) === 'snapshot') found.add(id);
  }
  return [...found];
}

/**
 * Resolve a snapshot name: a full id, a unique id prefix (4+ hex), a ref
 * (HEAD, main, refs/heads/main, alpha for refs/milestones/alpha, tags), with
 * any number of `~N` / `^` suffixes walking first parents. A milestone's name
 * means the snapshot it marks (see RevParseOptions.peel).
 */
export async function revParse(opts: RevParseOptions, rev: string): Promise<ObjectId> {
  const m = /^(.*?)((?:~\d*|\^1?)*)$/.exec(rev.trim());
  const base = m?.[1] ?? rev;
  const suffix = m?.[2] ?? '';
  if (!base) throw new UnknownRevisionError(rev, 'empty name');
  let id = await resolveBase(opts, rev, base);
  for (const step of suffix.match(/~\d*|\^1?/g) ?? []) {
    // `~N` goes N parents up; `~`, `^` and `^1` one
    const n = step.startsWith('~') && step.length > 1 ? Number(step.slice(1)) : 1;
    for (let i = 0; i < n; i++) {
      const snap = decodeSnapshot(await opts.db.readTyped(id, 'snapshot'), id);
      const [parent] = snap.parents;
      if (!parent) throw new UnknownRevisionError(rev, `snapshot ${id.slice(0, 12)} has no parent`);
      id = parent;
    }
  }
  return id;
}

/** The id a name without `~N` / `^` stands for. */
async function resolveBase(opts: RevParseOptions, rev: string, base: string): Promise<ObjectId> {
  if (base === 'HEAD') {
    const id = (await readHead(opts)).id;
    if (!id) throw new UnknownRevisionError(rev, 'HEAD has no snapshot yet (make one with vault commit)');
    return id;
  }
  if (/^[0-9a-f]{4,64}$/.test(base)) {
    const hits = isObjectId(base) && (await opts.db.has(base)) ? [base] : await snapshotsWithPrefix(opts.db, base);
    if (hits.length > 1) throw new AmbiguousRevisionError(base, hits);
    const [hit] = hits;
    if (hit) return hit;
  }
  if (!/[\s:?*[\\]/.test(base)) {
    const candidates = refCandidates(base);
    for (const ref of candidates) {
      // a short name that is no valid ref name (e.g. 'a..b') simply matches nothing; but a ref
      // that exists and holds garbage is reported (EBADREF), not passed over as "unknown"
      if (candidates.length > 1 && badRefName(ref)) continue;
      const id = await readRef(opts, ref);
      if (id) return opts.peel === false ? id : peel(opts.db, ref, id);
    }
    // origin/feature: a remote's branch as last fetched
    const tracked = base.includes('/') && opts.tracking ? await opts.tracking(base) : null;
    if (tracked) return tracked;
  }
  throw await unknown(opts, rev, base);
}

/** A milestone or tag ref that points at an annotation snapshot stands for the snapshot it marks. */
async function peel(db: ObjectDatabase, ref: string, id: ObjectId): Promise<ObjectId> {
  if (!ref.startsWith('refs/milestones/') && !ref.startsWith('refs/tags/')) return id;
  const s = decodeSnapshot(await db.readTyped(id, 'snapshot'), id);
  const [marked] = s.parents;
  return s.meta['vault.annotation'] && s.parents.length === 1 && marked ? marked : id;
}

/** The error for a name nothing matches: a too-short id prefix says so; a near miss of a ref name is suggested. */
async function unknown(opts: RevParseOptions, rev: string, base: string): Promise<UnknownRevisionError> {
  if (/^[0-9a-f]{1,3}$/.test(base))
    return new UnknownRevisionError(
      rev,
      'a snapshot id prefix needs 4+ hex digits',
      'type at least 4 hex digits of the id',
    );
  const near = await suggestRef(opts, base);
  return new UnknownRevisionError(rev, undefined, near ? `${near} (run 'vault log' to list snapshots)` : undefined);
}

/**
 * "did you mean 'alpha'?" for a mistyped branch, milestone or tag name (short names, or full ref names
 * when `name` is one), or null. `prefixes` limits the kinds of ref (default: branches, milestones, tags).
 */
export async function suggestRef(
  opts: RefOptions,
  name: string,
  prefixes: readonly string[] = REF_PREFIXES,
): Promise<string | null> {
  const names: string[] = prefixes === REF_PREFIXES ? ['HEAD'] : [];
  const refs = await listRefs(opts, 'refs/', () => {}).catch(() => new Map<string, ObjectId>());
  for (const ref of refs.keys()) {
    const prefix = prefixes.find((p) => ref.startsWith(p));
    if (prefix) names.push(name.startsWith('refs/') ? ref : ref.slice(prefix.length));
  }
  return didYouMean(name, names);
}
