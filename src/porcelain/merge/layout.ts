/**
 * Where a merge's conflicts go in the project folder. A text file gets conflict markers in place; a
 * binary file keeps our version in place and theirs beside it as `NAME~theirs.EXT`; a file deleted
 * on one side and changed on the other stays, changed; a file renamed differently on each side is
 * there under both names; a file where the other side has a folder goes beside it as `NAME~ours` or
 * `NAME~theirs`. A copy's name is never one the merge, either side or the disk already uses: `-2`,
 * `-3`... is added until it is free.
 */
import type { FlatEntry } from '../../plumbing/trees.js';
import { diskPath } from '../../plumbing/diskPath.js';
import type { Vault } from '../openVault.js';
import type { ContentOutcome } from './mergeContent.js';
import type { Side, TreeConflict, TreeMerge } from './mergeTrees.js';
import type { MergeConflict } from './state.js';
import type { Listing } from './worktree.js';

/** `Art/hero.psd` -> `Art/hero~theirs.psd` (n > 1: `Art/hero~theirs-2.psd`); `README` -> `README~theirs`. */
export function copyName(path: string, side: Side, n = 1): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${dir}${stem}~${side}${n > 1 ? `-${n}` : ''}${ext}`;
}

export interface LayoutInput {
  readonly vault: Vault;
  readonly merge: TreeMerge;
  readonly contents: readonly ContentOutcome[];
  readonly ours: Listing;
  readonly theirs: Listing;
}

export interface Layout {
  /** what the folder holds once the merge is written (conflicts as described above) */
  readonly result: Map<string, FlatEntry>;
  readonly conflicts: MergeConflict[];
}

/** A free name beside `path` for one side's version (see the file comment). */
export async function freeCopyName(
  vault: Vault,
  path: string,
  side: Side,
  taken: (p: string) => boolean,
): Promise<string> {
  for (let n = 1; ; n++) {
    const c = copyName(path, side, n);
    if (taken(c)) continue;
    const onDisk = await vault.fs.lstat(diskPath(vault.workTree, c)).then(
      () => true,
      () => false,
    );
    if (!onDisk) return c;
  }
}

const at = (e: FlatEntry, path: string): FlatEntry => (e.path === path ? e : { ...e, path });

function blank(c: TreeConflict, report: readonly string[] = []): MergeConflict {
  return {
    path: c.path,
    kind: c.kind,
    base: c.base,
    ours: c.ours,
    theirs: c.theirs,
    theirsCopy: null,
    oursCopy: null,
    markers: false,
    ...(c.folder ? { folder: c.folder } : {}),
    report,
    resolved: null,
  };
}

/** Lay the merge out (see Layout). */
export async function layout(input: LayoutInput): Promise<Layout> {
  const result = new Map(input.merge.entries);
  const taken = (p: string) => result.has(p) || input.ours.has(p) || input.theirs.has(p);
  const copy = (path: string, side: Side) => freeCopyName(input.vault, path, side, taken);
  const conflicts: MergeConflict[] = [];
  for (const o of input.contents) {
    const m = o.merge;
    if (o.clean) {
      result.set(m.path, o.entry!);
      continue;
    }
    const kind = m.base ? 'content' : 'add/add';
    const c = blank({ path: m.path, kind, base: m.base, ours: m.ours, theirs: m.theirs }, o.report);
    if (o.markers) {
      result.set(m.path, o.entry!);
      conflicts.push({ ...c, markers: true });
      continue;
    }
    result.set(m.path, at(m.ours, m.path));
    const theirsCopy = await copy(m.path, 'theirs');
    result.set(theirsCopy, at(m.theirs, theirsCopy));
    conflicts.push({ ...c, theirsCopy });
  }
  for (const t of input.merge.conflicts) conflicts.push(await place(t, result, copy));
  conflicts.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { result, conflicts };
}

/** Put a tree conflict's versions in the result listing. */
async function place(
  t: TreeConflict,
  result: Map<string, FlatEntry>,
  copy: (path: string, side: Side) => Promise<string>,
): Promise<MergeConflict> {
  const c = blank(t);
  switch (t.kind) {
    case 'add/add':
    case 'content': {
      if (!t.ours || !t.theirs) break;
      result.set(t.path, at(t.ours, t.path));
      const theirsCopy = await copy(t.path, 'theirs');
      result.set(theirsCopy, at(t.theirs, theirsCopy));
      return { ...c, theirsCopy };
    }
    case 'rename/rename': {
      result.set(t.ours!.path, t.ours!);
      const theirsCopy = result.has(t.theirs!.path) ? await copy(t.theirs!.path, 'theirs') : t.theirs!.path;
      result.set(theirsCopy, at(t.theirs!, theirsCopy));
      return { ...c, theirsCopy };
    }
    case 'file/folder': {
      const side: Side = t.ours ? 'ours' : 'theirs';
      const name = await copy(t.path, side);
      result.set(name, at((t.ours ?? t.theirs)!, name));
      return side === 'ours' ? { ...c, oursCopy: name } : { ...c, theirsCopy: name };
    }
    case 'delete/modify':
    case 'rename/delete':
      break;
  }
  const kept = t.ours ?? t.theirs;
  if (kept) result.set(t.path, at(kept, t.path));
  return c;
}
