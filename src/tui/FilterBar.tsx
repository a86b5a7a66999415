import { Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';

export interface FilterBarProps {
  text: string;
  editing: boolean;
  matches: number;
  done: boolean;
  width: number;
}

/** "/ text_" while typing; "filter: text (N matches)" while a filter is on. */
export function FilterBar({ text, editing, matches, done, width }: FilterBarProps) {
  if (editing)
    return (
      <Text color={theme.prompt}>
        {fit(`/${text}`, width - 1)}
        <Text inverse> </Text>
      </Text>
    );
  return <Text color={theme.prompt}>{fit(`filter: ${text} (${matches}${done ? '' : '+'} match${matches === 1 ? '' : 'es'}; / to change, Esc to clear)`, width)}</Text>;
}
