/**
 * Every colour the TUI uses. Ink passes them through chalk, which drops them when the terminal has no
 * colours (chalk level 0, NO_COLOR, a dumb terminal); nothing may depend on colour alone, so the
 * selected row also gets a '>' marker and diff lines keep their +/- prefixes.
 */
const palette = {
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
  build: 'blue',
} as const;

type Palette = { readonly [K in keyof typeof palette]: string | undefined };

/** The colours components use: the palette, or nothing at all when colours are off (see setColors). */
export const theme: Palette = { ...palette };

/**
 * Whether to colour at all. Ink's chalk already drops colours on a terminal without them (TERM=dumb,
 * FORCE_COLOR=0, not a TTY), but chalk 5 ignores NO_COLOR (https://no-color.org), so it is checked here.
 */
export function colorsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return env.TERM !== 'dumb';
}

/** Switch every theme colour on or off (once, before the first render). */
export function setColors(on: boolean): void {
  for (const k of Object.keys(palette) as (keyof typeof palette)[])
    (theme as Record<string, string | undefined>)[k] = on ? palette[k] : undefined;
}

/** Marker in front of the selected row (visible without colour). */
export const CURSOR = '>';

/** Marker of the snapshot picked as A for a two-snapshot diff (space). */
export const MARK = '*';

/**
 * Whether pictures may use 24-bit colour escapes (they bypass chalk, so this is decided here):
 * colours are on and the terminal says it has truecolour (COLORTERM=truecolor/24bit, FORCE_COLOR=3,
 * a *-direct terminfo, a terminal known to have it, as `vault timeline` decides).
 */
export function truecolorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!colorsWanted(env)) return false;
  if (env.FORCE_COLOR === '3') return true;
  if (['iTerm.app', 'WezTerm', 'vscode', 'ghostty'].includes(env.TERM_PROGRAM ?? '')) return true;
  return (
    /^(truecolor|24bit)$/i.test(env.COLORTERM ?? '') ||
    (env.TERM ?? '').endsWith('-direct') ||
    /^(xterm-kitty|alacritty|xterm-ghostty|foot)/.test(env.TERM ?? '')
  );
}

/**
 * How pictures are drawn: 24-bit half blocks, the xterm 256-colour palette when colours are on without truecolour, or
 * (false) an ASCII ramp.
 */
export type PictureColor = false | 'truecolor' | '256';

export function pictureColorWanted(env: NodeJS.ProcessEnv = process.env): PictureColor {
  if (!colorsWanted(env)) return false;
  return truecolorWanted(env) ? 'truecolor' : '256';
}
