import { render } from 'ink';
import { createElement } from 'react';
import type { Vault } from '../porcelain/openVault.js';
import { App, type Persona } from './App.js';
import type { Preload } from './preload.js';

/**
 * Render the app with Ink until the user quits. This module (Ink, React and the app) is the big part
 * of `vault tui`: run.ts loads it only after the first frame is on the screen.
 */
export async function renderApp(opts: {
  vault: Vault;
  persona?: Persona;
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  preload?: Preload;
}): Promise<void> {
  const app = render(createElement(App, { vault: opts.vault, persona: opts.persona, preload: opts.preload }), {
    stdout: opts.stdout,
    stdin: opts.stdin,
    exitOnCtrlC: true,
    patchConsole: true,
  });
  await app.waitUntilExit();
}
