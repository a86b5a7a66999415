import { Text } from 'ink';
import { buildBadge } from './build-badge.js';
import { theme } from './theme.js';
import type { BuildMark } from './use-builds.js';

/** A badge beside a snapshot: a ref ([main] [◆alpha] [#v1]) or a game build (▲0.2 ★2.5). */
export interface Badge {
  readonly text: string;
  readonly kind: 'branch' | 'milestone' | 'tag' | 'build' | 'regression';
}

interface Candidate {
  readonly kind: Badge['kind'];
  /** the text is `${prefix}${name}${suffix}`; only ref names are shortened */
  readonly prefix: string;
  readonly name: string;
  readonly suffix: string;
  readonly shortens: boolean;
  /** where it is drawn (refs in their order, then builds) */
  readonly order: number;
}

/** Which badges get room first: regressions and milestones, then ratings and tags, branch names last. */
const RANK: Record<Badge['kind'], number> = { regression: 0, milestone: 1, build: 2, tag: 3, branch: 4 };

const cols = (s: string) => [...s].length;

function candidates(refs: readonly string[], builds: readonly BuildMark[], short: boolean): Candidate[] {
  const out: Candidate[] = refs.map((r, order) => {
    if (r.startsWith('milestones/'))
      return { kind: 'milestone', prefix: ' [◆', name: r.slice(11), suffix: ']', shortens: true, order };
    if (r.startsWith('tags/'))
      return { kind: 'tag', prefix: ' [#', name: r.slice(5), suffix: ']', shortens: true, order };
    return { kind: 'branch', prefix: ' [', name: r, suffix: ']', shortens: true, order };
  });
  builds.forEach((b, i) =>
    out.push({
      kind: b.regression.length ? 'regression' : 'build',
      prefix: '',
      name: buildBadge(b, short),
      suffix: '',
      shortens: false,
      order: refs.length + i,
    }),
  );
  return out;
}

/** The badges that fit in `room` columns, most important first, shortened ("[◆relea…]") before left out. */
function place(all: readonly Candidate[], room: number): { shown: (Badge & { order: number })[]; hidden: number } {
  const shown: (Badge & { order: number })[] = [];
  let left = room;
  let hidden = 0;
  for (const c of [...all].sort((a, b) => RANK[a.kind] - RANK[b.kind] || a.order - b.order)) {
    const full = `${c.prefix}${c.name}${c.suffix}`;
    // a shortened name keeps at least 2 characters and ends in '…'
    const nameRoom = left - cols(c.prefix) - cols(c.suffix) - 1;
    let text: string | null = null;
    if (cols(full) <= left) text = full;
    else if (c.shortens && nameRoom >= 2) text = `${c.prefix}${[...c.name].slice(0, nameRoom).join('')}…${c.suffix}`;
    if (text === null) hidden++;
    else {
      shown.push({ text, kind: c.kind, order: c.order });
      left -= cols(text);
    }
  }
  return { shown, hidden };
}

/**
 * The badges of a row in at most `room` columns: every one when they fit; otherwise regressions,
 * milestones and ratings before tags and branch names, names shortened before a badge is left out,
 * and `more` (" +2") saying how many were, when there is room for that.
 */
export function fitBadges(
  refs: readonly string[],
  builds: readonly BuildMark[],
  room: number,
): { badges: Badge[]; more: string; width: number } {
  // builds name their platform (▲0.2@windows) when every badge fits whole that way; else they give it up first
  const whole = (r: ReturnType<typeof place>) => !r.hidden && r.shown.every((b) => !b.text.includes('…'));
  const full = candidates(refs, builds, false);
  const fullPlaced = place(full, room);
  const all = builds.length && !whole(fullPlaced) ? candidates(refs, builds, true) : full;
  let r = all === full ? fullPlaced : place(all, room);
  let more = '';
  if (r.hidden) {
    const reserve = cols(` +${all.length}`);
    r = room >= reserve ? place(all, room - reserve) : { shown: [], hidden: all.length };
    more = room >= reserve && r.hidden ? ` +${r.hidden}` : '';
  }
  const badges = r.shown.sort((a, b) => a.order - b.order).map(({ text, kind }) => ({ text, kind }));
  return { badges, more, width: badges.reduce((n, b) => n + cols(b.text), 0) + cols(more) };
}

const COLOR: Record<Badge['kind'], keyof typeof theme> = {
  branch: 'branch',
  milestone: 'milestone',
  tag: 'tag',
  build: 'build',
  regression: 'error',
};

/** Badges as fitted by fitBadges; a regression is bold red and ends in '!' (readable without colour). */
export function Badges({ badges, more }: { badges: readonly Badge[]; more: string }) {
  return (
    <>
      {badges.map((b) => (
        <Text key={b.text} color={theme[COLOR[b.kind]]} bold={b.kind === 'regression'}>
          {b.text}
        </Text>
      ))}
      {more ? <Text color={theme.dim}>{more}</Text> : null}
    </>
  );
}
