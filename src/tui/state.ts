import type { LogEntry } from '../porcelain/log.js';
import type { ElementChoice, Plan } from './actions.js';
import type { Context, PureCommand } from './keymap.js';
import type { Message } from './StatusBar.js';
import { follow } from './text.js';

/**
 * The TUI's state and the reducer that changes it. Everything a key does to the screen is here, as a
 * pure function (state, action) -> state; what reads or writes the vault (loading, restoring) is in
 * the hooks, which dispatch the outcome as an action. Keys that arrive together are reduced one after
 * the other, each from the state the previous one left (see use-store.ts).
 */

/** A question or list over the current view. */
export type Mode =
  | null
  | { kind: 'help'; offset: number }
  | { kind: 'filter' }
  | { kind: 'milestone'; target: LogEntry; value: string }
  | { kind: 'confirm'; plan: Plan }
  | { kind: 'elements'; path: string; snapshot: string; list: readonly ElementChoice[]; cursor: number };

export type Pane = 'files' | 'patch';

/** The diff on screen: `entry` against `from` (null: against its parent). */
export interface DiffTarget {
  readonly entry: LogEntry;
  readonly from: LogEntry | null;
}

export interface TuiState {
  readonly mode: Mode;
  readonly message: Message;
  /** the `/` filter's text */
  readonly filter: string;
  /** the selected row of the (filtered) timeline; 'end': the last snapshot, once the history is read */
  readonly cursor: number | 'end';
  /** the first timeline row on screen */
  readonly offset: number;
  /** snapshot A, marked with space: Enter on B then diffs A..B */
  readonly marked: LogEntry | null;
  /** the Diff view is open on this (null: the Timeline view) */
  readonly diff: DiffTarget | null;
  readonly fileCursor: number;
  readonly fileOffset: number;
  readonly patchOffset: number;
  readonly pane: Pane;
}

export const initialState: TuiState = {
  mode: null,
  message: null,
  filter: '',
  cursor: 0,
  offset: 0,
  marked: null,
  diff: null,
  fileCursor: 0,
  fileOffset: 0,
  patchOffset: 0,
  pane: 'files',
};

/**
 * What the screen looks like when a key is pressed: the rows a move is measured against. Taken from the
 * last frame; within a burst of keys the state is always current, these sizes may be a frame old.
 */
export interface Layout {
  /** the (filtered) timeline */
  readonly shown: readonly LogEntry[];
  /** the whole history is loaded */
  readonly done: boolean;
  readonly listHeight: number;
  /** rows of the diff's file pane: persona panels + files (null while the diff is being read) */
  readonly diffRows: number | null;
  readonly fileRows: number;
  readonly patchRows: number;
  readonly patchLines: number;
  /** lines of the help overlay and the rows it has */
  readonly helpLines: number;
  readonly helpRows: number;
}

export type Action =
  | { type: 'command'; command: PureCommand; layout: Layout }
  /** a character typed into the text prompt */
  | { type: 'type'; text: string }
  /** close the text prompt (its value was taken) or any other question */
  | { type: 'close' }
  | { type: 'say'; message: Message }
  | { type: 'ask'; plan: Plan }
  | { type: 'elements'; path: string; snapshot: string; list: readonly ElementChoice[] }
  /** select the row at `index` (after the history was read again) */
  | { type: 'select'; index: number };

/** Where keys go now: the open question or list, else the view. */
export function contextOf(s: TuiState): Context {
  if (s.mode?.kind === 'filter' || s.mode?.kind === 'milestone') return 'prompt';
  if (s.mode) return s.mode.kind;
  return s.diff ? 'diff' : 'timeline';
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(n, hi));

/** The selected timeline row: the cursor within the rows there are. */
export function cursorIn(s: TuiState, rows: number): number {
  if (s.cursor === 'end') return Math.max(0, rows - 1);
  return clamp(s.cursor, 0, Math.max(0, rows - 1));
}

/** The timeline window's first row, keeping the selected row on screen. */
export function offsetIn(s: TuiState, rows: number, height: number): number {
  const cur = cursorIn(s, rows);
  return follow(Math.min(s.offset, cur), cur, height);
}

/** The file list's first row on screen: `cursor` visible, no empty rows under the list. */
export function fileOffsetIn(offset: number, cursor: number, rows: number, height: number): number {
  return follow(clamp(offset, 0, Math.max(0, rows - height)), cursor, height);
}

/**
 * Move the timeline's cursor. Before the whole history is read it may go past the rows loaded (keys
 * typed ahead of loading are kept: the row appears once it is read); after, it stays within the rows.
 */
function moveTimeline(s: TuiState, to: number | 'end', l: Layout): TuiState {
  let cursor: number | 'end' = to;
  if (to !== 'end') cursor = l.done ? clamp(to, 0, Math.max(0, l.shown.length - 1)) : Math.max(0, to);
  const next = { ...s, cursor };
  return { ...next, offset: offsetIn(next, l.shown.length, l.listHeight) };
}

/** Move in the diff's file list; keys before the diff is read count once it is (as in the timeline). */
function moveFile(s: TuiState, by: number, l: Layout): TuiState {
  const last = l.diffRows === null ? Infinity : Math.max(0, l.diffRows - 1);
  const fileCursor = clamp(Math.min(s.fileCursor, last) + by, 0, last);
  const fileOffset = l.diffRows === null ? 0 : fileOffsetIn(s.fileOffset, fileCursor, l.diffRows, l.fileRows);
  return { ...s, fileCursor, fileOffset, patchOffset: 0 };
}

function scrollPatch(s: TuiState, by: number, l: Layout): TuiState {
  return { ...s, patchOffset: clamp(s.patchOffset + by, 0, Math.max(0, l.patchLines - l.patchRows)) };
}

/** j/k, PgDn/PgUp in the Diff view: the file list or the patch, whichever pane has the focus. */
function diffStep(s: TuiState, command: PureCommand, l: Layout): TuiState {
  const page = command === 'pageDown' || command === 'pageUp';
  const sign = command === 'down' || command === 'pageDown' ? 1 : -1;
  if (s.pane === 'files') return moveFile(s, sign * (page ? l.fileRows : 1), l);
  return scrollPatch(s, sign * (page ? l.patchRows : 1), l);
}

function timelineCommand(s: TuiState, command: PureCommand, l: Layout): TuiState {
  const cur = cursorIn(s, l.shown.length);
  // moves count from where earlier keys put the cursor, even past the rows loaded so far
  const from = typeof s.cursor === 'number' && !l.done ? Math.max(s.cursor, cur) : cur;
  const page = Math.max(1, l.listHeight - 1);
  const selected = l.shown[cur];
  switch (command) {
    case 'down':
      return moveTimeline(s, from + 1, l);
    case 'up':
      return moveTimeline(s, from - 1, l);
    case 'pageDown':
      return moveTimeline(s, from + page, l);
    case 'pageUp':
      return moveTimeline(s, from - page, l);
    case 'first':
      return moveTimeline(s, 0, l);
    case 'last':
      // before the whole history is read: the last loaded row now, the very last once it is read
      return moveTimeline(s, l.done ? l.shown.length - 1 : 'end', l);
    case 'filter':
      return { ...s, mode: { kind: 'filter' } };
    case 'clear':
      if (s.marked) return { ...s, marked: null };
      return s.filter ? { ...s, filter: '', cursor: 0, offset: 0 } : s;
    case 'mark':
      if (!selected) return s;
      if (s.marked?.id === selected.id) return { ...s, marked: null };
      return {
        ...s,
        marked: selected,
        message: {
          text: `A = ${selected.id.slice(0, 8)}: Enter on another snapshot diffs A..it; space or Esc unmarks`,
          tone: 'info',
        },
      };
    case 'diff':
      if (!selected) return s;
      return {
        ...s,
        cursor: cur,
        marked: null,
        diff: { entry: selected, from: s.marked && s.marked.id !== selected.id ? s.marked : null },
        fileCursor: 0,
        fileOffset: 0,
        patchOffset: 0,
        pane: 'files',
      };
    case 'milestone':
      return selected ? { ...s, mode: { kind: 'milestone', target: selected, value: '' } } : s;
    default:
      return s;
  }
}

function diffCommand(s: TuiState, command: PureCommand, l: Layout): TuiState {
  switch (command) {
    case 'back':
      return { ...s, diff: null };
    case 'pane':
      return { ...s, pane: s.pane === 'files' ? 'patch' : 'files' };
    case 'down':
    case 'up':
    case 'pageDown':
    case 'pageUp':
      return diffStep(s, command, l);
    default:
      return s;
  }
}

/** A key in a question or list (help, element list, y/n, text prompt). */
function modeCommand(s: TuiState, command: PureCommand, l: Layout): TuiState {
  const m = s.mode;
  if (m?.kind === 'help') {
    if (command === 'closeHelp' || command === 'help') return { ...s, mode: null };
    const by = command === 'down' ? 1 : -1;
    return { ...s, mode: { ...m, offset: clamp(m.offset + by, 0, Math.max(0, l.helpLines - l.helpRows)) } };
  }
  if (m?.kind === 'elements') {
    if (command === 'cancel') return { ...s, mode: null };
    const by = command === 'down' ? 1 : -1;
    return { ...s, mode: { ...m, cursor: clamp(m.cursor + by, 0, m.list.length - 1) } };
  }
  if (m?.kind === 'confirm' && command === 'no')
    return { ...s, mode: null, message: { text: 'cancelled: nothing was changed', tone: 'info' } };
  if (m?.kind === 'filter' && command === 'cancel') return { ...s, mode: null, filter: '', cursor: 0, offset: 0 };
  if (m?.kind === 'filter' && command === 'erase') return { ...s, filter: s.filter.slice(0, -1), cursor: 0, offset: 0 };
  if (m?.kind === 'milestone' && command === 'cancel') return { ...s, mode: null };
  if (m?.kind === 'milestone' && command === 'erase') return { ...s, mode: { ...m, value: m.value.slice(0, -1) } };
  return s;
}

function command(s: TuiState, c: PureCommand, l: Layout): TuiState {
  if (s.mode) return modeCommand(s, c, l);
  if (c === 'help') return { ...s, mode: { kind: 'help', offset: 0 } };
  // any key in a view replaces the last message
  const next = s.message ? { ...s, message: null } : s;
  return s.diff ? diffCommand(next, c, l) : timelineCommand(next, c, l);
}

export function reduce(s: TuiState, a: Action): TuiState {
  switch (a.type) {
    case 'command':
      return command(s, a.command, a.layout);
    case 'type':
      if (s.mode?.kind === 'filter') return { ...s, filter: s.filter + a.text, cursor: 0, offset: 0 };
      if (s.mode?.kind === 'milestone') return { ...s, mode: { ...s.mode, value: s.mode.value + a.text } };
      return s;
    case 'close':
      return { ...s, mode: null };
    case 'say':
      return a.message === s.message ? s : { ...s, message: a.message };
    case 'ask':
      return { ...s, mode: { kind: 'confirm', plan: a.plan } };
    case 'elements':
      return {
        ...s,
        message: null,
        mode: { kind: 'elements', path: a.path, snapshot: a.snapshot, list: a.list, cursor: 0 },
      };
    case 'select':
      return { ...s, cursor: Math.max(0, a.index) };
  }
}
