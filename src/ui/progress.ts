import type { Progress } from '../porcelain/hashWorktree.js';
import { bytes } from './format.js';

/** What a progress display needs from any long operation (commit, restore, push, fetch...). */
export interface ProgressSample {
  /** what is happening now: 'read', 'upload'... */
  readonly phase: string;
  readonly bytes: number;
  /** 0 when unknown */
  readonly bytesTotal: number;
  /** files or objects done and in all (0 when unknown) */
  readonly items: number;
  readonly itemsTotal: number;
  /** 'files', 'objects' */
  readonly unit: string;
}

export function fromProgress(p: Progress): ProgressSample {
  return {
    phase: p.phase,
    bytes: p.bytes,
    bytesTotal: p.bytesTotal,
    items: p.files,
    itemsTotal: p.filesTotal,
    unit: 'files',
  };
}

/** What a display shows: the fraction done, the rate over the last few seconds, the time left. */
export interface ProgressView {
  readonly sample: ProgressSample;
  /** 0..1, or null when the total is unknown */
  readonly fraction: number | null;
  /** bytes per second over the last ~5 s (0 before two samples) */
  readonly rate: number;
  /** seconds left at that rate, or null when unknown */
  readonly eta: number | null;
  readonly elapsed: number;
}

/**
 * Rate and time left from timed samples. The rate is measured over a sliding window (~5 s), so a
 * slow start (scanning, connecting) does not make the estimate wrong for the rest of the run, and
 * bytes of a phase that started over (upload after prepare) do not count as negative progress.
 * Pure: time comes in as an argument.
 */
export class ProgressMeter {
  private readonly window: { t: number; bytes: number }[] = [];
  private phase = '';
  private last: ProgressView | null = null;

  constructor(
    private readonly start: number,
    private readonly windowMs = 5000,
  ) {}

  update(s: ProgressSample, now: number): ProgressView {
    if (s.phase !== this.phase || (this.window.length && s.bytes < this.window.at(-1)!.bytes)) {
      this.window.length = 0;
      this.phase = s.phase;
    }
    this.window.push({ t: now, bytes: s.bytes });
    while (this.window.length > 2 && now - this.window[0]!.t > this.windowMs) this.window.shift();
    const [first = { t: now, bytes: s.bytes }] = this.window; // never empty: the sample was just pushed
    const dt = (now - first.t) / 1000;
    // too short a window: keep the last rate, unless the window just started over (new phase)
    let rate = 0;
    if (dt > 0.05) rate = Math.max(0, (s.bytes - first.bytes) / dt);
    else if (this.window.length > 1) rate = this.last?.rate ?? 0;
    let fraction: number | null = null;
    if (s.bytesTotal > 0) fraction = Math.min(1, s.bytes / s.bytesTotal);
    else if (s.itemsTotal > 0) fraction = Math.min(1, s.items / s.itemsTotal);
    const eta = s.bytesTotal > 0 && rate > 0 ? Math.max(0, (s.bytesTotal - s.bytes) / rate) : null;
    this.last = { sample: s, fraction, rate, eta, elapsed: (now - this.start) / 1000 };
    return this.last;
  }
}

/** 75 -> "1:15", 3725 -> "1:02:05" */
export function duration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number) => String(x).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** "[#####.....] 42% " */
export function bar(fraction: number | null, width: number): string {
  if (fraction === null || width < 3) return '';
  const fill = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}

/**
 * "12/40 files  1.20 MiB/3.00 MiB  5.10 MiB/s  0:03 left" (parts with unknown totals left out; `items: false` leaves
 * the counts out).
 */
export function progressText(v: ProgressView, opts: { items?: boolean } = {}): string {
  const s = v.sample;
  const parts: string[] = [];
  if (s.itemsTotal && opts.items !== false) parts.push(`${s.items}/${s.itemsTotal} ${s.unit}`);
  if (s.bytesTotal) parts.push(`${bytes(s.bytes)}/${bytes(s.bytesTotal)}`);
  else if (s.bytes) parts.push(bytes(s.bytes));
  if (v.rate > 0) parts.push(`${bytes(Math.round(v.rate))}/s`);
  if (v.eta !== null && v.rate > 0 && s.phase !== 'done') parts.push(`${duration(v.eta)} left`);
  return parts.join('  ');
}

/**
 * The whole line, fitted to `columns`: label, bar (when there is room), then the figures; on a narrow
 * terminal the bar goes first, then the file counts, so bytes, rate and time left stay readable.
 */
export function progressLine(label: string, v: ProgressView, columns: number): string {
  let text = progressText(v);
  if (label.length + text.length + 2 > columns) text = progressText(v, { items: false });
  const room = columns - label.length - text.length - 4;
  const b = room >= 15 ? bar(v.fraction, Math.min(30, room - 7)) : '';
  const line = [label, b, text].filter(Boolean).join(' ');
  return line.length < columns ? line : `${line.slice(0, Math.max(0, columns - 2))}…`;
}

export interface ProgressOptions {
  /** show at all: off when stderr is not a terminal, with --json or --quiet */
  enabled?: boolean;
  /** show only after this long (a quick command prints no progress) */
  delayMs?: number;
  stream?: NodeJS.WriteStream;
  clock?: () => number;
}

/** Whether a command should draw progress: stderr is a terminal and neither --json nor --quiet. */
export function progressWanted(
  argv: { json?: boolean; quiet?: boolean },
  stream: NodeJS.WriteStream = process.stderr,
): boolean {
  return stream.isTTY === true && !argv.json && !argv.quiet;
}

/**
 * A progress line on stderr with bytes, rate and time left, redrawn at most 10 times a second and
 * shown only once the work has taken more than a moment (400 ms). Plain text, not Ink: commit and
 * push must not load React to draw one line. Returns the callback and a function that clears the line.
 */
export function progressReporter<P>(
  label: string | ((s: ProgressSample) => string),
  toSample: (p: P) => ProgressSample,
  opts: ProgressOptions = {},
): { onProgress: (p: P) => void; done: () => void } {
  const stream = opts.stream ?? process.stderr;
  const enabled = opts.enabled ?? stream.isTTY === true;
  const clock = opts.clock ?? Date.now;
  const start = clock();
  const meter = new ProgressMeter(start);
  let shown = false;
  let last = 0;
  const onProgress = (p: P) => {
    if (!enabled) return;
    const now = clock();
    const s = toSample(p);
    const v = meter.update(s, now);
    if (now - start < (opts.delayMs ?? 400) || (now - last < 100 && s.phase !== 'done')) return;
    last = now;
    shown = true;
    stream.write(`\r${progressLine(typeof label === 'string' ? label : label(s), v, stream.columns || 80)}\x1b[K`);
  };
  return {
    onProgress,
    done: () => {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

/** A sync operation's progress (objects and bytes) as a sample. */
export function fromSyncProgress(p: {
  phase: string;
  objects: number;
  objectsTotal: number;
  bytes: number;
  bytesTotal: number;
}): ProgressSample {
  return {
    phase: p.phase,
    bytes: p.bytes,
    bytesTotal: p.bytesTotal,
    items: p.objects,
    itemsTotal: p.objectsTotal,
    unit: 'objects',
  };
}

/** Progress of commit and restore (files and bytes). */
export function progressBar(
  label: string,
  enabled = process.stderr.isTTY === true,
  opts: Omit<ProgressOptions, 'enabled'> = {},
): { onProgress: (p: Progress) => void; done: () => void } {
  return progressReporter(label, fromProgress, { ...opts, enabled });
}
