import { useEffect, useState } from 'react';
import type { Panel, PanelLine } from './game-panels.js';
import { flattenTree } from '../plumbing/trees.js';
import { textPatch } from '../porcelain/diff.js';
import { diffFlat, type Change } from '../porcelain/diffTrees.js';
import type { Vault } from '../porcelain/openVault.js';
import { readSnapshot } from '../porcelain/readSnapshot.js';
import { snapshotChanges, type SnapshotChanges } from '../porcelain/timeline.js';

export interface DiffData {
  /** the "before" side: the first parent, or the snapshot marked with space; null for a root snapshot */
  parent: string | null;
  snapshot: string;
  /** true when `parent` was picked by the user (a two-snapshot diff), not the first parent */
  picked: boolean;
  /** renamed, added, modified, deleted; each sorted by path */
  files: Change[];
  /** persona panels listed above the files (game: platform config, bundles) */
  panels: Panel[];
}

/** What `to` changed since `from` (any two snapshots). */
export async function changesBetween(vault: Vault, from: string, to: string): Promise<SnapshotChanges> {
  const [a, b] = [await readSnapshot(vault, from), await readSnapshot(vault, to)];
  return {
    parent: a.id,
    snapshot: b.id,
    ...diffFlat(await flattenTree(vault.db, a.tree), await flattenTree(vault.db, b.tree)),
  };
}

const byPath = (a: Change, b: Change) => {
  if (a.path === b.path) return 0;
  return a.path < b.path ? -1 : 1;
};

/** The persona panels of a diff; a failure becomes a panel that says so. */
async function panelsOf(
  panels: ((a: string | null, b: string) => Promise<Panel[]>) | undefined,
  c: SnapshotChanges,
): Promise<Panel[]> {
  if (!panels) return [];
  return panels(c.parent, c.snapshot).catch((e: Error): Panel[] => [
    { key: 'error', label: 'persona panels', summary: 'failed', lines: [{ text: e.message, tone: 'error' }] },
  ]);
}

/** What a snapshot changed against its parent, or against `from` when given (null while loading). */
export function useDiff(
  vault: Vault,
  id: string | null,
  from: string | null = null,
  panels?: (a: string | null, b: string) => Promise<Panel[]>,
): { data: DiffData | null; error: string | null } {
  const key = `${id}:${from}`;
  const [state, setState] = useState<{ key: string; data: DiffData | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    (from ? changesBetween(vault, from, id) : snapshotChanges(vault, id))
      .then(async (c) => {
        if (!live) return;
        const extra = await panelsOf(panels, c);
        if (!live) return;
        const files = [...c.renamed, ...c.added, ...c.modified, ...c.deleted].sort(byPath);
        setState({
          key,
          error: null,
          data: { parent: c.parent, snapshot: c.snapshot, picked: !!from, files, panels: extra },
        });
      })
      .catch((e: Error) => live && setState({ key, data: null, error: e.message }));
    return () => {
      live = false;
    };
  }, [vault, id, from, panels, key]);
  // the last diff's data is not shown for another one while that loads
  if (!id || state?.key !== key) return { data: null, error: null };
  return { data: state.data, error: state.error };
}

export type Patch =
  | { kind: 'text'; lines: string[] }
  | { kind: 'panel'; lines: readonly PanelLine[] }
  | { kind: 'binary' }
  | { kind: 'large' }
  | { kind: 'loading' }
  | { kind: 'error'; message: string };

const TEXT_MAX = 1024 * 1024;

/** The unified text diff of one changed file, loaded when the file is selected. */
export function usePatch(vault: Vault, diff: DiffData | null, change: Change | undefined): Patch {
  const [state, setState] = useState<{ change: Change; patch: Patch } | null>(null);
  useEffect(() => {
    if (!diff || !change) return;
    let live = true;
    const set = (patch: Patch) => live && setState({ change, patch });
    const sides = { a: diff.parent ?? diff.snapshot, b: diff.snapshot };
    textPatch(vault, change, sides)
      .then((p) => {
        if (p === null)
          return set({ kind: Math.max(change.oldSize ?? 0, change.newSize ?? 0) > TEXT_MAX ? 'large' : 'binary' });
        // drop the "====" line and the Index header createTwoFilesPatch starts with
        const lines = p
          .replace(/\n$/, '')
          .split('\n')
          .filter((l) => !/^={10,}$/.test(l) && !l.startsWith('Index: '));
        set({ kind: 'text', lines });
      })
      .catch((e: Error) => set({ kind: 'error', message: e.message }));
    return () => {
      live = false;
    };
  }, [vault, diff, change]);
  return state && state.change === change ? state.patch : { kind: 'loading' };
}
