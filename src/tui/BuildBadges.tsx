import { Text } from 'ink';
import { theme } from './theme.js';
import type { BuildMark } from './use-builds.js';

/** "▲0.4.2 ★3.8" per build; a regression is red and ends in '!' (readable without colour). */
export function buildBadge(b: BuildMark): string {
  return ` ▲${b.version}${b.average === null ? '' : ` ★${b.average.toFixed(1)}`}${b.regression.length ? '!' : ''}`;
}

export function buildBadgesWidth(builds: readonly BuildMark[]): number {
  return builds.reduce((n, b) => n + [...buildBadge(b)].length, 0);
}

/** Game persona: the builds made from a snapshot, beside its row. */
export function BuildBadges({ builds }: { builds: readonly BuildMark[] }) {
  return (
    <>
      {builds.map((b) => (
        <Text key={b.label} color={b.regression.length ? theme.error : theme.build} bold={b.regression.length > 0}>
          {buildBadge(b)}
        </Text>
      ))}
    </>
  );
}
