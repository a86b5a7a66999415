import { Text } from 'ink';
import type { ChangeCounts, LogEntry } from '../index.js';
import { Badges, fitBadges } from './Badges.js';
import type { BuildMark } from './use-builds.js';
import { COUNTS_WIDTH, Counts } from './Counts.js';
import { CURSOR, MARK, theme } from './theme.js';
import { authorName, cell, fit, time } from './text.js';

export interface TimelineRowProps {
  entry: LogEntry;
  selected: boolean;
  /** marked as A for a two-snapshot diff: '*' after the cursor marker */
  marked: boolean;
  counts: ChangeCounts | 'error' | undefined;
  /** game persona: builds made from this snapshot */
  builds?: readonly BuildMark[];
  width: number;
}

/** columns of the message kept when badges compete for them */
const MIN_MESSAGE = 6;
const AUTHOR = 10;

/** One snapshot: marker, time, short id, message, badges, author, change counts; never wider than `width`. */
export function TimelineRow({ entry, selected, marked, counts, builds = [], width }: TimelineRowProps) {
  const when = time(entry.time).slice(0, 16); // yyyy-mm-dd hh:mm
  const id = entry.id.slice(0, 8);
  const author = fit(authorName(entry.author), AUTHOR);
  const fixed = 2 + when.length + 1 + id.length + 1 + 1 + AUTHOR + COUNTS_WIDTH;
  const room = Math.max(MIN_MESSAGE + 2, width - fixed);
  const badges = fitBadges(entry.refs, builds, room - MIN_MESSAGE);
  const message = cell(entry.message.split('\n')[0] ?? '', room - badges.width);
  return (
    <Text wrap="truncate">
      <Text inverse={selected} bold={selected}>
        {selected ? CURSOR : ' '}
        {marked ? <Text color={theme.milestone}>{MARK}</Text> : ' '}
        <Text color={theme.time}>{when}</Text> <Text color={theme.id}>{id}</Text> {message}
        <Badges badges={badges.badges} more={badges.more} /> <Text color={theme.author}>{author.padEnd(AUTHOR)}</Text>
      </Text>
      <Counts counts={counts} />
    </Text>
  );
}
