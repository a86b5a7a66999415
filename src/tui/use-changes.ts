import { useEffect, useMemo, useState } from 'react';
import type { Vault } from '../index.js';
import { ChangeStore } from './change-store.js';

/** The app's ChangeStore; the component re-renders whenever the store learns something. */
export function useChangeStore(vault: Vault): ChangeStore {
  const store = useMemo(() => new ChangeStore(vault), [vault]);
  const [, setVersion] = useState(0);
  useEffect(() => {
    const off = store.subscribe(() => setVersion((v) => v + 1));
    return () => {
      off();
      store.close();
    };
  }, [store]);
  return store;
}
