import { VaultError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import type { Vault } from '../openVault.js';

/** Progress of push, fetch, pull and clone. */
export interface SyncProgress {
  readonly phase: 'connect' | 'prepare' | 'upload' | 'download' | 'import' | 'checkout' | 'done';
  /** objects handled so far and in all (0 when unknown) */
  readonly objects: number;
  readonly objectsTotal: number;
  readonly bytes: number;
  readonly bytesTotal: number;
}

export class DivergedError extends VaultError {
  constructor(ref: string, local: ObjectId | null, remote: ObjectId | string | null, remoteName: string, why: string) {
    super(
      'EDIVERGED',
      `${ref} has diverged from ${remoteName}: ${why}`,
      { ref, local, remote, remote_name: remoteName },
      `nothing changed here; the remote's snapshots are fetched (theirs: ${remote ? String(remote).slice(0, 12) : 'not fetched'}): 'vault pull ${remoteName}' without --ff-only merges them into yours, then 'vault push ${remoteName}'`,
    );
  }
}

/** A snapshot from a remote names a parent the remote did not send: its history is broken there. */
export class BrokenRemoteHistoryError extends VaultError {
  constructor(snapshot: ObjectId, parent: ObjectId, commit: string) {
    super(
      'ENOPARENT',
      `snapshot ${snapshot.slice(0, 12)} on the remote (git commit ${commit.slice(0, 12)}) names parent ${parent.slice(0, 12)}, which the remote does not hold`,
      { snapshot, parent, commit },
      'the remote was damaged or written by something other than Vault; nothing was imported from it. Push a good copy to it, or fetch from another remote',
    );
  }
}

/** Vault ref -> git ref. Milestones become tags under milestones/ so a web UI lists them. */
export function gitRefOf(ref: string): string | null {
  if (ref.startsWith('refs/heads/')) return ref;
  if (ref.startsWith('refs/milestones/')) return `refs/tags/milestones/${ref.slice('refs/milestones/'.length)}`;
  if (ref.startsWith('refs/tags/')) return ref.startsWith('refs/tags/milestones/') ? null : ref;
  // records kept beside the history (game builds, feedback, playtests): same name on the remote
  if (ref.startsWith('refs/notes/')) return ref;
  return null;
}

export function vaultRefOf(gitRef: string): string | null {
  if (gitRef.startsWith('refs/heads/')) return gitRef;
  if (gitRef.startsWith('refs/tags/milestones/'))
    return `refs/milestones/${gitRef.slice('refs/tags/milestones/'.length)}`;
  if (gitRef.startsWith('refs/tags/') && !gitRef.endsWith('^{}')) return gitRef;
  if (gitRef.startsWith('refs/notes/')) return gitRef;
  return null;
}

/** Whether `ancestor` is `id` or reachable from it through parents. */
export async function isAncestor(vault: Vault, ancestor: ObjectId, id: ObjectId): Promise<boolean> {
  const seen = new Set<ObjectId>();
  const queue = [id];
  while (queue.length) {
    const s = queue.pop()!;
    if (s === ancestor) return true;
    if (seen.has(s)) continue;
    seen.add(s);
    if (!(await vault.db.has(s))) continue;
    queue.push(...decodeSnapshot(await vault.db.readTyped(s, 'snapshot'), s).parents);
  }
  return false;
}
