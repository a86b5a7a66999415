import { VaultError } from '../errors.js';
import type { ObjectId } from '../objects/types.js';
import { flattenTree, type FlatEntry } from '../plumbing/trees.js';
import { readHead, readRef, writeHead } from '../refs/refs.js';
import { branchRef, createBranch } from './branch.js';
import type { Progress } from './hashWorktree.js';
import { DirtyFolderError, MergeInProgressError } from './merge/errors.js';
import { readMergeState } from './merge/state.js';
import { inTheWay, planUpdate, updateWorktree, type NotDone } from './merge/worktree.js';
import type { Vault } from './openVault.js';
import { readSnapshot } from './readSnapshot.js';
import { status } from './status.js';
import { allTracking } from './sync/tracking.js';

export interface SwitchOptions {
  vault: Vault;
  /** the branch to check out */
  name: string;
  /** create it first, at `start` (git's switch -c) */
  create?: boolean;
  start?: string;
  onProgress?: (p: Progress) => void;
}

export interface SwitchResult {
  readonly branch: string;
  readonly from: ObjectId | null;
  readonly to: ObjectId | null;
  readonly written: number;
  readonly removed: number;
  /** paths that could not be brought to the branch's version (HEAD is switched all the same) */
  readonly notDone: readonly NotDone[];
  /** the branch did not exist here and was made from this remote's branch (`origin/NAME`), as git does */
  readonly tracking?: string;
}

/**
 * A branch that is not here but on exactly one remote (as last fetched): `REMOTE/NAME`, or null. On
 * several remotes it is ambiguous: the error names them.
 */
async function remoteBranch(vault: Vault, name: string): Promise<string | null> {
  const found: string[] = [];
  for (const [remote, heads] of await allTracking(vault.fs, vault.vaultDir))
    if (heads.has(name)) found.push(`${remote}/${name}`);
  if (found.length > 1)
    throw new VaultError(
      'ENOREF',
      `no branch named ${name} here, and several remotes have one (${found.join(', ')})`,
      { ref: branchRef(name) },
      `pick one: 'vault switch -c ${name} ${found[0]}'`,
    );
  return found[0] ?? null;
}

async function listing(vault: Vault, id: ObjectId | null): Promise<Map<string, FlatEntry>> {
  return id ? flattenTree(vault.db, (await readSnapshot(vault, id)).tree) : new Map();
}

/**
 * `vault switch NAME`: check a branch out. The folder is brought from HEAD's snapshot to the
 * branch's (files the branch lacks are removed). Uncommitted changes are carried over when the
 * switch does not touch them, as git does; when it would (a changed file the branch changes too, a
 * file in the way of one the branch adds) nothing is done and EDIRTY names them.
 */
export async function switchBranch(opts: SwitchOptions): Promise<SwitchResult> {
  const { vault } = opts;
  const merging = await readMergeState(vault);
  if (merging) throw new MergeInProgressError(merging.theirsName, 'switch branches');
  const ref = branchRef(opts.name);
  let tracking: string | undefined;
  if (opts.create) await createBranch({ vault, name: opts.name, start: opts.start });
  else if (!(await readRef(vault.refs, ref)) && (await readHead(vault.refs)).ref !== ref) {
    // git's switch: a branch only a remote has is made here from the remote's, then checked out
    tracking = (await remoteBranch(vault, opts.name)) ?? undefined;
    if (tracking) await createBranch({ vault, name: opts.name, start: tracking });
  }
  const head = await readHead(vault.refs);
  const target = await readRef(vault.refs, ref);
  if (!target && head.ref !== ref)
    throw new VaultError(
      'ENOREF',
      `no branch named ${opts.name}`,
      { ref },
      `create it with 'vault switch -c ${opts.name}', or run 'vault branch' to list branches`,
    );
  const [from, to] = [await listing(vault, head.id), await listing(vault, target)];
  const plan = planUpdate(from, to);
  const touched = new Set([...plan.removeFiles, ...plan.write.map((e) => e.path)]);
  const st = await status({ vault });
  const dirty = [...st.added, ...st.modified, ...st.deleted, ...st.renamed].flatMap((c) =>
    c.from ? [c.path, c.from] : [c.path],
  );
  const blocked = new Set([...dirty.filter((p) => touched.has(p)), ...(await inTheWay(vault, from, to))]);
  if (blocked.size) throw new DirtyFolderError(`switch to ${opts.name}`, [...blocked].sort());
  const w = await updateWorktree({ vault, from, to, onProgress: opts.onProgress });
  await writeHead(vault.refs, ref);
  const done = { branch: opts.name, from: head.id, to: target, written: w.written, removed: w.removed };
  return { ...done, notDone: w.notDone, ...(tracking ? { tracking } : {}) };
}
