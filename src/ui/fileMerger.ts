import type { FileMerger } from '../porcelain/merge/mergeContent.js';
import type { Vault } from '../porcelain/openVault.js';

/**
 * The file merger `vault merge` (and `vault pull`) hands the merge: a persona's element-aware merge
 * of the formats it knows, loaded only when a merge meets a file both sides changed. Porcelain knows
 * no format and never imports a persona: this is the seam. None yet: the creative persona's
 * element merge (PSD, glTF, OBJ, .tscn) plugs in here once it is in main.
 */
export async function fileMergerFor(vault: Vault): Promise<FileMerger | undefined> {
  void vault;
  return undefined;
}
