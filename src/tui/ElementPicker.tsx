import { Box, Text } from 'ink';
import type { ElementChoice } from './actions.js';
import { CURSOR, theme } from './theme.js';
import { cell, fit, follow } from './text.js';

export interface ElementPickerProps {
  path: string;
  /** short id of the snapshot the element comes from */
  snapshot: string;
  list: readonly ElementChoice[];
  cursor: number;
  height: number;
  width: number;
}

/** The elements of a file in a snapshot (layers, nodes, key paths...): pick one to restore. */
export function ElementPicker({ path, snapshot, list, cursor, height, width }: ElementPickerProps) {
  const rows = Math.max(1, height - 2);
  const off = follow(Math.max(0, cursor - rows + 1), cursor, rows);
  return (
    <Box flexDirection="column" height={height} width={width}>
      <Text bold color={theme.title}>
        {fit(`${list.length} elements of ${path} in ${snapshot}: Enter restores, Esc cancels`, width)}
      </Text>
      {list.slice(off, off + rows).map((e, i) => {
        const selected = off + i === cursor;
        return (
          <Text key={e.name} inverse={selected} wrap="truncate">
            {selected ? `${CURSOR} ` : '  '}
            <Text color={theme.id}>{cell(e.kind, 9)}</Text>
            {fit(e.name, width - 12)}
          </Text>
        );
      })}
    </Box>
  );
}
