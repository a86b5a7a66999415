import { AmbiguousRevisionError, UnknownRevisionError } from '../errors.js';
import { decodeSnapshot } from '../objects/snapshot.js';
import { isObjectId } from '../objects/hashObject.js';
import type { ObjectId } from '../objects/types.js';
import { badRefName, readHead, readRef, REF_PREFIXES, type RefOptions } from './refs.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';

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
 * any number of `~N` / `^` suffixes walking first parents.
 */
export async function revParse(opts: RefOptions & { db: ObjectDatabase }, rev: string): Promise<ObjectId> {
  const m = /^(.*?)((?:~\d*|\^1?)*)$/.exec(rev.trim());
  const base = m?.[1] ?? rev;
  const suffix = m?.[2] ?? '';
  if (!base) throw new UnknownRevisionError(rev, 'empty name');
  let id: ObjectId | null = null;
  if (base === 'HEAD') {
    id = (await readHead(opts)).id;
    if (!id) throw new UnknownRevisionError(rev, 'HEAD has no snapshot yet (make one with vault commit)');
  } else {
    if (/^[0-9a-f]{4,64}$/.test(base)) {
      const hits = isObjectId(base) && (await opts.db.has(base)) ? [base] : await snapshotsWithPrefix(opts.db, base);
      if (hits.length > 1) throw new AmbiguousRevisionError(base, hits);
      if (hits.length === 1) id = hits[0];
    }
    if (!id && !/[\s:?*[\\]/.test(base)) {
      const candidates = refCandidates(base);
      for (const ref of candidates) {
        // a short name that is no valid ref name (e.g. 'a..b') simply matches nothing; but a ref
        // that exists and holds garbage is reported (EBADREF), not passed over as "unknown"
        if (candidates.length > 1 && badRefName(ref)) continue;
        id = await readRef(opts, ref);
        if (id) break;
      }
    }
  }
  if (!id) throw new UnknownRevisionError(rev);
  for (const step of suffix.match(/~\d*|\^1?/g) ?? []) {
    const n = step.startsWith('~') ? (step.length > 1 ? Number(step.slice(1)) : 1) : 1;
    for (let i = 0; i < n; i++) {
      const snap = decodeSnapshot(await opts.db.readTyped(id, 'snapshot'), id);
      if (!snap.parents.length) throw new UnknownRevisionError(rev, `snapshot ${id.slice(0, 12)} has no parent`);
      id = snap.parents[0];
    }
  }
  return id;
}
