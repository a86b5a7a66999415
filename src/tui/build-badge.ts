import type { BuildMark } from './use-builds.js';

/** "▲0.4.2 ★3.8" per build; a regression ends in '!' (and is drawn red: see Badges). */
export function buildBadge(b: BuildMark): string {
  const rating = b.average === null ? '' : ` ★${b.average.toFixed(1)}`;
  return ` ▲${b.version}${rating}${b.regression.length ? '!' : ''}`;
}
