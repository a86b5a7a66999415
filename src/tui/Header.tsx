import { Box, Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';

export interface HeaderProps {
  project: string;
  view: string;
  persona?: string;
  width: number;
}

/** One line: product, view, persona, project folder. */
export function Header({ project, view, persona, width }: HeaderProps) {
  const left = `Vault · ${view}${persona ? ` · persona: ${persona}` : ''}`;
  const room = Math.max(0, width - left.length - 3);
  return (
    <Box width={width}>
      <Text bold color={theme.title}>
        {left}
      </Text>
      <Text color={theme.dim}>{room > 4 ? `   ${fit(project, room)}` : ''}</Text>
    </Box>
  );
}
