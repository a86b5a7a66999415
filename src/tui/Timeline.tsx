import { Box, Text } from 'ink';
import type { ChangeCounts, LogEntry } from '../index.js';
import { TimelineRow } from './TimelineRow.js';
import type { BuildMark } from './use-builds.js';
import { theme } from './theme.js';

export interface TimelineProps {
  entries: readonly LogEntry[];
  cursor: number;
  offset: number;
  height: number;
  width: number;
  counts: ReadonlyMap<string, ChangeCounts | 'error'>;
  /** game persona: builds by the snapshot they were made from */
  builds?: ReadonlyMap<string, readonly BuildMark[]>;
  /** the snapshot marked as A for a two-snapshot diff */
  marked: string | null;
  loading: boolean;
  done: boolean;
  filtered: boolean;
}

/** The visible window of the (filtered) history. */
export function Timeline({
  entries,
  cursor,
  offset,
  height,
  width,
  counts,
  builds,
  marked,
  loading,
  done,
  filtered,
}: TimelineProps) {
  const rows = entries.slice(offset, offset + height);
  if (!entries.length) {
    let why = filtered ? 'no snapshot matches the filter' : 'no snapshots yet: run vault commit -m MSG';
    if (loading) why = filtered ? 'searching…' : 'loading history…';
    return (
      <Box height={height}>
        <Text color={theme.dim}>{`  ${why}`}</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={height}>
      {rows.map((e, i) => (
        <TimelineRow
          key={e.id}
          entry={e}
          selected={offset + i === cursor}
          marked={e.id === marked}
          counts={counts.get(e.id)}
          builds={builds?.get(e.id)}
          width={width}
        />
      ))}
      {rows.length < height && !done ? <Text color={theme.dim}>{'  loading more…'}</Text> : null}
    </Box>
  );
}
