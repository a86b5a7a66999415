import { Box, Text } from 'ink';
import type { Change } from '../index.js';
import { FileList } from './FileList.js';
import type { Pane } from './state.js';
import { PatchView } from './PatchView.js';
import { VisualPane } from './VisualPane.js';
import type { Visual } from './use-visual.js';
import type { DiffData, Patch } from './use-diff.js';
import { theme } from './theme.js';
import { fit } from './text.js';
import type { LockBadge } from './use-locks.js';

export interface DiffViewProps {
  title: string;
  diff: DiffData | null;
  error: string | null;
  fileCursor: number;
  fileOffset: number;
  patch: Patch;
  patchOffset: number;
  pane: Pane;
  /** creative persona: pictures and visual diff of the selected image or model (instead of the patch) */
  visual?: Visual | null;
  /** text rows of a picture */
  pictureRows?: number;
  height: number;
  width: number;
  /** lock badges by path */
  locks?: ReadonlyMap<string, LockBadge>;
}

/** How many rows the file pane gets: up to a third of the screen, fewer when there are fewer files. */
export function filePaneHeight(files: number, height: number): number {
  return Math.max(1, Math.min(files || 1, Math.floor((height - 2) / 3)));
}

/** Files pane above, patch pane below; Tab moves the focus (the focused pane's title is marked). */
export function DiffView({
  title,
  diff,
  error,
  fileCursor,
  fileOffset,
  patch,
  patchOffset,
  pane,
  visual,
  pictureRows = 6,
  height,
  width,
  locks,
}: DiffViewProps) {
  if (error)
    return (
      <Box height={height}>
        <Text color={theme.error}>{fit(error, width)}</Text>
      </Box>
    );
  if (!diff)
    return (
      <Box height={height}>
        <Text color={theme.dim}>loading changes…</Text>
      </Box>
    );
  const rows = diff.panels.length + diff.files.length;
  const top = filePaneHeight(rows, height);
  const panel = fileCursor < diff.panels.length ? diff.panels[fileCursor] : undefined;
  const change: Change | undefined = panel ? undefined : diff.files[fileCursor - diff.panels.length];
  const bar = (label: string, focused: boolean) => (
    <Text color={focused ? theme.title : theme.dim} bold={focused}>
      {fit(`${focused ? '▶' : ' '} ${label} `.padEnd(width, '─'), width)}
    </Text>
  );
  let patchTitle = change ? `${change.path}${change.kind === 'renamed' ? ` (from ${change.from})` : ''}` : 'no file';
  if (panel) patchTitle = `${panel.label}: ${panel.summary}`;
  return (
    <Box flexDirection="column" height={height}>
      {bar(
        `${title}: ${diff.files.length} file${diff.files.length === 1 ? '' : 's'} ` +
          `changed${diff.parent ? ` since ${diff.parent.slice(0, 8)}` : ' (first snapshot)'}`,
        pane === 'files',
      )}
      <FileList
        panels={diff.panels}
        files={diff.files}
        cursor={fileCursor}
        offset={fileOffset}
        height={top}
        width={width}
        focused={pane === 'files'}
        locks={locks}
      />
      {bar(patchTitle, pane === 'patch')}
      {visual ? (
        <VisualPane visual={visual} rows={pictureRows} offset={patchOffset} height={height - top - 2} width={width} />
      ) : (
        <PatchView change={change} patch={patch} offset={patchOffset} height={height - top - 2} width={width} />
      )}
    </Box>
  );
}
