/**
 * The lines `vault log --graph` draws left of each snapshot, git's way: `*` the snapshot, `|` a
 * line of history going on, `|\` a merge's second parent starting a line, `|/` (or `|_|/` across a
 * line in between) two lines meeting at their common snapshot. Each line of history is a column two
 * characters wide. Entries must come children first (log's topo order).
 */
export interface GraphEntry {
  readonly id: string;
  readonly parents: readonly string[];
}

export interface GraphRow {
  /** lines drawn before the snapshot's own line (lines of history meeting it) */
  readonly before: readonly string[];
  /** the prefix of the snapshot's line */
  readonly row: string;
  /** lines drawn after it (a merge's parents branching out, a root ending its line) */
  readonly after: readonly string[];
}

const trim = (s: string) => s.replace(/\s+$/, '');

/**
 * `n` columns, column `j` joining column `c` (< j): `|/` next to it, `|_|/` across the columns in
 * between; the columns right of `j` move left.
 */
const joinLine = (n: number, c: number, j: number) =>
  trim(`${'| '.repeat(c)}|${'_|'.repeat(j - c - 1)}/${' /'.repeat(n - j - 1)}`);
/** `n` columns, a new one starting right of column `c`; the columns right of it move right. */
const forkLine = (n: number, c: number) => trim(`${'| '.repeat(c)}|\\${' \\'.repeat(n - c - 1)}`);
/** `n` columns, column `c` ended (a first snapshot); the columns right of it move left. */
const endLine = (n: number, c: number) => trim(`${'| '.repeat(c)}${' /'.repeat(n - c - 1)}`);

export function logGraph(entries: readonly GraphEntry[], opts: { firstParent?: boolean } = {}): GraphRow[] {
  const cols: string[] = [];
  const rows: GraphRow[] = [];
  for (const e of entries) {
    const before: string[] = [];
    const after: string[] = [];
    let c = cols.indexOf(e.id);
    if (c < 0) c = cols.push(e.id) - 1;
    for (let j = cols.lastIndexOf(e.id); j > c; j = cols.lastIndexOf(e.id)) {
      before.push(joinLine(cols.length, c, j));
      cols.splice(j, 1);
    }
    const row = cols.map((_, i) => (i === c ? '*' : '|')).join(' ');
    const parents = opts.firstParent ? e.parents.slice(0, 1) : e.parents;
    if (!parents.length) {
      const line = endLine(cols.length, c);
      if (line.trim()) after.push(line);
      cols.splice(c, 1);
    } else {
      cols[c] = parents[0]!;
      for (let k = 1; k < parents.length; k++) {
        after.push(forkLine(cols.length, c + k - 1));
        cols.splice(c + k, 0, parents[k]!);
      }
    }
    rows.push({ before, row, after });
  }
  return rows;
}
