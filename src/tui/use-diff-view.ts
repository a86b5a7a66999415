import { useMemo } from 'react';
import type { Change } from '../porcelain/diffTrees.js';
import type { Vault } from '../porcelain/openVault.js';
import type { ActivePersona as Persona } from '../porcelain/settings.js';
import { gamePanels, type Panel } from './game-panels.js';
import type { DiffTarget } from './state.js';
import type { PictureColor } from './theme.js';
import { useDiff, usePatch, type DiffData, type Patch } from './use-diff.js';
import { useVisual, type Visual } from './use-visual.js';

/** thumbnail size in the creative panels: text rows (two pixels each) and columns */
export const THUMB_ROWS = 6;
export const THUMB_COLS = 14;

export interface DiffView {
  data: DiffData | null;
  error: string | null;
  /** persona panels, listed above the files */
  panels: readonly Panel[];
  files: readonly Change[];
  /** the selected row (panels first, then files) */
  fileCursor: number;
  patch: Patch;
  /** creative persona: pictures and visual diff of the selected image or model (instead of the patch) */
  visual: Visual | null;
  /** lines the patch pane can scroll through */
  patchLines: number;
}

const NO_PANELS: readonly Panel[] = [];
const NO_FILES: readonly Change[] = [];

function linesOf(patch: Patch, visual: Visual | null): number {
  if (visual) return visual.report?.length ?? 0;
  return patch.kind === 'text' || patch.kind === 'panel' ? patch.lines.length : 0;
}

/** The Diff view's data: the changed files (and persona panels) of `target`, the selected one's patch or pictures. */
export function useDiffView(opts: {
  vault: Vault;
  persona: Persona | undefined;
  target: DiffTarget | null;
  fileCursor: number;
  pictureColor: boolean | PictureColor;
}): DiffView {
  const { vault, persona, target } = opts;
  const panelsOf = useMemo(
    () => (persona === 'game' ? (a: string | null, b: string) => gamePanels(vault, a, b) : undefined),
    [vault, persona],
  );
  const diff = useDiff(vault, target?.entry.id ?? null, target?.from?.id ?? null, panelsOf);
  const panels = diff.data?.panels ?? NO_PANELS;
  const files = diff.data?.files ?? NO_FILES;
  const fileCursor = Math.min(opts.fileCursor, Math.max(0, panels.length + files.length - 1));
  const panel = panels[fileCursor];
  const change = panel ? undefined : files[fileCursor - panels.length];
  const filePatch = usePatch(vault, diff.data, change);
  const patch: Patch = panel ? { kind: 'panel', lines: panel.lines } : filePatch;
  const visual = useVisual({
    vault,
    enabled: persona === 'creative' && target !== null && !panel,
    parent: diff.data?.parent ?? null,
    snapshot: diff.data?.snapshot ?? null,
    change,
    rows: THUMB_ROWS,
    maxCols: THUMB_COLS,
    color: opts.pictureColor,
  });
  return { ...diff, panels, files, fileCursor, patch, visual, patchLines: linesOf(patch, visual) };
}
