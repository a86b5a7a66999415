// `/` in a game vault also matches builds (version, platform) and their playtest feedback (text, tags, testers)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { matchEntry, parseQuery } from '../../src/tui/query.js';
import { KEYS, gameVault, renderApp } from './harness.js';

const test = suite('tui game search');

const entry = { id: 'abcd1234', message: 'bigger rock', author: 'Tess', refs: [] as string[], time: 0, parents: [] };

test("matchEntry: a word matches the snapshot's words (builds and feedback) as well as its message", () => {
  const ctx = {
    milestoneTypes: new Map(),
    changes: () => undefined,
    words: new Map([['abcd1234', ['0.2@windows', 'crashed in the cave', 'ana', 'crash']]]),
  };
  const m = (q: string) => matchEntry(entry as never, parseQuery(q), ctx);
  assert.is(m('crash'), true);
  assert.is(m('windows'), true);
  assert.is(m('0.2@win'), true);
  assert.is(m('CAVE rock'), true, 'all words must match, in any field, any case');
  assert.is(m('switch'), false);
  assert.is(matchEntry(entry as never, parseQuery('crash'), { ...ctx, words: undefined }), false);
});

test('the TUI: /crash finds the snapshot whose build got crash reports; /0.1@windows the other one', async () => {
  const { vault } = await gameVault();
  const s = renderApp(vault, { persona: 'game' });
  await s.waitFor((f) => f.includes('first pl') && f.includes('▲0.2'), 'timeline with builds');
  await s.press('/', ...'crash'.split(''), KEYS.enter);
  let f = await s.waitFor((f) => f.includes('filter: crash (1 match;'), 'crash filter');
  // the message is cut to make room for the badges ("bigge…") at 80 columns
  assert.match(f, /bigge/, f);
  assert.not.match(f, /first pl/);
  await s.press('/', ...Array(5).fill(KEYS.backspace), ...'0.1@windows'.split(''), KEYS.enter);
  f = await s.waitFor((f) => f.includes('filter: 0.1@windows (1 match;'), 'version@platform filter');
  assert.match(f, /first pl/);
  s.unmount();
});

test.run();
