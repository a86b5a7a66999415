import type { EntryKind, ObjectId } from '../objects/types.js';
import type { FlatEntry } from '../plumbing/trees.js';

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed';

export interface Change {
  readonly kind: ChangeKind;
  readonly path: string;
  /** renamed: where it was */
  readonly from?: string;
  readonly oldSize?: number;
  readonly newSize?: number;
  readonly oldId?: ObjectId;
  readonly newId?: ObjectId;
  readonly oldKind?: EntryKind;
  readonly newKind?: EntryKind;
}

export interface TreeDiff {
  readonly added: Change[];
  readonly modified: Change[];
  readonly deleted: Change[];
  readonly renamed: Change[];
}

/**
 * Compare two flat listings (folders ignored: a folder's change is its files').
 * A deleted and an added path with the same content and kind are a rename.
 */
export function diffFlat(before: ReadonlyMap<string, FlatEntry>, after: ReadonlyMap<string, FlatEntry>): TreeDiff {
  const added: Change[] = [];
  const modified: Change[] = [];
  const deleted: Change[] = [];
  const renamed: Change[] = [];
  for (const [p, a] of after) {
    if (a.kind === 'dir') continue;
    const b = before.get(p);
    if (!b || b.kind === 'dir') added.push({ kind: 'added', path: p, newSize: a.size, newId: a.id, newKind: a.kind });
    else if (b.id !== a.id || b.kind !== a.kind) modified.push({ kind: 'modified', path: p, oldSize: b.size, newSize: a.size, oldId: b.id, newId: a.id, oldKind: b.kind, newKind: a.kind });
  }
  const gone: FlatEntry[] = [];
  for (const [p, b] of before) {
    if (b.kind === 'dir') continue;
    const a = after.get(p);
    if (!a || a.kind === 'dir') gone.push(b);
  }
  // exact renames: same content id and kind
  const byId = new Map<string, Change[]>();
  for (const c of added) {
    const k = `${c.newId}:${c.newKind}`;
    const list = byId.get(k) ?? [];
    list.push(c);
    byId.set(k, list);
  }
  const renamedTo = new Set<string>();
  for (const b of gone) {
    const cands = byId.get(`${b.id}:${b.kind}`);
    const to = cands?.shift();
    if (to) {
      renamed.push({ kind: 'renamed', path: to.path, from: b.path, oldSize: b.size, newSize: to.newSize, oldId: b.id, newId: to.newId, oldKind: b.kind, newKind: to.newKind });
      renamedTo.add(to.path);
    } else {
      deleted.push({ kind: 'deleted', path: b.path, oldSize: b.size, oldId: b.id, oldKind: b.kind });
    }
  }
  const sort = (l: Change[]) => l.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { added: sort(added.filter((c) => !renamedTo.has(c.path))), modified: sort(modified), deleted: sort(deleted), renamed: sort(renamed) };
}
