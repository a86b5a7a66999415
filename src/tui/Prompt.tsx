import { Box, Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';

/** A one-line text question (the text is edited by App's key handler). */
export function Prompt({ label, value, width }: { label: string; value: string; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      <Text color={theme.prompt}>{fit(label, width)}</Text>
      <Text>
        {fit(`> ${value}`, width - 1)}
        <Text inverse> </Text>
      </Text>
    </Box>
  );
}
