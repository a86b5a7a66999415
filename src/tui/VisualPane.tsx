import { Box, Text } from 'ink';
import { PictureRow } from './PictureRow.js';
import { theme } from './theme.js';
import { fit } from './text.js';
import type { Visual } from './use-visual.js';

/**
 * Creative persona: before / after / diff pictures of an image or model, then the visual diff's lines (scrolled by
 * `offset`).
 */
export function VisualPane({
  visual,
  rows,
  offset,
  height,
  width,
}: {
  visual: Visual;
  rows: number;
  offset: number;
  height: number;
  width: number;
}) {
  const pictureRows = height >= rows + 3 ? rows : 0;
  const left = Math.max(0, height - (pictureRows ? pictureRows + 1 : 0));
  const report = visual.report ?? ['comparing the originals…'];
  /** the share of pixels changed stands out; the placeholder is dim */
  const colorOf = (l: string) => {
    if (!visual.report) return theme.dim;
    return /^\s*changed\s/.test(l) ? theme.modified : undefined;
  };
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {pictureRows && visual.pictures.length ? (
        <PictureRow thumbs={visual.pictures} rows={pictureRows} captions={visual.captions} />
      ) : null}
      {report.slice(offset, offset + left).map((l, i) => (
        <Text key={offset + i} wrap="truncate" color={colorOf(l)}>
          {fit(l, width) || ' '}
        </Text>
      ))}
    </Box>
  );
}
