import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Vault } from '../index.js';
import { ChangeStore, type ChangeView } from './change-store.js';

/** The app's ChangeStore and what it knows now; the component re-renders whenever the store learns something. */
export function useChangeStore(vault: Vault): { store: ChangeStore; changes: ChangeView } {
  const store = useMemo(() => new ChangeStore(vault), [vault]);
  useEffect(() => () => store.close(), [store]);
  const changes = useSyncExternalStore(store.subscribe, store.view);
  return { store, changes };
}
