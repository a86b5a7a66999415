import { Box, Text } from 'ink';
import { theme } from './theme.js';
import { fit, wrap } from './text.js';

export type Message = { text: string; tone: 'info' | 'ok' | 'error' } | null;

/** The most lines a message takes: a long one (an undo command, an error) wraps instead of being cut. */
export const MESSAGE_LINES = 3;

/** The lines of `message` at `width` columns (none without one). */
export function messageLines(message: Message, width: number): string[] {
  return message ? wrap(message.text, width, MESSAGE_LINES) : [];
}

function toneColor(tone: 'info' | 'ok' | 'error'): string | undefined {
  if (tone === 'error') return theme.error;
  return tone === 'ok' ? theme.ok : undefined;
}

/** The bottom line(s): the last message, or the main keys of the view. */
export function StatusBar({ message, hint, width }: { message: Message; hint: string; width: number }) {
  if (message)
    return (
      <Box flexDirection="column" flexShrink={0}>
        {messageLines(message, width).map((l, i) => (
          <Text key={i} color={toneColor(message.tone)}>
            {l || ' '}
          </Text>
        ))}
      </Box>
    );
  return <Text color={theme.dim}>{fit(hint, width)}</Text>;
}
