import { useEffect, useState } from 'react';
import type { Change, Vault } from '../index.js';
import { fitCols, loadThumbnails, type Thumb } from './use-thumbnails.js';

/** Creative persona, Diff view: what an image or model change looks like. */
export interface Visual {
  /** before, after and (both existing) the diff picture, from the stored thumbnails */
  readonly pictures: readonly Thumb[];
  readonly captions: readonly string[];
  /**
   * the visual diff of the originals, as lines (share of pixels changed, regions; model parts); null while computing
   */
  readonly report: readonly string[] | null;
}

/** Originals above this are not decoded in the TUI (it would stall the screen); `vault diff --visual` does them. */
export const VISUAL_MAX_BYTES = 64 * 1024 * 1024;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

/**
 * Before / after / diff pictures of the selected file when it is an image or a model (from the
 * thumbnails stored with the two snapshots), then the creative persona's visual diff of the originals.
 * null when the file is not a picture (or the persona is off): the text/binary patch is shown instead.
 */
export function useVisual(opts: {
  vault: Vault;
  enabled: boolean;
  parent: string | null;
  snapshot: string | null;
  change: Change | undefined;
  rows: number;
  maxCols: number;
  color: boolean | 'truecolor' | '256';
}): Visual | null {
  const { vault, enabled, parent, snapshot, change, rows, maxCols, color } = opts;
  const [state, setState] = useState<{ key: string; visual: Visual | null } | null>(null);
  const key = `${parent}:${snapshot}:${change?.path}:${change?.kind}:${rows}:${maxCols}:${color}`;
  useEffect(() => {
    if (!enabled || !snapshot || !change) return;
    let live = true;
    const set = (visual: Visual | null) => live && setState({ key, visual });
    (async () => {
      const mod = await loadThumbnails();
      if (!mod.thumbnailKind(change.path)) return set(null);
      const oldPath = change.from ?? change.path;
      const draw = (path: string, img: { width: number; height: number; data: Uint8Array } | null): Thumb => {
        if (!img) return { path, kind: 'image', lines: [], cols: maxCols };
        const cols = fitCols(img.width, img.height, rows, maxCols);
        return { path, kind: 'image', lines: mod.halfBlockLines(img, cols, color), cols };
      };
      const loading = (path: string): Thumb => ({ path, kind: 'image', lines: null, cols: maxCols });
      set({ pictures: [loading(oldPath), loading(change.path)], captions: ['before', 'after'], report: null });
      const before =
        parent && change.kind !== 'added' ? await mod.thumbnailFor(vault, parent, oldPath).catch(() => null) : null;
      const after =
        change.kind !== 'deleted' ? await mod.thumbnailFor(vault, snapshot, change.path).catch(() => null) : null;
      const pictures: Thumb[] = [draw(oldPath, before), draw(change.path, after)];
      const captions = [
        change.kind === 'added' ? 'before: none' : 'before',
        change.kind === 'deleted' ? 'after: deleted' : 'after',
      ];
      if (before && after) {
        const { thumbnailDiff } = await import('../personas/creative/timeline/thumbnailDiff.js');
        const d = thumbnailDiff(
          before as Parameters<typeof thumbnailDiff>[0],
          after as Parameters<typeof thumbnailDiff>[1],
        );
        pictures.push(draw(change.path, d.image));
        // ~: the share of the thumbnails, until the originals are compared (then the report's figure, below)
        captions.push(`diff ~${(await import('../personas/creative/visual/describe.js')).formatShare(d.share)}`);
      }
      set({ pictures, captions, report: null });
      // the originals: share of pixels changed and regions (images), parts and nodes (models)
      const size = Math.max(change.oldSize ?? 0, change.newSize ?? 0);
      if (!parent) return set({ pictures, captions, report: ['first snapshot: nothing to compare with'] });
      if (size > VISUAL_MAX_BYTES)
        return set({
          pictures,
          captions,
          report: [
            `originals over ${mib(VISUAL_MAX_BYTES)} are not compared here: run vault diff ` +
              `--visual ${parent.slice(0, 8)} ${snapshot.slice(0, 8)} --path ${change.path}`,
          ],
        });
      const visual = await import('../personas/creative/visual/index.js');
      try {
        const r = await visual.visualDiff({
          vault,
          a: { kind: 'snapshot', rev: parent },
          b: { kind: 'snapshot', rev: snapshot },
          path: change.path,
        });
        const share = r.report.image?.changedShare;
        const shown =
          share === undefined || captions.length < 3
            ? captions
            : [...captions.slice(0, 2), `diff ${visual.formatShare(share)}`];
        set({ pictures, captions: shown, report: visual.describeVisualDiff(r.report, { maxLines: 20 }).slice(1) });
      } catch (e) {
        set({ pictures, captions, report: [`no visual diff: ${(e as Error).message}`] });
      }
    })().catch((e: Error) => set({ pictures: [], captions: [], report: [`no pictures: ${e.message}`] }));
    return () => {
      live = false;
    };
  }, [vault, enabled, parent, snapshot, change, rows, maxCols, color, key]);
  if (!enabled || !state || state.key !== key) return null;
  return state.visual;
}
