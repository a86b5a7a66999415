/**
 * The order in which scanWorktree lists paths: depth first, each folder's
 * names sorted by UTF-16 code units, a folder before what it holds. It is plain
 * string order with '/' taken as lower than any other character: where two
 * paths first differ, a '/' means that path's name ended first (a shorter
 * name, or the folder itself). The stat cache is kept in this order, so a scan
 * meets its entries in one forward pass (StatCache.cursor).
 */
export function compareWalkOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 47) return -1;
    if (y === 47) return 1;
    return x - y;
  }
  return a.length - b.length;
}
