import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogEntry } from '../porcelain/log.js';
import type { Vault } from '../porcelain/openVault.js';
import { openTimeline, type TimelinePager } from '../porcelain/timeline.js';

export interface Timeline {
  entries: LogEntry[];
  /** every snapshot is loaded */
  done: boolean;
  loading: boolean;
  error: string | null;
  /** load `n` more snapshots (no-op while loading or when done) */
  loadMore(n: number): void;
  /** read ref names again and update the badges */
  refreshRefs(): Promise<void>;
  /** read the history again from HEAD (after a snapshot was made), as many snapshots as were loaded */
  reload(): Promise<LogEntry[]>;
}

/** The history, loaded lazily: the first `firstPage` snapshots, then more on request. */
export function useTimeline(vault: Vault, firstPage: number): Timeline {
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const pager = useRef<TimelinePager | null>(null);
  const busy = useRef(false);

  const load = useCallback(async (n: number) => {
    if (busy.current || !pager.current) return;
    if (pager.current.done) {
      // an empty history (no HEAD yet): nothing to load, and nothing is loading
      setDone(true);
      setLoading(false);
      return;
    }
    busy.current = true;
    setLoading(true);
    try {
      const more = await pager.current.next(n);
      setEntries((old) => [...old, ...more]);
      setDone(pager.current.done);
    } catch (e) {
      setError((e as Error).message);
      setDone(true);
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    let live = true;
    openTimeline({ vault })
      .then(async (p) => {
        if (!live) return;
        pager.current = p;
        await load(firstPage);
      })
      .catch((e: Error) => {
        if (!live) return;
        setError(e.message);
        setDone(true);
        setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [vault]);

  const loadMore = useCallback((n: number) => void load(n), [load]);

  const refreshRefs = useCallback(async () => {
    if (!pager.current) return;
    const names = await pager.current.refresh();
    setEntries((old) => old.map((e) => ({ ...e, refs: names.get(e.id) ?? [] })));
  }, []);

  const count = useRef(0);
  count.current = entries.length;
  const reload = useCallback(async () => {
    while (busy.current) await new Promise((r) => setTimeout(r, 10));
    busy.current = true;
    try {
      const p = await openTimeline({ vault });
      const again = await p.next(Math.max(firstPage, count.current + 1));
      pager.current = p;
      setEntries(again);
      setDone(p.done);
      return again;
    } finally {
      busy.current = false;
    }
  }, [vault, firstPage]);

  return { entries, done, loading, error, loadMore, refreshRefs, reload };
}
