import { decodeSnapshot } from '../objects/snapshot.js';
import type { ObjectId } from '../objects/types.js';
import { listRefs, readHead } from '../refs/refs.js';
import type { Vault } from './openVault.js';
import { shallowSnapshots } from './sync/shallow.js';
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
  /** follow first parents only: the branch's own line, each merge one snapshot (git's --first-parent) */
  firstParent?: boolean;
  /**
   * date (default): newest first over every parent, so both sides of a merge show (git log);
   * topo: every snapshot before its parents, each side of a merge kept together (for --graph; reads
   * the whole history first)
   */
  order?: 'date' | 'topo';
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
      const [marked] = s?.parents ?? [];
      if (s && s.meta['vault.annotation'] === 'milestone' && s.parents.length === 1 && marked) id = marked;
    }
    const short = ref.replace(/^refs\/heads\//, '').replace(/^refs\//, '');
    out.set(id, [...(out.get(id) ?? []), short]);
  }
  return out;
}

type Decoded = ResolvedSnapshot;

/** Snapshots from `from` back through their parents, newest first (see LogOptions). */
export async function log(opts: LogOptions): Promise<LogEntry[]> {
  const { vault } = opts;
  if (!opts.from) {
    const head = await readHead(vault.refs);
    if (!head.id) return [];
  }
  const names = await refNames(vault);
  const start = await readSnapshot(vault, opts.from ?? 'HEAD');
  const limit = opts.limit ?? Infinity;
  const out: LogEntry[] = [];
  const walk = walkHistory(vault, start, opts);
  if (limit <= 0) return out;
  for await (const snap of walk) {
    const refs = names.get(snap.id) ?? [];
    if (!opts.milestonesOnly || refs.some((r) => r.startsWith('milestones/'))) out.push({ ...snap, refs });
    if (out.length >= limit) break; // do not read a parent that will not be shown
  }
  return out;
}

/** The snapshots of a history one by one, in log's order (see LogOptions); parents are read as needed. */
export function walkHistory(
  vault: Vault,
  start: ResolvedSnapshot,
  opts: { firstParent?: boolean; order?: 'date' | 'topo' } = {},
): AsyncGenerator<ResolvedSnapshot> {
  return (async function* () {
    // a shallow clone's history stops at its boundary: the parents there were never fetched
    const cut = await shallowSnapshots(vault.fs, vault.vaultDir);
    const fp = { firstParent: opts.firstParent, cut };
    yield* opts.order === 'topo' ? topoOrder(vault, start, fp) : dateOrder(vault, start, fp);
  })();
}

// a parent is an id, not a name to resolve: a missing one is a missing object (ENOOBJECT), not an unknown revision
async function decoded(vault: Vault, id: ObjectId): Promise<Decoded> {
  return { id, ...decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id) };
}

interface Follow {
  firstParent?: boolean;
  /** snapshots whose parents are not followed (a shallow clone's boundary) */
  cut: ReadonlySet<ObjectId>;
}
function parentsOf(s: Decoded, f: Follow): readonly ObjectId[] {
  if (f.cut.has(s.id)) return [];
  return f.firstParent ? s.parents.slice(0, 1) : s.parents;
}

/** Newest first over all parents (a priority queue on time); each snapshot once, so crafted cycles end. */
async function* dateOrder(vault: Vault, start: Decoded, firstParent: Follow): AsyncGenerator<Decoded> {
  const queue: Decoded[] = [start];
  const seen = new Set<ObjectId>([start.id]);
  while (queue.length) {
    let at = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i]!.time > queue[at]!.time) at = i;
    const snap = queue.splice(at, 1)[0]!;
    yield snap; // parents are read only when the caller asks for more
    for (const p of parentsOf(snap, firstParent)) {
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push(await decoded(vault, p));
    }
  }
}

/**
 * Every snapshot after all its children (git's --topo-order): the history is read first, then
 * snapshots whose children are all shown are taken last-ready-first, so one side of a merge is
 * shown whole before the other.
 */
async function* topoOrder(vault: Vault, start: Decoded, firstParent: Follow): AsyncGenerator<Decoded> {
  const all = new Map<ObjectId, Decoded>([[start.id, start]]);
  const children = new Map<ObjectId, number>();
  const todo = [start];
  while (todo.length) {
    const s = todo.pop()!;
    for (const p of parentsOf(s, firstParent)) {
      children.set(p, (children.get(p) ?? 0) + 1);
      if (all.has(p)) continue;
      const d = await decoded(vault, p);
      all.set(p, d);
      todo.push(d);
    }
  }
  const ready = [start];
  const shown = new Set<ObjectId>();
  while (ready.length) {
    const s = ready.pop()!;
    if (shown.has(s.id)) continue; // a crafted cycle
    shown.add(s.id);
    yield s;
    for (const p of parentsOf(s, firstParent)) {
      const left = (children.get(p) ?? 1) - 1;
      children.set(p, left);
      if (left === 0) ready.push(all.get(p)!);
    }
  }
}
