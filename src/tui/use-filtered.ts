import { useEffect, useMemo } from 'react';
import type { LogEntry } from '../index.js';
import type { ChangeStore, ChangeView } from './change-store.js';
import { isEmpty, matchEntry, parseQuery } from './query.js';

/**
 * The loaded history through the `/` filter: the snapshots that match, and those still 'pending'
 * because a path: condition waits for their changes (asked of the store in the background).
 */
export function useFiltered(
  entries: readonly LogEntry[],
  filter: string,
  milestoneTypes: ReadonlyMap<string, readonly string[]>,
  changes: ChangeView,
  store: ChangeStore,
  /** what `/` matches per snapshot besides its own text (game persona: its builds and their feedback) */
  words?: ReadonlyMap<string, readonly string[]>,
): { shown: readonly LogEntry[]; pending: readonly string[] } {
  const query = useMemo(() => parseQuery(filter), [filter]);
  const result = useMemo(() => {
    if (isEmpty(query)) return { shown: entries, pending: [] as string[] };
    const ctx = { milestoneTypes, changes: (id: string) => changes.get(id), words };
    const shown: LogEntry[] = [];
    const pending: string[] = [];
    for (const e of entries) {
      const m = matchEntry(e, query, ctx);
      if (m === 'pending') pending.push(e.id);
      else if (m) shown.push(e);
    }
    return { shown, pending };
  }, [entries, query, milestoneTypes, changes, words]);
  const pendingKey = result.pending.join(',');
  useEffect(() => store.wantLater(pendingKey ? pendingKey.split(',') : []), [store, pendingKey]);
  return result;
}
