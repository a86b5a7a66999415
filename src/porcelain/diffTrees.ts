import type { EntryKind, ObjectId } from '../objects/types.js';
import { MalformedObjectError } from '../errors.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import { readTree, type FlatEntry } from '../plumbing/trees.js';
import { byCodeUnits } from '../compare.js';

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
    else if (b.id !== a.id || b.kind !== a.kind)
      modified.push({
        kind: 'modified',
        path: p,
        oldSize: b.size,
        newSize: a.size,
        oldId: b.id,
        newId: a.id,
        oldKind: b.kind,
        newKind: a.kind,
      });
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
      renamed.push({
        kind: 'renamed',
        path: to.path,
        from: b.path,
        oldSize: b.size,
        newSize: to.newSize,
        oldId: b.id,
        newId: to.newId,
        oldKind: b.kind,
        newKind: to.newKind,
      });
      renamedTo.add(to.path);
    } else {
      deleted.push({ kind: 'deleted', path: b.path, oldSize: b.size, oldId: b.id, oldKind: b.kind });
    }
  }
  const sort = (l: Change[]) => l.sort((x, y) => byCodeUnits(x.path, y.path));
  return {
    added: sort(added.filter((c) => !renamedTo.has(c.path))),
    modified: sort(modified),
    deleted: sort(deleted),
    renamed: sort(renamed),
  };
}

/**
 * diffFlat of two stored trees, reading only the folders that differ: a
 * subtree with the same id on both sides is skipped whole, so a commit that
 * changed one file reads the trees along that file's path, not the project's.
 */
export async function diffTreeIds(
  db: ObjectDatabase,
  before: ObjectId | null,
  after: ObjectId | null,
): Promise<TreeDiff> {
  const a = new Map<string, FlatEntry>();
  const b = new Map<string, FlatEntry>();
  const walk = async (x: ObjectId | null, y: ObjectId | null, base: string, depth: number): Promise<void> => {
    if (x === y) return;
    if (depth > 1000)
      throw new MalformedObjectError('tree', `trees nest deeper than 1000 folders at '${base}'`, y ?? x ?? undefined);
    const ex = new Map((x ? (await readTree(db, x)).entries : []).map((e) => [e.name, e]));
    const ey = new Map((y ? (await readTree(db, y)).entries : []).map((e) => [e.name, e]));
    for (const name of new Set([...ex.keys(), ...ey.keys()])) {
      const l = ex.get(name);
      const r = ey.get(name);
      if (l && r && l.id === r.id && l.kind === r.kind) continue;
      const path = base ? `${base}/${name}` : name;
      if (l && l.kind !== 'dir') a.set(path, { path, ...l });
      if (r && r.kind !== 'dir') b.set(path, { path, ...r });
      const ld = l?.kind === 'dir' ? l.id : null;
      const rd = r?.kind === 'dir' ? r.id : null;
      if (ld || rd) await walk(ld, rd, path, depth + 1);
    }
  };
  await walk(before, after, '', 0);
  return diffFlat(a, b);
}
