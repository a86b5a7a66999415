import { DiffView, type DiffViewProps } from './DiffView.js';
import { ElementPicker } from './ElementPicker.js';
import { HelpOverlay } from './HelpOverlay.js';
import type { Mode } from './state.js';
import { TimelineBody, type TimelineBodyProps } from './TimelineBody.js';

export interface BodyProps {
  readonly mode: Mode;
  readonly view: 'timeline' | 'diff';
  readonly height: number;
  readonly width: number;
  /** the Timeline view, drawn when it is the view and no list is open */
  readonly timeline: TimelineBodyProps;
  /** the Diff view, likewise */
  readonly diff: DiffViewProps;
}

/** Between the header and the bottom bar: the help, the element list, or the view. */
export function Body({ mode, view, height, width, timeline, diff }: BodyProps) {
  if (mode?.kind === 'help') return <HelpOverlay view={view} offset={mode.offset} height={height} width={width} />;
  if (mode?.kind === 'elements')
    return (
      <ElementPicker
        path={mode.path}
        snapshot={mode.snapshot.slice(0, 12)}
        list={mode.list}
        cursor={mode.cursor}
        height={height}
        width={width}
      />
    );
  if (view === 'timeline') return <TimelineBody {...timeline} />;
  return <DiffView {...diff} />;
}
