import type { LogEntry } from '../porcelain/log.js';
import type { Vault } from '../porcelain/openVault.js';
import { openTimeline, type TimelinePager } from '../porcelain/timeline.js';

/** The first page of history, read before the app is mounted. */
export interface Preload {
  readonly timeline: Promise<{ pager: TimelinePager; first: LogEntry[] }>;
}

/**
 * Start reading the first `rows` snapshots now: `vault tui` does this while Ink, React and the app load,
 * so the reads (and the object codec starting up) overlap with loading code. Their changes (the counts)
 * are left to the app: computed before its first frame they would delay it (measured: ~0.5 s later on
 * 10,000-file snapshots).
 */
export function preload(vault: Vault, rows: number): Preload {
  const timeline = openTimeline({ vault }).then(async (pager) => ({ pager, first: await pager.next(rows) }));
  timeline.catch(() => {}); // the app reports it (useTimeline awaits the same promise)
  return { timeline };
}
