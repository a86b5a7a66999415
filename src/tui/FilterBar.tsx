import { Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';

export interface FilterBarProps {
  text: string;
  editing: boolean;
  matches: number;
  /** snapshots whose changes are still being read for a path: filter */
  pending: number;
  done: boolean;
  width: number;
}

/** "/ text_" while typing; "filter: text (N matches)" while a filter is on (type:, path: and words; see query.ts). */
export function FilterBar({ text, editing, matches, pending, done, width }: FilterBarProps) {
  if (editing)
    return (
      <Text color={theme.prompt}>
        {fit(`/${text}`, width - 1)}
        <Text inverse> </Text>
      </Text>
    );
  let more = done ? '' : '+';
  if (pending) more = `, searching ${pending} more`;
  return (
    <Text color={theme.prompt}>
      {fit(
        `filter: ${text} (${matches}${more} match${matches === 1 && !more ? '' : 'es'}; / to change, Esc to clear)`,
        width,
      )}
    </Text>
  );
}
