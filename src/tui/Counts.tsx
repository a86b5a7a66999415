import { Text } from 'ink';
import type { ChangeCounts } from '../index.js';
import { theme } from './theme.js';

export const COUNTS_WIDTH = 14;

/** "+3 ~1 -2 >1" change summary, or '…' while it is being computed. */
export function Counts({ counts }: { counts: ChangeCounts | 'error' | undefined }) {
  if (!counts) return <Text color={theme.dim}>{'…'.padStart(COUNTS_WIDTH)}</Text>;
  if (counts === 'error') return <Text color={theme.error}>{'?'.padStart(COUNTS_WIDTH)}</Text>;
  const parts: [string, string | undefined][] = [
    [`+${counts.added}`, theme.added],
    [`~${counts.modified}`, theme.modified],
    [`-${counts.deleted}`, theme.deleted],
  ];
  if (counts.renamed) parts.push([`>${counts.renamed}`, theme.renamed]);
  const text = parts.map(([t]) => t).join(' ');
  return (
    <Text>
      {' '.repeat(Math.max(0, COUNTS_WIDTH - text.length))}
      {parts.map(([t, c], i) => (
        <Text key={i} color={c}>
          {i ? ' ' : ''}
          {t}
        </Text>
      ))}
    </Text>
  );
}
