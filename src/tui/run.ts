import { render } from 'ink';
import { createElement } from 'react';
import type { Vault } from '../index.js';
import { App, type Persona } from './App.js';
import { colorsWanted, setColors } from './theme.js';

export interface RunOptions {
  vault: Vault;
  persona?: Persona;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/**
 * Run the TUI until the user quits (q or Ctrl-C): on the terminal's alternate screen, which is left
 * again (and the cursor shown) however the app ends.
 */
export async function runTui(opts: RunOptions): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  setColors(colorsWanted());
  const alt = stdout.isTTY;
  if (alt) stdout.write('\x1b[?1049h\x1b[H');
  try {
    const app = render(createElement(App, { vault: opts.vault, persona: opts.persona }), {
      stdout,
      stdin: opts.stdin ?? process.stdin,
      exitOnCtrlC: true,
      patchConsole: true,
    });
    await app.waitUntilExit();
  } finally {
    if (alt) stdout.write('\x1b[?25h\x1b[?1049l');
  }
}
