import { Text } from 'ink';
import { theme } from './theme.js';
import { fit } from './text.js';

export type Message = { text: string; tone: 'info' | 'ok' | 'error' } | null;

/** The bottom line: the last message, or the main keys of the view. */
export function StatusBar({ message, hint, width }: { message: Message; hint: string; width: number }) {
  if (message)
    return (
      <Text color={message.tone === 'error' ? theme.error : message.tone === 'ok' ? theme.ok : undefined}>
        {fit(message.text, width)}
      </Text>
    );
  return <Text color={theme.dim}>{fit(hint, width)}</Text>;
}
