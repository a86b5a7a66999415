/**
 * Render the TUI into a fake 80x24 terminal (ink's own render with a stdout that records frames and a
 * stdin we write keys into), and a small sample vault with a text file, a binary file, a tag.
 */
import { render } from 'ink';
import { createElement } from 'react';
import { PNG } from 'pngjs';
import { commit } from '../../src/porcelain/commit.js';
import { thumbnailsAttachment } from '../../src/personas/creative/thumbnails/index.js';
import { recordBuild } from '../../src/personas/game/builds.js';
import { addFeedback } from '../../src/personas/game/feedback.js';
import { updateRef } from '../../src/refs/refs.js';
import { App, type Persona } from '../../src/tui/App.js';
import type { Vault } from '../../src/porcelain/openVault.js';
import { memVault } from '../helpers/vault.js';
import { prngBytes } from '../helpers/prng.js';
import { FakeStdin, FakeStdout, stripAnsi } from './terminal.js';

export { FakeStdin, FakeStdout, longVault, stripAnsi } from './terminal.js';

/** the last frame with its escape codes (colours) */
export type RawFrame = () => string;

export const KEYS = {
  enter: '\r',
  esc: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  down: '\x1b[B',
  up: '\x1b[A',
  ctrlC: '\x03',
};

export interface Screen {
  frame(): string;
  /** the last frame as written, escape codes included */
  raw(): string;
  /** write keys, one at a time, each after the last one's frame settled */
  press(...keys: string[]): Promise<void>;
  /** write each string at once, one after the other, without waiting for a frame (keys typed ahead) */
  burst(...writes: string[]): void;
  /** wait until the frame satisfies `ok` (fails after `ms`, showing the frame) */
  waitFor(ok: (frame: string) => boolean, what: string, ms?: number): Promise<string>;
  exited: Promise<void>;
  unmount(): void;
  /** the terminal changes size */
  resize(columns: number, rows: number): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function renderApp(
  vault: Vault,
  opts: {
    persona?: Persona;
    columns?: number;
    rows?: number;
    pictureColor?: boolean | '256';
    htmlDir?: string;
    opener?: (path: string) => boolean;
  } = {},
): Screen {
  const stdout = new FakeStdout(opts.columns ?? 80, opts.rows ?? 24);
  const stdin = new FakeStdin();
  const app = render(
    createElement(App, {
      vault,
      persona: opts.persona,
      pictureColor: opts.pictureColor ?? false,
      htmlDir: opts.htmlDir,
      opener: opts.opener ?? (() => false),
    }),
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: true,
      patchConsole: false,
    },
  );
  const frame = () => stripAnsi(stdout.frames.at(-1) ?? '');
  const screen: Screen = {
    frame,
    raw: () => stdout.frames.at(-1) ?? '',
    async press(...keys) {
      for (const k of keys) {
        stdin.write(k);
        await sleep(k === KEYS.esc ? 80 : 30);
      }
    },
    burst(...writes) {
      for (const w of writes) stdin.write(w);
    },
    async waitFor(ok, what, ms = 5000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (ok(frame())) return frame();
        await sleep(10);
      }
      throw new Error(`timed out waiting for ${what}; the screen is:\n${frame()}`);
    },
    exited: app.waitUntilExit().then(() => {}),
    unmount: () => app.unmount(),
    resize(columns, rows) {
      stdout.columns = columns;
      stdout.rows = rows;
      stdout.emit('resize');
    },
  };
  return screen;
}

/** Three snapshots: add notes + hero.bin; edit notes; edit notes and hero.bin. Tag v1 on the first. */
export async function sampleVault() {
  const t = await memVault({ Docs: { 'notes.md': 'castle notes\n' }, Art: { 'hero.bin': prngBytes(1, 3000) } });
  const { vault, fs, dir } = t;
  const first = await commit({ vault, message: 'first blockout' });
  await fs.writeFile(`${dir}/Docs/notes.md`, 'castle notes\nmoat added\n');
  await commit({ vault, message: 'moat' });
  await fs.writeFile(`${dir}/Docs/notes.md`, 'castle notes\nmoat added\ntowers\n');
  await fs.writeFile(`${dir}/Art/hero.bin`, prngBytes(2, 3100));
  await commit({ vault, message: 'towers, new hero' });
  await updateRef({
    ...vault.refs,
    ref: 'refs/tags/v1',
    value: first.id!,
    expected: null,
    message: 'tag',
    author: vault.author,
    time: vault.clock(),
  });
  return t;
}

/** The selected row of a timeline frame (the line starting with '>'). */
export const selectedRow = (frame: string) => frame.split('\n').find((l) => l.startsWith('> ')) ?? '';

/** A w x h PNG filled with one colour, a `box` of another colour on it (pngjs). */
export function png(
  w: number,
  h: number,
  rgb: [number, number, number],
  box?: { x: number; y: number; w: number; h: number; rgb: [number, number, number] },
): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inBox = box && x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h;
      const c = inBox ? box.rgb : rgb;
      const k = (y * w + x) * 4;
      p.data[k] = c[0];
      p.data[k + 1] = c[1];
      p.data[k + 2] = c[2];
      p.data[k + 3] = 255;
    }
  return PNG.sync.write(p);
}

/**
 * A creative project: two images committed with thumbnails (the creative persona's commit attachment),
 * then hero.png repainted (a gold box), notes changed, and in Scenes/level.json hero.hp 10 -> 20, sky blue -> red.
 */
export async function creativeVault() {
  const t = await memVault({
    Art: { 'hero.png': png(64, 64, [20, 60, 200]), 'sky.png': png(32, 16, [120, 200, 250]) },
    Docs: { 'notes.md': 'hero is blue\n' },
    Scenes: { 'level.json': '{\n  "hero": { "hp": 10, "speed": 3 },\n  "sky": "blue"\n}\n' },
  });
  const { vault, fs, dir } = t;
  const attachments = [thumbnailsAttachment()];
  await commit({ vault, message: 'first paint', attachments });
  await fs.writeFile(
    `${dir}/Art/hero.png`,
    png(64, 64, [20, 60, 200], { x: 16, y: 16, w: 32, h: 32, rgb: [250, 230, 40] }),
  );
  await fs.writeFile(`${dir}/Docs/notes.md`, 'hero is blue\nwith a gold shield\n');
  await fs.writeFile(`${dir}/Scenes/level.json`, '{\n  "hero": { "hp": 20, "speed": 3 },\n  "sky": "red"\n}\n');
  await commit({ vault, message: 'gold shield', attachments });
  return t;
}

const GAME_YAML = `bundles:
  core:
    include: [Scripts/]
  art:
    include: [Assets/]
platforms:
  base: Config/base.yaml
  overrides:
    windows: Config/windows.json
    switch: Config/switch.yaml
`;

/**
 * A game project (vault-game.yaml with two bundles and two platforms): build 0.1 from the first
 * snapshot, rated 4 and 5; then a texture grows and switch's shadows change, build 0.2 is rated 2
 * and 3 with a crash: a regression.
 */
export async function gameVault() {
  const t = await memVault({
    'vault-game.yaml': GAME_YAML,
    Scripts: { 'main.gd': 'extends Node\n' },
    Assets: { 'rock.png': png(16, 16, [90, 90, 90]) },
    Config: {
      'base.yaml': 'graphics:\n  shadows: high\naudio:\n  volume: 0.8\n',
      'windows.json': '{"graphics": {"vsync": true}}\n',
      'switch.yaml': 'graphics:\n  shadows: medium\n',
    },
  });
  const { vault, fs, dir } = t;
  await commit({ vault, message: 'first playable' });
  await recordBuild({ vault, version: '0.1', platform: 'windows' });
  await addFeedback({ vault, build: '0.1', tester: 'ana', rating: 4 });
  await addFeedback({ vault, build: '0.1', tester: 'bo', rating: 5 });
  await fs.writeFile(`${dir}/Assets/rock.png`, png(64, 64, [90, 90, 90], { x: 0, y: 0, w: 8, h: 8, rgb: [200, 0, 0] }));
  await fs.writeFile(`${dir}/Config/switch.yaml`, 'graphics:\n  shadows: low\n');
  await commit({ vault, message: 'bigger rock, switch shadows low' });
  await recordBuild({ vault, version: '0.2', platform: 'windows' });
  await addFeedback({ vault, build: '0.2', tester: 'ana', rating: 2, tags: ['crash'] });
  await addFeedback({ vault, build: '0.2', tester: 'bo', rating: 3 });
  return t;
}
