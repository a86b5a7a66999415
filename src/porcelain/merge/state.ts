/**
 * A merge in progress, kept in the vault folder like git's: `MERGE_HEAD` holds the snapshot being
 * merged (one id, a root that prune keeps), `MERGE_STATE` (JSON) everything else: where HEAD was,
 * the conflicts and how each was resolved, and which paths the merge wrote, for `--abort`. Both are
 * written atomically; MERGE_STATE is written last and removed first, so "a merge is in progress"
 * means MERGE_STATE exists.
 */
import { VaultError, fsError } from '../../errors.js';
import { isObjectId } from '../../objects/hashObject.js';
import type { ObjectId } from '../../objects/types.js';
import { isNotFound, joinPath, writeFileAtomic } from '../../plumbing/fs.js';
import type { FlatEntry } from '../../plumbing/trees.js';
import type { Vault } from '../openVault.js';
import type { ConflictKind } from './mergeTrees.js';

/** How a conflict was settled: a side, both (theirs kept beside ours), or the folder as the user left it. */
export type Resolution = 'ours' | 'theirs' | 'both' | 'as-is';

/** A conflict of a merge in progress, and where its versions are in the folder. */
export interface MergeConflict {
  /** the path to name in `vault resolve` */
  readonly path: string;
  readonly kind: ConflictKind;
  readonly base: FlatEntry | null;
  /** our version, at the path ours has it (null: ours deleted it, or has the folder of a file/folder conflict) */
  readonly ours: FlatEntry | null;
  readonly theirs: FlatEntry | null;
  /** where their version was put beside ours (NAME~theirs.EXT, or their name after renaming it differently) */
  readonly theirsCopy: string | null;
  /** file/folder, our file beside their folder: where it was put (NAME~ours) */
  readonly oursCopy: string | null;
  /** the file at `path` holds text conflict markers */
  readonly markers: boolean;
  /** file/folder: the folder side's files under `path` */
  readonly folder?: readonly string[];
  /** what a file merger or the text merge said */
  readonly report: readonly string[];
  readonly resolved: Resolution | null;
}

export interface MergeState {
  readonly version: 1;
  /** HEAD when the merge started: the merge snapshot's first parent */
  readonly ours: ObjectId;
  /** the snapshot merged in: the second parent */
  readonly theirs: ObjectId;
  /** names shown in messages and conflict markers (a branch, `HEAD`, `origin/main`) */
  readonly oursName: string;
  readonly theirsName: string;
  readonly bases: readonly ObjectId[];
  /** the merge snapshot's message */
  readonly message: string;
  readonly conflicts: readonly MergeConflict[];
  /** paths the merge (or a resolve) wrote where ours has nothing: `--abort` removes them */
  readonly created: readonly string[];
  /** paths of ours the merge changed or removed: `--abort` puts ours' version back */
  readonly changed: readonly string[];
}

const statePath = (vault: Vault) => joinPath(vault.vaultDir, 'MERGE_STATE');
const headPath = (vault: Vault) => joinPath(vault.vaultDir, 'MERGE_HEAD');

function damaged(why: string): VaultError {
  return new VaultError(
    'ECONFIG',
    `the merge state .vault/MERGE_STATE is invalid: ${why}`,
    { why },
    "remove .vault/MERGE_STATE and .vault/MERGE_HEAD to forget the merge, then 'vault restore HEAD --force'",
  );
}

function check(s: MergeState): MergeState {
  if (s?.version !== 1) throw damaged(`unknown version ${String(s?.version)}`);
  if (!isObjectId(s.ours) || !isObjectId(s.theirs)) throw damaged('ours or theirs is not a snapshot id');
  const strings = (x: unknown) => Array.isArray(x) && x.every((p) => typeof p === 'string');
  if (!Array.isArray(s.conflicts) || !strings(s.created) || !strings(s.changed)) throw damaged('missing lists');
  return s;
}

/** The merge in progress, or null when there is none. */
export async function readMergeState(vault: Vault): Promise<MergeState | null> {
  let raw: string;
  try {
    raw = (await vault.fs.readFile(statePath(vault), 'utf8')) as string;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw fsError(e, 'read', statePath(vault));
  }
  try {
    return check(JSON.parse(raw) as MergeState);
  } catch (e) {
    if (e instanceof VaultError) throw e;
    throw damaged((e as Error).message);
  }
}

export async function writeMergeState(vault: Vault, s: MergeState): Promise<void> {
  await writeFileAtomic(vault.fs, headPath(vault), `${s.theirs}\n`);
  await writeFileAtomic(vault.fs, statePath(vault), `${JSON.stringify(s, null, 1)}\n`);
}

export async function clearMergeState(vault: Vault): Promise<void> {
  for (const p of [statePath(vault), headPath(vault)])
    await vault.fs.unlink(p).catch((e) => {
      if (!isNotFound(e)) throw fsError(e, 'remove', p);
    });
}

/** The snapshot `.vault/MERGE_HEAD` names (a root for prune), or null. */
export async function readMergeHead(vault: Vault): Promise<ObjectId | null> {
  try {
    const id = ((await vault.fs.readFile(headPath(vault), 'utf8')) as string).trim();
    return isObjectId(id) ? id : null;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw fsError(e, 'read', headPath(vault));
  }
}

/** Conflicts not resolved yet. */
export function unresolved(s: MergeState): MergeConflict[] {
  return s.conflicts.filter((c) => !c.resolved);
}
