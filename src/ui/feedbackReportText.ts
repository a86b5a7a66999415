import type { ChangeRow } from '../personas/game/changeRows.js';
import type { FeedbackReport, Regression } from '../personas/game/feedbackReport.js';
import { bytes } from './format.js';

/**
 * The feedback report as text lines no wider than `width`: per build its ratings, then per regression the
 * changed files as rows (a .import/.uid/.meta sidecar with its file; scripts and scenes first; the first
 * `rows` of them unless `all`), and the changes by bundle and by folder.
 */
export interface ReportTextOptions {
  readonly width: number;
  /** list every row and every path of a group */
  readonly all?: boolean;
  /** rows listed per regression when not `all` */
  readonly rows?: number;
}

/** Cut a line to `width` columns, ending in … when it was longer. */
export function fit(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(1, width - 1)).join('')}…`;
}

function rowKind(r: ChangeRow): string {
  if (r.kind) return r.kind;
  const ext = r.sidecars.map((s) => s.slice(s.lastIndexOf('.') + 1));
  return ext.includes('import') ? 'reimport' : (ext[0] ?? 'changed');
}

function rowName(r: ChangeRow): string {
  const side = r.sidecars.length ? ` + ${r.sidecars.map((s) => s.slice(s.lastIndexOf('.'))).join(' ')}` : '';
  return `${r.path}${side}${r.from ? ` (from ${r.from})` : ''}`;
}

/** `    modified  art/hero.png + .import   390.6 KiB`: the name column `nameWidth` wide (cut at the front). */
function rowLine(r: ChangeRow, width: number, nameWidth: number): string {
  const size = r.newSize !== undefined ? bytes(r.newSize).padStart(10) : '';
  const head = `    ${rowKind(r).padEnd(9)} `;
  const room = Math.max(10, Math.min(nameWidth, width - head.length - 12));
  let name = rowName(r);
  if ([...name].length > room) name = `…${[...name].slice(-(room - 1)).join('')}`;
  return `${head}${name.padEnd(room)}  ${size}`.trimEnd();
}

/** The row paths of a group's files (a sidecar shows as its file), in row order. */
function groupRows(paths: readonly string[], rows: readonly ChangeRow[]): string[] {
  const set = new Set(paths);
  return rows.filter((r) => set.has(r.path) || r.sidecars.some((s) => set.has(s))).map((r) => r.path);
}

function groupLine(name: string, files: number, size: number, rowPaths: string[], o: ReportTextOptions): string {
  const head = `    ${name.padEnd(20)} ${String(files).padStart(4)} file(s) ${bytes(size).padStart(10)}  `;
  if (o.all) return `${head}${rowPaths.join(', ')}`;
  let list = '';
  for (let i = 0; i < rowPaths.length; i++) {
    const more = rowPaths.length - i;
    const next = `${list ? ', ' : ''}${rowPaths[i]}`;
    const tail = more > 1 ? `, … ${more - 1} more` : '';
    if ([...head].length + [...list].length + [...next].length + tail.length > o.width) {
      list += `${list ? ', ' : ''}… ${more} more`;
      break;
    }
    list += next;
  }
  return fit(`${head}${list}`, o.width);
}

function regressionLines(g: Regression, o: ReportTextOptions): string[] {
  const out = ['', fit(`${g.label} got worse than ${g.previousLabel}: ${g.reasons.join('; ')}`, o.width)];
  const folded = g.changes.length - g.rows.length;
  out.push(
    fit(
      `  ${g.changes.length} file(s) changed between their ` +
        `snapshots${folded ? `, in ${g.rows.length} row(s) (sidecars such as .import with their file)` : ''}:`,
      o.width,
    ),
  );
  const limit = o.all ? g.rows.length : (o.rows ?? 12);
  const shown = g.rows.slice(0, limit);
  const nameWidth = Math.max(0, ...shown.map((r) => [...rowName(r)].length));
  for (const r of shown) out.push(rowLine(r, o.width, nameWidth));
  if (g.rows.length > limit) out.push(`    … and ${g.rows.length - limit} more row(s): vault feedback report --all`);
  out.push('  by bundle:');
  for (const x of g.byBundle) out.push(groupLine(x.name, x.files, x.bytes, groupRows(x.paths, g.rows), o));
  out.push('  by folder:');
  for (const x of g.byFolder) out.push(groupLine(x.name, x.files, x.bytes, groupRows(x.paths, g.rows), o));
  return out;
}

export function feedbackReportLines(r: FeedbackReport, o: ReportTextOptions): string[] {
  const out: string[] = [];
  if (r.since) out.push(`builds after milestone ${r.since.milestone} (${r.since.snapshot.slice(0, 12)})`);
  if (!r.builds.length) return [...out, 'no builds in range'];
  out.push('build                     feedback  rating  spread  tags');
  for (const b of r.builds) {
    const tags = Object.entries(b.tags)
      .map(([t, n]) => `${t}:${n}`)
      .join(' ');
    const avg = b.average === null ? '     -' : b.average.toFixed(2).padStart(6);
    const sd = b.stddev === null ? '     -' : b.stddev.toFixed(2).padStart(6);
    out.push(
      fit(
        `${`${b.version}@${b.platform}`.padEnd(25)} ${String(b.count).padStart(8)}  ${avg}  ${sd}  ${tags}`.trimEnd(),
        o.width,
      ),
    );
  }
  if (!r.regressions.length) return [...out, '', 'no build got worse than the one before it'];
  for (const g of r.regressions) out.push(...regressionLines(g, o));
  return out;
}
