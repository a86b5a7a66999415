import { useEffect, useMemo } from 'react';
import type { LogEntry } from '../index.js';
import type { ChangeStore } from './change-store.js';
import { isEmpty, matchEntry, parseQuery } from './query.js';

/**
 * The loaded history through the `/` filter: the snapshots that match, and those still 'pending'
 * because a path: condition waits for their changes (asked of the store in the background).
 */
export function useFiltered(
  entries: readonly LogEntry[],
  filter: string,
  milestoneTypes: ReadonlyMap<string, readonly string[]>,
  store: ChangeStore,
  /** more searchable text per snapshot (game persona: builds, feedback) */
  words?: ReadonlyMap<string, readonly string[]>,
): { shown: readonly LogEntry[]; pending: readonly string[] } {
  const query = useMemo(() => parseQuery(filter), [filter]);
  const result = useMemo(() => {
    if (isEmpty(query)) return { shown: entries, pending: [] as string[] };
    const ctx = { milestoneTypes, changes: (id: string) => store.get(id), words };
    const shown: LogEntry[] = [];
    const pending: string[] = [];
    for (const e of entries) {
      const m = matchEntry(e, query, ctx);
      if (m === 'pending') pending.push(e.id);
      else if (m) shown.push(e);
    }
    return { shown, pending };
  }, [entries, query, milestoneTypes, store, store.size, words]);
  useEffect(() => store.wantLater(result.pending), [store, result.pending.join(',')]);
  return result;
}
