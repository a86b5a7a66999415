import { Box, Text } from 'ink';
import { theme } from './theme.js';

/** Every key, by view (? and q are in the title). Kept next to the key handling in App.tsx: change both together. */
export const KEYS: readonly [string, readonly [string, string][]][] = [
  [
    'Timeline',
    [
      ['j/k, ↓/↑', 'next / previous snapshot'],
      ['PgDn/PgUp, g/G', 'page down / up, first / last'],
      ['Enter', 'diff against the parent (or against A)'],
      ['space', 'mark as A (Enter on B diffs A..B)'],
      ['/', 'filter: words, type:beta, path:Art/'],
      ['Esc', 'unmark A, clear the filter'],
      ['m', 'mark a milestone: NAME [TYPE]'],
      ['o', 'write the HTML timeline (and open it)'],
    ],
  ],
  [
    'Diff',
    [
      ['j/k, ↓/↑', 'next / previous file (or scroll the patch)'],
      ['Tab', 'switch between files and patch'],
      ['r / R', 'restore the file from this snapshot / from before it'],
      ['e / L', 'restore one element (layer, node, key) / lock the file'],
      ['Esc, Backspace', 'back to the timeline'],
    ],
  ],
  [
    'Prompts',
    [
      ['Enter / Esc', 'accept / cancel'],
      ['y / n', 'confirm / refuse'],
    ],
  ],
];

export function HelpOverlay({ height, width }: { height: number; width: number }) {
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
        Keys (? or Esc closes this help; q or Ctrl-C quits)
      </Text>
      {KEYS.map(([section, keys]) => (
        <Box key={section} flexDirection="column">
          <Text bold>{section}</Text>
          {keys.map(([k, what]) => (
            <Text key={k}>
              {'  '}
              <Text color={theme.id}>{k.padEnd(16)}</Text>
              {what}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}
