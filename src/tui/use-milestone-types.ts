import { useCallback, useEffect, useState } from 'react';
import { listMilestones } from '../personas/game/milestones.js';
import type { Vault } from '../porcelain/openVault.js';

/** Milestone types by the snapshot they mark (for `type:` filters); `refresh` after marking one. */
export function useMilestoneTypes(vault: Vault): {
  types: ReadonlyMap<string, readonly string[]>;
  refresh: () => Promise<void>;
} {
  const [types, setTypes] = useState<ReadonlyMap<string, readonly string[]>>(new Map());
  const refresh = useCallback(async () => {
    const m = new Map<string, string[]>();
    for (const ms of await listMilestones({ vault })) m.set(ms.snapshot, [...(m.get(ms.snapshot) ?? []), ms.type]);
    setTypes(m);
  }, [vault]);
  useEffect(() => {
    refresh().catch(() => {}); // no types: type: filters match nothing, the timeline still works
  }, [refresh]);
  return { types, refresh };
}
