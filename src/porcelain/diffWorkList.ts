import type { ObjectId } from '../objects/types.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import { flattenTree, readTree, type FlatEntry } from '../plumbing/trees.js';
import type { WorkList } from '../plumbing/workList.js';
import { writeListTrees } from '../plumbing/writeListTrees.js';

/**
 * The entries of HEAD's tree and of a hashed work list that can differ, as
 * two maps for diffFlat (which gives the same changes from them as from every
 * entry): the work list's folders get their tree ids (computed, not stored),
 * and a folder whose id is the one HEAD's tree names there is skipped whole.
 * Only the folders on the way to a change are read from HEAD, and only their
 * entries are made as objects: a status with one changed file among a million
 * holds a few hundred entries, not two million.
 */
export async function diffWorkList(
  db: ObjectDatabase,
  headTree: ObjectId | null,
  list: WorkList,
): Promise<{ before: Map<string, FlatEntry>; after: Map<string, FlatEntry> }> {
  const n = list.length;
  const treeIds = new Map<number, ObjectId>();
  const root = await writeListTrees(list, null, (row, id) => treeIds.set(row, id));
  const before = new Map<string, FlatEntry>();
  const after = new Map<string, FlatEntry>();
  if (root === headTree) return { before, after };
  // children of each folder row (row + 1; 0 is the project folder), as linked lists
  const first = new Int32Array(n + 1).fill(-1);
  const last = new Int32Array(n + 1).fill(-1);
  const next = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (list.gone(i) || (!list.isDir(i) && !list.hasId(i))) continue;
    const p = list.parent(i) + 1;
    if (last[p]! < 0) first[p] = i;
    else next[last[p]!] = i;
    last[p] = i;
  }
  const entryOf = (i: number, path: string): FlatEntry =>
    list.isDir(i)
      ? { path, kind: 'dir', size: 0, mtime: 0, obj: 'tree', id: treeIds.get(i)! }
      : {
          path,
          kind: list.kind(i),
          size: list.treeSize(i),
          mtime: Math.trunc(list.mtimeMs(i)),
          obj: list.obj(i),
          id: list.id(i),
        };
  /** every row under a folder row, in walk order */
  const addAll = (dir: number, base: string): void => {
    for (let c = first[dir + 1]!; c >= 0; c = next[c]!) {
      const path = `${base}/${list.name(c)}`;
      after.set(path, entryOf(c, path));
      if (list.isDir(c)) addAll(c, path);
    }
  };
  const removeAll = async (id: ObjectId, path: string): Promise<void> => {
    for (const [p, e] of await flattenTree(db, id, path)) before.set(p, e);
  };
  const compare = async (headId: ObjectId | null, dir: number, base: string): Promise<void> => {
    const join = (name: string) => (base ? `${base}/${name}` : name);
    const old = new Map((headId ? (await readTree(db, headId)).entries : []).map((e) => [e.name, e]));
    for (let c = first[dir + 1]!; c >= 0; c = next[c]!) {
      const name = list.name(c);
      const path = join(name);
      const o = old.get(name);
      old.delete(name);
      const mine = entryOf(c, path);
      if (o && o.kind === 'dir' && mine.kind === 'dir') {
        if (o.id !== mine.id) await compare(o.id, c, path);
        continue;
      }
      if (o && o.kind === mine.kind && o.id === mine.id) continue;
      after.set(path, mine);
      if (mine.kind === 'dir') addAll(c, path);
      if (o) {
        before.set(path, { path, kind: o.kind, size: o.size, mtime: o.mtime, obj: o.obj, id: o.id });
        if (o.kind === 'dir') await removeAll(o.id, path);
      }
    }
    for (const o of old.values()) {
      const path = join(o.name);
      before.set(path, { path, kind: o.kind, size: o.size, mtime: o.mtime, obj: o.obj, id: o.id });
      if (o.kind === 'dir') await removeAll(o.id, path);
    }
  };
  await compare(headTree, -1, '');
  return { before, after };
}
