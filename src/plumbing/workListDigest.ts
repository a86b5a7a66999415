import { nodeCrypto } from '../builtins.js';
import type { WorkList } from './workList.js';

/**
 * Digest of the hashed entries (see StatCache.tree): equal digests give equal trees. The SHA-256 of
 * `tree-v2\n` and the list's columns (WorkList.hashTreeColumns). A stat cache holding a digest of another
 * form (`tree-v1`, text lines) never matches: the first commit after an upgrade builds its trees once.
 */
export function digestOf(list: WorkList): string {
  const h = nodeCrypto().createHash('sha256').update('tree-v2\n');
  list.hashTreeColumns(h);
  return h.digest('hex');
}
