import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ProgressMeter,
  bar,
  duration,
  fromSyncProgress,
  progressLine,
  progressReporter,
  progressWanted,
  type ProgressSample,
} from '../../src/ui/progress.js';
import { ProgressLine } from '../../src/tui/ProgressLine.js';
import { runVault } from '../helpers/cli.js';
import { prngBytes } from '../helpers/prng.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('progress: bytes, rate, time left');
const MiB = 1024 * 1024;
const sample = (bytes: number, bytesTotal: number, items = 0, itemsTotal = 0, phase = 'read'): ProgressSample => ({
  phase,
  bytes,
  bytesTotal,
  items,
  itemsTotal,
  unit: 'files',
});

test('the meter: rate over a sliding window, time left from it, fraction from bytes (or items)', () => {
  const m = new ProgressMeter(0, 5000);
  assert.is(m.update(sample(0, 100 * MiB), 0).rate, 0);
  let v = m.update(sample(10 * MiB, 100 * MiB), 1000);
  assert.is(v.rate, 10 * MiB);
  assert.is(v.eta, 9);
  assert.is(v.fraction, 0.1);
  // a slow start falls out of the window: the rate follows what happens now
  for (let t = 2000; t <= 10000; t += 1000)
    v = m.update(sample(10 * MiB + ((t - 1000) / 1000) * 2 * MiB, 100 * MiB), t);
  assert.ok(Math.abs(v.rate - 2 * MiB) < 1, String(v.rate));
  // a new phase restarts the window (bytes counted from zero again)
  v = m.update(sample(0, 50 * MiB, 0, 0, 'upload'), 11000);
  assert.is(v.eta, null);
  assert.is(new ProgressMeter(0).update(sample(0, 0, 3, 12), 10).fraction, 0.25);
  assert.is(new ProgressMeter(0).update(sample(5, 0), 10).fraction, null);
});

test('text: duration, bar, the whole line fitted to the terminal', () => {
  assert.is(duration(75), '1:15');
  assert.is(duration(3725), '1:02:05');
  assert.is(bar(0.5, 10), '[#####.....]  50%');
  assert.is(bar(null, 10), '');
  const m = new ProgressMeter(0);
  m.update(sample(0, 100 * MiB, 0, 40), 0);
  const v = m.update(sample(25 * MiB, 100 * MiB, 10, 40), 5000);
  const line = progressLine('committing', v, 100);
  assert.is(line, 'committing [######...................]  25% 10/40 files  25.0 MiB/100.0 MiB  5.00 MiB/s  0:15 left');
  const narrow = progressLine('committing', v, 60);
  assert.ok(narrow.length < 60, narrow);
  assert.is(narrow, 'committing 25.0 MiB/100.0 MiB  5.00 MiB/s  0:15 left', 'the file counts go first');
  assert.equal(fromSyncProgress({ phase: 'upload', objects: 3, objectsTotal: 9, bytes: 10, bytesTotal: 20 }), {
    phase: 'upload',
    bytes: 10,
    bytesTotal: 20,
    items: 3,
    itemsTotal: 9,
    unit: 'objects',
  });
});

test('the stderr line: only on a terminal, only after 400 ms, at most 10 times a second, cleared at the end; off with --json or --quiet', () => {
  class Stream extends EventEmitter {
    isTTY = true;
    columns = 120;
    out = '';
    write(s: string) {
      this.out += s;
      return true;
    }
  }
  let now = 0;
  const s = new Stream();
  const r = progressReporter('restoring', (x: ProgressSample) => x, {
    stream: s as unknown as NodeJS.WriteStream,
    enabled: true,
    clock: () => now,
  });
  r.onProgress(sample(1 * MiB, 10 * MiB));
  now = 300;
  r.onProgress(sample(2 * MiB, 10 * MiB));
  assert.is(s.out, '', 'nothing in the first 400 ms');
  now = 500;
  r.onProgress(sample(3 * MiB, 10 * MiB));
  assert.match(s.out, /^\rrestoring \[#+\.+\]  30% 3\.00 MiB\/10\.0 MiB  4\.00 MiB\/s  0:02 left\x1b\[K$/);
  const before = s.out;
  now = 550;
  r.onProgress(sample(4 * MiB, 10 * MiB));
  assert.is(s.out, before, 'no redraw within 100 ms');
  r.done();
  assert.ok(s.out.endsWith('\r\x1b[K'));
  const off = new Stream();
  const q = progressReporter('x', (x: ProgressSample) => x, {
    stream: off as unknown as NodeJS.WriteStream,
    enabled: false,
    clock: () => (now += 1000),
  });
  q.onProgress(sample(1, 2));
  q.done();
  assert.is(off.out, '');
  const tty = { isTTY: true } as NodeJS.WriteStream;
  assert.is(progressWanted({}, tty), true);
  assert.is(progressWanted({ json: true }, tty), false);
  assert.is(progressWanted({ quiet: true }, tty), false);
  assert.is(progressWanted({}, { isTTY: false } as NodeJS.WriteStream), false);
});

test('ProgressLine (ink-testing-library): the label while nothing is known, then bar, bytes, rate and time left', () => {
  const m = new ProgressMeter(0);
  m.update(sample(0, 8 * MiB, 0, 1), 0);
  const v = m.update(sample(2 * MiB, 8 * MiB, 0, 1), 1000);
  const a = render(createElement(ProgressLine, { label: 'restoring Art/hero.psd', view: null, width: 80 }));
  assert.is(a.lastFrame(), 'restoring Art/hero.psd…');
  a.unmount();
  const b = render(createElement(ProgressLine, { label: 'restoring Art/hero.psd', view: v, width: 100 }));
  assert.match(
    b.lastFrame() ?? '',
    /^restoring Art\/hero\.psd \[#+\.+\]  25% 0\/1 files  2\.00 MiB\/8\.00 MiB  2\.00 MiB\/s  0:03 left$/,
  );
  b.unmount();
  // 80 columns: no room for the bar, the figures stay
  const c = render(createElement(ProgressLine, { label: 'restoring Art/hero.psd', view: v, width: 80 }));
  assert.is(c.lastFrame(), 'restoring Art/hero.psd 0/1 files  2.00 MiB/8.00 MiB  2.00 MiB/s  0:03 left');
  c.unmount();
});

test('vault commit / restore print no progress off a terminal, or with --json', async () => {
  const tmp = await tempDir('vault-progress-');
  try {
    writeFileSync(join(tmp.path, 'big.bin'), prngBytes(3, 4 * MiB));
    assert.is((await runVault(tmp.path, ['init'])).code, 0);
    const c = await runVault(tmp.path, ['commit', '-m', 'big', '--json']);
    assert.is(c.code, 0, c.stderr);
    assert.is(c.stderr, '');
    assert.ok(JSON.parse(c.stdout).id);
    const r = await runVault(tmp.path, ['restore', 'HEAD', '--to', 'copy']);
    assert.is(r.code, 0, r.stderr);
    assert.not.match(r.stderr, /restoring|\r/);
  } finally {
    await tmp.remove();
  }
});

test.run();
