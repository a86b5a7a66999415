/**
 * Comparators for `sort`. `byCodeUnits` orders strings as `<` does (UTF-16 code units, the order of a plain
 * `sort()`), so a sort by one field reads `list.sort((a, b) => byCodeUnits(a.path, b.path))`.
 */
export function byCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
