import type { ChangeCounts, LogEntry } from '../index.js';
import { BuildPanel } from './BuildPanel.js';
import { ThumbStrip } from './ThumbStrip.js';
import { Timeline } from './Timeline.js';
import type { ActivePersona as Persona } from '../porcelain/settings.js';
import type { BuildMark } from './use-builds.js';
import type { Thumb } from './use-thumbnails.js';

export interface TimelineBodyProps {
  entries: readonly LogEntry[];
  cursor: number;
  offset: number;
  /** rows of the list; the persona panel takes `panelHeight` more */
  listHeight: number;
  panelHeight: number;
  width: number;
  counts: ReadonlyMap<string, ChangeCounts | 'error'>;
  marked: string | null;
  loading: boolean;
  done: boolean;
  filtered: boolean;
  persona?: Persona;
  builds: { builds: ReadonlyMap<string, readonly BuildMark[]>; error: string | null };
  thumbs: { thumbs: Thumb[] | null; total: number };
}

/** The timeline view: the list, then the persona's panel about the selected snapshot (builds, or pictures). */
export function TimelineBody(p: TimelineBodyProps) {
  const selected = p.entries[p.cursor];
  const short = selected?.id.slice(0, 8) ?? '';
  return (
    <>
      <Timeline
        entries={p.entries}
        cursor={p.cursor}
        offset={p.offset}
        height={p.listHeight}
        width={p.width}
        counts={p.counts}
        builds={p.persona === 'game' ? p.builds.builds : undefined}
        marked={p.marked}
        loading={p.loading}
        done={p.done}
        filtered={p.filtered}
      />
      {p.panelHeight && selected && p.persona === 'game' ? (
        <BuildPanel
          id={short}
          builds={selected ? p.builds.builds.get(selected.id) : undefined}
          error={p.builds.error}
          width={p.width}
        />
      ) : null}
      {p.panelHeight && selected && p.persona === 'creative' ? (
        <ThumbStrip thumbs={p.thumbs.thumbs} total={p.thumbs.total} id={short} height={p.panelHeight} width={p.width} />
      ) : null}
    </>
  );
}
