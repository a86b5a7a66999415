import type { FlatEntry } from '../../plumbing/trees.js';
import { lookupPath } from '../../plumbing/trees.js';
import { diskPath } from '../../plumbing/diskPath.js';
import type { Vault } from '../openVault.js';
import { readSnapshot } from '../readSnapshot.js';
import { normalizeRel } from '../restore.js';
import { NoMergeError, NotAConflictError } from './errors.js';
import { freeCopyName } from './layout.js';
import { hasConflictMarkers } from './mergeText.js';
import { readMergeState, writeMergeState, type MergeConflict, type MergeState, type Resolution } from './state.js';
import { removePaths, writeEntries, type NotDone } from './worktree.js';

export interface ResolveOptions {
  vault: Vault;
  /** the conflict's path (or the path of its `~theirs` copy) */
  path: string;
  /**
   * ours / theirs: that side's version at its place, the other removed; both: ours in place and
   * theirs beside it as NAME~theirs.EXT; absent: the folder as it is now (after editing the file)
   */
  side?: 'ours' | 'theirs' | 'both';
}

export interface ResolveResult {
  readonly conflict: MergeConflict;
  readonly written: number;
  readonly removed: number;
  readonly notDone: readonly NotDone[];
  /** resolved as it is, and the file still holds conflict markers */
  readonly markersLeft: boolean;
}

/** What the folder should hold at each path of the conflict (null: nothing). */
type Want = Map<string, FlatEntry | null>;

const at = (e: FlatEntry, path: string): FlatEntry => (e.path === path ? e : { ...e, path });

/** Where a side's version belongs when that side is chosen. */
function home(c: MergeConflict, side: 'ours' | 'theirs'): string | null {
  if (side === 'ours') return c.ours?.path ?? null;
  if (!c.theirs) return null;
  return c.theirs.path === c.path ? c.path : (c.theirsCopy ?? c.theirs.path);
}

function fileFolder(c: MergeConflict, side: 'ours' | 'theirs'): Want {
  const want: Want = new Map();
  const fileSide = c.ours ? 'ours' : 'theirs';
  const copy = (c.oursCopy ?? c.theirsCopy)!;
  want.set(copy, null);
  if (side === fileSide) {
    for (const f of c.folder ?? []) want.set(f, null);
    want.set(c.path, at((c.ours ?? c.theirs)!, c.path));
  }
  return want;
}

async function wanted(vault: Vault, state: MergeState, c: MergeConflict, side: 'ours' | 'theirs' | 'both') {
  let conflict = c;
  if (c.kind === 'file/folder') return { want: side === 'both' ? new Map() : fileFolder(c, side), conflict };
  const want: Want = new Map();
  for (const p of [c.path, c.theirsCopy, c.oursCopy]) if (p) want.set(p, null);
  if (side !== 'both') {
    const h = home(c, side);
    const e = c[side];
    if (h && e) want.set(h, at(e, h));
    return { want, conflict };
  }
  if (c.ours) want.set(c.ours.path, c.ours);
  if (c.theirs) {
    let where = c.theirsCopy ?? (c.ours ? null : c.path);
    if (!where) {
      const taken = (p: string) => want.has(p) || state.created.includes(p) || state.changed.includes(p);
      where = await freeCopyName(vault, c.path, 'theirs', taken);
      conflict = { ...c, theirsCopy: where };
    }
    want.set(where, at(c.theirs, where));
  }
  return { want, conflict };
}

async function stillMarked(vault: Vault, c: MergeConflict): Promise<boolean> {
  if (!c.markers) return false;
  const text = await vault.fs.readFile(diskPath(vault.workTree, c.path)).catch(() => null);
  return text !== null && hasConflictMarkers(Buffer.from(text as Uint8Array).toString('latin1'));
}

/**
 * Settle one conflict of the merge in progress (git's checkout --ours/--theirs plus add): write the
 * chosen version(s) into the folder, remove the others (only paths of this conflict), and mark it
 * resolved. A resolved conflict may be resolved again another way until the merge is committed.
 */
export async function resolve(opts: ResolveOptions): Promise<ResolveResult> {
  const { vault } = opts;
  const state = await readMergeState(vault);
  if (!state) throw new NoMergeError('resolve');
  const path = normalizeRel(opts.path);
  const i = state.conflicts.findIndex((c) => [c.path, c.theirsCopy, c.oursCopy].includes(path));
  if (i < 0) throw new NotAConflictError(path);
  const before = state.conflicts[i]!;
  let conflict = before;
  let written = 0;
  let removed = 0;
  const notDone: NotDone[] = [];
  let touched: string[] = [];
  if (opts.side) {
    const w = await wanted(vault, state, before, opts.side);
    conflict = w.conflict;
    const gone = [...w.want].filter(([, e]) => !e).map(([p]) => p);
    const r = await removePaths(vault, gone, folderDirs(conflict, w.want));
    const wr = await writeEntries(
      vault,
      [...w.want.values()].filter((e): e is FlatEntry => !!e),
    );
    [written, removed] = [wr.written, r.removed];
    notDone.push(...r.notDone, ...wr.notDone);
    touched = [...w.want.keys()];
  }
  const resolution: Resolution = opts.side ?? 'as-is';
  const markersLeft = resolution === 'as-is' && (await stillMarked(vault, conflict));
  conflict = { ...conflict, resolved: notDone.length ? null : resolution };
  const conflicts = state.conflicts.map((c, j) => (j === i ? conflict : c));
  await writeMergeState(vault, { ...state, conflicts, ...(await track(vault, state, touched)) });
  return { conflict, written, removed, notDone, markersLeft };
}

/** A file/folder conflict settled for the file: the folder (and the folders in it) to remove once emptied. */
function folderDirs(c: MergeConflict, want: Want): string[] {
  if (c.kind !== 'file/folder' || !want.has(c.path)) return [];
  const dirs = new Set<string>([c.path]);
  for (const f of c.folder ?? [])
    for (let q = f.slice(0, f.lastIndexOf('/')); q.length > c.path.length; q = q.slice(0, q.lastIndexOf('/')))
      dirs.add(q);
  return [...dirs];
}

/** Paths a resolve touched that the state does not list yet, sorted into created and changed (for --abort). */
async function track(vault: Vault, state: MergeState, touched: readonly string[]) {
  const created = new Set(state.created);
  const changed = new Set(state.changed);
  const tree = (await readSnapshot(vault, state.ours)).tree;
  for (const p of touched) {
    if (created.has(p) || changed.has(p)) continue;
    if (await lookupPath(vault.db, tree, p)) changed.add(p);
    else created.add(p);
  }
  return { created: [...created].sort(), changed: [...changed].sort() };
}
