import { useEffect, useRef, useState } from 'react';
import { changeCounts, type ChangeCounts, type TreeCache, type Vault } from '../index.js';

/**
 * Change summaries (added/modified/deleted/renamed counts) for the snapshots on screen only,
 * computed one at a time and cached: scrolling a long history never diffs rows nobody looked at.
 */
export function useChangeCounts(vault: Vault, visible: readonly string[]): ReadonlyMap<string, ChangeCounts | 'error'> {
  const [counts, setCounts] = useState<ReadonlyMap<string, ChangeCounts | 'error'>>(new Map());
  const pending = useRef(new Set<string>());
  const trees = useRef<TreeCache>(new Map());
  const key = visible.join(',');
  useEffect(() => {
    let live = true;
    (async () => {
      for (const id of visible) {
        if (!live) return;
        if (counts.has(id) || pending.current.has(id)) continue;
        pending.current.add(id);
        const c = await changeCounts(vault, id, trees.current).catch((): 'error' => 'error');
        pending.current.delete(id);
        setCounts((old) => new Map(old).set(id, c));
      }
    })();
    return () => {
      live = false;
    };
  }, [vault, key]);
  return counts;
}
