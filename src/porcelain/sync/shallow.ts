import { VaultError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { isNotFound, joinPath, writeFileAtomic, type FsPromises } from '../../plumbing/fs.js';
import type { GitOid } from '../../plumbing/git/objects.js';

/**
 * A shallow vault (`vault clone --depth N` / `--since DATE`) holds only the newest snapshots of its
 * remote's history. `.vault/shallow` lists its boundary, one line per snapshot whose parents were not
 * fetched: `<git commit> <snapshot id>`. The commits are what git's shallow protocol names (they are
 * sent on every later fetch, so the server knows what is missing here); the snapshots are what log,
 * verify and restore stop at, saying the history is not here (ESHALLOW) rather than damaged.
 * `vault fetch --deepen N` fetches N more snapshots back and moves the boundary; when it reaches the
 * start of history the file goes.
 */

export function shallowPath(vaultDir: string): string {
  return joinPath(vaultDir, 'shallow');
}

/** The boundary: git commit -> snapshot (empty for a full vault). */
export async function readShallow(fs: FsPromises, vaultDir: string): Promise<Map<GitOid, ObjectId>> {
  const out = new Map<GitOid, ObjectId>();
  let text: string;
  try {
    text = ((await fs.readFile(shallowPath(vaultDir))) as Buffer).toString('utf8');
  } catch (e) {
    if (isNotFound(e)) return out;
    throw e;
  }
  for (const line of text.split('\n')) {
    const [, oid, id] = /^([0-9a-f]{40}) ([0-9a-f]{64})$/.exec(line.trim()) ?? [];
    if (oid && id) out.set(oid, id);
  }
  return out;
}

export async function writeShallow(fs: FsPromises, vaultDir: string, boundary: Map<GitOid, ObjectId>): Promise<void> {
  if (!boundary.size) {
    await fs.unlink(shallowPath(vaultDir)).catch((e) => {
      if (!isNotFound(e)) throw e;
    });
    return;
  }
  const lines = [...boundary].map(([c, s]) => `${c} ${s}\n`).sort();
  await writeFileAtomic(fs, shallowPath(vaultDir), lines.join(''));
}

/** The snapshots whose parents are not here (the boundary), for log, verify and restore. */
export async function shallowSnapshots(fs: FsPromises, vaultDir: string): Promise<Set<ObjectId>> {
  return new Set((await readShallow(fs, vaultDir)).values());
}

/** A snapshot is older than what this shallow vault fetched. */
export class ShallowHistoryError extends VaultError {
  constructor(id: ObjectId, what = 'snapshot') {
    super(
      'ESHALLOW',
      `${what} ${id.slice(0, 12)} is not here: this vault is a shallow clone and its history stops earlier`,
      { id },
      "fetch more history with 'vault fetch --deepen N' (or all of it: a new clone without --depth)",
    );
  }
}

/** A merge in a shallow clone: the two sides meet (if at all) below the boundary, in history not fetched. */
export class ShallowMergeError extends VaultError {
  constructor(boundary: ObjectId) {
    super(
      'ESHALLOW',
      `no common ancestor in the history this shallow clone holds (it stops at snapshot ${boundary.slice(0, 12)})`,
      { id: boundary },
      "fetch more history with 'vault fetch --deepen N' and merge again",
    );
  }
}

/** A shallow fetch would stop at a commit Vault did not make: its snapshot names parents that are not fetched. */
export class ShallowForeignError extends VaultError {
  constructor(commit: GitOid) {
    super(
      'ESHALLOW',
      `the shallow history would stop at git commit ${commit.slice(0, 12)}, which was not made by Vault: it cannot be imported without its parents`,
      { commit },
      'clone with a larger --depth (or an earlier --since), or without them',
    );
  }
}
