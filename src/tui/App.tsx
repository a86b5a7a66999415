import { Box, useApp, useInput, type Key } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createMilestone } from '../personas/game/milestones.js';
import type { Change } from '../porcelain/diffTrees.js';
import type { LogEntry } from '../porcelain/log.js';
import type { Vault } from '../porcelain/openVault.js';
import { fromProgress } from '../ui/progress.js';
// components
import { BottomBar, bottomHeight } from './BottomBar.js';
import { BUILD_PANEL_HEIGHT } from './BuildPanel.js';
import { DiffView, filePaneHeight, type Pane } from './DiffView.js';
import { ElementPicker } from './ElementPicker.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import type { Message } from './StatusBar.js';
import { TimelineBody } from './TimelineBody.js';
// what the keys do, and the data behind the views
import {
  elementChoices,
  elementRestorePlan,
  fileRestoreBeforePlan,
  fileRestorePlan,
  openInBrowser,
  writeHtmlTimeline,
  type ElementChoice,
  type Plan,
} from './actions.js';
import { countsOf } from './change-store.js';
import { gamePanels } from './game-panels.js';
import { milestoneInput } from './milestone-input.js';
import { follow } from './text.js';
import { pictureColorWanted, type PictureColor } from './theme.js';
import { useBuilds } from './use-builds.js';
import { useChangeStore } from './use-changes.js';
import { useDiff, usePatch, type Patch } from './use-diff.js';
import { useFiltered } from './use-filtered.js';
import { useMilestoneTypes } from './use-milestone-types.js';
import { useProgress } from './use-progress.js';
import { useSyncState } from './use-sync-state.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useThumbnails } from './use-thumbnails.js';
import { useTimeline } from './use-timeline.js';
import { useVisual } from './use-visual.js';
import { useLocks } from './use-locks.js';

import type { ActivePersona as Persona } from '../porcelain/settings.js';
export type { Persona };

export interface AppProps {
  vault: Vault;
  persona?: Persona;
  /** how to draw pictures: true or 'truecolor', '256', false for ASCII (default: what the terminal says, see pictureColorWanted) */
  pictureColor?: boolean | PictureColor;
  /** where `o` writes the HTML timeline (default: a new temporary folder) */
  htmlDir?: string;
  /** opens the HTML timeline; returns whether it did (default: xdg-open when there is a desktop) */
  opener?: (path: string) => boolean;
}

/** thumbnail size in the creative panels: text rows (two pixels each) and columns */
const THUMB_ROWS = 6;
const THUMB_COLS = 14;

type Mode =
  | null
  | { kind: 'help' }
  | { kind: 'filter' }
  | { kind: 'milestone'; target: LogEntry; value: string }
  | { kind: 'confirm'; plan: Plan }
  | { kind: 'elements'; path: string; snapshot: string; list: readonly ElementChoice[]; cursor: number };

const MORE = 200;

/** The whole screen: header, the timeline or diff view, prompts, status line. All keys are handled here. */
export function App({ vault, persona, pictureColor = pictureColorWanted(), htmlDir, opener }: AppProps) {
  const { exit } = useApp();
  const { columns: width, rows } = useTerminalSize();
  const height = Math.max(5, rows - 1); // ink redraws the whole screen when the output is as tall as the terminal
  const timeline = useTimeline(vault, height);

  const [view, setView, viewRef] = useSyncState<'timeline' | 'diff'>('timeline');
  const [mode, setMode, modeRef] = useSyncState<Mode>(null);
  const [message, setMessage] = useState<Message>(null);
  const [filter, setFilter, filterRef] = useSyncState('');
  const [cursor, setCursor, cursorRef] = useSyncState(0);
  const [offset, setOffset, offsetRef] = useSyncState(0);
  const [diffEntry, setDiffEntry] = useState<LogEntry | null>(null);
  /** the "before" side of a two-snapshot diff (null: the parent) */
  const [diffFrom, setDiffFrom] = useState<LogEntry | null>(null);
  /** snapshot A, marked with space: Enter on B then diffs A..B */
  const [marked, setMarked, markedRef] = useSyncState<LogEntry | null>(null);
  const [fileCursor, setFileCursor, fileCursorRef] = useSyncState(0);
  const [fileOffset, setFileOffset, fileOffsetRef] = useSyncState(0);
  const [patchOffset, setPatchOffset] = useSyncState(0);
  const [pane, setPane, paneRef] = useSyncState<Pane>('files');
  /** G pressed before the whole history was loaded: go to the end once it is */
  const [wantEnd, setWantEnd] = useState(false);

  const store = useChangeStore(vault);
  const milestones = useMilestoneTypes(vault);
  const progress = useProgress();
  const builds = useBuilds(vault, persona === 'game');
  const { shown, pending } = useFiltered(timeline.entries, filter, milestones.types, store, builds.words);

  // layout: header, body, bottom bar ([filter line], [prompt], [confirmation], status line)
  const bottomProps = {
    filter:
      filter || mode?.kind === 'filter'
        ? {
            text: filter,
            editing: mode?.kind === 'filter',
            matches: shown.length,
            pending: pending.length,
            done: timeline.done,
          }
        : null,
    prompt:
      mode?.kind === 'milestone'
        ? {
            label: `Milestone for ${mode.target.id.slice(0, 8)}: NAME [TYPE] (type default development; Esc cancels):`,
            value: mode.value,
          }
        : null,
    confirm: mode?.kind === 'confirm' ? mode.plan : null,
  };
  const bodyHeight = Math.max(1, height - 1 - bottomHeight(bottomProps));
  // persona panels under the timeline (creative: thumbnails of the selected snapshot), when there is room
  const panelHeight =
    bodyHeight < 14 ? 0 : persona === 'creative' ? THUMB_ROWS + 2 : persona === 'game' ? BUILD_PANEL_HEIGHT : 0;
  const listHeight = bodyHeight - panelHeight;

  const cur = Math.min(cursor, Math.max(0, shown.length - 1));
  const off = follow(Math.min(offset, cur), cur, listHeight);
  offsetRef.current = off;
  const visible = view === 'timeline' ? shown.slice(off, off + listHeight).map((e) => e.id) : [];
  const visibleKey = visible.join(',');
  useEffect(() => store.want(visible), [store, visibleKey]);
  const selected = view === 'timeline' ? shown[cur] : undefined;
  const selectedChanges = selected ? store.get(selected.id) : undefined;
  const thumbs = useThumbnails({
    vault,
    enabled: panelHeight > 0,
    id: selected?.id ?? null,
    changes: selectedChanges instanceof Error ? undefined : selectedChanges,
    max: Math.max(1, Math.floor(width / (THUMB_COLS + 2))),
    rows: THUMB_ROWS,
    maxCols: THUMB_COLS,
    color: pictureColor,
  });
  const counts = countsOf(store, visible);

  const panelsOf = useMemo(
    () => (persona === 'game' ? (a: string | null, b: string) => gamePanels(vault, a, b) : undefined),
    [vault, persona],
  );
  const diff = useDiff(vault, diffEntry?.id ?? null, diffFrom?.id ?? null, panelsOf);
  const files = diff.data?.files ?? [];
  const panels = diff.data?.panels ?? [];
  /** diff rows: the persona panels, then the files */
  const rowCount = panels.length + files.length;
  const fileCur = Math.min(fileCursor, Math.max(0, rowCount - 1));
  const selectedPanel = fileCur < panels.length ? panels[fileCur] : undefined;
  const filePatch = usePatch(vault, diff.data, selectedPanel ? undefined : files[fileCur - panels.length]);
  const patch: Patch = selectedPanel ? { kind: 'panel', lines: selectedPanel.lines } : filePatch;
  const visual = useVisual({
    vault,
    enabled: persona === 'creative' && view === 'diff' && !selectedPanel,
    parent: diff.data?.parent ?? null,
    snapshot: diff.data?.snapshot ?? null,
    change: selectedPanel ? undefined : files[fileCur - panels.length],
    rows: THUMB_ROWS,
    maxCols: THUMB_COLS,
    color: pictureColor,
  });
  const locks = useLocks(vault);
  const fileRows = filePaneHeight(rowCount, bodyHeight);
  const patchRows = Math.max(1, bodyHeight - fileRows - 2);

  // lazy loading: more history when the cursor nears the end; everything while a filter is on
  useEffect(() => {
    if (timeline.done || timeline.loading) return;
    if (filter || wantEnd || cur + listHeight >= shown.length) timeline.loadMore(MORE);
  }, [timeline.done, timeline.loading, filter, wantEnd, cur, shown.length, listHeight]);
  useEffect(() => {
    if (!wantEnd || !timeline.done) return;
    setWantEnd(false);
    moveTo(shown.length);
  }, [wantEnd, timeline.done, shown.length]);

  const moveTo = (by: number) => {
    const next = Math.max(0, Math.min(cursorRef.current + by, shown.length - 1));
    setCursor(next);
    setOffset(follow(offsetRef.current, next, listHeight));
  };
  const moveFile = (by: number) => {
    const next = Math.max(0, Math.min(fileCursorRef.current + by, rowCount - 1));
    setFileCursor(next);
    setFileOffset(follow(Math.min(fileOffsetRef.current, next), next, fileRows));
    setPatchOffset(0);
  };
  const scrollPatch = (by: number) => {
    const lines = visual
      ? (visual.report?.length ?? 0)
      : patch.kind === 'text' || patch.kind === 'panel'
        ? patch.lines.length
        : 0;
    setPatchOffset((o) => Math.max(0, Math.min(o + by, lines - patchRows)));
  };

  const openDiff = (e: LogEntry, from: LogEntry | null) => {
    setDiffEntry(e);
    setDiffFrom(from);
    setFileCursor(0);
    setFileOffset(0);
    setPatchOffset(0);
    setPane('files');
    setView('diff');
  };

  /** the selected diff row as a file, or a message saying why there is none */
  const selectedFile = (): Change | null => {
    const row = Math.min(fileCursorRef.current, rowCount - 1);
    if (row < panels.length) {
      setMessage({ text: `${panels[row].label} is a summary, not a file: pick a file below it`, tone: 'error' });
      return null;
    }
    return files[row - panels.length] ?? null;
  };

  const ask = (plan: Plan | Message) => {
    if (plan && 'run' in plan) setMode({ kind: 'confirm', plan });
    else setMessage(plan);
  };

  /** run a confirmed plan with a progress line, then say how it went */
  const runPlan = (plan: Plan) => {
    setMessage(null);
    const onProgress = progress.start(plan.label);
    plan
      .run((p) => onProgress(fromProgress(p)))
      .then(async (done) => {
        // an element restore commits an undo snapshot first: show it in the timeline
        if (done.historyChanged) {
          const was = shown[Math.min(cursorRef.current, shown.length - 1)]?.id;
          const again = await timeline.reload();
          // the selection stays on the snapshot it was on (unfiltered; a filter recomputes anyway)
          if (!filterRef.current)
            setCursor(
              Math.max(
                0,
                again.findIndex((e) => e.id === was),
              ),
            );
        }
        setMessage(done.message);
      })
      .catch(fail)
      .finally(progress.stop);
  };

  const askRestore = async () => {
    const c = selectedFile();
    if (c && diffEntry) ask(await fileRestorePlan(vault, diffEntry.id, c));
  };

  const askRestoreBefore = async () => {
    const c = selectedFile();
    if (c && diffEntry) ask(await fileRestoreBeforePlan(vault, diffFrom?.id ?? diffEntry.parents[0] ?? null, c));
  };

  const pickElement = async () => {
    const c = selectedFile();
    if (!c || !diffEntry) return;
    if (c.kind === 'deleted')
      return setMessage({ text: `${c.path} was deleted by this snapshot: it has no elements here`, tone: 'error' });
    setMessage({ text: `reading the elements of ${c.path}…`, tone: 'info' });
    const list = await elementChoices(vault, diffEntry.id, c.path);
    // the user may have left the diff (or opened a prompt) while the file was read
    if (viewRef.current !== 'diff' || modeRef.current) return setMessage(null);
    if (!list.length)
      return setMessage({ text: `${c.path} has no elements in ${diffEntry.id.slice(0, 12)}`, tone: 'error' });
    setMessage(null);
    setMode({ kind: 'elements', path: c.path, snapshot: diffEntry.id, list, cursor: 0 });
  };

  const lockSelected = async () => {
    const c = selectedFile();
    if (!c) return;
    if (c.kind === 'deleted') return setMessage({ text: `${c.path} was deleted: nothing to lock`, tone: 'error' });
    setMessage({ text: `locking ${c.path}…`, tone: 'info' });
    setMessage({ text: await locks.lockFile(c.path), tone: 'ok' });
  };

  const openHtml = () => {
    progress.start('writing the HTML timeline'); // no byte counts: the line shows the label until it is written
    writeHtmlTimeline(vault, htmlDir)
      .then(({ path, versions }) => {
        const opened = (opener ?? openInBrowser)(path);
        // the path first: it is what the user needs when no browser opens
        setMessage({ text: `HTML timeline: ${path}${opened ? ' (opening)' : ''} · ${versions} versions`, tone: 'ok' });
      }, fail)
      .finally(progress.stop);
  };

  const mark = (target: LogEntry, input: string) => {
    const want = milestoneInput(input);
    if ('error' in want) return setMessage({ text: want.error, tone: 'error' });
    createMilestone({ vault, name: want.name, type: want.type, snapshot: target.id })
      .then(async (ms) => {
        await timeline.refreshRefs();
        await milestones.refresh();
        setMessage({ text: `milestone ${ms.name} (${ms.type}) marks ${ms.snapshot.slice(0, 12)}`, tone: 'ok' });
      })
      .catch(fail);
  };

  const fail = (e: unknown) => setMessage({ text: `error: ${(e as Error).message}`, tone: 'error' });

  /** text prompts: keys can arrive faster than renders, so edits are updater functions */
  const onPrompt = (
    input: string,
    key: Key,
    edit: (fn: (v: string) => string) => void,
    accept: () => void,
    cancel: () => void,
  ) => {
    if (key.escape) return cancel();
    if (key.return) return accept();
    if (key.backspace || key.delete) return edit((v) => v.slice(0, -1));
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    if (input) edit((v) => v + input);
  };

  const onKey = (input: string, key: Key) => {
    // the latest state, not this render's: keys can come in faster than renders
    const mode = modeRef.current;
    const view = viewRef.current;
    const filter = filterRef.current;
    const pane = paneRef.current;
    const cur = Math.min(cursorRef.current, Math.max(0, shown.length - 1));
    // prompts take every key
    if (mode?.kind === 'filter') {
      return onPrompt(
        input,
        key,
        (fn) => {
          setFilter(fn);
          setCursor(0);
          setOffset(0);
        },
        () => setMode(null),
        () => {
          setFilter('');
          setMode(null);
        },
      );
    }
    if (mode?.kind === 'milestone') {
      return onPrompt(
        input,
        key,
        (fn) => setMode((old) => (old?.kind === 'milestone' ? { ...old, value: fn(old.value) } : old)),
        () =>
          // the latest value is in the state (keys may have come in faster than renders)
          setMode((old) => {
            if (old?.kind === 'milestone') queueMicrotask(() => mark(old.target, old.value.trim()));
            return null;
          }),
        () => setMode(null),
      );
    }
    if (mode?.kind === 'elements') {
      const n = mode.list.length;
      if (key.escape) return setMode(null);
      if (input === 'j' || key.downArrow) return setMode({ ...mode, cursor: Math.min(n - 1, mode.cursor + 1) });
      if (input === 'k' || key.upArrow) return setMode({ ...mode, cursor: Math.max(0, mode.cursor - 1) });
      if (key.return) {
        const el = mode.list[mode.cursor];
        setMode(null);
        elementRestorePlan(vault, mode.snapshot, mode.path, el).then(ask, fail);
      }
      return;
    }
    if (mode?.kind === 'confirm') {
      if (input === 'y' || input === 'Y') {
        const plan = mode.plan;
        setMode(null);
        runPlan(plan);
      } else if (input === 'n' || input === 'N' || key.escape) {
        setMode(null);
        setMessage({ text: 'cancelled: nothing was changed', tone: 'info' });
      }
      return;
    }
    if (input === 'q') return exit();
    if (input === '?') return setMode(mode?.kind === 'help' ? null : { kind: 'help' });
    if (mode?.kind === 'help') {
      if (key.escape) setMode(null);
      return;
    }
    setMessage(null);

    if (view === 'timeline') {
      const page = Math.max(1, listHeight - 1);
      if (input === 'j' || key.downArrow) return moveTo(1);
      if (input === 'k' || key.upArrow) return moveTo(-1);
      if (key.pageDown) return moveTo(page);
      if (key.pageUp) return moveTo(-page);
      if (input === 'g' || key.home) return moveTo(-cur);
      if (input === 'G' || key.end) {
        if (!timeline.done) setWantEnd(true);
        return moveTo(shown.length);
      }
      if (input === '/') return setMode({ kind: 'filter' });
      if (key.escape && markedRef.current) return setMarked(null);
      if (key.escape && filter) {
        setFilter('');
        return setCursor(0);
      }
      const e = shown[cur];
      const a = markedRef.current;
      if (input === ' ' && e) {
        if (a?.id === e.id) return setMarked(null);
        setMarked(e);
        return setMessage({
          text: `A = ${e.id.slice(0, 8)}: Enter on another snapshot diffs A..it; space or Esc unmarks`,
          tone: 'info',
        });
      }
      if (key.return && e) {
        setMarked(null);
        return openDiff(e, a && a.id !== e.id ? a : null);
      }
      if (input === 'm' && e) return setMode({ kind: 'milestone', target: e, value: '' });
      if (input === 'o') return openHtml();
      return;
    }

    // diff view
    if (key.escape || key.backspace || key.delete || input === 'h' || key.leftArrow) {
      setView('timeline');
      setDiffFrom(null);
      return setDiffEntry(null);
    }
    if (key.tab) return setPane((p) => (p === 'files' ? 'patch' : 'files'));
    if (input === 'r') return void askRestore().catch(fail);
    if (input === 'R') return void askRestoreBefore().catch(fail);
    if (input === 'e') return void pickElement().catch(fail);
    if (input === 'L') return void lockSelected().catch(fail);
    const step =
      input === 'j' || key.downArrow
        ? 1
        : input === 'k' || key.upArrow
          ? -1
          : key.pageDown || input === ' '
            ? patchRows
            : key.pageUp
              ? -patchRows
              : 0;
    if (!step) return;
    if (pane === 'files') moveFile(Math.sign(step) * (Math.abs(step) === 1 ? 1 : fileRows));
    else scrollPatch(step);
  };
  // ink re-subscribes its handler in an effect, which may run after the next key; this one always calls the newest onKey
  const onKeyRef = useRef(onKey);
  onKeyRef.current = onKey;
  useInput((input, key) => onKeyRef.current(input, key));

  const viewName =
    view === 'timeline'
      ? `Timeline (${timeline.entries.length}${timeline.done ? '' : '+'} snapshots)`
      : `Diff ${diffFrom ? `${diffFrom.id.slice(0, 8)}..${diffEntry?.id.slice(0, 8) ?? ''}` : (diffEntry?.id.slice(0, 12) ?? '')}`;
  const hint =
    view === 'timeline'
      ? 'j/k move · Enter diff · space mark A · / filter · m milestone · ? help · q quit'
      : `j/k move · Tab pane · r/R restore${persona === 'creative' ? ' · e element' : ''} · Esc back · ? help`;
  const status: Message = timeline.error ? { text: `error: ${timeline.error}`, tone: 'error' } : message;

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Header project={vault.workTree} view={viewName} persona={persona} width={width} />
      {mode?.kind === 'help' ? (
        <HelpOverlay height={bodyHeight} width={width} />
      ) : mode?.kind === 'elements' ? (
        <ElementPicker
          path={mode.path}
          snapshot={mode.snapshot.slice(0, 12)}
          list={mode.list}
          cursor={mode.cursor}
          height={bodyHeight}
          width={width}
        />
      ) : view === 'timeline' ? (
        <TimelineBody
          entries={shown}
          cursor={cur}
          offset={off}
          listHeight={listHeight}
          panelHeight={panelHeight}
          width={width}
          counts={counts}
          marked={marked?.id ?? null}
          loading={timeline.loading || pending.length > 0}
          done={timeline.done && !pending.length}
          filtered={!!filter}
          persona={persona}
          builds={builds}
          thumbs={thumbs}
        />
      ) : (
        <DiffView
          title={
            diffFrom
              ? `${diffFrom.id.slice(0, 8)}..${diffEntry?.id.slice(0, 8)} ${diffEntry?.message.split('\n')[0] ?? ''}`
              : `${diffEntry?.id.slice(0, 8)} ${diffEntry?.message.split('\n')[0] ?? ''}`
          }
          diff={diff.data}
          error={diff.error}
          fileCursor={fileCur}
          fileOffset={fileOffset}
          patch={patch}
          patchOffset={patchOffset}
          pane={pane}
          visual={visual}
          pictureRows={THUMB_ROWS}
          height={bodyHeight}
          width={width}
          locks={locks.badges}
        />
      )}
      <BottomBar {...bottomProps} running={progress.running} message={status} hint={hint} width={width} />
    </Box>
  );
}
