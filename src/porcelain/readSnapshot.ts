import { decodeSnapshot } from '../objects/snapshot.js';
import type { ObjectId, Snapshot } from '../objects/types.js';
import { revParse } from '../refs/revParse.js';
import type { Vault } from './openVault.js';

export interface ResolvedSnapshot extends Snapshot {
  readonly id: ObjectId;
}

/** Resolve a snapshot name (id, prefix, ref, HEAD~N) and read it. */
export async function readSnapshot(vault: Vault, rev: string): Promise<ResolvedSnapshot> {
  const id = await revParse({ ...vault.refs, db: vault.db }, rev);
  return { id, ...decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id) };
}
