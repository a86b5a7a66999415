import { decodeSnapshot } from '../../objects/snapshot.js';
import type { ObjectId, Snapshot } from '../../objects/types.js';
import type { ObjectDatabase } from '../../plumbing/ObjectDatabase.js';

/**
 * Decoded snapshots by id, shared by the walks of one merge (histories are read once). In a shallow clone
 * the snapshots at the boundary (`boundary`) are read as roots: their parents were never fetched.
 */
export class SnapshotReader {
  private readonly cache = new Map<ObjectId, Snapshot>();
  /** a walk reached a shallow boundary whose parents it could not follow (the first such snapshot) */
  metBoundary: ObjectId | null = null;
  constructor(
    private readonly db: ObjectDatabase,
    private readonly boundary: ReadonlySet<ObjectId> = new Set(),
  ) {}

  async read(id: ObjectId): Promise<Snapshot> {
    let s = this.cache.get(id);
    if (!s) {
      s = decodeSnapshot(await this.db.readTyped(id, 'snapshot'), id);
      if (this.boundary.has(id) && s.parents.length) {
        this.metBoundary ??= id;
        s = { ...s, parents: [] };
      }
      this.cache.set(id, s);
    }
    return s;
  }
}

const OURS = 1;
const THEIRS = 2;
const STALE = 4;
const RESULT = 8;

/** Newest first; ties by id so that the walk is the same on every machine. */
function newer(a: { id: ObjectId; time: number }, b: { id: ObjectId; time: number }): number {
  if (b.time !== a.time) return b.time - a.time;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/**
 * The best common ancestors of two snapshots (git's merge-base --all): common
 * ancestors that are not ancestors of another common ancestor. Usually one; two
 * or more after criss-cross merges; none for unrelated histories. Both sides are
 * walked together, newest first (git's paint_down_to_common): a snapshot reached
 * from both is a candidate and what is below it is stale; the walk ends when only
 * stale snapshots are left. Times only order the walk: a skewed clock costs
 * extra reads, never a wrong answer (candidates that are ancestors of others
 * are removed at the end).
 */
export async function mergeBases(reader: SnapshotReader, a: ObjectId, b: ObjectId): Promise<ObjectId[]> {
  if (a === b) return [a];
  const flags = new Map<ObjectId, number>();
  const queue: { id: ObjectId; time: number }[] = [];
  const push = async (id: ObjectId, f: number) => {
    flags.set(id, (flags.get(id) ?? 0) | f);
    queue.push({ id, time: (await reader.read(id)).time });
  };
  await push(a, OURS);
  await push(b, THEIRS);
  const results: ObjectId[] = [];
  while (queue.some((q) => !((flags.get(q.id) ?? 0) & STALE))) {
    queue.sort(newer);
    const { id } = queue.shift()!;
    let f = (flags.get(id) ?? 0) & (OURS | THEIRS | STALE);
    if ((f & (OURS | THEIRS)) === (OURS | THEIRS)) {
      if (!((flags.get(id) ?? 0) & RESULT)) {
        flags.set(id, (flags.get(id) ?? 0) | RESULT);
        if (!(f & STALE)) results.push(id);
      }
      f |= STALE;
    }
    for (const p of (await reader.read(id)).parents) {
      if (((flags.get(p) ?? 0) & f) === f) continue;
      await push(p, f);
    }
  }
  return removeRedundant(reader, results);
}

/** Drop every candidate that is an ancestor of another candidate. */
async function removeRedundant(reader: SnapshotReader, ids: ObjectId[]): Promise<ObjectId[]> {
  if (ids.length < 2) return ids;
  const out: ObjectId[] = [];
  for (const x of ids) {
    let redundant = false;
    for (const y of ids) if (!redundant && y !== x && (await isAncestor(reader, x, y))) redundant = true;
    if (!redundant) out.push(x);
  }
  return out.sort();
}

/** Whether `ancestor` is `of` itself or reachable from it through parents. */
export async function isAncestor(reader: SnapshotReader, ancestor: ObjectId, of: ObjectId): Promise<boolean> {
  const seen = new Set<ObjectId>([of]);
  const todo = [of];
  while (todo.length) {
    const id = todo.pop()!;
    if (id === ancestor) return true;
    for (const p of (await reader.read(id)).parents)
      if (!seen.has(p)) {
        seen.add(p);
        todo.push(p);
      }
  }
  return false;
}
