import { useCallback, useEffect, useState } from 'react';
import { listMilestones } from '../personas/game/milestones.js';
import type { Vault } from '../porcelain/openVault.js';

type Types = ReadonlyMap<string, readonly string[]>;

/** Milestone types by the snapshot they mark. */
async function milestoneTypes(vault: Vault): Promise<Types> {
  const m = new Map<string, string[]>();
  for (const ms of await listMilestones({ vault })) m.set(ms.snapshot, [...(m.get(ms.snapshot) ?? []), ms.type]);
  return m;
}

/** Milestone types by the snapshot they mark (for `type:` filters); `refresh` after marking one. */
export function useMilestoneTypes(vault: Vault): { types: Types; refresh: () => Promise<void> } {
  const [types, setTypes] = useState<Types>(new Map());
  useEffect(() => {
    let live = true;
    milestoneTypes(vault)
      .then((t) => live && setTypes(t))
      .catch(() => {}); // no types: type: filters match nothing, the timeline still works
    return () => {
      live = false;
    };
  }, [vault]);
  const refresh = useCallback(async () => setTypes(await milestoneTypes(vault)), [vault]);
  return { types, refresh };
}
