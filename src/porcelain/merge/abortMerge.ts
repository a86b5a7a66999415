import { flattenTree } from '../../plumbing/trees.js';
import { diskPath } from '../../plumbing/diskPath.js';
import type { Progress } from '../hashWorktree.js';
import type { Vault } from '../openVault.js';
import { readSnapshot } from '../readSnapshot.js';
import { NoMergeError } from './errors.js';
import { clearMergeState, readMergeState } from './state.js';
import { removePaths, writeEntries, type NotDone } from './worktree.js';

export interface AbortMergeOptions {
  vault: Vault;
  onProgress?: (p: Progress) => void;
}

export interface AbortMergeResult {
  /** paths put back as HEAD has them */
  readonly written: number;
  /** paths the merge had written (theirs' files, `~theirs` copies) removed */
  readonly removed: number;
  /** what could not be put back: the merge state is kept, run --abort again once it is fixed */
  readonly notDone: readonly NotDone[];
}

/**
 * Undo the merge in progress (git's merge --abort): every path the merge (or a resolve) wrote or
 * removed is put back as HEAD had it when the merge began, the paths it created are removed (empty
 * folders too), and the merge state is dropped. The merge started from a clean folder, so the
 * folder is then exactly as it was. Files the user added meanwhile stay; edits to paths the merge
 * wrote are discarded, as git does.
 */
export async function abortMerge(opts: AbortMergeOptions): Promise<AbortMergeResult> {
  const { vault } = opts;
  const state = await readMergeState(vault);
  if (!state) throw new NoMergeError('abort');
  const ours = await flattenTree(vault.db, (await readSnapshot(vault, state.ours)).tree);
  const files: string[] = [];
  const dirs = new Set<string>();
  for (const p of state.created) {
    if (ours.get(p)?.kind === 'dir') continue;
    const st = await vault.fs.lstat(diskPath(vault.workTree, p)).catch(() => null);
    if (st?.isDirectory()) dirs.add(p);
    else files.push(p);
    for (let q = p; q.includes('/');) {
      q = q.slice(0, q.lastIndexOf('/'));
      if (ours.get(q)?.kind !== 'dir') dirs.add(q);
    }
  }
  const gone = await removePaths(vault, files, [...dirs]);
  // conflicted paths too: ours stayed in place there, but the user may have edited it since
  const paths = new Set(state.changed);
  for (const c of state.conflicts)
    for (const p of [c.path, c.ours?.path, c.theirs?.path, c.theirsCopy, c.oursCopy]) if (p) paths.add(p);
  const back = [...paths].map((p) => ours.get(p)).filter((e) => e !== undefined);
  const w = await writeEntries(vault, back, opts.onProgress);
  const notDone = [...gone.notDone, ...w.notDone];
  if (!notDone.length) await clearMergeState(vault);
  return { written: w.written, removed: gone.removed, notDone };
}
