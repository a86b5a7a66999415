import { Box, Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';

/** A yes/no question with the lines that explain what happens on yes. */
export function Confirm({ question, details, width }: { question: string; details: readonly string[]; width: number }) {
  return (
    <Box
      flexDirection="column"
      flexShrink={0}
      width={width}
      borderStyle="single"
      borderColor={theme.modified}
      paddingX={1}
    >
      <Text bold>{fit(question, width - 4)}</Text>
      {details.map((d, i) => (
        <Text key={i}>{fit(d, width - 4)}</Text>
      ))}
      <Text color={theme.prompt}>y: yes · n or Esc: no</Text>
    </Box>
  );
}
