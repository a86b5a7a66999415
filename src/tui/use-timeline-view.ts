import { useEffect } from 'react';
import type { LogEntry } from '../porcelain/log.js';
import type { Vault } from '../porcelain/openVault.js';
import type { ActivePersona as Persona } from '../porcelain/settings.js';
import { countsOf, type ChangeStore, type ChangeView } from './change-store.js';
import type { PictureColor } from './theme.js';
import type { BuildMark } from './use-builds.js';
import { THUMB_COLS, THUMB_ROWS } from './use-diff-view.js';
import { useThumbnails } from './use-thumbnails.js';

/**
 * The Timeline view's data beside the rows: change counts of the rows on screen (asked of the store),
 * and the persona panel of the selected snapshot (creative: its pictures; game: builds and ratings).
 */
export function useTimelineView(opts: {
  vault: Vault;
  persona: Persona | undefined;
  store: ChangeStore;
  changes: ChangeView;
  /** the rows on screen ([] in the Diff view) */
  visible: readonly LogEntry[];
  selected: LogEntry | undefined;
  panelHeight: number;
  width: number;
  pictureColor: boolean | PictureColor;
  /** the game persona's builds per snapshot (App loads them once: `/` searches them too) */
  builds: { builds: ReadonlyMap<string, readonly BuildMark[]>; error: string | null };
}) {
  const { vault, persona, store, changes, selected } = opts;
  const visibleKey = opts.visible.map((e) => e.id).join(',');
  useEffect(() => store.want(visibleKey ? visibleKey.split(',') : []), [store, visibleKey]);
  const selectedChanges = selected ? changes.get(selected.id) : undefined;
  const thumbs = useThumbnails({
    vault,
    enabled: opts.panelHeight > 0 && persona === 'creative',
    id: selected?.id ?? null,
    changes: selectedChanges instanceof Error ? undefined : selectedChanges,
    max: Math.max(1, Math.floor(opts.width / (THUMB_COLS + 2))),
    rows: THUMB_ROWS,
    maxCols: THUMB_COLS,
    color: opts.pictureColor,
  });
  const { builds } = opts;
  const counts = countsOf(
    changes,
    opts.visible.map((e) => e.id),
  );
  return { thumbs, builds, counts };
}
