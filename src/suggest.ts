/**
 * "Did you mean ...?" for a mistyped name: the candidates closest to it by edit distance (insertions,
 * deletions, substitutions and swaps of two neighbouring characters each count 1), close enough to be
 * a typo: at most 1 edit for names of up to 4 characters, 2 up to 8, then 3.
 */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  let limit = 3;
  if (name.length <= 4) limit = 1;
  else if (name.length <= 8) limit = 2;
  const scored: { c: string; d: number }[] = [];
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d <= limit) scored.push({ c, d });
  }
  return scored
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .slice(0, max)
    .map((s) => s.c);
}

/** "did you mean 'x'?" / "did you mean 'x' or 'y'?", or null when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string | null {
  const near = closestNames(name, candidates);
  if (!near.length) return null;
  const quoted = near.map((n) => `'${n}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}` : quoted[0];
  return `did you mean ${list}?`;
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}
