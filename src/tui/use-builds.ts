import { useEffect, useState } from 'react';
import type { Vault } from '../index.js';

/** A game build made from a snapshot, with its playtest feedback. */
export interface BuildMark {
  readonly label: string;
  readonly version: string;
  readonly platform: string;
  /** ratings received */
  readonly count: number;
  /** null without feedback */
  readonly average: number | null;
  readonly crashes: number;
  /** why this build is a regression against the previous build of its platform; empty when it is not */
  readonly regression: readonly string[];
  readonly previous: string | null;
}

/**
 * Game persona: builds by the snapshot they were made from, with their feedback and regressions (from
 * the game persona's feedback report, loaded after the first screen; its code is imported on first use).
 */
export function useBuilds(
  vault: Vault,
  enabled: boolean,
): { builds: ReadonlyMap<string, readonly BuildMark[]>; error: string | null } {
  const [builds, setBuilds] = useState<ReadonlyMap<string, readonly BuildMark[]>>(new Map());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    (async () => {
      const { feedbackReport } = await import('../personas/game/feedbackReport.js');
      const report = await feedbackReport({ vault });
      const regressions = new Map(report.regressions.map((r) => [r.build, r]));
      const out = new Map<string, BuildMark[]>();
      for (const b of report.builds) {
        const r = regressions.get(b.build);
        const mark: BuildMark = {
          label: `${b.version}@${b.platform}`,
          version: b.version,
          platform: b.platform,
          count: b.count,
          average: b.average,
          crashes: b.crashes,
          regression: r?.reasons ?? [],
          previous: r?.previousLabel ?? null,
        };
        out.set(b.snapshot, [...(out.get(b.snapshot) ?? []), mark]);
      }
      if (live) setBuilds(out);
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [vault, enabled]);
  return { builds, error };
}
