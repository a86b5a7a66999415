/**
 * Move the project folder from one listing to another (a merge, a resolve, an abort, a switch):
 * remove the files the new listing does not have, then write what differs through `restore` (its
 * checks: no writing through symlinks, names the disk cannot tell apart, temp file and rename).
 * Removal checks the same way: every folder on the way must be a real folder, and only files and
 * symlinks are removed (never followed); a folder goes only when it is empty.
 */
import { UnsafePathError, fsError } from '../../errors.js';
import { hashObject } from '../../objects/hashObject.js';
import { encodeSnapshot } from '../../objects/snapshot.js';
import { badStoredName } from '../../objects/tree.js';
import { diskPath } from '../../plumbing/diskPath.js';
import { isNotFound } from '../../plumbing/fs.js';
import { writeTrees, type FlatEntry } from '../../plumbing/trees.js';
import type { Progress } from '../hashWorktree.js';
import type { Vault } from '../openVault.js';
import { restore } from '../restore.js';

export type Listing = ReadonlyMap<string, FlatEntry>;

/** A path the update did not bring to its new state, and why. */
export interface NotDone {
  readonly path: string;
  readonly reason: string;
}

export interface UpdateWorktreeOptions {
  readonly vault: Vault;
  /** what the folder holds now (as far as the caller knows: HEAD's listing when the folder is clean) */
  readonly from: Listing;
  /** what it should hold */
  readonly to: Listing;
  /** only these paths (and what is under them); all when absent */
  readonly only?: ReadonlySet<string>;
  readonly onProgress?: (p: Progress) => void;
}

export interface UpdateWorktreeResult {
  readonly written: number;
  readonly removed: number;
  readonly notDone: readonly NotDone[];
}

const sameFile = (a: FlatEntry | undefined, b: FlatEntry | undefined) =>
  !!a && !!b && a.kind !== 'dir' && a.id === b.id && a.kind === b.kind;

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function inScope(only: ReadonlySet<string> | undefined, p: string): boolean {
  if (!only) return true;
  for (let q = p; q !== ''; q = parentOf(q)) if (only.has(q)) return true;
  return false;
}

/** What to remove (files, then folders deepest first) and what to write. */
export function planUpdate(from: Listing, to: Listing, only?: ReadonlySet<string>) {
  const removeFiles: string[] = [];
  const removeDirs: string[] = [];
  const write: FlatEntry[] = [];
  for (const [p, e] of from) {
    if (!inScope(only, p)) continue;
    const t = to.get(p);
    if (e.kind === 'dir') {
      if (t?.kind !== 'dir') removeDirs.push(p);
    } else if (!t || t.kind === 'dir') removeFiles.push(p);
  }
  for (const [p, e] of to) {
    if (!inScope(only, p)) continue;
    if (e.kind === 'dir' ? from.get(p)?.kind !== 'dir' : !sameFile(from.get(p), e)) write.push(e);
  }
  // folders emptied by removals that `to` does not need either
  const needed = new Set<string>();
  for (const p of to.keys()) for (let q = parentOf(p); q !== '' && !needed.has(q); q = parentOf(q)) needed.add(q);
  for (const p of removeFiles)
    for (let q = parentOf(p); q !== '' && !needed.has(q) && to.get(q)?.kind !== 'dir'; q = parentOf(q))
      if (!removeDirs.includes(q)) removeDirs.push(q);
  removeDirs.sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? 1 : -1));
  return { removeFiles, removeDirs: removeDirs.filter((d) => !needed.has(d)), write };
}

/** Bring the folder from `from` to `to` (see the file comment). What could not be done is returned, not thrown. */
export async function updateWorktree(opts: UpdateWorktreeOptions): Promise<UpdateWorktreeResult> {
  const plan = planUpdate(opts.from, opts.to, opts.only);
  const gone = await removePaths(opts.vault, plan.removeFiles, plan.removeDirs);
  const w = await writeEntries(opts.vault, plan.write, opts.onProgress);
  return { written: w.written, removed: gone.removed, notDone: [...gone.notDone, ...w.notDone] };
}

/** Remove files (and then folders, when empty). */
export async function removePaths(
  vault: Vault,
  files: readonly string[],
  dirs: readonly string[] = [],
): Promise<{ removed: number; notDone: NotDone[] }> {
  const notDone: NotDone[] = [];
  let removed = 0;
  for (const p of files) {
    const why = await removeFile(vault, p);
    if (why === null) removed++;
    else notDone.push({ path: p, reason: why });
  }
  const deepest = [...dirs].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const d of deepest) await removeEmptyDir(vault, d);
  return { removed, notDone };
}

/** Write entries (their objects are stored) into the folder, over whatever is there, through `restore`. */
export async function writeEntries(
  vault: Vault,
  entries: readonly FlatEntry[],
  onProgress?: (p: Progress) => void,
): Promise<{ written: number; notDone: NotDone[] }> {
  if (!entries.length) return { written: 0, notDone: [] };
  const id = await stageSnapshot(vault, entries);
  const r = await restore({ vault, snapshot: id, force: true, onProgress });
  const notDone: NotDone[] = [];
  for (const s of r.skipped) notDone.push({ path: s.path, reason: s.reason });
  for (const f of r.failures) notDone.push({ path: f.path, reason: f.reason });
  return { written: r.files - r.unchanged, notDone };
}

/** Paths `to` adds that something on disk already occupies (files .vaultignore leaves out of HEAD). */
export async function inTheWay(vault: Vault, from: Listing, to: Listing): Promise<string[]> {
  const out: string[] = [];
  for (const [p, e] of to) {
    if (e.kind === 'dir' || from.has(p)) continue;
    const st = await vault.fs.lstat(diskPath(vault.workTree, p)).catch(() => null);
    if (st) out.push(p);
  }
  return out;
}

/**
 * A snapshot holding only the entries to write (their objects are stored already), for `restore`.
 * No ref names it: prune drops it once it is older than its protection window.
 */
async function stageSnapshot(vault: Vault, entries: readonly FlatEntry[]): Promise<string> {
  const writer = vault.db.writer();
  try {
    const tree = await writeTrees(entries, writer);
    const body = encodeSnapshot({
      tree,
      parents: [],
      author: vault.author,
      time: vault.clock(),
      message: 'working folder of a merge (temporary)',
      meta: { 'vault.temporary': 'worktree' },
    });
    const id = hashObject('snapshot', body);
    if (!(await writer.known(id))) await writer.put('snapshot', body, { id, compress: true });
    await writer.flush();
    return id;
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

function checkPath(p: string): void {
  const parts = p.split('/');
  for (const part of parts) {
    const why = badStoredName(part, 'dir');
    if (why) throw new UnsafePathError(p, why);
  }
}

/**
 * Whether every folder on the way to `p` is a real folder: null when it is, 'gone' when one is missing, else why not.
 */
async function wayTo(vault: Vault, p: string): Promise<string | null> {
  checkPath(p);
  const parts = p.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const st = await lstatOrNull(vault, dir);
    if (!st) return 'gone';
    if (!st.isDirectory()) return `${dir} is not a folder (a symlink or file is in the way); not following it`;
  }
  return null;
}

async function lstatOrNull(vault: Vault, p: string) {
  return vault.fs.lstat(diskPath(vault.workTree, p)).catch((e) => {
    if (isNotFound(e)) return null;
    throw fsError(e, 'stat', p);
  });
}

/** null when the file is gone (removed now or already), else why it was left. */
export async function removeFile(vault: Vault, p: string): Promise<string | null> {
  const way = await wayTo(vault, p);
  if (way) return way === 'gone' ? null : way;
  const st = await lstatOrNull(vault, p);
  if (!st) return null;
  if (st.isDirectory()) return 'a folder is in its place';
  try {
    await vault.fs.unlink(diskPath(vault.workTree, p));
  } catch (e) {
    if (isNotFound(e)) return null;
    throw fsError(e, 'remove', p);
  }
  return null;
}

/** Remove a folder when it is empty (what else is in it is the user's: it stays). */
async function removeEmptyDir(vault: Vault, d: string): Promise<void> {
  if (await wayTo(vault, d)) return;
  const st = await lstatOrNull(vault, d);
  if (!st?.isDirectory()) return;
  await vault.fs.rmdir(diskPath(vault.workTree, d)).catch((e: NodeJS.ErrnoException) => {
    if (isNotFound(e) || e.code === 'ENOTEMPTY' || e.code === 'EEXIST') return;
    throw fsError(e, 'remove', d);
  });
}
