import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { colorsWanted, setColors, theme } from '../../src/tui/theme.js';
import { KEYS, longVault, renderApp, sampleVault, selectedRow } from './harness.js';
import { must } from '../helpers/must.js';

const test = suite('tui timeline');

const rowOf = (frame: string, text: string) => frame.split('\n').find((l) => l.includes(text)) ?? '';

test('newest first, with time, short id, author, badges and change counts; fits 80 columns', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault, { persona: 'game' });
  const f = await s.waitFor(
    (f) => f.includes('first blockout') && !f.includes('…\n') && (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length === 3,
    'three rows with counts',
  );
  const lines = f.split('\n');
  assert.match(must(lines[0]), /Vault · Timeline \(3 snapshots\) · persona: game/);
  assert.ok(
    must(lines[1]).includes('towers, new hero') &&
      must(lines[2]).includes('moat') &&
      must(lines[3]).includes('first blockout'),
    f,
  );
  assert.match(must(lines[1]), /^> \d{4}-\d\d-\d\d \d\d:\d\d [0-9a-f]{8} towers, new hero/);
  assert.match(rowOf(f, 'towers'), /\[main\] Tess Ter\s+\+0 ~2 -0$/);
  assert.match(rowOf(f, 'moat'), /\+0 ~1 -0$/);
  assert.match(rowOf(f, 'first blockout'), /\[#v1\] Tess Ter\s+\+2 ~0 -0$/);
  for (const l of lines) assert.ok(l.length <= 80, `line wider than 80: ${l}`);
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  assert.match(f, /j\/k move · Enter diff · space mark A · \/ filter · m milestone · \? help · q quit/);
  s.unmount();
});

test('j/k and arrows move the selection', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('first blockout'), 'rows');
  const selected = (re: RegExp) =>
    s.waitFor((f) => re.test(f.split('\n').find((l) => l.startsWith('> ')) ?? ''), `selection on ${re}`);
  await selected(/towers/);
  await s.press('j');
  await selected(/moat/);
  await s.press(KEYS.down);
  await selected(/first blockout/);
  await s.press('j'); // stays on the last
  await selected(/first blockout/);
  await s.press('k', KEYS.up);
  await selected(/towers/);
  s.unmount();
});

test('/ filters by message, author and ref; Esc clears', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('first blockout'), 'rows');
  await s.press('/', 'm', 'o', 'a');
  let f = await s.waitFor((f) => !f.includes('towers'), 'filtered rows');
  assert.ok(f.includes('moat') && !f.includes('first blockout'), f);
  assert.match(f, /\/moa/);
  await s.press(KEYS.enter);
  f = await s.waitFor((f) => f.includes('filter: moa (1 match'), 'filter line');
  await s.press(KEYS.esc);
  f = await s.waitFor((f) => f.includes('towers') && f.includes('first blockout'), 'all rows again');
  // by ref name
  await s.press('/', 'v', '1', KEYS.enter);
  f = await s.waitFor((f) => f.includes('filter: v1'), 'ref filter');
  assert.ok(f.includes('first blockout') && !f.includes('towers'), f);
  // by author
  await s.press('/', KEYS.backspace, KEYS.backspace, ...'nobody'.split(''), KEYS.enter);
  f = await s.waitFor((f) => f.includes('no snapshot matches the filter'), 'empty result');
  await s.press('/', ...Array(6).fill(KEYS.backspace), ...'Tess'.split(''));
  f = await s.waitFor((f) => f.includes('towers') && f.includes('first blockout'), 'author matches all');
  s.unmount();
});

test('a resized terminal is laid out again', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor((f) => (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length === 3, 'rows with counts');
  s.resize(60, 12);
  const f = await s.waitFor(
    (f) => f.split('\n').every((l) => l.length <= 60) && f.includes('first b'),
    'a 60-column frame',
  );
  assert.ok(f.split('\n').length <= 12, f);
  s.resize(120, 40);
  const wide = await s.waitFor(
    (f) => f.includes('towers, new hero') && f.split('\n').some((l) => l.length > 80),
    'a wider frame',
  );
  assert.match(wide, /first blockout\s+\[#v1\]/);
  s.unmount();
});

test('an empty vault says how to make the first snapshot (no endless loading), with or without persona panels', async () => {
  const { memVault } = await import('../helpers/vault.js');
  const { vault } = await memVault({ 'a.txt': 'x' });
  for (const persona of [undefined, 'creative', 'game'] as const) {
    const s = renderApp(vault, { persona });
    const f = await s.waitFor(
      (f) => f.includes('no snapshots yet: run vault commit -m MSG'),
      `empty timeline (${persona})`,
    );
    assert.match(f, /Timeline \(0 snapshots\)/);
    assert.not.match(f, /pictures changed|no build was made/);
    s.unmount();
  }
});

test('the header counts the whole history in the background: the real number, not "N+", without pressing G', async () => {
  const { vault } = await longVault(300);
  const s = renderApp(vault);
  // a screenful and 200 more are read (the cursor is near their end), not the 300: only the count says 300
  const f = await s.waitFor((f) => f.includes('Timeline (300 snapshots)'), 'the count', 10000);
  assert.match(selectedRow(f), /snapshot 300\b/);
  s.unmount();
});

test('q quits', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('first blockout'), 'rows');
  await s.press('q');
  await s.exited;
});

test('Ctrl-C quits', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('first blockout'), 'rows');
  await s.press(KEYS.ctrlC);
  await s.exited;
});

test('no colours when the terminal has none: NO_COLOR, FORCE_COLOR=0, TERM=dumb', () => {
  assert.is(colorsWanted({ NO_COLOR: '1', TERM: 'xterm-256color' }), false);
  assert.is(colorsWanted({ FORCE_COLOR: '0', TERM: 'xterm-256color' }), false);
  assert.is(colorsWanted({ TERM: 'dumb' }), false);
  assert.is(colorsWanted({ TERM: 'xterm-256color' }), true);
  setColors(false);
  assert.equal(Object.values(theme).filter(Boolean), []);
  setColors(true);
  assert.is(theme.added, 'green');
});

test.run();
