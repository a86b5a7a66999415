import type { Vault } from '../porcelain/openVault.js';
import type { ActivePersona as Persona } from '../porcelain/settings.js';
import { preload } from './preload.js';
import { splashFrame } from './splash.js';
import { colorsWanted, setColors } from './theme.js';

export interface RunOptions {
  vault: Vault;
  persona?: Persona;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/**
 * Run the TUI until the user quits (q or Ctrl-C): on the terminal's alternate screen, which is left
 * again (and the cursor shown) however the app ends. The first frame is drawn at once, as plain text
 * (splash.ts); Ink, React and the app load after it (start.ts) and draw over it, while the first page
 * of history is read (preload.ts).
 */
export async function runTui(opts: RunOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const colors = colorsWanted();
  setColors(colors);
  const alt = stdout.isTTY;
  const size = { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  if (alt) {
    const first = splashFrame({ project: opts.vault.workTree, persona: opts.persona, colors, ...size });
    stdout.write(`\x1b[?1049h\x1b[?25l\x1b[H${first}`);
  }
  try {
    // the history is read while the app's code loads (the app's first page: as tall as it is)
    const early = preload(opts.vault, Math.max(5, size.rows - 1));
    const { renderApp } = await loadApp(alt === true);
    // Ink's first frame is written by render() itself, right after this: no blank screen in between
    if (alt) stdout.write('\x1b[2J\x1b[H');
    const stdin = opts.stdin ?? process.stdin;
    await renderApp({ vault: opts.vault, persona: opts.persona, stdout, stdin, preload: early });
  } finally {
    if (alt) stdout.write('\x1b[?25h\x1b[?1049l');
  }
}

/**
 * Import the app (Ink, React, the views). Ink reads CI and CONTINUOUS_INTEGRATION once, as it loads
 * (the is-in-ci package), and when either is set it draws nothing until the app exits: `vault tui` in a
 * terminal of a shell that exports CI=1 (or under a CI job's tmux) showed a frozen first frame. A
 * terminal is interactive whatever the environment says, so both are hidden while Ink loads.
 */
async function loadApp(terminal: boolean): Promise<typeof import('./start.js')> {
  if (!terminal) return import('./start.js');
  const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = names.map((n) => process.env[n]);
  for (const n of names) delete process.env[n];
  try {
    return await import('./start.js');
  } finally {
    names.forEach((n, i) => {
      const v = saved[i];
      if (v !== undefined) process.env[n] = v;
    });
  }
}
