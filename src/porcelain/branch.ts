import { InvalidRefError, VaultError } from '../errors.js';
import { byCodeUnits } from '../compare.js';
import type { ObjectId } from '../objects/types.js';
import { badRefName, listRefs, readHead, readRef, updateRef } from '../refs/refs.js';
import { SnapshotReader, isAncestor } from './merge/mergeBase.js';
import type { Vault } from './openVault.js';
import { shallowSnapshots } from './sync/shallow.js';
import { readSnapshot } from './readSnapshot.js';
import { allTracking } from './sync/tracking.js';

/** A line of history: `refs/heads/NAME`, moved by every commit made while it is checked out. */
export interface Branch {
  readonly name: string;
  readonly id: ObjectId;
  /** the branch HEAD points at */
  readonly current: boolean;
}

export interface BranchList {
  /** the branch HEAD points at (it may have no snapshot yet), or null when HEAD is detached */
  readonly current: string | null;
  readonly head: ObjectId | null;
  readonly branches: readonly Branch[];
  /** every remote's branches as last fetched or pushed (`origin/feature`), sorted by name */
  readonly remotes: readonly { readonly name: string; readonly id: ObjectId }[];
}

const short = (ref: string) => ref.replace(/^refs\/heads\//, '');

/** The full ref of a branch name, checked (EBADREF). */
export function branchRef(name: string): string {
  const ref = `refs/heads/${name}`;
  const bad = badRefName(ref);
  if (bad || name.startsWith('-') || name === 'HEAD') throw new InvalidRefError(ref, bad ?? 'not a branch name');
  return ref;
}

export async function listBranches(opts: { vault: Vault }): Promise<BranchList> {
  const { vault } = opts;
  const head = await readHead(vault.refs);
  const refs = await listRefs(vault.refs, 'refs/heads/');
  const branches = [...refs].map(([ref, id]) => ({ name: short(ref), id, current: ref === head.ref }));
  const remotes: { name: string; id: ObjectId }[] = [];
  for (const [remote, heads] of await allTracking(vault.fs, vault.vaultDir))
    for (const [b, id] of heads) remotes.push({ name: `${remote}/${b}`, id });
  remotes.sort((a, b) => byCodeUnits(a.name, b.name));
  return { current: head.ref ? short(head.ref) : null, head: head.id, branches, remotes };
}

export interface CreateBranchOptions {
  vault: Vault;
  name: string;
  /** where it starts (default HEAD) */
  start?: string;
  /** move an existing branch (never the current one) */
  force?: boolean;
}

/** `vault branch NAME [START]`: a new branch at a snapshot; HEAD stays where it is. */
export async function createBranch(opts: CreateBranchOptions): Promise<Branch> {
  const { vault } = opts;
  const ref = branchRef(opts.name);
  const id = (await readSnapshot(vault, opts.start ?? 'HEAD')).id;
  const old = await readRef(vault.refs, ref);
  if (old && !opts.force)
    throw new VaultError(
      'EEXIST',
      `a branch named ${opts.name} already exists (at ${old.slice(0, 12)})`,
      { ref },
      'pick another name, or pass --force to move it',
    );
  if (old && (await readHead(vault.refs)).ref === ref) throw currentError(opts.name, 'move');
  await updateRef({
    ...vault.refs,
    ref,
    value: id,
    expected: old,
    message: `branch: ${old ? 'reset' : 'created'} at ${opts.start ?? 'HEAD'}`,
    author: vault.author,
    time: vault.clock(),
  });
  return { name: opts.name, id, current: false };
}

function currentError(name: string, what: string): VaultError {
  return new VaultError(
    'ECURRENT',
    `cannot ${what} the branch ${name}: it is the one checked out`,
    { branch: name },
    "switch to another branch first ('vault switch OTHER')",
  );
}

export interface DeleteBranchOptions {
  vault: Vault;
  name: string;
  /** delete it even when its snapshots are in no other branch (git's -D) */
  force?: boolean;
}

/**
 * `vault branch -d NAME`: remove a branch. Refused for the current branch (ECURRENT) and, without
 * force, for a branch whose snapshot is not in the history of HEAD or of another branch (EUNMERGED):
 * deleting it would leave that work to prune.
 */
export async function deleteBranch(opts: DeleteBranchOptions): Promise<Branch> {
  const { vault } = opts;
  const ref = branchRef(opts.name);
  const id = await readRef(vault.refs, ref);
  if (!id) throw new VaultError('ENOREF', `no branch named ${opts.name}`, { ref }, "run 'vault branch' to list them");
  const list = await listBranches({ vault });
  if (list.current === opts.name) throw currentError(opts.name, 'delete');
  if (
    !opts.force &&
    !(await kept(vault, id, [list.head, ...list.branches.filter((b) => b.name !== opts.name).map((b) => b.id)]))
  )
    throw new VaultError(
      'EUNMERGED',
      `the branch ${opts.name} has snapshots that are in no other branch`,
      { ref, id },
      `merge it first ('vault merge ${opts.name}'), or delete it anyway with -D`,
    );
  await updateRef({
    ...vault.refs,
    ref,
    value: null,
    expected: id,
    message: 'branch: deleted',
    author: vault.author,
    time: vault.clock(),
  });
  return { name: opts.name, id, current: false };
}

async function kept(vault: Vault, id: ObjectId, others: readonly (ObjectId | null)[]): Promise<boolean> {
  const reader = new SnapshotReader(vault.db, await shallowSnapshots(vault.fs, vault.vaultDir));
  for (const o of others) if (o && (await isAncestor(reader, id, o))) return true;
  return false;
}
