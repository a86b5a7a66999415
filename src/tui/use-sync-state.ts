import { useRef, useState, type MutableRefObject } from 'react';

/**
 * useState whose latest value is also readable at once through a ref: keys can arrive faster than
 * React renders (a paste, tmux send-keys), and each key must see what the previous one did.
 */
export function useSyncState<T>(initial: T): [T, (v: T | ((old: T) => T)) => void, MutableRefObject<T>] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  const set = (v: T | ((old: T) => T)) => {
    ref.current = typeof v === 'function' ? (v as (old: T) => T)(ref.current) : v;
    setValue(ref.current);
  };
  return [value, set, ref];
}
