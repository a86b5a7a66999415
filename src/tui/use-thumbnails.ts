import { useEffect, useRef, useState } from 'react';
import type { SnapshotChanges, Vault } from '../index.js';

/** One changed image or model of a snapshot, as terminal lines (null while loading). */
export interface Thumb {
  readonly path: string;
  readonly kind: 'image' | 'model';
  /** half-block (or ASCII) lines, each `cols` wide; null while loading; [] when the snapshot has no thumbnail for it */
  readonly lines: readonly string[] | null;
  readonly cols: number;
  readonly error?: string;
}

type ThumbModule = typeof import('../personas/creative/thumbnails/index.js');
let thumbModule: Promise<ThumbModule> | null = null;
/** the creative persona's code (image decoders) is loaded on first use, never at start-up */
export function loadThumbnails(): Promise<ThumbModule> {
  return (thumbModule ??= import('../personas/creative/thumbnails/index.js'));
}

/** Paths of changed files that can have thumbnails (added, modified, renamed; not deleted). */
export function picturePaths(
  c: SnapshotChanges,
  kindOf: (p: string) => 'image' | 'model' | null,
): { path: string; kind: 'image' | 'model' }[] {
  const out: { path: string; kind: 'image' | 'model' }[] = [];
  for (const x of [...c.modified, ...c.added, ...c.renamed]) {
    const k = kindOf(x.path);
    if (k) out.push({ path: x.path, kind: k });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Columns for a picture so that it is at most `rows` text rows tall (two pixels per row) and `maxCols` wide. */
export function fitCols(w: number, h: number, rows: number, maxCols: number): number {
  return Math.max(2, Math.min(maxCols, Math.floor((2 * rows * w) / Math.max(1, h))));
}

/**
 * Thumbnails of what snapshot `id` changed, read from the thumbnails stored with it (never decoded
 * from the originals), at most `max` of them, each at most `rows` x `maxCols` cells. Waits 80 ms after
 * the selection settles, so scrolling through the timeline decodes nothing on the way.
 */
export function useThumbnails(opts: {
  vault: Vault;
  enabled: boolean;
  id: string | null;
  changes: SnapshotChanges | undefined;
  max: number;
  rows: number;
  maxCols: number;
  color: boolean | 'truecolor' | '256';
}): { thumbs: Thumb[] | null; total: number } {
  const { vault, enabled, id, changes, max, rows, maxCols, color } = opts;
  const [state, setState] = useState<{ key: string; thumbs: Thumb[]; total: number } | null>(null);
  const cache = useRef(new Map<string, Thumb>());
  const key = `${id}:${max}:${rows}:${maxCols}:${color}:${changes ? 'c' : ''}`;
  useEffect(() => {
    if (!enabled || !id || !changes) return;
    let live = true;
    const timer = setTimeout(async () => {
      const mod = await loadThumbnails().catch((e: Error) => {
        // no pictures, and say why in place of the first one
        if (live)
          setState({
            key,
            thumbs: [{ path: 'thumbnails', kind: 'image', lines: [], cols: maxCols, error: e.message }],
            total: 1,
          });
        return null;
      });
      if (!mod) return;
      const all = picturePaths(changes, mod.thumbnailKind);
      const wanted = all.slice(0, max);
      const thumbs: Thumb[] = wanted.map(
        (w) => cache.current.get(`${id}:${w.path}:${rows}:${maxCols}:${color}`) ?? { ...w, lines: null, cols: maxCols },
      );
      if (live) setState({ key, thumbs: [...thumbs], total: all.length });
      for (const [i, w] of wanted.entries()) {
        if (thumbs[i]?.lines) continue;
        let t: Thumb;
        try {
          const img = await mod.thumbnailFor(vault, id, w.path);
          if (!img) t = { ...w, lines: [], cols: maxCols };
          else {
            const cols = fitCols(img.width, img.height, rows, maxCols);
            t = { ...w, lines: mod.halfBlockLines(img, cols, color), cols };
          }
        } catch (e) {
          t = { ...w, lines: [], cols: maxCols, error: (e as Error).message };
        }
        cache.current.set(`${id}:${w.path}:${rows}:${maxCols}:${color}`, t);
        thumbs[i] = t;
        if (!live) return;
        setState({ key, thumbs: [...thumbs], total: all.length });
      }
    }, 80);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [vault, enabled, id, changes, max, rows, maxCols, color, key]);
  if (!enabled || !state || state.key !== key) return { thumbs: null, total: 0 };
  return { thumbs: state.thumbs, total: state.total };
}
