import { Text } from 'ink';
import type { ChangeCounts, LogEntry } from '../index.js';
import { Badges, badgesWidth } from './Badges.js';
import { BuildBadges, buildBadgesWidth, fitBuildBadges } from './BuildBadges.js';
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

/** One snapshot: marker, time, short id, message, badges, author, change counts; never wider than `width`. */
export function TimelineRow({ entry, selected, marked, counts, builds = [], width }: TimelineRowProps) {
  const when = time(entry.time).slice(0, 16); // yyyy-mm-dd hh:mm
  const id = entry.id.slice(0, 8);
  const author = fit(authorName(entry.author), 10);
  const fixed = 2 + when.length + 1 + id.length + 1 + 1 + 10 + COUNTS_WIDTH;
  let room = Math.max(8, width - fixed);
  const refs =
    badgesWidth(entry.refs) <= room - 6
      ? entry.refs
      : entry.refs.slice(0, 1).filter((r) => badgesWidth([r]) <= room - 6);
  room -= badgesWidth(refs);
  // builds next (a regression first), as many as leave 6 columns of message
  const byRisk = [...builds].sort((a, b) => b.regression.length - a.regression.length);
  const { marks: shownBuilds, short } = fitBuildBadges(byRisk, room - 6);
  room -= buildBadgesWidth(shownBuilds, short);
  const message = cell(entry.message.split('\n')[0], room);
  return (
    <Text wrap="truncate">
      <Text inverse={selected} bold={selected}>
        {selected ? CURSOR : ' '}
        {marked ? <Text color={theme.milestone}>{MARK}</Text> : ' '}
        <Text color={theme.time}>{when}</Text> <Text color={theme.id}>{id}</Text> {message}
        <Badges refs={refs} />
        <BuildBadges builds={shownBuilds} short={short} /> <Text color={theme.author}>{author.padEnd(10)}</Text>
      </Text>
      <Counts counts={counts} />
    </Text>
  );
}
