import { Text } from 'ink';
import { progressLine, type ProgressView } from '../ui/progress.js';
import { theme } from './theme.js';

/** A long operation under way: label, bar, bytes, rate, time left (the status line while it runs). */
export function ProgressLine({ label, view, width }: { label: string; view: ProgressView | null; width: number }) {
  if (!view) return <Text color={theme.prompt}>{`${label}…`.slice(0, width)}</Text>;
  return <Text color={theme.prompt}>{progressLine(label, view, width)}</Text>;
}
