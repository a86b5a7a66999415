import { createTwoFilesPatch } from 'diff';
import { readStoredBytes } from '../plumbing/storedContent.js';
import type { ObjectId } from '../objects/types.js';
import { flattenTree, type FlatEntry } from '../plumbing/trees.js';
import { diskPath } from '../plumbing/diskPath.js';
import { diffFlat, type Change, type TreeDiff } from './diffTrees.js';
import { hashWorktree } from './hashWorktree.js';
import type { Vault } from './openVault.js';
import { readSnapshot } from './readSnapshot.js';

/** One side of a diff: a snapshot, or the working folder. */
export type DiffSide = { kind: 'snapshot'; rev: string } | { kind: 'worktree' };

export interface DiffOptions {
  vault: Vault;
  a: DiffSide;
  b: DiffSide;
  /** only paths under these prefixes */
  paths?: readonly string[];
}

export interface DiffResult extends TreeDiff {
  readonly a: ObjectId | 'worktree';
  readonly b: ObjectId | 'worktree';
}

async function sideEntries(
  vault: Vault,
  side: DiffSide,
): Promise<{ id: ObjectId | 'worktree'; map: Map<string, FlatEntry> }> {
  if (side.kind === 'worktree') {
    const h = await hashWorktree({ vault, store: false });
    const map = new Map<string, FlatEntry>();
    for (const e of h.entries) if (e.kind !== 'dir') map.set(e.path, e as FlatEntry);
    return { id: 'worktree', map };
  }
  const snap = await readSnapshot(vault, side.rev);
  return { id: snap.id, map: await flattenTree(vault.db, snap.tree) };
}

function under(paths: readonly string[] | undefined) {
  if (!paths?.length) return () => true;
  return (p: string) => paths.some((x) => p === x || p.startsWith(`${x.replace(/\/$/, '')}/`));
}

/** Files added, modified, deleted and renamed from side a to side b. */
export async function diff(opts: DiffOptions): Promise<DiffResult> {
  const [a, b] = [await sideEntries(opts.vault, opts.a), await sideEntries(opts.vault, opts.b)];
  const keep = under(opts.paths);
  const d = diffFlat(new Map([...a.map].filter(([p]) => keep(p))), new Map([...b.map].filter(([p]) => keep(p))));
  return { a: a.id, b: b.id, ...d };
}

const TEXT_MAX = 1024 * 1024;

/** The bytes of a stored file (blob or chunk list), for small files only. */
export function readStoredFile(vault: Vault, obj: 'blob' | 'chunklist' | 'tree', id: ObjectId): Promise<Buffer> {
  return readStoredBytes(vault.db, obj, id);
}

function looksText(b: Buffer): boolean {
  return !b.subarray(0, 8192).includes(0);
}

/**
 * A unified diff of a changed text file, or null when either side is binary
 * or larger than 1 MiB (then only sizes are shown).
 */
export async function textPatch(
  vault: Vault,
  c: Change,
  sides: { a: ObjectId | 'worktree'; b: ObjectId | 'worktree' },
): Promise<string | null> {
  const size = Math.max(c.oldSize ?? 0, c.newSize ?? 0);
  if (size > TEXT_MAX) return null;
  const load = async (side: 'a' | 'b'): Promise<Buffer> => {
    const id = side === 'a' ? c.oldId : c.newId;
    if (!id) return Buffer.alloc(0);
    const path = side === 'a' ? (c.from ?? c.path) : c.path;
    if (sides[side] === 'worktree') return (await vault.fs.readFile(diskPath(vault.workTree, path))) as Buffer;
    const kind = side === 'a' ? c.oldKind : c.newKind;
    if (kind === 'symlink') return vault.db.readTyped(id, 'blob');
    const obj = (await vault.db.typeOf(id)) === 'chunklist' ? 'chunklist' : 'blob';
    return readStoredFile(vault, obj, id);
  };
  const [x, y] = [await load('a'), await load('b')];
  if (!looksText(x) || !looksText(y)) return null;
  const from = c.kind === 'added' ? '/dev/null' : `a/${c.from ?? c.path}`;
  const to = c.kind === 'deleted' ? '/dev/null' : `b/${c.path}`;
  return createTwoFilesPatch(from, to, x.toString('utf8'), y.toString('utf8'), '', '', { context: 3 });
}
