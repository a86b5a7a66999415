import { decodeSnapshot } from '../objects/snapshot.js';
import type { ObjectId, Snapshot } from '../objects/types.js';
import { revParse } from '../refs/revParse.js';
import type { VaultError } from '../errors.js';
import type { Vault } from './openVault.js';
import { ShallowHistoryError, shallowSnapshots } from './sync/shallow.js';

export interface ResolvedSnapshot extends Snapshot {
  readonly id: ObjectId;
}

/** Resolve a snapshot name (id, prefix, ref, HEAD~N) and read it. */
export async function readSnapshot(vault: Vault, rev: string): Promise<ResolvedSnapshot> {
  try {
    const id = await revParse({ ...vault.refs, db: vault.db }, rev);
    return { id, ...decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id) };
  } catch (e) {
    // in a shallow clone, a snapshot that is not here is most likely older than what was fetched
    const code = (e as VaultError).code;
    if (
      (code === 'ENOOBJECT' || (code === 'EUNKNOWNREV' && /^[0-9a-f]{7,64}$|[~^]/.test(rev))) &&
      (await shallowSnapshots(vault.fs, vault.vaultDir)).size
    )
      throw new ShallowHistoryError(rev, 'snapshot');
    throw e;
  }
}
