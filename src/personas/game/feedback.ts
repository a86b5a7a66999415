import { parse as parseCsv } from 'csv-parse/sync';
import { LineCounter, parseDocument, isSeq, isMap } from 'yaml';
import { UsageError, VaultError, fsError } from '../../errors.js';
import type { Vault } from '../../porcelain/openVault.js';
import { listBuilds, pickBuild, type Build } from './builds.js';
import { addRecords, readRecords, recordId } from './records.js';

/**
 * Playtest feedback: a tester's rating (1..5), tags (crash, perf...) and text
 * about one build. Stored as records (refs/notes/game/feedback). A feedback's
 * id hashes build, tester, rating, tags, text and (when the source gives one)
 * its time, so importing the same export twice adds nothing.
 */
export interface Feedback {
  readonly id: string;
  /** build id */
  readonly build: string;
  readonly tester: string;
  readonly rating: number;
  readonly tags: readonly string[];
  readonly text: string;
  /** when it was given (from the source) or recorded */
  readonly time: number;
}

export interface FeedbackInput {
  /** build id, id prefix, version or VERSION@PLATFORM */
  build: string;
  /** the build's platform, when `build` is a version made for several */
  platform?: string;
  tester: string;
  rating: number | string;
  tags?: readonly string[] | string;
  text?: string;
  /** when it was given: ms since epoch or a date string */
  time?: number | string;
}

export class BadFeedbackError extends VaultError {
  constructor(reason: string, data: Record<string, unknown> = {}) {
    super(
      'EBADFEEDBACK',
      `bad feedback: ${reason}`,
      data,
      'rating is a whole number 1..5; build is a build id, version ' +
        'or VERSION@PLATFORM (see vault build list); tester is required',
    );
  }
}

function tagsOf(t: FeedbackInput['tags']): string[] {
  const list = typeof t === 'string' ? t.split(/[;|,\s]+/) : [...(t ?? [])];
  return [...new Set(list.map((x) => String(x).trim().toLowerCase()).filter(Boolean))].sort();
}

function timeOf(t: FeedbackInput['time']): number | null {
  if (t === undefined || t === null || t === '') return null;
  let n = typeof t === 'number' ? t : Date.parse(String(t));
  if (typeof t !== 'number' && /^\d+$/.test(String(t).trim())) n = Number(t); // epoch milliseconds
  if (!Number.isFinite(n)) throw new BadFeedbackError(`time '${t}' is not a date`);
  return n;
}

/** Check one input and make the stored record (throws BadFeedbackError naming what is wrong). */
export function makeFeedback(builds: readonly Build[], input: FeedbackInput, clock: () => number): Feedback {
  if (input.build === undefined || String(input.build).trim() === '') throw new BadFeedbackError('no build');
  let ref = String(input.build).trim();
  const platform = String(input.platform ?? '').trim();
  if (platform) {
    const at = ref.lastIndexOf('@');
    if (at > 0 && ref.slice(at + 1) !== platform)
      throw new BadFeedbackError(`build '${ref}' is not for platform '${platform}'`, { build: ref, platform });
    if (at <= 0) ref = `${ref}@${platform}`;
  }
  let build: Build;
  try {
    build = pickBuild(builds, ref);
  } catch (e) {
    throw new BadFeedbackError((e as Error).message, { build: input.build });
  }
  const tester = String(input.tester ?? '').trim();
  if (!tester) throw new BadFeedbackError('no tester');
  let r = Number(input.rating);
  if (typeof input.rating !== 'number' && String(input.rating ?? '').trim() === '') r = NaN; // Number('') is 0
  if (!Number.isInteger(r) || r < 1 || r > 5)
    throw new BadFeedbackError(`rating '${input.rating ?? ''}' is not a whole number from 1 to 5`);
  const tags = tagsOf(input.tags);
  const text = String(input.text ?? '').trim();
  const given = timeOf(input.time);
  const id = recordId({ kind: 'feedback', build: build.id, tester, rating: r, tags, text, time: given });
  return { id, build: build.id, tester, rating: r, tags, text, time: given ?? clock() };
}

/** feedback is stored as one JSON Lines file per build (refs/notes/game/feedback: `<build-id>.jsonl`) */
const byBuild = (f: Feedback) => f.build;

export async function addFeedback(
  opts: { vault: Vault; lockWait?: number } & FeedbackInput,
): Promise<{ feedback: Feedback; added: boolean }> {
  const { vault, lockWait, ...input } = opts;
  const builds = await listBuilds({ vault });
  let f: Feedback;
  try {
    f = makeFeedback(builds, input, vault.clock);
  } catch (e) {
    // one entry given on the command line: bad input is a usage error
    if (e instanceof BadFeedbackError) throw Object.assign(new UsageError(e.message, e.hint), { data: e.data });
    throw e;
  }
  const r = await addRecords({
    vault,
    kind: 'feedback',
    records: [{ id: f.id, data: f }],
    group: byBuild,
    message: `feedback on ${f.build} by ${f.tester}`,
    lockWait,
  });
  return { feedback: f, added: r.added.length === 1 };
}

export interface ImportProblem {
  /** 1-based line in the file where the row starts */
  readonly line: number;
  readonly reason: string;
}

export interface ImportResult {
  readonly rows: number;
  readonly added: number;
  /** rows that were stored before (same build, tester, rating, tags, text and time) */
  readonly duplicates: number;
  readonly problems: readonly ImportProblem[];
  /** columns (CSV) or fields (JSON) that are none of the known ones: their values were not imported */
  readonly ignoredColumns: readonly string[];
}

/** The column names of an export that Vault does not know (to say so once, not per row). */
export function unknownColumns(rows: readonly { row: Record<string, unknown> | null }[]): string[] {
  const out = new Set<string>();
  for (const r of rows)
    for (const k of Object.keys(r.row ?? {})) if (!ALIASES[columnKey(k)] && k.trim() !== '') out.add(k.trim());
  return [...out];
}

const ALIASES: Record<string, keyof FeedbackInput> = {
  build: 'build',
  build_id: 'build',
  buildid: 'build',
  version: 'build',
  platform: 'platform',
  os: 'platform',
  tester: 'tester',
  name: 'tester',
  player: 'tester',
  rating: 'rating',
  score: 'rating',
  stars: 'rating',
  tags: 'tags',
  tag: 'tags',
  text: 'text',
  comment: 'text',
  comments: 'text',
  feedback: 'text',
  notes: 'text',
  time: 'time',
  date: 'time',
  timestamp: 'time',
  submitted: 'time',
};

function columnKey(k: string): string {
  return k
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function normalizeRow(row: Record<string, unknown>): FeedbackInput {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const key = ALIASES[columnKey(k)];
    if (key && out[key] === undefined) out[key] = v;
  }
  return out as unknown as FeedbackInput;
}

/**
 * Parse a playtest form export: rows with the line each starts on. CSV (header row) or JSON (array of objects, or
 * {feedback: [...]}).
 */
export function parseFeedbackFile(
  text: string,
  format: 'csv' | 'json',
): { line: number; row: Record<string, unknown> | null; reason?: string }[] {
  if (format === 'csv') {
    let recs: { record: Record<string, string>; info: { lines: number }; raw: string }[];
    try {
      // CRLF (and old-Mac CR) line ends become LF first: csv-parse's line count is off with CRLF
      recs = parseCsv(text.replace(/\r\n?/g, '\n'), {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        bom: true,
        relax_column_count: true,
        info: true,
        raw: true,
      }) as typeof recs;
    } catch (e) {
      const line = (e as { lines?: number }).lines ?? 0;
      throw new UsageError(
        `the CSV does not parse${line ? ` (line ${line})` : ''}: ${(e as Error).message}`,
        'export it again as CSV with a header row',
      );
    }
    // info.lines is the line a record ends on; it starts as many lines earlier as it has line breaks inside
    // (raw also holds the empty lines skipped before it and its own line break)
    return recs.map((r) => {
      const inner = r.raw.replace(/^\n+/, '').replace(/\n$/, '');
      return { line: r.info.lines - (inner.match(/\n/g)?.length ?? 0), row: r.record };
    });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const [e] = doc.errors;
  if (e) {
    throw new UsageError(
      `the JSON does not parse (line ${e.linePos?.[0]?.line ?? '?'}): ${e.message.split('\n')[0] ?? ''}`,
      'export it again as a JSON array of objects',
    );
  }
  let seq: unknown = doc.contents;
  if (isMap(seq)) seq = seq.get('feedback', true) ?? seq.get('rows', true) ?? seq.get('responses', true);
  if (!isSeq(seq))
    throw new UsageError(
      'the JSON is not an array of feedback objects',
      'use [{"build": "0.4.2", "tester": "ana", "rating": 4, "tags": ["perf"], "text": "..."}]',
    );
  return seq.items.map((item) => {
    const range = (item as { range?: [number, number, number] } | null)?.range;
    const line = range ? lc.linePos(range[0]).line : 0;
    const v = (item as { toJSON?: () => unknown })?.toJSON?.() ?? null;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { line, row: null, reason: 'not an object' };
    return { line, row: v as Record<string, unknown> };
  });
}

const MAX_IMPORT = 64 * 1024 * 1024;

/** The format a file name says: .json, or .csv/.tsv/.txt; null for anything else. */
function formatOfPath(path: string): 'csv' | 'json' | null {
  if (/\.json$/i.test(path)) return 'json';
  return /\.(csv|tsv|txt)$/i.test(path) ? 'csv' : null;
}

export interface ImportFeedbackOptions {
  vault: Vault;
  /** the export file (absolute or relative to the project folder) */
  path: string;
  /** default: from the extension (.csv, .json) */
  format?: 'csv' | 'json';
  /** seconds to wait for the vault lock */
  lockWait?: number;
}

/**
 * Import a CSV/JSON export: good rows land (in one records snapshot), bad rows are returned with their line numbers.
 */
export async function importFeedback(opts: ImportFeedbackOptions): Promise<ImportResult> {
  const { vault } = opts;
  const format = opts.format ?? formatOfPath(opts.path);
  if (!format)
    throw new UsageError(
      `cannot tell the format of ${opts.path}`,
      'name a .csv or .json file, or pass --format csv|json',
    );
  const abs = opts.path.startsWith('/') ? opts.path : `${vault.workTree}/${opts.path}`;
  // a form export is read whole (parsed in memory): capped
  const st = await vault.fs.stat(abs).catch((e) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(
        `${opts.path}: no such file`,
        'name the CSV or JSON file exported from the playtest form (paths are relative to the current folder)',
      );
    throw fsError(e, 'stat', abs);
  });
  if (!st.isFile())
    throw new UsageError(`${opts.path} is not a file`, 'name the CSV or JSON file exported from the form');
  if (Number(st.size) > MAX_IMPORT)
    throw new UsageError(
      `${opts.path} is larger than ${MAX_IMPORT / 1024 / 1024} MiB`,
      'split the export into smaller files',
    );
  const text = String(
    await vault.fs.readFile(abs, 'utf8').catch((e) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT')
        throw new UsageError(
          `${opts.path}: no such file`,
          'name the CSV or JSON file exported from the playtest form (paths are relative to the current folder)',
        );
      throw fsError(e, 'read', abs);
    }),
  );
  const rows = parseFeedbackFile(text, format);
  const [first] = rows;
  if (format === 'csv' && first) {
    // a header without the needed columns would make every row bad: say so once
    const have = new Set(Object.keys(normalizeRow(first.row ?? {})));
    const missing = (['build', 'tester', 'rating'] as const).filter((k) => !have.has(k));
    if (missing.length)
      throw new UsageError(
        `${opts.path} has no ${missing.join(', ')} column(s)`,
        `name the header columns build (or version), tester (or name, player), rating (or ` +
          `score, stars), and optionally platform, tags, text (or comment), time (or date)`,
      );
  }
  const builds = await listBuilds({ vault });
  const problems: ImportProblem[] = [];
  const good: Feedback[] = [];
  for (const r of rows) {
    if (!r.row) {
      problems.push({ line: r.line, reason: r.reason ?? 'unreadable row' });
      continue;
    }
    try {
      good.push(makeFeedback(builds, normalizeRow(r.row), vault.clock));
    } catch (e) {
      if (!(e instanceof BadFeedbackError)) throw e;
      problems.push({ line: r.line, reason: e.message.replace(/^bad feedback: /, '') });
    }
  }
  const res = good.length
    ? await addRecords({
        vault,
        kind: 'feedback',
        records: good.map((f) => ({ id: f.id, data: f })),
        group: byBuild,
        message: `feedback import: ${good.length} row(s) from ${opts.path.split('/').pop()}`,
        lockWait: opts.lockWait,
      })
    : { added: [], existing: [] };
  const ignoredColumns = unknownColumns(rows);
  return {
    rows: rows.length,
    added: res.added.length,
    duplicates: good.length - res.added.length,
    problems,
    ignoredColumns,
  };
}

export async function listFeedback(opts: { vault: Vault; build?: string }): Promise<Feedback[]> {
  const all = (await readRecords<Feedback>(opts.vault, 'feedback')).map((r) => ({ ...r.data, id: r.id }));
  const build = opts.build ? (await listBuilds({ vault: opts.vault }).then((b) => pickBuild(b, opts.build!))).id : null;
  return all.filter((f) => !build || f.build === build).sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
}
