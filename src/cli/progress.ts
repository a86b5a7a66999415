import type { Progress } from '../porcelain/hashWorktree.js';
import { bytes } from './format.js';

/**
 * A plain progress line on stderr, shown only on a terminal and only once the
 * work has taken more than a moment (400 ms). Returns the callback and a
 * function that clears the line.
 */
export function progressBar(label: string, enabled = process.stderr.isTTY === true): { onProgress: (p: Progress) => void; done: () => void } {
  const start = Date.now();
  let shown = false;
  let last = 0;
  const onProgress = (p: Progress) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - start < 400 || (now - last < 100 && p.phase !== 'done')) return;
    last = now;
    shown = true;
    const frac = p.bytesTotal ? p.bytes / p.bytesTotal : p.filesTotal ? p.files / p.filesTotal : 1;
    const width = 24;
    const fill = Math.round(Math.min(1, frac) * width);
    const secs = (now - start) / 1000;
    const rate = p.bytes / Math.max(secs, 0.001);
    const left = rate > 0 && p.bytesTotal > p.bytes ? ` ${Math.ceil((p.bytesTotal - p.bytes) / rate)}s left` : '';
    process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${p.files}/${p.filesTotal} files ${bytes(p.bytes)}/${bytes(p.bytesTotal)} ${bytes(rate)}/s${left}\x1b[K`);
  };
  return {
    onProgress,
    done: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
