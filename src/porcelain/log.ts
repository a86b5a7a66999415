import { decodeSnapshot } from '../objects/snapshot.js';
import type { ObjectId } from '../objects/types.js';
import { listRefs, readHead } from '../refs/refs.js';
import type { Vault } from './openVault.js';
import { readSnapshot, type ResolvedSnapshot } from './readSnapshot.js';

export interface LogEntry extends ResolvedSnapshot {
  /** refs pointing at this snapshot, short form: main, milestones/alpha, tags/v1 */
  readonly refs: readonly string[];
}

export interface LogOptions {
  vault: Vault;
  /** where to start (default HEAD) */
  from?: string;
  limit?: number;
  /** only snapshots that some milestone points at */
  milestonesOnly?: boolean;
}

/**
 * Which short names point at each snapshot. A milestone ref points at an
 * annotation snapshot (see personas/game/milestones.ts): its name is shown on
 * the snapshot the annotation marks.
 */
export async function refNames(vault: Vault): Promise<Map<ObjectId, string[]>> {
  const out = new Map<ObjectId, string[]>();
  const refs = await listRefs(vault.refs, 'refs/', () => {});
  for (const [ref, ref_id] of refs) {
    let id = ref_id;
    if (ref.startsWith('refs/milestones/')) {
      const s = await readSnapshot(vault, id).catch(() => null);
      if (s && s.meta['vault.annotation'] === 'milestone' && s.parents.length === 1) id = s.parents[0];
    }
    const short = ref.replace(/^refs\/heads\//, '').replace(/^refs\//, '');
    out.set(id, [...(out.get(id) ?? []), short]);
  }
  return out;
}

/** Snapshots from `from` back along first parents, newest first. */
export async function log(opts: LogOptions): Promise<LogEntry[]> {
  const { vault } = opts;
  if (!opts.from) {
    const head = await readHead(vault.refs);
    if (!head.id) return [];
  }
  const names = await refNames(vault);
  const out: LogEntry[] = [];
  let snap: ResolvedSnapshot | null = await readSnapshot(vault, opts.from ?? 'HEAD');
  const seen = new Set<string>();
  while (snap && out.length < (opts.limit ?? Infinity)) {
    if (seen.has(snap.id)) break; // a crafted cycle
    seen.add(snap.id);
    const refs = names.get(snap.id) ?? [];
    if (!opts.milestonesOnly || refs.some((r) => r.startsWith('milestones/'))) out.push({ ...snap, refs });
    if (out.length >= (opts.limit ?? Infinity)) break; // do not read a parent that will not be shown
    // a parent is an id, not a name to resolve: a missing one is a missing object (ENOOBJECT), not an unknown revision
    const parent: ObjectId | undefined = snap.parents[0];
    snap = parent ? { id: parent, ...decodeSnapshot(await vault.db.readTyped(parent, 'snapshot'), parent) } : null;
  }
  return out;
}
