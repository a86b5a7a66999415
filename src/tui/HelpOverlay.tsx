import { Box, Text } from 'ink';
import { helpSections, helpTitle } from './keymap.js';
import { theme } from './theme.js';
import { fit } from './text.js';

/** A line of the help: a section title, or a key and what it does. */
export type HelpLine = { title: string } | { keys: string; text: string };

/** Every key, by context, the current view's first: made from the keymap, so it lists the keys that work. */
export function helpLines(view: 'timeline' | 'diff'): HelpLine[] {
  return helpSections(view).flatMap((s) => [
    { title: s.title },
    ...s.rows.map(([keys, text]): HelpLine => ({ keys, text })),
  ]);
}

/** Rows of the overlay under its title (inside the border). */
export const helpRows = (height: number) => Math.max(1, height - 3);

export function HelpOverlay({
  view,
  offset,
  height,
  width,
}: {
  view: 'timeline' | 'diff';
  /** the first line shown (j/k scroll) */
  offset: number;
  height: number;
  width: number;
}) {
  const lines = helpLines(view);
  const rows = helpRows(height);
  const keyCols = Math.max(...lines.map((l) => ('keys' in l ? [...l.keys].length : 0))) + 2;
  const more = lines.length > rows ? ` · ${offset + rows < lines.length ? 'j/↓ more' : 'k/↑ back'}` : '';
  return (
    <Box
      flexDirection="column"
      height={height}
      width={width}
      overflow="hidden"
      borderStyle="round"
      borderColor={theme.title}
      paddingX={1}
    >
      <Text bold color={theme.title}>
        {fit(`${helpTitle()}${more}`, width - 4)}
      </Text>
      {lines.slice(offset, offset + rows).map((l) =>
        'title' in l ? (
          <Text key={l.title} bold>
            {l.title}
          </Text>
        ) : (
          <Text key={`${l.keys}:${l.text}`} wrap="truncate">
            {'  '}
            <Text color={theme.id}>{l.keys.padEnd(keyCols)}</Text>
            {l.text}
          </Text>
        ),
      )}
    </Box>
  );
}
