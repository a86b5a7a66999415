import { Text } from 'ink';
import { theme } from './theme.js';
import type { BuildMark } from './use-builds.js';

/**
 * "▲0.4.2@windows ★3.8" per build (`short`: "▲0.4.2 ★3.8", when the row has no room for platforms); a
 * regression is red and ends in '!' (readable without colour).
 */
export function buildBadge(b: BuildMark, short = false): string {
  const name = short ? b.version : b.label;
  return ` ▲${name}${b.average === null ? '' : ` ★${b.average.toFixed(1)}`}${b.regression.length ? '!' : ''}`;
}

export function buildBadgesWidth(builds: readonly BuildMark[], short = false): number {
  return builds.reduce((n, b) => n + [...buildBadge(b, short)].length, 0);
}

/** As many of `builds` (in order) as fit in `room` columns: with their platforms, else without. */
export function fitBuildBadges(builds: readonly BuildMark[], room: number): { marks: BuildMark[]; short: boolean } {
  const take = (short: boolean) => {
    const marks: BuildMark[] = [];
    for (const b of builds) if (buildBadgesWidth([...marks, b], short) <= room) marks.push(b);
    return marks;
  };
  const full = take(false);
  if (full.length === builds.length) return { marks: full, short: false };
  const short = take(true);
  return short.length > full.length ? { marks: short, short: true } : { marks: full, short: false };
}

/** Game persona: the builds made from a snapshot, beside its row. */
export function BuildBadges({ builds, short = false }: { builds: readonly BuildMark[]; short?: boolean }) {
  return (
    <>
      {builds.map((b) => (
        <Text key={b.label} color={b.regression.length ? theme.error : theme.build} bold={b.regression.length > 0}>
          {buildBadge(b, short)}
        </Text>
      ))}
    </>
  );
}
