import { TIMELINE_LOADING, headerText } from './header-text.js';
import { hintLine } from './keymap.js';
import { fit } from './text.js';

/**
 * The first frame, as plain text with escape codes: drawn the moment the vault is open, before Ink,
 * React and the app are loaded (the slowest part of `vault tui`'s start), and replaced by the app's own
 * first frame, which looks the same until the history is read.
 */
export function splashFrame(opts: {
  project: string;
  persona?: string;
  columns: number;
  rows: number;
  colors: boolean;
}): string {
  const { columns, colors } = opts;
  const height = Math.max(5, opts.rows - 1); // as App
  const paint = (sgr: string, s: string) => (colors && s ? `\x1b[${sgr}m${s}\x1b[0m` : s);
  const { left, right } = headerText({
    project: opts.project,
    view: TIMELINE_LOADING,
    persona: opts.persona,
    width: columns,
  });
  const lines = [paint('1;36', left) + paint('90', right), paint('90', '  loading history…')];
  while (lines.length < height - 1) lines.push('');
  lines.push(paint('90', fit(hintLine('timeline', opts.persona as 'creative' | 'game' | undefined), columns)));
  return lines.join('\r\n');
}
