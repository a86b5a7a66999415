import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { Change } from '../index.js';
import type { Patch } from './use-diff.js';
import { theme } from './theme.js';
import { expandTabs, fit } from './text.js';

export interface PatchViewProps {
  /** the selected file (undefined with a panel selected, or no changes) */
  change: Change | undefined;
  patch: Patch;
  offset: number;
  height: number;
  width: number;
}

/** A patch line with its tabs expanded after the +/-/space column, so indentation lines up as in the file. */
export function patchLine(l: string): string {
  return l.slice(0, 1) + expandTabs(l.slice(1));
}

function lineColor(l: string): string | undefined {
  if (l.startsWith('+++') || l.startsWith('---')) return undefined;
  if (l.startsWith('@@')) return theme.hunk;
  if (l.startsWith('+')) return theme.added;
  if (l.startsWith('-')) return theme.deleted;
  return undefined;
}

/** The selected file's unified diff (coloured), or what kind of content it is. */
export function PatchView({ change, patch, offset, height, width }: PatchViewProps) {
  let body: ReactNode;
  if (patch.kind === 'panel')
    body = (
      <Box flexDirection="column">
        {patch.lines.slice(offset, offset + height).map((l, i) => (
          <Text key={offset + i} wrap="truncate" color={l.tone ? theme[l.tone] : undefined}>
            {fit(expandTabs(l.text), width) || ' '}
          </Text>
        ))}
      </Box>
    );
  else if (!change) body = <Text color={theme.dim}>no changes in this snapshot</Text>;
  else if (patch.kind === 'loading') body = <Text color={theme.dim}>loading…</Text>;
  else if (patch.kind === 'error') body = <Text color={theme.error}>{fit(patch.message, width)}</Text>;
  else if (patch.kind === 'binary' || patch.kind === 'large')
    body = (
      <Text>
        {patch.kind === 'binary' ? 'binary' : 'large (no text diff over 1 MiB)'}, {change.oldSize ?? 0} -&gt;{' '}
        {change.newSize ?? 0} bytes
      </Text>
    );
  else if (change.kind === 'renamed' && change.oldId === change.newId)
    body = <Text>{fit(`renamed from ${change.from}, same content`, width)}</Text>;
  else
    body = (
      <Box flexDirection="column">
        {patch.lines.slice(offset, offset + height).map((l, i) => (
          <Text key={offset + i} wrap="truncate" color={lineColor(l)}>
            {fit(patchLine(l), width) || ' '}
          </Text>
        ))}
      </Box>
    );
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {body}
    </Box>
  );
}
