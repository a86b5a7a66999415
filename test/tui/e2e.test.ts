/**
 * End to end: the real `bin/vault tui` in a real terminal (tmux, 80x24) on a generated vault:
 * open a diff, restore a file, check it on disk, quit. Needs tmux (Debian: apt-get install -y tmux);
 * without it this test fails, unless VAULT_NO_TMUX=1 says to skip it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { prngBytes } from '../helpers/prng.js';
import { tempDir } from '../helpers/vault.js';
import { png } from './harness.js';
import { must } from '../helpers/must.js';

const test = suite('tui e2e (tmux)');
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'vault');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tmux {
  dir: string;
  tmp: string;
  vault: (...args: string[]) => string;
  /** start a tmux session (80x24) running `command` in the project folder; its exit code goes to <tmp>/exit-code */
  start(command: string, env?: Record<string, string>): void;
  screen(): string;
  waitFor(text: string | RegExp, ms?: number): Promise<string>;
  keys(...k: string[]): Promise<void>;
  /** wait for the command to end; its exit status */
  exitCode(ms?: number): Promise<string>;
}

/** A temp project folder and a tmux server of our own (socket inside the temp folder, removed with it). */
async function withTmux(fn: (t: Tmux) => Promise<void>): Promise<void> {
  const v = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
  if (v.error || v.status !== 0)
    throw new Error(
      'tmux is not installed: this test runs `vault tui` in tmux. Install it (apt-get install -y tmux), or set VAULT_NO_TMUX=1 to skip this test.',
    );
  if (!existsSync(join(root, 'dist', 'bundle', 'main.js')))
    throw new Error('dist/bundle is missing: run npm run build (npm test does)');
  const tmpDir = await tempDir('vault-tui-e2e-');
  const socket = join(tmpDir.path, 'tmux.sock');
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const dir = join(tmpDir.path, 'project');
  execFileSync('mkdir', ['-p', dir]);
  const exitFile = join(tmpDir.path, 'exit-code');
  const t: Tmux = {
    dir,
    tmp: tmpDir.path,
    vault: (...args) =>
      execFileSync(process.execPath, [bin, '-C', dir, ...args], {
        encoding: 'utf8',
        env: { ...process.env, VAULT_AUTHOR: 'Ada <ada@example.org>' },
      }),
    start(command, env = {}) {
      const vars = Object.entries({ VAULT_AUTHOR: 'Ada <ada@example.org>', ...env })
        .map(([k, x]) => `${k}='${x}'`)
        .join(' ');
      tmux(
        'new-session',
        '-d',
        '-x',
        '80',
        '-y',
        '24',
        '-s',
        'e2e',
        `cd '${dir}' && ${vars} ${command}; echo $? > '${exitFile}'`,
      );
      tmux('set-option', '-t', 'e2e', 'remain-on-exit', 'on');
    },
    screen: () => tmux('capture-pane', '-p', '-t', 'e2e'),
    async waitFor(text, ms = 10000) {
      const end = Date.now() + ms;
      let s = '';
      while (Date.now() < end) {
        s = t.screen();
        if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
        await sleep(50);
      }
      throw new Error(`timed out waiting for ${text} in the tmux pane:\n${s}`);
    },
    async keys(...k) {
      for (const x of k) {
        tmux('send-keys', '-t', 'e2e', x);
        await sleep(150);
      }
    },
    async exitCode(ms = 15000) {
      for (const end = Date.now() + ms; Date.now() < end && !existsSync(exitFile);) await sleep(50);
      return existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : `(still running)\n${t.screen()}`;
    },
  };
  try {
    await fn(t);
  } finally {
    spawnSync('tmux', ['-S', socket, 'kill-server']);
    await tmpDir.remove();
  }
}

const tui = `'${process.execPath}' '${bin}' tui`;
const cases: [string, () => Promise<void>][] = [
  [
    'tmux end-to-end: open a diff, restore a file, check it on disk, quit',
    () =>
      withTmux(async (t) => {
        const { dir } = t;
        execFileSync('mkdir', ['-p', join(dir, 'Docs'), join(dir, 'Art')]);
        writeFileSync(join(dir, 'Docs', 'notes.md'), 'castle notes\n');
        writeFileSync(join(dir, 'Art', 'hero.psd'), prngBytes(7, 30000));
        t.vault('init');
        t.vault('commit', '-m', 'first blockout');
        writeFileSync(join(dir, 'Docs', 'notes.md'), 'castle notes\nmoat added\n');
        t.vault('commit', '-m', 'moat');
        writeFileSync(join(dir, 'Docs', 'notes.md'), 'castle notes\nmoat added\ntowers\n');
        writeFileSync(join(dir, 'Art', 'hero.psd'), prngBytes(8, 30100));
        t.vault('commit', '-m', 'towers');
        t.vault('tag', 'first-review', 'HEAD~2');

        t.start(`${tui} --persona game`);
        let s = await t.waitFor(/Timeline \(3 snapshots\)[\s\S]*first bloc[\s\S]*\+2 ~0 -0/);
        assert.match(s, /persona: game/);
        assert.match(s, /\[#first-review\]/);
        // two keys in one send-keys (one write to the terminal): both are handled
        await t.keys('jj');
        await t.waitFor(/^> .* first bloc/m);
        await t.keys('k');
        await t.waitFor(/^> .* moat/m);
        await t.keys('Enter');
        s = await t.waitFor(/moat: 1 file changed[\s\S]*\+moat added/);
        await t.keys('r');
        s = await t.waitFor(/This overwrites Docs\/notes\.md in the project folder[\s\S]*y: yes/);
        await t.keys('y');
        await t.waitFor(/restored Docs\/notes\.md from [0-9a-f]{12}/);
        assert.is(readFileSync(join(dir, 'Docs', 'notes.md'), 'utf8'), 'castle notes\nmoat added\n');
        await t.keys('q');
        assert.is(await t.exitCode(), '0', 'vault tui exit status');
        s = t.screen();
        // the terminal is back on its normal screen: nothing of the TUI is left on it
        assert.not.match(s, /Timeline|Diff [0-9a-f]/);
      }),
  ],
  [
    "tmux end-to-end, creative project (persona from the vault's config): find where an image changed, its visual diff, restore the old version, mark a milestone, Ctrl-C",
    () =>
      withTmux(async (t) => {
        const { dir } = t;
        execFileSync('mkdir', ['-p', join(dir, 'Art')]);
        const v1 = png(64, 64, [20, 60, 200]);
        writeFileSync(join(dir, 'Art', 'hero.png'), v1);
        writeFileSync(join(dir, 'notes.md'), 'hero\n');
        t.vault('init', '--persona', 'creative');
        rmSync(join(dir, '.vaultlockable')); // init's lockable patterns: this walk counts the project's own files
        t.vault('commit', '-m', 'first paint');
        writeFileSync(join(dir, 'notes.md'), 'hero, again\n');
        t.vault('commit', '-m', 'notes only');
        writeFileSync(
          join(dir, 'Art', 'hero.png'),
          png(64, 64, [20, 60, 200], { x: 16, y: 16, w: 32, h: 32, rgb: [250, 230, 40] }),
        );
        t.vault('commit', '-m', 'gold shield');

        t.start(tui);
        let s = await t.waitFor(/persona: creative[\s\S]*pictures changed in [0-9a-f]{8}: 1/);
        // find the snapshot where an image changed: a path filter
        await t.keys('/', 'path:Art/', 'Enter');
        s = await t.waitFor(/filter: path:Art\/ \(2 matches;/);
        assert.ok(!s.includes('notes only'), s);
        await t.keys('Enter');
        s = await t.waitFor(/changed\s+25\.0% of pixels/);
        assert.match(s, /before\s+after\s+diff 25\.0%/);
        // the old version: from the snapshot before it ("first paint")
        await t.keys('Escape', 'j', 'Enter');
        await t.waitFor(/first paint: 2 files changed \(first snapshot\)/);
        await t.keys('r');
        await t.waitFor(/This overwrites Art\/hero\.png in the project folder[\s\S]*y: yes/);
        await t.keys('y');
        await t.waitFor(/restored Art\/hero\.png from [0-9a-f]{12}/);
        assert.ok(readFileSync(join(dir, 'Art', 'hero.png')).equals(v1), 'hero.png is the first version again');
        // mark a milestone on "gold shield"
        await t.keys('Escape', 'Escape', 'g', 'm', 'approved beta', 'Enter');
        await t.waitFor(/milestone approved \(beta\) marks [0-9a-f]{12}/);
        await t.keys('C-c');
        assert.is(await t.exitCode(), '0', 'vault tui exit status after Ctrl-C');
        assert.not.match(t.screen(), /Timeline|Diff [0-9a-f]/);
        const ms = JSON.parse(t.vault('milestone', 'list', '--json')) as {
          name: string;
          type: string;
          snapshot: string;
        }[];
        assert.equal(
          ms.map((m) => [m.name, m.type]),
          [['approved', 'beta']],
        );
        assert.is(must(ms[0]).snapshot, t.vault('rev-parse', 'HEAD').trim());
      }),
  ],
  [
    'tmux: vault commit on a terminal shows a progress line with bytes, rate and time left',
    () =>
      withTmux(async (t) => {
        // 32 files of 8 MiB of incompressible bytes, so the commit takes long enough for the line to show
        // (after 400 ms) even on a fast machine
        for (let i = 0; i < 32; i++) writeFileSync(join(t.dir, `take${i}.wav`), randomBytes(8 * 1024 * 1024));
        t.vault('init');
        t.start(`'${process.execPath}' '${bin}' commit -m big`);
        const s = await t.waitFor(
          /committing .*\d+(\.\d+)? (MiB|KiB|GiB)\/256\.0 MiB\s+[\d.]+ (MiB|KiB|GiB)\/s\s+\d+:\d\d left/,
          60000,
        );
        void s;
        assert.is(await t.exitCode(120000), '0');
        const after = t.screen();
        assert.ok(/32 files, 256\.0 MiB scanned/.test(after), after);
        assert.match(t.vault('rev-parse', 'HEAD'), /^[0-9a-f]{64}$/m);
        assert.not.match(after, /committing/, 'the line is cleared at the end');
      }),
  ],
];

for (const [name, fn] of cases) {
  if (process.env.VAULT_NO_TMUX === '1') test.skip(name, () => {});
  else test(name, fn);
}

test.run();
