import { Box, Text } from 'ink';
import type { Change } from '../index.js';
import type { Panel } from './game-panels.js';
import { CURSOR, theme } from './theme.js';
import { bytes, cell } from './text.js';
import type { LockBadge } from './use-locks.js';

export interface FileListProps {
  /** persona panels, listed first (the cursor counts them before the files) */
  panels: readonly Panel[];
  files: readonly Change[];
  cursor: number;
  offset: number;
  height: number;
  width: number;
  focused: boolean;
  /** lock badges by path (yours and others'), from the cached lock state */
  locks?: ReadonlyMap<string, LockBadge>;
}

const LABEL: Record<Change['kind'], string> = {
  added: 'added',
  modified: 'modified',
  deleted: 'deleted',
  renamed: 'renamed',
};

export function sizeText(c: Change): string {
  if (c.kind === 'added') return bytes(c.newSize ?? 0);
  if (c.kind === 'deleted') return bytes(c.oldSize ?? 0);
  if (c.kind === 'renamed' && c.oldSize === c.newSize) return bytes(c.newSize ?? 0);
  return `${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)}`;
}

/** The changed files of a snapshot: kind, path (old -> new for renames), size(s). */
export function FileList({ panels, files, cursor, offset, height, width, focused, locks }: FileListProps) {
  const rows: (Panel | Change)[] = [...panels, ...files];
  return (
    <Box flexDirection="column" height={height}>
      {rows.slice(offset, offset + height).map((c, i) => {
        const selected = offset + i === cursor;
        if (!('kind' in c)) {
          const room = Math.max(8, width - 2 - 9 - c.summary.length - 2);
          return (
            <Text key={`panel:${c.key}`} wrap="truncate" inverse={selected && focused} bold={selected}>
              {selected ? `${CURSOR} ` : '  '}
              <Text color={theme.build}>{'▸ game'.padEnd(9)}</Text>
              {cell(c.label, room)}
              {'  '}
              <Text color={theme.dim}>{c.summary}</Text>
            </Text>
          );
        }
        const size = sizeText(c);
        const path = c.kind === 'renamed' ? `${c.from} -> ${c.path}` : c.path;
        const lock = locks?.get(c.path);
        const badge = lock ? ` [locked: ${lock.mine ? 'you' : lock.owner}]` : '';
        const room = Math.max(8, width - 2 - 9 - size.length - 2 - badge.length);
        return (
          <Text key={c.path} wrap="truncate" inverse={selected && focused} bold={selected}>
            {selected ? `${CURSOR} ` : '  '}
            <Text color={theme[c.kind]}>{LABEL[c.kind].padEnd(9)}</Text>
            {cell(path, room)}
            {badge ? <Text color={lock!.mine ? theme.ok : theme.error}>{badge}</Text> : null}
            {'  '}
            <Text color={theme.dim}>{size}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
