import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMilestone } from '../../src/personas/game/milestones.js';
import { readHead } from '../../src/refs/refs.js';
import { fitBadges } from '../../src/tui/Badges.js';
import { buildBadge } from '../../src/tui/build-badge.js';
import type { BuildMark } from '../../src/tui/use-builds.js';
import { buildSummary } from '../../src/tui/BuildPanel.js';
import { KEYS, gameVault, renderApp } from './harness.js';

const test = suite('tui game persona');

const ready = (f: string) =>
  (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 2 && f.includes('first pl') && f.includes('▲0.2');

test('badges and summary text: ratings, crashes, a regression marked with ! and REGRESSION', () => {
  const b = {
    label: '0.2@windows',
    version: '0.2',
    platform: 'windows',
    count: 2,
    average: 2.5,
    crashes: 1,
    regression: ['average rating 4.5 -> 2.5'],
    previous: '0.1@windows',
  };
  assert.is(buildBadge(b), ' ▲0.2@windows ★2.5!');
  assert.is(buildBadge(b, true), ' ▲0.2 ★2.5!');
  assert.is(buildBadge({ ...b, average: null, regression: [] }), ' ▲0.2@windows');
  const s = buildSummary('abcd1234', [b]);
  assert.is(s.builds, 'builds from abcd1234: 0.2@windows ★2.50 (2 ratings, 1 crash)');
  assert.is(s.regressions, 'REGRESSION 0.2@windows vs 0.1@windows: average rating 4.5 -> 2.5');
  assert.is(buildSummary('abcd1234', undefined).builds, 'no build was made from abcd1234');
});

test('builds and ratings along the timeline; the regression is highlighted under it', async () => {
  const { vault } = await gameVault();
  const s = renderApp(vault, { persona: 'game' });
  let f = await s.waitFor(ready, 'timeline with builds');
  const row = (t: string) => f.split('\n').find((l) => l.includes(t)) ?? '';
  // no room for the platform beside the ref: the short badge; the row below has room for it
  assert.match(row('bigger r'), /bigger r… \[main\] ▲0\.2 ★2\.5! Tess Ter/);
  assert.match(row('first pl'), /▲0\.1@windows ★4\.5(?!!)/);
  f = await s.waitFor((f) => f.includes('REGRESSION'), 'regression line');
  assert.match(f, /builds from [0-9a-f]{8}: 0\.2@windows ★2\.50 \(2 ratings, 1 crash\)/);
  assert.ok(/REGRESSION 0\.2@windows vs 0\.1@windows: average rating 4\.5 -> 2\.5; crash reports\s+0 -> 1/.test(f), f);
  await s.press('j');
  f = await s.waitFor((f) => f.includes('builds from') && f.includes('0.1@windows ★4.50'), 'first build');
  assert.not.match(f, /REGRESSION/);
  for (const l of f.split('\n')) assert.ok(l.length <= 80, l);
  s.unmount();
});

const build = (version: string, regression = false): BuildMark => ({
  label: `${version}@windows`,
  version,
  platform: 'windows',
  count: 2,
  average: 2.5,
  crashes: 0,
  regression: regression ? ['worse'] : [],
  previous: null,
});
const texts = (r: ReturnType<typeof fitBadges>) => r.badges.map((b) => b.text).join('') + r.more;

test('fitBadges: all when they fit; else regressions, milestones and ratings first, names shortened, the rest counted', () => {
  const refs = ['main', 'milestones/alpha', 'tags/v1'];
  const builds = [build('0.2', true)];
  assert.is(texts(fitBadges(refs, builds, 40)), ' [main] [◆alpha] [#v1] ▲0.2 ★2.5!');
  // 21 columns (a row at 80): the regression, then the milestone (shortened), the rest counted
  assert.is(texts(fitBadges(refs, builds, 21)), ' [◆al…] ▲0.2 ★2.5! +2');
  assert.is(texts(fitBadges(['main', 'milestones/alpha'], builds, 21)), ' [◆al…] ▲0.2 ★2.5! +1');
  assert.is(texts(fitBadges(['main', 'milestones/release-candidate-2'], [], 21)), ' [◆release-candi…] +1');
  // ratings before tags, tags before branches; a rating is never shortened
  assert.is(texts(fitBadges(['main', 'tags/v1.0'], [build('0.2'), build('0.3')], 21)), ' [#v1.0] ▲0.2 ★2.5 +2');
  // no room even for the count: nothing, and the message keeps its columns
  assert.equal(fitBadges(refs, builds, 2), { badges: [], more: '', width: 0 });
  for (const room of [0, 5, 10, 15, 21, 27, 40]) assert.ok(fitBadges(refs, builds, room).width <= room, `${room}`);
});

test('80 columns: the milestone and the rating of a snapshot stay on its row, with a count of what is left out', async () => {
  const { vault } = await gameVault();
  const head = (await readHead(vault.refs)).id!;
  await createMilestone({ vault, name: 'alpha', type: 'alpha', snapshot: head });
  const s = renderApp(vault, { persona: 'game' });
  let f = await s.waitFor((f) => ready(f) && f.includes('[◆'), 'timeline with the milestone');
  const row = (t: string) => f.split('\n').find((l) => l.includes(t)) ?? '';
  assert.match(row('Tess Ter        +0 ~2'), /\[◆al…\] ▲0\.2 ★2\.5! \+1 Tess Ter/);
  for (const l of f.split('\n')) assert.ok(l.length <= 80, l);
  s.resize(100, 24);
  f = await s.waitFor((f) => f.includes('[main] [◆alpha] ▲0.2@windows ★2.5!'), 'every badge whole at 100 columns');
  s.unmount();
});

test('Diff: the effective platform config diff and bundle size deltas above the files', async () => {
  const { vault } = await gameVault();
  const s = renderApp(vault, { persona: 'game' });
  await s.waitFor(ready, 'timeline');
  await s.press(KEYS.enter);
  let f = await s.waitFor((f) => f.includes('platform config') && f.includes('bundles'), 'panels');
  assert.match(f, /> ▸ game\s+platform config\s+1 key on 1 of 2 platforms/);
  assert.match(f, /▸ game\s+bundles\s+\+[\d.]+ (B|KiB) in 1 of 2 bundles/);
  assert.match(f, /switch: 1 key changed \(effective config\)\n~ graphics\.shadows: "medium" -> "low"/);
  await s.press('j');
  f = await s.waitFor((f) => f.includes('~ art: changed'), 'bundles panel');
  assert.match(f, /~ art: changed, [\d.]+ B -> [\d.]+ (B|KiB) \(\+[\d.]+ (B|KiB)\), download/);
  assert.match(f, /modified Assets\/rock\.png/);
  assert.match(f, /core: unchanged/);
  // r on a panel is refused, on a file it asks
  await s.press('r');
  await s.waitFor((f) => f.includes('bundles is a summary, not a file'), 'refused');
  await s.press('j', 'r');
  await s.waitFor((f) => f.includes('y: yes'), 'confirmation for the first file');
  await s.press('n');
  s.unmount();
});

test('without vault-game.yaml there are no game panels and no builds, and nothing fails', async () => {
  const { sampleVault } = await import('./harness.js');
  const { vault } = await sampleVault();
  const s = renderApp(vault, { persona: 'game' });
  const f = await s.waitFor(
    (f) => f.includes('no build was made from') && (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length === 3,
    'timeline',
  );
  assert.not.match(f, /error/);
  await s.press(KEYS.enter);
  const d = await s.waitFor((f) => f.includes('2 files changed'), 'diff');
  assert.not.match(d, /▸ game/);
  s.unmount();
});

test.run();
