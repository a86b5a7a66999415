import { PathNotFoundError } from '../errors.js';
import { flattenTree, lookupPath, type FlatEntry } from '../plumbing/trees.js';
import type { Vault } from './openVault.js';
import { readSnapshot } from './readSnapshot.js';
import { normalizeRel } from './restore.js';

/** Everything under PATH in a snapshot (recursive), folders included. */
export async function ls(opts: {
  vault: Vault;
  rev: string;
  path?: string;
}): Promise<{ snapshot: string; entries: FlatEntry[] }> {
  const snap = await readSnapshot(opts.vault, opts.rev);
  const rel = normalizeRel(opts.path ?? '');
  const top = await lookupPath(opts.vault.db, snap.tree, rel);
  if (!top) throw new PathNotFoundError(rel, `snapshot ${snap.id.slice(0, 12)}`);
  if (top.kind !== 'dir') return { snapshot: snap.id, entries: [top] };
  const all = await flattenTree(opts.vault.db, top.id, rel);
  return { snapshot: snap.id, entries: [...all.values()] };
}
