import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMilestone } from '../../src/personas/game/milestones.js';
import { commit } from '../../src/porcelain/commit.js';
import { isEmpty, matchEntry, parseQuery, pathMatches } from '../../src/tui/query.js';
import { KEYS, renderApp, sampleVault } from './harness.js';
import { must } from '../helpers/must.js';

const test = suite('tui filters and two-snapshot diff');

const ready = (f: string) => (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 3 && f.includes('first blockout');
const rows = (f: string) => f.split('\n').filter((l) => /^[> ][* ]\d{4}-/.test(l));

test('parseQuery: type:, path: and words; matchEntry waits for changes a path needs', () => {
  const q = parseQuery(' type:Beta  path:Art/ hero  ');
  assert.equal(q, { text: ['hero'], types: ['beta'], paths: ['art/'] });
  assert.ok(isEmpty(parseQuery('  ')));
  assert.ok(isEmpty(parseQuery('type:')), 'an empty type: is ignored while typing');
  assert.ok(pathMatches('Art/hero.png', 'art/'));
  assert.not.ok(pathMatches('OldArt/hero.png', 'art/'), 'a trailing slash means a folder prefix');
  assert.ok(pathMatches('OldArt/hero.png', 'hero'));
  const e = { id: 'abc', message: 'new hero', author: 'Ada', refs: [], tree: 't', parents: [], time: 0, meta: {} };
  const none = { milestoneTypes: new Map(), changes: () => undefined };
  assert.is(matchEntry(e, parseQuery('hero'), none), true);
  assert.is(matchEntry(e, parseQuery('type:beta'), none), false);
  assert.is(matchEntry(e, parseQuery('type:beta'), { ...none, milestoneTypes: new Map([['abc', ['beta']]]) }), true);
  assert.is(matchEntry(e, parseQuery('path:Art/'), none), 'pending');
  const changes = {
    parent: null,
    snapshot: 'abc',
    added: [{ kind: 'added' as const, path: 'Art/a.png' }],
    modified: [],
    deleted: [],
    renamed: [],
  };
  assert.is(matchEntry(e, parseQuery('path:Art/ hero'), { ...none, changes: () => changes }), true);
  assert.is(matchEntry(e, parseQuery('path:Docs/'), { ...none, changes: () => changes }), false);
});

test('/type:beta shows only snapshots a beta milestone marks', async () => {
  const { vault } = await sampleVault();
  await createMilestone({ vault, name: 'b1', type: 'beta', snapshot: 'HEAD~1' });
  await createMilestone({ vault, name: 'a1', type: 'alpha', snapshot: 'HEAD~2' });
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('/', ...'type:beta'.split(''), KEYS.enter);
  const f = await s.waitFor((f) => f.includes('filter: type:beta (1 match;'), 'filtered');
  assert.equal(rows(f).length, 1, f);
  assert.match(must(rows(f)[0]), /moat\s+\[◆b1\]/);
  s.unmount();
});

test('/path:Art/ shows the snapshots that changed a file under Art/; words combine', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('/', ...'path:Art/'.split(''), KEYS.enter);
  let f = await s.waitFor((f) => f.includes('filter: path:Art/ (2 matches;'), 'path filter');
  assert.equal(
    rows(f).map((r) => /towers|first blockout/.test(r)),
    [true, true],
    f,
  );
  await s.press('/', ...' towers'.split(''), KEYS.enter);
  f = await s.waitFor((f) => f.includes('filter: path:Art/ towers (1 match;'), 'path + text');
  assert.match(must(rows(f)[0]), /towers, new hero/);
  await s.press('/', ...Array(' towers'.length + 4).fill(KEYS.backspace), ...'Docs/'.split(''), KEYS.enter);
  f = await s.waitFor((f) => f.includes('filter: path:Docs/ (3 matches;'), 'Docs/ in all three');
  s.unmount();
});

test('space marks A (shown with *), Enter on B diffs A..B; Enter alone diffs with the parent', async () => {
  const t = await sampleVault();
  const { vault, fs, dir } = t;
  await fs.writeFile(`${dir}/Docs/notes.md`, 'castle notes\nmoat added\ntowers\nbridge\n');
  await commit({ vault, message: 'bridge' });
  const s = renderApp(vault);
  await s.waitFor((f) => f.includes('bridge') && ready(f), 'timeline');
  // A = "moat" (third row), B = "bridge" (first row)
  await s.press('j', 'j', ' ');
  let f = await s.waitFor((f) => /^>\*\d.* moat/m.test(f), 'A marked');
  assert.match(f, /A = [0-9a-f]{8}: Enter on another snapshot diffs A\.\.it/);
  await s.press('k', 'k');
  f = await s.waitFor((f) => /^> .* bridge/m.test(f) && /^ \*\d.* moat/m.test(f), 'cursor on B, A still marked');
  await s.press(KEYS.enter);
  f = await s.waitFor(
    (f) => /Diff [0-9a-f]{8}\.\.[0-9a-f]{8}/.test(f) && f.includes('2 files changed since'),
    'A..B diff',
  );
  assert.match(f, /modified Art\/hero\.bin\s+2\.93 KiB -> 3\.03 KiB/);
  await s.press('j');
  f = await s.waitFor((f) => f.includes('+bridge'), 'patch A..B');
  assert.match(f, /\+towers\n\+bridge/);
  // back: the mark was used up; Enter alone diffs with the parent
  await s.press(KEYS.esc);
  f = await s.waitFor((f) => f.includes('Timeline (4 snapshots)'), 'timeline');
  assert.not.match(f, /^.\*\d/m);
  await s.press(KEYS.enter);
  f = await s.waitFor((f) => f.includes('bridge: 1 file changed since'), 'parent diff');
  // space twice unmarks; Esc unmarks too
  await s.press(KEYS.esc, ' ');
  await s.waitFor((f) => /^>\*\d.* bridge/m.test(f), 'marked');
  await s.press(' ');
  await s.waitFor((f) => /^> \d.* bridge/m.test(f), 'unmarked by space');
  await s.press(' ', KEYS.esc);
  await s.waitFor((f) => /^> \d.* bridge/m.test(f), 'unmarked by Esc');
  s.unmount();
});

test('m takes NAME [TYPE]: a beta milestone; an unknown type is refused', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('m', ...'rc1 release-candidate'.split(''), KEYS.enter);
  await s.waitFor((f) => f.includes('milestone rc1 (release-candidate) marks'), 'made');
  await s.press('m', ...'x1 gold'.split(''), KEYS.enter);
  await s.waitFor((f) => f.includes('no milestone made: type after the name must be one of'), 'refused');
  await s.press('/', ...'type:release-candidate'.split(''), KEYS.enter);
  const f = await s.waitFor((f) => f.includes('(1 match;'), 'type filter finds it');
  assert.ok(/towers, new .*\[◆rc1\]/.test(rows(f)[0] ?? ''), f);
  s.unmount();
});

test.run();
