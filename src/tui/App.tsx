import { Box, useApp } from 'ink';
import { useEffect } from 'react';
import type { Vault } from '../porcelain/openVault.js';
import type { ActivePersona as Persona } from '../porcelain/settings.js';
import { Body } from './Body.js';
import { BottomBar, bottomHeight, type BottomBarProps } from './BottomBar.js';
import { BUILD_PANEL_HEIGHT } from './BuildPanel.js';
import { filePaneHeight } from './DiffView.js';
import { Header } from './Header.js';
import { TIMELINE_LOADING } from './header-text.js';
import { helpLines, helpRows } from './HelpOverlay.js';
import { hintLine } from './keymap.js';
import { cursorIn, fileOffsetIn, offsetIn, type Layout, type TuiState } from './state.js';
import type { Preload } from './preload.js';
import type { Message } from './StatusBar.js';
import { pictureColorWanted, type PictureColor } from './theme.js';
import { useChangeStore } from './use-changes.js';
import { useCommands } from './use-commands.js';
import { THUMB_ROWS, useDiffView } from './use-diff-view.js';
import { useFiltered } from './use-filtered.js';
import { useMilestoneTypes } from './use-milestone-types.js';
import { useProgress } from './use-progress.js';
import { useStore } from './use-store.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useTimeline, type Timeline } from './use-timeline.js';
import { useBuilds } from './use-builds.js';
import { useLocks } from './use-locks.js';
import { useTimelineView } from './use-timeline-view.js';

export type { Persona };

export interface AppProps {
  vault: Vault;
  persona?: Persona;
  /**
   * how to draw pictures: true or 'truecolor', '256', false for ASCII (default: what the terminal says, see
   * pictureColorWanted)
   */
  pictureColor?: boolean | PictureColor;
  /** where `o` writes the HTML timeline (default: a new temporary folder) */
  htmlDir?: string;
  /** opens the HTML timeline; returns whether it did (default: xdg-open when there is a desktop) */
  opener?: (path: string) => boolean;
  /** the first page of history, already being read (`vault tui`: while the app loaded) */
  preload?: Preload;
}

/** snapshots read at a time when the cursor nears the end of what is loaded */
const MORE = 200;

/** The bottom bar for this state: the filter line, a prompt, a confirmation, the status line. */
function bottomOf(s: TuiState, counts: { matches: number; pending: number; done: boolean }) {
  const m = s.mode;
  return {
    filter: s.filter || m?.kind === 'filter' ? { text: s.filter, editing: m?.kind === 'filter', ...counts } : null,
    prompt:
      m?.kind === 'milestone'
        ? {
            label: `Milestone for ${m.target.id.slice(0, 8)}: NAME [TYPE] (type default development; Esc cancels):`,
            value: m.value,
          }
        : null,
    confirm: m?.kind === 'confirm' ? m.plan : null,
  };
}

/** How many snapshots the header says: all of them once counted, "N+" until then. */
function snapshotCount(t: Timeline): string {
  if (t.done) return String(t.entries.length);
  if (!t.entries.length) return '';
  return t.total === null ? `${t.entries.length}+` : String(t.total);
}

function viewName(s: TuiState, t: Timeline): string {
  const count = snapshotCount(t);
  if (!s.diff) return count ? `Timeline (${count} snapshots)` : TIMELINE_LOADING;
  const id = s.diff.entry.id;
  return `Diff ${s.diff.from ? `${s.diff.from.id.slice(0, 8)}..${id.slice(0, 8)}` : id.slice(0, 12)}`;
}

function diffTitle(s: TuiState): string {
  if (!s.diff) return '';
  const { entry, from } = s.diff;
  const what = `${entry.id.slice(0, 8)} ${entry.message.split('\n')[0] ?? ''}`;
  return from ? `${from.id.slice(0, 8)}..${what}` : what;
}

/**
 * The whole screen: header, the timeline or diff view, prompts, status line. Keys: see keymap.ts and use-commands.ts.
 */
export function App({ vault, persona, pictureColor = pictureColorWanted(), htmlDir, opener, preload }: AppProps) {
  const { exit } = useApp();
  const { columns: width, rows } = useTerminalSize();
  const height = Math.max(5, rows - 1); // ink redraws the whole screen when the output is as tall as the terminal
  const { store: changeStore, changes } = useChangeStore(vault);
  const timeline = useTimeline({ vault, firstPage: height, preloaded: preload?.timeline, idle: changeStore.idle });
  const [state, store] = useStore();
  const milestones = useMilestoneTypes(vault);
  const progress = useProgress();
  const builds = useBuilds(vault, persona === 'game');
  const { shown, pending } = useFiltered(
    timeline.entries,
    state.filter,
    milestones.types,
    changes,
    changeStore,
    builds.words,
  );
  const view = state.diff ? 'diff' : 'timeline';

  const message: Message = timeline.error ? { text: `error: ${timeline.error}`, tone: 'error' } : state.message;
  const bottom: BottomBarProps = {
    ...bottomOf(state, { matches: shown.length, pending: pending.length, done: timeline.done }),
    running: progress.running,
    message,
    hint: hintLine(view, persona),
    width,
  };
  const bodyHeight = Math.max(1, height - 1 - bottomHeight(bottom));
  // persona panels under the timeline (creative: thumbnails of the selected snapshot), when there is room
  const panels: Record<Persona, number> = { creative: THUMB_ROWS + 2, game: BUILD_PANEL_HEIGHT };
  const panelHeight = bodyHeight < 14 || !persona ? 0 : panels[persona];
  const listHeight = bodyHeight - panelHeight;
  const cur = cursorIn(state, shown.length);
  const off = offsetIn(state, shown.length, listHeight);
  const visible = state.diff ? [] : shown.slice(off, off + listHeight);
  const side = useTimelineView({
    ...{ vault, persona, store: changeStore, changes, visible, panelHeight, width, pictureColor, builds },
    selected: state.diff ? undefined : shown[cur],
  });
  const locks = useLocks(vault);
  const diff = useDiffView({ vault, persona, target: state.diff, fileCursor: state.fileCursor, pictureColor });
  const fileRows = filePaneHeight(diff.panels.length + diff.files.length, bodyHeight);
  const fileOffset = fileOffsetIn(state.fileOffset, diff.fileCursor, diff.panels.length + diff.files.length, fileRows);

  // lazy loading: more history when the cursor nears the end; everything while a filter is on or G waits
  const { done, loading, loadMore } = timeline;
  const wantAll = !!state.filter || state.cursor === 'end';
  const nearEnd = cur + listHeight >= shown.length;
  useEffect(() => {
    if (!done && !loading && (wantAll || nearEnd)) loadMore(MORE);
  }, [done, loading, loadMore, wantAll, nearEnd]);

  const layout: Layout = {
    ...{ shown, done, listHeight, fileRows, patchLines: diff.patchLines },
    diffRows: diff.data ? diff.panels.length + diff.files.length : null,
    patchRows: Math.max(1, bodyHeight - fileRows - 2),
    helpLines: helpLines(view).length,
    helpRows: helpRows(bodyHeight),
  };
  useCommands({
    ...{ vault, store, exit, layout, panels: diff.panels, files: diff.files, progress, htmlDir, opener },
    reload: timeline.reload,
    lockFile: locks.lockFile,
    refreshRefs: async () => {
      await timeline.refreshRefs();
      await milestones.refresh();
    },
  });

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Header project={vault.workTree} view={viewName(state, timeline)} persona={persona} width={width} />
      <Body
        {...{ mode: state.mode, view, height: bodyHeight, width }}
        timeline={{
          ...{ entries: shown, cursor: cur, offset: off, listHeight, panelHeight, width, persona, ...side },
          marked: state.marked?.id ?? null,
          loading: timeline.loading || pending.length > 0,
          done: timeline.done && !pending.length,
          filtered: !!state.filter,
        }}
        diff={{
          ...{ diff: diff.data, error: diff.error, fileCursor: diff.fileCursor, fileOffset },
          ...{ patch: diff.patch, patchOffset: state.patchOffset, pane: state.pane, visual: diff.visual },
          title: diffTitle(state),
          pictureRows: THUMB_ROWS,
          height: bodyHeight,
          width,
          locks: locks.badges,
        }}
      />
      <BottomBar {...bottom} />
    </Box>
  );
}
