import type { ObjectId } from '../objects/types.js';
import type { FlatEntry } from '../plumbing/trees.js';
import { diffWorkList } from './diffWorkList.js';
import { readHead } from '../refs/refs.js';
import { diffFlat, type Change } from './diffTrees.js';
import { hashWorktree, incomplete, type Progress, type Skipped, type WorkTreeEntry } from './hashWorktree.js';
import type { Vault } from './openVault.js';
import { decodeSnapshot } from '../objects/snapshot.js';
import type { SkipKind } from '../plumbing/scanWorktree.js';
import { StatCache } from '../plumbing/statCache.js';

export interface StatusOptions {
  vault: Vault;
  onProgress?: (p: Progress) => void;
  onSkip?: (path: string, reason: string, kind: SkipKind) => void;
  /** a `.git` left out (git's own store is never part of a snapshot) */
  onGitFolder?: (path: string) => void;
}

export interface StatusResult {
  readonly head: ObjectId | null;
  readonly added: readonly Change[];
  readonly modified: readonly Change[];
  readonly deleted: readonly Change[];
  readonly renamed: readonly Change[];
  /** the hashed working folder, for callers that need ids (restore) */
  readonly worktree: readonly WorkTreeEntry[];
  readonly clean: boolean;
  /** paths that could not be compared (unreadable, vanished, ...), and why; a commit would leave them out */
  readonly skipped: readonly Skipped[];
  /** false when something could not be compared (see CommitResult.complete): the CLI exits 3 */
  readonly complete: boolean;
}

/** Compare the project folder with HEAD. Reads only files the stat cache cannot vouch for. */
export async function status(opts: StatusOptions): Promise<StatusResult> {
  const { vault } = opts;
  // HEAD's trees are read without loading every pack index entry (see ObjectDatabase.useLean)
  const endLean = vault.db.useLean();
  try {
    return await compare(opts);
  } finally {
    endLean();
  }
}

async function compare(opts: StatusOptions): Promise<StatusResult> {
  const { vault } = opts;
  const head = await readHead(vault.refs);
  const cache = await StatCache.open(vault.fs, vault.db.paths.index);
  try {
    return await compareWith(opts, head.id, cache);
  } finally {
    cache.close(); // a cache opened for one scan holds its file open until its last record
  }
}

async function compareWith(opts: StatusOptions, headId: ObjectId | null, cache: StatCache): Promise<StatusResult> {
  const { vault } = opts;
  // the stat cache records HEAD's tree: no pack index to load for the snapshot (a clean status then reads none)
  let headTree: ObjectId | null = null;
  if (headId && cache.head?.snapshot === headId) headTree = cache.head.tree;
  else if (headId) headTree = decodeSnapshot(await vault.db.readTyped(headId, 'snapshot'), headId).tree;
  const skipped: Skipped[] = [];
  const hashed = await hashWorktree({
    vault,
    store: false,
    cache,
    releaseCache: true, // nothing saves this cache; its tree stays
    onProgress: opts.onProgress,
    onSkip: (path, reason, kind) => {
      skipped.push({ path, reason, kind });
      opts.onSkip?.(path, reason, kind);
    },
    onGitFolder: opts.onGitFolder,
  });
  // like an unchanged commit: entries that give the tree the stat cache recorded, and it is HEAD's, are clean
  // without reading HEAD's trees
  const tree = hashed.cache.tree;
  const unchanged = headTree !== null && tree?.digest === hashed.digest && tree.id === headTree;
  // otherwise only the folders whose tree differs from HEAD's are compared (see diffWorkList)
  const { before, after } = unchanged
    ? { before: new Map<string, FlatEntry>(), after: new Map<string, FlatEntry>() }
    : await diffWorkList(vault.db, headTree, hashed.list);
  // what could not be read is not deleted: leave it (and what is under an unreadable folder) out of the comparison
  for (const sk of skipped) {
    if (sk.kind !== 'unreadable' && sk.kind !== 'changed') continue;
    for (const p of before.keys()) if (p === sk.path || p.startsWith(`${sk.path}/`)) before.delete(p);
  }
  const d = diffFlat(before, after);
  const result: Omit<StatusResult, 'worktree'> = {
    head: headId,
    ...d,
    clean: d.added.length + d.modified.length + d.deleted.length + d.renamed.length === 0,
    skipped,
    complete: !incomplete(skipped),
  };
  // made when asked for (restore does), and not enumerable: spreading the result ({ ...st }) must not build an
  // object per path
  return Object.defineProperty(result, 'worktree', { get: () => hashed.entries, enumerable: false }) as StatusResult;
}
