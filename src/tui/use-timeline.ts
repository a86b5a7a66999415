import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogEntry } from '../porcelain/log.js';
import type { Vault } from '../porcelain/openVault.js';
import { openTimeline, type TimelinePager } from '../porcelain/timeline.js';
import type { Preload } from './preload.js';

export interface Timeline {
  entries: LogEntry[];
  /** every snapshot is loaded */
  done: boolean;
  loading: boolean;
  error: string | null;
  /** how many snapshots the history has (counted in the background); null until counted */
  total: number | null;
  /** load `n` more snapshots (no-op while loading or when done) */
  loadMore(n: number): void;
  /** read ref names again and update the badges */
  refreshRefs(): Promise<void>;
  /** read the history again from HEAD (after a snapshot was made), as many snapshots as were loaded */
  reload(): Promise<LogEntry[]>;
}

/** snapshots read per step of the background count (it yields to keys, rendering and `idle` between steps) */
const COUNT_STEP = 64;

/**
 * How many snapshots the history has: all of it read along first parents, a step at a time, without
 * keeping the entries; before each step it waits for `idle` (the change counts on screen go first).
 * null when `live()` turned false (the app closed, or the history changed).
 */
export async function countSnapshots(
  vault: Vault,
  live: () => boolean = () => true,
  idle: () => Promise<void> = async () => {},
): Promise<number | null> {
  const pager = await openTimeline({ vault });
  let n = 0;
  while (!pager.done) {
    await new Promise((r) => setImmediate(r));
    await idle();
    if (!live()) return null;
    n += (await pager.next(COUNT_STEP)).length;
  }
  return n;
}

/** The background count of the history (see countSnapshots); `count` starts one, stopping an older one. */
function useCount(vault: Vault, idle?: () => Promise<void>) {
  /** the count of the latest round (null until it is in); a reload starts a new round */
  const [total, setTotal] = useState<{ round: number; n: number | null }>({ round: 0, n: null });
  /** the count under way; a newer count (after a reload) stops an older one, and so does unmounting */
  const counting = useRef(0);

  const count = useCallback(
    (p: TimelinePager, live: () => boolean) => {
      const round = ++counting.current;
      const current = () => live() && counting.current === round;
      setTotal({ round, n: null });
      if (p.done) return;
      countSnapshots(vault, current, idle)
        .then((n) => n !== null && current() && setTotal((t) => (t.round === round ? { round, n } : t)))
        .catch(() => {}); // no count: the header keeps saying "N+"
    },
    [vault, idle],
  );

  return { total: total.n, count };
}

/**
 * The history, loaded lazily: the first `firstPage` snapshots (the size when the app opened), then more
 * on request; meanwhile the whole history is counted in the background for the header.
 */
export function useTimeline(opts: {
  vault: Vault;
  /** snapshots read first (the app's height when it opened) */
  firstPage: number;
  /** the first page, already being read (see preload.ts) */
  preloaded?: Preload['timeline'];
  /** resolves when more urgent reading is done (the change counts on screen): the count waits for it */
  idle?: () => Promise<void>;
}): Timeline {
  const { vault, firstPage, preloaded, idle } = opts;
  const [entries, setEntries] = useState<LogEntry[]>([]);
  const [done, setDone] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [first] = useState(firstPage);
  const [initial] = useState(preloaded);
  const pager = useRef<TimelinePager | null>(null);
  const busy = useRef(false);
  /** entries loaded so far (reload reads as many again) */
  const loaded = useRef(0);
  const { total, count } = useCount(vault, idle);

  const load = useCallback(async (n: number) => {
    const p = pager.current;
    if (busy.current || !p) return;
    if (p.done) {
      // an empty history (no HEAD yet): nothing to load, and nothing is loading
      setDone(true);
      setLoading(false);
      return;
    }
    busy.current = true;
    setLoading(true);
    try {
      const more = await p.next(n);
      loaded.current += more.length;
      setEntries((old) => [...old, ...more]);
      setDone(p.done);
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
    (initial ?? openTimeline({ vault }).then((p) => ({ pager: p, first: null })))
      .then(async ({ pager: p, first: read }) => {
        if (!live) return;
        pager.current = p;
        if (read) {
          // read while the app was loading
          loaded.current = read.length;
          setEntries(read);
          setDone(p.done);
          setLoading(false);
        } else await load(first);
        if (live) count(p, () => live);
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
  }, [vault, load, count, first, initial]);

  const loadMore = useCallback((n: number) => void load(n), [load]);

  const refreshRefs = useCallback(async () => {
    if (!pager.current) return;
    const names = await pager.current.refresh();
    setEntries((old) => old.map((e) => ({ ...e, refs: names.get(e.id) ?? [] })));
  }, []);

  const reload = useCallback(async () => {
    while (busy.current) await new Promise((r) => setTimeout(r, 10));
    busy.current = true;
    try {
      const p = await openTimeline({ vault });
      const again = await p.next(Math.max(first, loaded.current + 1));
      pager.current = p;
      loaded.current = again.length;
      setEntries(again);
      setDone(p.done);
      count(p, () => true);
      return again;
    } finally {
      busy.current = false;
    }
  }, [vault, first, count]);

  return { entries, done, loading, error, total, loadMore, refreshRefs, reload };
}
