import { useCallback, useRef, useState } from 'react';
import { ProgressMeter, type ProgressSample, type ProgressView } from '../ui/progress.js';

export interface Running {
  label: string;
  view: ProgressView | null;
}

/**
 * Progress of one long operation started from the TUI (restore...): `start` returns the callback to hand
 * to the operation; `stop` ends it. Redraws at most 10 times a second.
 */
export function useProgress(clock: () => number = Date.now): {
  running: Running | null;
  start: (label: string) => (s: ProgressSample) => void;
  stop: () => void;
} {
  const [running, setRunning] = useState<Running | null>(null);
  const last = useRef(0);
  const start = useCallback(
    (label: string) => {
      const meter = new ProgressMeter(clock());
      setRunning({ label, view: null });
      return (s: ProgressSample) => {
        const now = clock();
        const view = meter.update(s, now);
        if (now - last.current < 100 && s.phase !== 'done') return;
        last.current = now;
        setRunning((r) => (r && r.label === label ? { label, view } : r));
      };
    },
    [clock],
  );
  const stop = useCallback(() => setRunning(null), []);
  return { running, start, stop };
}
