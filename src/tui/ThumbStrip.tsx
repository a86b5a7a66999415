import { Box, Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';
import type { Thumb } from './use-thumbnails.js';

export interface ThumbStripProps {
  /** null while the selected snapshot's changes or thumbnails are being read */
  thumbs: readonly Thumb[] | null;
  /** how many pictures the snapshot changed (more than shown when the strip is full) */
  total: number;
  /** short id of the selected snapshot */
  id: string;
  height: number;
  width: number;
}

const GAP = 2;

/**
 * Creative persona: the changed images and models of the selected snapshot, side by side under the
 * timeline, from the thumbnails stored with the snapshot. Each picture is a block of equal-width
 * lines (colour half blocks or an ASCII ramp), captioned with its file name.
 */
export function ThumbStrip({ thumbs, total, id, height, width }: ThumbStripProps) {
  const title = thumbs === null ? `pictures changed in ${id}: reading…` : !total ? `no images or models changed in ${id}` : `pictures changed in ${id}: ${total}${total > thumbs.length ? ` (${thumbs.length} shown)` : ''}`;
  const rows = Math.max(0, height - 2);
  const shown = thumbs ?? [];
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (const t of shown) {
      const cell = t.lines === null ? (r === 0 ? fit('…', t.cols) : '') : t.lines.length ? (t.lines[r] ?? '') : r === 0 ? fit(t.error ? 'unreadable' : 'no thumbnail', t.cols) : '';
      // pictures' lines are exactly t.cols wide (escapes aside); text cells are padded
      const pad = t.lines && t.lines.length && t.lines[r] ? 0 : t.cols - [...cell].length;
      line += cell + ' '.repeat(Math.max(0, pad) + GAP);
    }
    lines.push(line);
  }
  const captions = shown.map((t) => fit(t.path.split('/').pop() ?? t.path, t.cols).padEnd(t.cols + GAP)).join('');
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      <Text color={theme.dim}>{fit(`── ${title} `.padEnd(width, '─'), width)}</Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l || ' '}
        </Text>
      ))}
      <Text color={theme.dim} wrap="truncate">
        {captions || ' '}
      </Text>
    </Box>
  );
}
