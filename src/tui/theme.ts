/**
 * Every colour the TUI uses. Ink passes them through chalk, which drops them when the terminal has no
 * colours (chalk level 0, NO_COLOR, a dumb terminal); nothing may depend on colour alone, so the
 * selected row also gets a '>' marker and diff lines keep their +/- prefixes.
 */
export const theme = {
  title: 'cyan',
  dim: 'gray',
  id: 'yellow',
  time: 'gray',
  author: 'green',
  branch: 'cyan',
  milestone: 'magenta',
  tag: 'yellow',
  added: 'green',
  modified: 'yellow',
  deleted: 'red',
  renamed: 'blue',
  hunk: 'cyan',
  error: 'red',
  ok: 'green',
  prompt: 'cyan',
} as const;

export type ThemeColor = (typeof theme)[keyof typeof theme];

/** Marker in front of the selected row (visible without colour). */
export const CURSOR = '>';
