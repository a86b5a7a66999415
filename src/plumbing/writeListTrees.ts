import { hashObject } from '../objects/hashObject.js';
import { encodeTree } from '../objects/tree.js';
import type { ObjectId, TreeEntry } from '../objects/types.js';
import type { ObjectSink } from './storeFile.js';
import type { WorkList } from './workList.js';

/**
 * Write the tree objects of a hashed work list and return the root tree id:
 * the same trees writeTrees makes from the same entries, written as the walk
 * order closes each folder, so only the folders on the current path are held
 * as entry objects (not one object per file of the project). Rows that are
 * gone, and files without an id, are left out; every folder row is kept (an
 * empty folder survives). `onTree` hears each folder's tree id (row -1: the root).
 */
export async function writeListTrees(
  list: WorkList,
  sink: ObjectSink | null,
  onTree?: (row: number, id: ObjectId) => void,
): Promise<ObjectId> {
  const stack: { row: number; entries: TreeEntry[] }[] = [{ row: -1, entries: [] }];
  const close = async (): Promise<ObjectId> => {
    const frame = stack.pop()!;
    const body = encodeTree({ entries: frame.entries });
    const id = hashObject('tree', body);
    if (sink && !(await sink.known(id))) await sink.put('tree', body, { id, compress: true });
    onTree?.(frame.row, id);
    if (frame.row >= 0)
      stack[stack.length - 1]!.entries.push({
        name: list.name(frame.row),
        kind: 'dir',
        size: 0,
        mtime: 0,
        obj: 'tree',
        id,
      });
    return id;
  };
  for (let i = 0; i < list.length; i++) {
    if (list.gone(i)) continue;
    const dir = list.isDir(i);
    if (!dir && !list.hasId(i)) continue;
    const p = list.parent(i);
    while (stack[stack.length - 1]!.row !== p) {
      if (stack.length === 1) throw new Error(`work list row ${i} is not in walk order`);
      await close();
    }
    if (dir) stack.push({ row: i, entries: [] });
    else
      stack[stack.length - 1]!.entries.push({
        name: list.name(i),
        kind: list.kind(i),
        size: list.treeSize(i),
        mtime: Math.trunc(list.mtimeMs(i)),
        obj: list.obj(i),
        id: list.id(i),
      });
  }
  while (stack.length > 1) await close();
  return close();
}
