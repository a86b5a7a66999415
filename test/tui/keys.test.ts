/**
 * Keys: a burst of keys in one read is every key, in order (issue 19: ten j in one write moved 0 rows,
 * thirty quick j moved 8); the keymap is the one source of the keys, the help and the hint line; the
 * reducer loses nothing when keys come faster than frames.
 */
import type { Key } from 'ink';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listMilestones } from '../../src/personas/game/milestones.js';
import type { LogEntry } from '../../src/porcelain/log.js';
import { keysOf, textOf } from '../../src/tui/keys.js';
import { KEYMAP, helpTitle, hintLine, rowLabel, type Context } from '../../src/tui/keymap.js';
import { cursorIn, initialState, reduce, type Layout, type TuiState } from '../../src/tui/state.js';
import { KEYS, creativeVault, longVault, renderApp, selectedRow } from './harness.js';

const test = suite('tui keys: bursts, keymap, reducer');

const none: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

test('keysOf: a run of typed characters is one key each, in order; named keys come one per event', () => {
  assert.equal(keysOf('jjj', none), ['j', 'j', 'j']);
  assert.equal(keysOf('jj\r/', none), ['j', 'j', 'return', '/']);
  assert.equal(keysOf('a b\x7f\t\x03', none), ['a', 'space', 'b', 'backspace', 'tab', 'ctrl-c']);
  assert.equal(keysOf('日本', none), ['日', '本']);
  assert.equal(keysOf('G', { ...none, shift: true }), ['G']);
  assert.equal(keysOf('', { ...none, downArrow: true }), ['down']);
  assert.equal(keysOf('', { ...none, delete: true }), ['backspace'], 'the Backspace key sends DEL');
  assert.equal(keysOf('c', { ...none, ctrl: true }), ['ctrl-c']);
  assert.equal(keysOf('j', { ...none, meta: true }), [], 'Alt+j is bound to nothing and types nothing');
  assert.is(textOf('space'), ' ');
  assert.is(textOf('é'), 'é');
  assert.is(textOf('down'), null);
  assert.is(textOf('ctrl-c'), null);
});

test('keymap: every bound key is in the help or its title; every help row and hint item has keys', () => {
  for (const [context, km] of Object.entries(KEYMAP) as [Context, (typeof KEYMAP)[Context]][]) {
    const bound = new Set(Object.values(km.keys));
    const helped = new Set(km.help.flatMap((r) => r.commands));
    const inTitle = context === 'help' ? ['closeHelp', 'quit'] : ['help', 'quit'];
    for (const c of bound) assert.ok(helped.has(c) || inTitle.includes(c), `${context}: ${c} has keys, no help`);
    for (const c of helped) assert.ok(bound.has(c), `${context}: the help lists ${c}, which no key runs`);
    for (const h of km.hint) for (const c of h.commands) assert.ok(bound.has(c), `${context}: hint ${c}`);
  }
  assert.is(rowLabel('timeline', ['down', 'up']), 'j/k, ↓/↑');
  assert.is(rowLabel('timeline', ['first', 'last']), 'g/G, Home/End');
  assert.is(rowLabel('diff', ['back']), 'Esc, Backspace, h, ←');
  assert.is(helpTitle(), 'Keys (? or Esc closes this help; q or Ctrl-C quits)');
  assert.is(hintLine('timeline'), 'j/k move · Enter diff · space mark A · / filter · m milestone · ? help · q quit');
  assert.is(hintLine('diff', 'creative'), 'j/k move · Tab pane · r/R restore · e element · Esc back · ? help');
  assert.is(hintLine('diff', 'game'), 'j/k move · Tab pane · r/R restore · Esc back · ? help');
});

const entry = (i: number): LogEntry => ({
  id: i.toString(16).padStart(64, '0'),
  tree: '0'.repeat(64),
  parents: [],
  author: 'Tess Ter <tess@example.org>',
  time: 1_700_000_000_000 + i,
  message: `snapshot ${i}`,
  meta: {},
  refs: [],
});

const layout = (n: number, over: Partial<Layout> = {}): Layout => ({
  shown: Array.from({ length: n }, (_, i) => entry(n - i)),
  done: true,
  listHeight: 10,
  diffRows: null,
  fileRows: 1,
  patchRows: 1,
  patchLines: 0,
  helpLines: 0,
  helpRows: 1,
  ...over,
});

const run = (s: TuiState, l: Layout, ...commands: Parameters<typeof reduce>[1][]) =>
  commands.reduce((x, a) => reduce(x, a), s);
const cmd = (command: 'down' | 'up' | 'last' | 'first' | 'pageDown' | 'mark' | 'diff' | 'filter', l: Layout) =>
  ({ type: 'command', command, layout: l }) as const;

test('reducer: keys reduced one after another from one frame lose nothing; moves past the loaded rows wait for them', () => {
  const l = layout(30);
  let s = run(initialState, l, ...Array.from({ length: 10 }, () => cmd('down', l)));
  assert.is(s.cursor, 10);
  assert.is(s.offset, 1, 'the window follows the cursor');
  s = run(s, l, cmd('last', l));
  assert.is(s.cursor, 29);
  s = run(s, l, cmd('first', l), cmd('pageDown', l));
  assert.is(s.cursor, 9);
  // 23 rows loaded of a longer history: 30 downs go to row 30, shown once it is read
  const partial = layout(23, { done: false });
  s = run(initialState, partial, ...Array.from({ length: 30 }, () => cmd('down', partial)));
  assert.is(s.cursor, 30);
  assert.is(cursorIn(s, 23), 22);
  assert.is(cursorIn(s, 223), 30);
  s = run(initialState, partial, cmd('last', partial));
  assert.is(s.cursor, 'end');
  assert.is(cursorIn(s, 223), 222);
  // mark A, move, Enter: the diff of the row the moves reached, against A
  s = run(initialState, l, cmd('mark', l), cmd('down', l), cmd('down', l), cmd('diff', l));
  assert.is(s.diff?.entry.message, 'snapshot 28');
  assert.is(s.diff?.from?.message, 'snapshot 30');
  assert.is(s.marked, null);
  // the filter prompt: typed text, erase, cancel
  s = run(initialState, l, cmd('filter', l), { type: 'type', text: 'a' }, { type: 'type', text: 'b' });
  assert.is(s.filter, 'ab');
  s = run(s, l, { type: 'command', command: 'erase', layout: l });
  assert.is(s.filter, 'a');
  s = run(s, l, { type: 'command', command: 'cancel', layout: l });
  assert.equal([s.filter, s.mode], ['', null]);
});

const ready = (f: string) => f.includes('snapshot 300') && /\+\d+ ~\d+ -\d+/.test(f);
const on = (n: number) => (f: string) => new RegExp(`snapshot ${n}\\b`).test(selectedRow(f));

test('a burst of ten j in one write moves exactly ten rows; thirty writes without a frame between move thirty', async () => {
  const { vault } = await longVault(300);
  const s = renderApp(vault);
  await s.waitFor(ready, 'the timeline');
  await s.waitFor(on(300), 'the newest selected');
  s.burst('j'.repeat(10));
  await s.waitFor(on(290), 'ten rows down');
  // thirty writes, each one key, all before the next frame
  s.burst(...Array.from({ length: 30 }, () => 'j'));
  await s.waitFor(on(260), 'thirty rows further');
  // past the rows read so far (223: a screenful, then 200 more): the keys wait for the history
  s.burst('j'.repeat(200));
  await s.waitFor(on(60), 'two hundred rows further', 10000);
  // arrows are escape sequences: a burst of them is split by Ink, then each is a key
  s.burst(KEYS.up + KEYS.up + KEYS.up);
  await s.waitFor(on(63), 'three rows up');
  // typed ahead: moves, then Enter on the row they reached
  s.burst('kk\r');
  const f = await s.waitFor((f) => f.startsWith('Vault · Diff'), 'the diff');
  assert.match(f, /[0-9a-f]{8} snapshot 65:/);
  s.unmount();
});

test('keys typed before a diff is read count once it is: Enter then j j in one write select the third file', async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('first paint') && (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length === 2, 'the timeline');
  s.burst('\rjj');
  const f = await s.waitFor((f) => /^> modified Scenes\/level\.json/m.test(f), 'the third file selected');
  assert.match(f, /^  modified Art\/hero\.png/m);
  s.unmount();
});

test('a prompt typed in one write: m, the name and type, Enter make the milestone', async () => {
  const { vault } = await longVault(5);
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('snapshot 1') && on(5)(f), 'the timeline');
  // j, m, then the prompt's text and Enter: all in one write
  s.burst('jmapproved beta\r');
  await s.waitFor((f) => /milestone approved \(beta\) marks [0-9a-f]{12}/.test(f), 'the milestone');
  const ms = await listMilestones({ vault });
  assert.equal(
    ms.map((m) => [m.name, m.type]),
    [['approved', 'beta']],
  );
  const f = await s.waitFor((f) => f.includes('[◆approved]'), 'the badge');
  assert.match(selectedRow(f), /snapshot 4\s+\[◆approved\]/);
  s.unmount();
});

test('Ctrl-C inside a burst quits', async () => {
  const { vault } = await longVault(3);
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('snapshot 1'), 'the timeline');
  s.burst('jj\x03');
  await s.exited;
});

test.run();
