import { Box, Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';
import type { Thumb } from './use-thumbnails.js';

const GAP = 2;

/** The text cells of picture `t` on text row `r`: its line, or a note on the first row when there is no picture. */
function cellOf(t: Thumb, r: number): string {
  if (t.lines && t.lines.length) return t.lines[r] ?? ' '.repeat(t.cols);
  if (r) return ' '.repeat(t.cols);
  let note = t.error ? 'unreadable' : 'no thumbnail';
  if (t.lines === null) note = '…';
  return fit(note, t.cols).padEnd(t.cols);
}

/**
 * Pictures side by side, `rows` text rows tall, each captioned underneath (its `caption`, or its file
 * name). Picture lines are exactly `cols` cells wide (colour escapes aside), so padding lines them up.
 */
export function PictureRow({
  thumbs,
  rows,
  captions,
}: {
  thumbs: readonly Thumb[];
  rows: number;
  captions?: readonly string[];
}) {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) lines.push(thumbs.map((t) => cellOf(t, r) + ' '.repeat(GAP)).join(''));
  const caption = thumbs
    .map((t, i) => fit(captions?.[i] ?? t.path.split('/').pop() ?? t.path, t.cols + GAP - 1).padEnd(t.cols + GAP))
    .join('');
  return (
    <Box flexDirection="column" flexShrink={0}>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l.trim() ? l : ' '}
        </Text>
      ))}
      <Text color={theme.dim} wrap="truncate">
        {caption.trim() ? caption : ' '}
      </Text>
    </Box>
  );
}
