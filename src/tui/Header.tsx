import { Box, Text } from 'ink';
import { headerText } from './header-text.js';
import { theme } from './theme.js';

export interface HeaderProps {
  project: string;
  view: string;
  persona?: string;
  width: number;
}

/** One line: product, view, persona, project folder. */
export function Header(props: HeaderProps) {
  const { left, right } = headerText(props);
  return (
    <Box width={props.width}>
      <Text bold color={theme.title}>
        {left}
      </Text>
      <Text color={theme.dim}>{right}</Text>
    </Box>
  );
}
