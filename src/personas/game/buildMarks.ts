import type { Vault } from '../../porcelain/openVault.js';
import { feedbackReport } from './feedbackReport.js';

/** A build as a mark on a snapshot of the timeline: its label, rating and whether it is a regression. */
export interface BuildMark {
  /** VERSION@PLATFORM */
  readonly label: string;
  readonly count: number;
  /** null without feedback */
  readonly average: number | null;
  readonly crashes: number;
  /** why it got worse than the previous build of its platform; empty when it did not */
  readonly regression: readonly string[];
}

/** The builds made from each snapshot, with their feedback (from the feedback report). */
export async function buildMarks(opts: { vault: Vault }): Promise<Map<string, BuildMark[]>> {
  const report = await feedbackReport({ vault: opts.vault });
  const why = new Map(report.regressions.map((r) => [r.build, r.reasons]));
  const out = new Map<string, BuildMark[]>();
  for (const b of report.builds) {
    const mark: BuildMark = {
      label: `${b.version}@${b.platform}`,
      count: b.count,
      average: b.average,
      crashes: b.crashes,
      regression: why.get(b.build) ?? [],
    };
    out.set(b.snapshot, [...(out.get(b.snapshot) ?? []), mark]);
  }
  return out;
}
