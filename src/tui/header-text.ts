import { fit } from './text.js';

/** The header's two parts: "Vault · VIEW · persona: P" and the project folder, cut to fit `width`. */
export function headerText(opts: { project: string; view: string; persona?: string; width: number }): {
  left: string;
  right: string;
} {
  const left = `Vault · ${opts.view}${opts.persona ? ` · persona: ${opts.persona}` : ''}`;
  const room = Math.max(0, opts.width - left.length - 3);
  return { left, right: room > 4 ? `   ${fit(opts.project, room)}` : '' };
}

/** The Timeline view's name before the first snapshots are read. */
export const TIMELINE_LOADING = 'Timeline (reading…)';
