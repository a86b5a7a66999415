import type { ObjectId } from '../../objects/types.js';
import { flattenTree, type FlatEntry } from '../../plumbing/trees.js';
import type { Vault } from '../openVault.js';
import { readSnapshot } from '../readSnapshot.js';
import { mergeBases, type SnapshotReader } from './mergeBase.js';
import { mergeTrees } from './mergeTrees.js';

export interface VirtualBaseOptions {
  readonly vault: Vault;
  readonly reader: SnapshotReader;
  readonly bases: readonly ObjectId[];
  /** recursion depth (criss-crosses inside criss-crosses); past the limit the first base is used alone */
  readonly depth?: number;
}

const MAX_DEPTH = 8;

async function listing(vault: Vault, id: ObjectId): Promise<Map<string, FlatEntry>> {
  return flattenTree(vault.db, (await readSnapshot(vault, id)).tree);
}

/**
 * The base a merge compares both sides with. One merge base: its files. None (unrelated
 * histories): an empty folder. Several (criss-cross merges): they are merged with each other,
 * recursively against their own merge bases, into a virtual base, as git's recursive merge does;
 * where they conflict, their own base's version stands in (or nothing, when it has none). Pure
 * listing work: nothing is stored or written.
 */
export async function virtualBase(
  opts: VirtualBaseOptions,
): Promise<{ listing: Map<string, FlatEntry>; notes: string[] }> {
  const { vault, reader, bases } = opts;
  const depth = opts.depth ?? 0;
  if (!bases.length)
    return { listing: new Map(), notes: ['no common snapshot: merged as if both sides started empty'] };
  let acc = await listing(vault, bases[0]!);
  if (bases.length === 1) return { listing: acc, notes: [] };
  const notes =
    depth === 0
      ? [
          `criss-cross history: ${bases.length} merge bases (${bases.map((b) => b.slice(0, 12)).join(', ')}); ` +
            'merged into a virtual base (recursive merge)',
        ]
      : [];
  for (const next of bases.slice(1)) {
    const inner = await mergeBases(reader, bases[0]!, next);
    const innerBase =
      depth < MAX_DEPTH
        ? (await virtualBase({ vault, reader, bases: inner, depth: depth + 1 })).listing
        : await listing(vault, inner[0] ?? bases[0]!);
    const m = mergeTrees({ base: innerBase, ours: acc, theirs: await listing(vault, next) });
    acc = new Map(m.entries);
    for (const c of m.contents) if (c.base) acc.set(c.base.path, c.base);
    for (const c of m.conflicts) if (c.base && c.kind !== 'file/folder') acc.set(c.base.path, c.base);
  }
  return { listing: acc, notes };
}
