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
): {
  builds: ReadonlyMap<string, readonly BuildMark[]>;
  /** what `/` matches per snapshot: its builds' versions and platforms, their feedback's text, tags, testers */
  words: ReadonlyMap<string, readonly string[]>;
  error: string | null;
} {
  const [builds, setBuilds] = useState<ReadonlyMap<string, readonly BuildMark[]>>(new Map());
  const [words, setWords] = useState<ReadonlyMap<string, readonly string[]>>(new Map());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    (async () => {
      const { feedbackReport } = await import('../personas/game/feedbackReport.js');
      const { listFeedback } = await import('../personas/game/feedback.js');
      const report = await feedbackReport({ vault });
      const feedback = await listFeedback({ vault });
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
      const said = new Map<string, string[]>();
      for (const f of feedback) said.set(f.build, [...(said.get(f.build) ?? []), f.text, f.tester, ...f.tags]);
      const search = new Map<string, string[]>();
      for (const b of report.builds) {
        const w = [`${b.version}@${b.platform}`, ...(said.get(b.build) ?? [])].map((x) => x.toLowerCase());
        search.set(b.snapshot, [...(search.get(b.snapshot) ?? []), ...w]);
      }
      if (live) {
        setBuilds(out);
        setWords(search);
      }
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [vault, enabled]);
  return { builds, words, error };
}
