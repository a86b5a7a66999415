import { Box, Text } from 'ink';
import { PictureRow } from './PictureRow.js';
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

/**
 * Creative persona: the changed images and models of the selected snapshot, side by side under the
 * timeline, from the thumbnails stored with the snapshot (colour half blocks or an ASCII ramp).
 */
export function ThumbStrip({ thumbs, total, id, height, width }: ThumbStripProps) {
  let title = `pictures changed in ${id}: reading…`;
  if (thumbs && !total) title = `no images or models changed in ${id}`;
  else if (thumbs)
    title = `pictures changed in ${id}: ${total}${total > thumbs.length ? ` (${thumbs.length} shown)` : ''}`;
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      <Text color={theme.dim}>{fit(`── ${title} `.padEnd(width, '─'), width)}</Text>
      {thumbs?.length ? <PictureRow thumbs={thumbs} rows={Math.max(0, height - 2)} /> : null}
    </Box>
  );
}
