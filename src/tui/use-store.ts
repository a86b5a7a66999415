import { useState, useSyncExternalStore } from 'react';
import { initialState, reduce, type Action, type TuiState } from './state.js';

/** The TUI's state, outside React so that a key sees what the key before it did (see `dispatch`). */
export interface Store {
  /** the state now, including actions React has not rendered yet */
  get(): TuiState;
  /**
   * Reduce `action` into the state at once, then let React render. Keys can come in faster than
   * frames (a burst of keys in one read): each is reduced from the state the previous one left.
   */
  dispatch(action: Action): void;
  subscribe(onChange: () => void): () => void;
}

export function createStore(state: TuiState = initialState): Store {
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
  };
}

/** The app's store (one per mounted App) and the state to render. */
export function useStore(): [TuiState, Store] {
  const [store] = useState(createStore);
  const state = useSyncExternalStore(store.subscribe, store.get);
  return [state, store];
}
