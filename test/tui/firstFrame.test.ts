/**
 * The first frame comes before Ink and React load (issue 19: `vault tui` took 1.3-2.2 s to its first
 * frame): runTui draws a plain-text frame as soon as it is called, then the app draws over it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runTui } from '../../src/tui/run.js';
import { splashFrame } from '../../src/tui/splash.js';
import { FakeStdin, FakeStdout, longVault, stripAnsi } from './terminal.js';

const test = suite('tui first frame');

// as on a CI machine (CI=true): Ink must still draw every frame on a terminal (it reads CI as it loads)
process.env.CI = 'true';

test('splashFrame: the header, "loading history…" and the hint line where the app draws them, within the terminal', () => {
  const f = splashFrame({ project: '/work/castle', persona: 'creative', columns: 80, rows: 24, colors: false });
  const lines = f.split('\r\n');
  assert.is(lines.length, 23, 'one line less than the terminal, as the app');
  assert.is(lines[0], 'Vault · Timeline (reading…) · persona: creative   /work/castle');
  assert.is(lines[1], '  loading history…');
  assert.is(lines[22], 'j/k move · Enter diff · space mark A · / filter · m milestone · ? help · q quit');
  const narrow = splashFrame({ project: '/work/castle', columns: 40, rows: 10, colors: true });
  for (const l of stripAnsi(narrow).split('\r\n')) assert.ok(l.length <= 40, l);
  assert.match(narrow, /\x1b\[1;36mVault · Timeline/);
});

test('runTui: the plain first frame is the first thing written, on the alternate screen; the app replaces it; q gives the terminal back', async () => {
  const { vault } = await longVault(30);
  const stdout = new FakeStdout(80, 24);
  const stdin = new FakeStdin();
  const done = runTui({
    vault,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
  });
  // written before runTui awaited anything (before Ink, React and the app were imported)
  assert.is(stdout.frames.length, 1);
  assert.ok(stdout.frames[0]!.startsWith('\x1b[?1049h'), 'the alternate screen');
  assert.match(stripAnsi(stdout.frames[0]!), /^Vault · Timeline \(reading…\)   \/work/);
  const end = Date.now() + 10000;
  while (!stdout.frames.some((f) => f.includes('snapshot 30')) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 20));
  const first = stdout.frames.findIndex((f) => f.includes('snapshot 30'));
  assert.ok(first > 0, 'the app drew the timeline');
  assert.ok(
    stdout.frames.slice(1, first).some((f) => f.includes('\x1b[2J')),
    'the plain frame is cleared first',
  );
  stdin.write('q');
  await done;
  assert.is(stdout.frames.at(-1), '\x1b[?25h\x1b[?1049l', 'the normal screen and the cursor are back');
});

test.run();
