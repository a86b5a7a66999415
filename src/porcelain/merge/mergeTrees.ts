/**
 * Three-way merge of two snapshots' trees against their merge base, path by path, with exact
 * renames followed (a file one side renamed and the other changed ends at the new name with the
 * change). Pure: it takes flat listings and says what the result holds, which paths need their
 * content merged (changed on both sides) and which are conflicts at the tree level.
 */
import type { EntryKind } from '../../objects/types.js';
import type { FlatEntry } from '../../plumbing/trees.js';
import { diffFlat } from '../diffTrees.js';

export type Side = 'ours' | 'theirs';

export type ConflictKind =
  /** both sides changed the file differently */
  | 'content'
  /** both sides added a file at the same path, with different content */
  | 'add/add'
  /** one side deleted the file, the other changed it */
  | 'delete/modify'
  /** one side deleted the file, the other renamed it */
  | 'rename/delete'
  /** both sides renamed the file, to different names */
  | 'rename/rename'
  /** one side has a file where the other has a folder */
  | 'file/folder';

/** A conflict the trees alone show. Each side's entry carries its own path (where that side has it). */
export interface TreeConflict {
  /** where the conflict is in the result (ours' path when the sides disagree on the name) */
  readonly path: string;
  readonly kind: ConflictKind;
  readonly base: FlatEntry | null;
  /** null: ours deleted it (or has a folder there, for file/folder) */
  readonly ours: FlatEntry | null;
  readonly theirs: FlatEntry | null;
  /** file/folder: files of the folder side under `path` (they stay in the result) */
  readonly folder?: readonly string[];
}

/**
 * A file both sides changed (or added) differently: its content is merged next (text, a file merger) or is a conflict.
 */
export interface ContentMerge {
  readonly path: string;
  readonly base: FlatEntry | null;
  readonly ours: FlatEntry;
  readonly theirs: FlatEntry;
  /** the kind the result has (the exec bit merged on its own) */
  readonly kind: EntryKind;
}

export interface Rename {
  readonly from: string;
  readonly to: string;
  /** the side that renamed it */
  readonly side: Side;
}

export interface TreeMerge {
  /** the result, where it is clear: files, symlinks and folders that stay */
  readonly entries: Map<string, FlatEntry>;
  readonly contents: readonly ContentMerge[];
  readonly conflicts: readonly TreeConflict[];
  /** renames followed into the result */
  readonly renames: readonly Rename[];
  /** how the result was reached where it is not simply ours: notes for the user */
  readonly notes: readonly string[];
}

type Listing = ReadonlyMap<string, FlatEntry>;

export interface MergeTreesInput {
  readonly base: Listing;
  readonly ours: Listing;
  readonly theirs: Listing;
}

const same = (a: FlatEntry | null | undefined, b: FlatEntry | null | undefined): boolean =>
  !!a && !!b && a.id === b.id && a.kind === b.kind;

const isFile = (e: FlatEntry | undefined): e is FlatEntry => !!e && e.kind !== 'dir';

/** base path -> new path, for exact renames (empty files are not renames: any two are "the same"). */
function renamesOf(base: Listing, side: Listing): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of diffFlat(base, side).renamed) if ((r.oldSize ?? 0) > 0) out.set(r.from!, r.path);
  return out;
}

/** One file's three versions, each at the path its side has it (null: that side has no such file). */
interface Item {
  readonly base: FlatEntry | null;
  readonly ours: FlatEntry | null;
  readonly theirs: FlatEntry | null;
}

/** The result for one item. `side`: whose name and version a clean result is. */
type Outcome =
  | { readonly t: 'clean'; readonly entry: FlatEntry; readonly side: Side; readonly note?: string }
  | { readonly t: 'gone' }
  | { readonly t: 'content'; readonly merge: ContentMerge }
  | { readonly t: 'conflict'; readonly conflict: TreeConflict };

/** Pair up every file of the three listings: by path, and base files with where each side renamed them. */
function items(input: MergeTreesInput): { list: Item[]; renames: Rename[] } {
  const { base, ours, theirs } = input;
  const ro = renamesOf(base, ours);
  const rt = renamesOf(base, theirs);
  const list: Item[] = [];
  const usedO = new Set<string>();
  const usedT = new Set<string>();
  const on = (side: Listing, p: string | undefined, used: Set<string>): FlatEntry | null => {
    const e = p === undefined ? undefined : side.get(p);
    if (!isFile(e)) return null;
    used.add(e.path);
    return e;
  };
  for (const [p, b] of base) {
    if (!isFile(b)) continue;
    const o = on(ours, isFile(ours.get(p)) ? p : ro.get(p), usedO);
    const t = on(theirs, isFile(theirs.get(p)) ? p : rt.get(p), usedT);
    list.push({ base: b, ours: o, theirs: t });
  }
  for (const [p, o] of ours) {
    if (!isFile(o) || usedO.has(p)) continue;
    usedO.add(p);
    list.push({ base: null, ours: o, theirs: usedT.has(p) ? null : on(theirs, p, usedT) });
  }
  for (const [p, t] of theirs) if (isFile(t) && !usedT.has(p)) list.push({ base: null, ours: null, theirs: t });
  const renames: Rename[] = [];
  for (const [from, to] of ro) renames.push({ from, to, side: 'ours' });
  for (const [from, to] of rt) renames.push({ from, to, side: 'theirs' });
  return { list, renames };
}

/** git's three-way rule on one value: unchanged on a side takes the other side's; equal changes are fine. */
function pick<T>(b: T | undefined, o: T, t: T): { value: T } | null {
  if (o === t) return { value: o };
  if (o === b) return { value: t };
  if (t === b) return { value: o };
  return null;
}

/** Both sides have the file (maybe under different names). */
function bothHave(b: FlatEntry | null, o: FlatEntry, t: FlatEntry): Outcome {
  let name: string;
  if (o.path === t.path) name = o.path;
  else if (b && o.path === b.path) name = t.path;
  else if (b && t.path === b.path) name = o.path;
  else return { t: 'conflict', conflict: { path: o.path, kind: 'rename/rename', base: b, ours: o, theirs: t } };
  const at = (e: FlatEntry): FlatEntry => (e.path === name ? e : { ...e, path: name });
  const nameSide: Side = name === o.path ? 'ours' : 'theirs';
  if (same(o, t)) return { t: 'clean', entry: at(nameSide === 'ours' ? o : t), side: nameSide };
  // a rename on one side and a change on the other: the change follows the file to its new name
  const followed = (who: string) => `${who} change to ${b!.path} followed the rename to ${name}`;
  if (same(o, b))
    return { t: 'clean', entry: at(t), side: 'theirs', note: o.path !== t.path ? followed('their') : undefined };
  if (same(t, b))
    return { t: 'clean', entry: at(o), side: 'ours', note: o.path !== t.path ? followed('our') : undefined };
  const content = pick(b?.id, o.id, t.id);
  // symlinks and files never mix: a kind change to or from a symlink is a change of content
  const mixed = [b?.kind, o.kind, t.kind].includes('symlink') && new Set([b?.kind ?? o.kind, o.kind, t.kind]).size > 1;
  const kind = mixed ? null : pick(b?.kind, o.kind, t.kind);
  if (content && kind) {
    const from = content.value === o.id ? o : t;
    return { t: 'clean', entry: at({ ...from, kind: kind.value }), side: from === o ? 'ours' : 'theirs' };
  }
  // the exec bit changed on both sides differently: ours wins it (a content merge still decides the bytes)
  return {
    t: 'content',
    merge: { path: name, base: b, ours: at(o), theirs: at(t), kind: mixed ? o.kind : (kind?.value ?? o.kind) },
  };
}

/** One side has no file: deleted it (base exists) or never had it (added on the other side). */
function oneHas(b: FlatEntry | null, o: FlatEntry | null, t: FlatEntry | null): Outcome {
  const kept = (o ?? t)!;
  const side: Side = o ? 'ours' : 'theirs';
  if (!b) return { t: 'clean', entry: kept, side };
  const renamed = kept.path !== b.path;
  if (!renamed && same(kept, b)) return { t: 'gone' }; // deleted on one side, untouched on the other
  const kind = renamed && same({ ...kept, path: b.path }, b) ? 'rename/delete' : 'delete/modify';
  return { t: 'conflict', conflict: { path: kept.path, kind, base: b, ours: o, theirs: t } };
}

function outcome(i: Item): Outcome {
  if (i.ours && i.theirs) return bothHave(i.base, i.ours, i.theirs);
  if (i.ours || i.theirs) return oneHas(i.base, i.ours, i.theirs);
  return { t: 'gone' };
}

/** Folders (kept for the empty ones): present on both sides, or added on one and not removed by the other. */
function folders(input: MergeTreesInput): FlatEntry[] {
  const { base, ours, theirs } = input;
  const dir = (m: Listing, p: string) => m.get(p)?.kind === 'dir';
  const out: FlatEntry[] = [];
  for (const p of new Set([...ours.keys(), ...theirs.keys()])) {
    const [b, o, t] = [dir(base, p), dir(ours, p), dir(theirs, p)];
    if ((o && t) || (o && !b) || (t && !b)) out.push((o ? ours : theirs).get(p)!);
  }
  return out;
}

function claimPath(o: Outcome): string | null {
  if (o.t === 'clean') return o.entry.path;
  if (o.t === 'content') return o.merge.path;
  if (o.t === 'conflict') return o.conflict.path;
  return null;
}

/**
 * Two outcomes for one path (a rename onto a path the other side added, two files renamed to one
 * name): equal versions are one; else ours' stays and theirs' is an add/add conflict there.
 */
function collide(path: string, a: Outcome, b: Outcome): Outcome {
  if (a.t === 'clean' && b.t === 'clean' && same(a.entry, b.entry)) return a;
  const version = (o: Outcome, side: Side) =>
    versionOf(o, side) ?? (o.t === 'conflict' ? (o.conflict.ours ?? o.conflict.theirs) : null);
  const oursFirst = a.t === 'clean' ? a.side === 'ours' : true;
  const [x, y] = oursFirst ? [a, b] : [b, a];
  const ours = version(x, 'ours');
  const theirs = version(y, 'theirs');
  const at = (e: FlatEntry | null) => (e ? { ...e, path } : null);
  return { t: 'conflict', conflict: { path, kind: 'add/add', base: null, ours: at(ours), theirs: at(theirs) } };
}

const fileSide = (ours: Listing, p: string): Side => (isFile(ours.get(p)) ? 'ours' : 'theirs');

/** One side's version in an outcome (a clean one has one version). */
function versionOf(o: Outcome, side: Side): FlatEntry | null {
  switch (o.t) {
    case 'clean':
      return o.entry;
    case 'content':
      return o.merge[side];
    case 'conflict':
      return o.conflict[side];
    case 'gone':
      return null;
  }
}

/** A file where the result has files below it: the folder stays, the file is set aside as a conflict. */
function fileFolder(claims: Map<string, Outcome>, ours: Listing): TreeConflict[] {
  const out: TreeConflict[] = [];
  const paths = [...claims.keys()].sort();
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i]!;
    const below = [];
    for (let j = i + 1; j < paths.length && paths[j]!.startsWith(`${p}/`); j++) below.push(paths[j]!);
    if (!below.length) continue;
    const o = claims.get(p)!;
    claims.delete(p);
    const side: Side = o.t === 'clean' ? o.side : fileSide(ours, p);
    const entry = versionOf(o, side);
    out.push({
      path: p,
      kind: 'file/folder',
      base: null,
      ours: side === 'ours' ? entry : null,
      theirs: side === 'theirs' ? entry : null,
      folder: below,
    });
  }
  return out;
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) out.push(path.slice(0, i));
  return out;
}

/** Merge three flat listings (see TreeMerge). */
export function mergeTrees(input: MergeTreesInput): TreeMerge {
  const { list, renames } = items(input);
  const claims = new Map<string, Outcome>();
  const notes: string[] = [];
  for (const i of list) {
    const o = outcome(i);
    const path = claimPath(o);
    if (path === null) continue;
    const prev = claims.get(path);
    claims.set(path, prev ? collide(path, prev, o) : o);
  }
  const conflicts: TreeConflict[] = fileFolder(claims, input.ours);
  const entries = new Map<string, FlatEntry>();
  const contents: ContentMerge[] = [];
  for (const o of claims.values()) {
    if (o.t === 'clean') entries.set(o.entry.path, o.entry);
    else if (o.t === 'content') contents.push(o.merge);
    else if (o.t === 'conflict') conflicts.push(o.conflict);
  }
  const taken = new Set(claims.keys());
  for (const c of conflicts) taken.add(c.path);
  for (const o of claims.values()) if (o.t === 'clean' && o.note) notes.push(o.note);
  for (const d of folders(input)) {
    const fileAt = [d.path, ...ancestors(d.path)].find((a) => taken.has(a));
    if (fileAt === undefined) entries.set(d.path, d);
    else notes.push(`the folder ${d.path} gave way to the file ${fileAt}`);
  }
  conflicts.sort((a, b) => (a.path < b.path ? -1 : 1));
  contents.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { entries, contents, conflicts, renames, notes };
}
