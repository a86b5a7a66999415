import type { BuildMark } from './use-builds.js';

/**
 * "▲0.4.2@windows ★3.8" per build (`short`: "▲0.4.2 ★3.8", when the row has no room for the platform); a
 * regression ends in '!' (and is drawn red: see Badges).
 */
export function buildBadge(b: BuildMark, short = false): string {
  const rating = b.average === null ? '' : ` ★${b.average.toFixed(1)}`;
  return ` ▲${short ? b.version : b.label}${rating}${b.regression.length ? '!' : ''}`;
}
