import { MalformedObjectError } from '../errors.js';
import { decodeTree, encodeTree } from '../objects/tree.js';
import { hashObject } from '../objects/hashObject.js';
import type { EntryKind, EntryObj, ObjectId, Tree, TreeEntry } from '../objects/types.js';
import type { ObjectDatabase } from './ObjectDatabase.js';
import type { ObjectSink } from './storeFile.js';

/** One path of a snapshot, flattened: what a tree entry says, plus where it is. */
export interface FlatEntry {
  readonly path: string;
  readonly kind: EntryKind;
  readonly size: number;
  readonly mtime: number;
  readonly obj: EntryObj;
  readonly id: ObjectId;
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Write the tree objects for a flat listing of files, symlinks and folders
 * (folders listed so that empty ones survive) and return the root tree id.
 * Entries of kind 'dir' in `entries` need no id: it is computed here.
 */
export async function writeTrees(
  entries: Iterable<Omit<FlatEntry, 'id' | 'obj'> & { id?: ObjectId; obj?: EntryObj }>,
  sink: ObjectSink | null,
): Promise<ObjectId> {
  const children = new Map<string, TreeEntry[]>([['', []]]);
  const dirs: string[] = [];
  const leaves: { path: string; entry: Omit<TreeEntry, 'name'> }[] = [];
  for (const e of entries) {
    if (e.kind === 'dir') {
      dirs.push(e.path);
      if (!children.has(e.path)) children.set(e.path, []);
    } else {
      leaves.push({ path: e.path, entry: { kind: e.kind, size: e.size, mtime: e.mtime, obj: e.obj!, id: e.id! } });
    }
  }
  for (const l of leaves) {
    const p = parentOf(l.path);
    let list = children.get(p);
    if (!list) {
      // a file whose folder was not listed: create the chain of folders
      for (let d = p; d !== '' && !children.has(d); d = parentOf(d)) {
        children.set(d, []);
        dirs.push(d);
      }
      list = children.get(p)!;
    }
    list.push({ name: baseOf(l.path), ...l.entry });
  }
  // deepest folders first, so each child's id is known before its parent is written
  dirs.sort((a, b) => b.split('/').length - a.split('/').length);
  for (const d of [...dirs, '']) {
    const body = encodeTree({ entries: children.get(d)! });
    const id = hashObject('tree', body);
    if (sink && !(await sink.known(id))) await sink.put('tree', body, { id, compress: true });
    if (d !== '') {
      const p = parentOf(d);
      if (!children.has(p)) {
        children.set(p, []);
      }
      children.get(p)!.push({ name: baseOf(d), kind: 'dir', size: 0, mtime: 0, obj: 'tree', id });
    } else {
      return id;
    }
  }
  throw new Error('unreachable');
}

export async function readTree(db: ObjectDatabase, id: ObjectId): Promise<Tree> {
  return decodeTree(await db.readTyped(id, 'tree'), id);
}

/**
 * Every path under a tree, depth first, folders included. `seen` guards
 * against crafted trees that contain themselves.
 */
export async function flattenTree(db: ObjectDatabase, rootId: ObjectId, prefix = ''): Promise<Map<string, FlatEntry>> {
  const out = new Map<string, FlatEntry>();
  const walk = async (id: ObjectId, base: string, stack: Set<string>): Promise<void> => {
    if (stack.has(id)) {
      throw new MalformedObjectError('tree', `tree contains itself at '${base}'`, id);
    }
    stack.add(id);
    const tree = await readTree(db, id);
    for (const e of tree.entries) {
      const path = base ? `${base}/${e.name}` : e.name;
      out.set(path, { path, kind: e.kind, size: e.size, mtime: e.mtime, obj: e.obj, id: e.id });
      if (e.kind === 'dir') await walk(e.id, path, stack);
    }
    stack.delete(id);
  };
  await walk(rootId, prefix, new Set());
  return out;
}

/** Find one path in a tree without flattening all of it. */
export async function lookupPath(db: ObjectDatabase, rootId: ObjectId, path: string): Promise<FlatEntry | null> {
  if (path === '' || path === '.') return { path: '', kind: 'dir', size: 0, mtime: 0, obj: 'tree', id: rootId };
  let id = rootId;
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  for (let i = 0; i < parts.length; i++) {
    const tree = await readTree(db, id);
    const e = tree.entries.find((x) => x.name === parts[i]);
    if (!e) return null;
    if (i === parts.length - 1)
      return { path: parts.join('/'), kind: e.kind, size: e.size, mtime: e.mtime, obj: e.obj, id: e.id };
    if (e.kind !== 'dir') return null;
    id = e.id;
  }
  return null;
}
