import { UsageError } from '../../errors.js';
import { decodeTree } from '../../objects/tree.js';
import type { ObjectId } from '../../objects/types.js';
import type { ObjectDatabase } from '../../plumbing/ObjectDatabase.js';
import { RemoteLimitError } from '../../plumbing/git/errors.js';
import { DEFAULT_MAX_OBJECT_BYTES, type PackLimits } from '../../plumbing/git/packReader.js';
import { parseSize } from '../../units.js';

/**
 * How far a fetch, pull or clone may expand what a remote sends. A remote is not trusted: a 1 MB pack can
 * inflate to gigabytes (a zip bomb, or deltas copying one object over and over), and a snapshot whose
 * folders reuse one subtree at every level names 2^N files in N small trees. So:
 *
 * - the download, inflated, may be at most `maxBytes`;
 * - one checkout may write at most `maxBytes` in at most `maxFiles` files and folders, nested at most
 *   MAX_DEPTH deep: checked on the tree graph (each tree read once) before any file is written;
 * - no object is held whole in memory above `maxObjectBytes` (trees, manifests, small files, chunks,
 *   delta bases); bigger plain objects are only streamed;
 * - every object must have the size the snapshot declares for it (tree entries, manifests), checked
 *   before it is inflated.
 *
 * Unset limits follow what the remote sent: at most RATIO times the bytes downloaded (or, for a checkout,
 * the distinct content and tree entries the snapshot holds), and never less than the floors, so an
 * honest project (whose files are mostly distinct) never meets them.
 */
export interface SyncLimits {
  /** bytes (`--max-size`, VAULT_SYNC_MAX_SIZE) */
  readonly maxBytes?: number;
  /** files and folders one checkout creates (`--max-files`, VAULT_SYNC_MAX_FILES) */
  readonly maxFiles?: number;
  /** the largest object held whole in memory (VAULT_SYNC_MAX_OBJECT; default 64 MiB) */
  readonly maxObjectBytes?: number;
}

export const RATIO = 100;
export const FLOOR_BYTES = 4 * 1024 ** 3;
export const FLOOR_FILES = 100_000;
/** folders nested deeper than this cannot be written on common systems anyway (PATH_MAX 4096) */
export const MAX_DEPTH = 1024;

/** The limits from command-line values (they win) and the environment; a bad value is a usage error. */
export function syncLimits(
  given: { maxSize?: string | number; maxFiles?: string | number },
  env: NodeJS.ProcessEnv = process.env,
): SyncLimits {
  const size = (v: string | number | undefined, what: string): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = parseSize(String(v));
    if (n === null || n <= 0)
      throw new UsageError(`${what} must be a size such as 500M, 20G or 1T, not '${String(v).slice(0, 40)}'`);
    return n;
  };
  const count = (v: string | number | undefined, what: string): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n <= 0)
      throw new UsageError(`${what} must be a whole number above 0, not '${String(v).slice(0, 40)}'`);
    return n;
  };
  return {
    maxBytes: size(given.maxSize, '--max-size') ?? size(env.VAULT_SYNC_MAX_SIZE, 'VAULT_SYNC_MAX_SIZE'),
    maxFiles: count(given.maxFiles, '--max-files') ?? count(env.VAULT_SYNC_MAX_FILES, 'VAULT_SYNC_MAX_FILES'),
    maxObjectBytes: size(env.VAULT_SYNC_MAX_OBJECT, 'VAULT_SYNC_MAX_OBJECT'),
  };
}

/** What the pack reader may inflate a download of `downloaded` bytes into. */
export function packLimits(limits: SyncLimits, downloaded: number, signal?: AbortSignal): PackLimits {
  return {
    maxObjectBytes: limits.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    maxTotalBytes: limits.maxBytes ?? Math.max(FLOOR_BYTES, RATIO * downloaded),
    signal,
  };
}

export interface Expansion {
  /** bytes of every file the tree names, counted once per path */
  readonly bytes: number;
  /** files and folders, once per path */
  readonly entries: number;
  /** folder levels below the root */
  readonly depth: number;
}

/**
 * The size a tree expands to when written out, from the tree graph alone (each distinct tree is read once,
 * so a tree reusing a subtree at every level costs N reads, not 2^N). Throws ELIMIT when it is over the
 * limits, before anything is written.
 */
export async function checkExpansion(db: ObjectDatabase, tree: ObjectId, limits: SyncLimits = {}): Promise<Expansion> {
  const memo = new Map<ObjectId, Expansion>();
  const contents = new Map<ObjectId, number>();
  let distinctEntries = 0;
  const visit = async (id: ObjectId, level: number): Promise<Expansion> => {
    const hit = memo.get(id);
    if (hit) return hit;
    if (level > MAX_DEPTH)
      throw new RemoteLimitError(`the folder nesting of tree ${id.slice(0, 12)}`, level, MAX_DEPTH, {
        unit: 'levels',
        hint: 'no file system can hold paths this deep; the snapshot cannot be checked out',
      });
    const t = decodeTree(await db.readTyped(id, 'tree'), id);
    distinctEntries += t.entries.length;
    let bytes = 0;
    let entries = 0;
    let depth = 0;
    for (const e of t.entries) {
      entries++;
      if (e.kind === 'dir') {
        const sub = await visit(e.id, level + 1);
        bytes += sub.bytes;
        entries += sub.entries;
        depth = Math.max(depth, sub.depth + 1);
      } else {
        bytes += e.size;
        contents.set(e.id, e.size);
      }
    }
    const r = { bytes, entries, depth };
    memo.set(id, r);
    return r;
  };
  const total = await visit(tree, 0);
  let distinctBytes = 0;
  for (const n of contents.values()) distinctBytes += n;
  const maxBytes = limits.maxBytes ?? Math.max(FLOOR_BYTES, RATIO * distinctBytes);
  const maxFiles = limits.maxFiles ?? Math.max(FLOOR_FILES, RATIO * distinctEntries);
  const what = `the files of tree ${tree.slice(0, 12)}`;
  if (total.depth > MAX_DEPTH)
    throw new RemoteLimitError(`the folder nesting of ${what}`, total.depth, MAX_DEPTH, { unit: 'levels' });
  if (total.entries > maxFiles) throw new RemoteLimitError(what, total.entries, maxFiles, { unit: 'entries' });
  if (total.bytes > maxBytes) throw new RemoteLimitError(what, total.bytes, maxBytes);
  return total;
}
