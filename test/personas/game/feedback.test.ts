import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { recordBuild } from '../../../src/personas/game/builds.js';
import { addFeedback, importFeedback, listFeedback, parseFeedbackFile } from '../../../src/personas/game/feedback.js';
import { buildStats, feedbackReport } from '../../../src/personas/game/feedbackReport.js';
import { createMilestone } from '../../../src/personas/game/milestones.js';
import { commit } from '../../../src/porcelain/commit.js';
import { verify } from '../../../src/porcelain/verify.js';
import { decodeSnapshot } from '../../../src/objects/snapshot.js';
import { flattenTree } from '../../../src/plumbing/trees.js';
import { recordRef } from '../../../src/personas/game/records.js';
import { readRef } from '../../../src/refs/refs.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { sampleGame, texture } from './sampleGame.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/game/feedback');

/** Two builds: 0.4.2 changes the hero texture and a script. */
async function twoBuilds() {
  const t = await memVault(sampleGame());
  await commit({ vault: t.vault, message: 'first playable' });
  const b1 = await recordBuild({ vault: t.vault, version: '0.4.1', platform: 'windows' });
  await t.fs.writeFile('/work/Assets/Characters/hero.png', texture(128, 128, 42));
  await t.fs.writeFile('/work/Scripts/player.gd', 'extends KinematicBody2D\nvar speed = 400\n');
  await commit({ vault: t.vault, message: 'new hero texture, faster player' });
  const b2 = await recordBuild({ vault: t.vault, version: '0.4.2', platform: 'windows' });
  return { ...t, b1, b2 };
}

test('add checks its input and stores one record; the same feedback twice is stored once', async () => {
  const t = await twoBuilds();
  const r = await addFeedback({
    vault: t.vault,
    build: '0.4.1',
    tester: 'ana',
    rating: 4,
    tags: ['Perf', 'perf'],
    text: 'smooth',
  });
  assert.ok(r.added);
  assert.is(r.feedback.build, t.b1.id);
  assert.equal(r.feedback.tags, ['perf']);
  assert.not.ok(
    (await addFeedback({ vault: t.vault, build: '0.4.1', tester: 'ana', rating: 4, tags: ['perf'], text: 'smooth' }))
      .added,
  );
  assert.is((await listFeedback({ vault: t.vault })).length, 1);
  assert.is(await codeOf(() => addFeedback({ vault: t.vault, build: '0.4.1', tester: 'ana', rating: 6 })), 'EUSAGE');
  assert.is(await codeOf(() => addFeedback({ vault: t.vault, build: '0.4.1', tester: 'ana', rating: 2.5 })), 'EUSAGE');
  assert.is(await codeOf(() => addFeedback({ vault: t.vault, build: '0.4.1', tester: ' ', rating: 3 })), 'EUSAGE');
  assert.is(await codeOf(() => addFeedback({ vault: t.vault, build: '7.7.7', tester: 'bo', rating: 3 })), 'EUSAGE');
  assert.is((await listFeedback({ vault: t.vault })).length, 1, 'bad input stores nothing');
  // stored as one JSON Lines file per build: a read per build, not per feedback
  await addFeedback({ vault: t.vault, build: '0.4.1', tester: 'bo', rating: 5 });
  await addFeedback({ vault: t.vault, build: '0.4.2', tester: 'bo', rating: 2 });
  const head = (await readRef(t.vault.refs, recordRef('feedback')))!;
  const tree = await flattenTree(t.vault.db, decodeSnapshot(await t.vault.db.readTyped(head, 'snapshot'), head).tree);
  assert.equal([...tree.keys()].sort(), [`${t.b1.id}.jsonl`, `${t.b2.id}.jsonl`].sort());
  assert.is(
    String(await t.vault.db.readTyped(tree.get(`${t.b1.id}.jsonl`)!.id, 'blob'))
      .trim()
      .split('\n').length,
    2,
  );
});

test('CSV import: good rows land, bad rows come back with the line they start on (quoted multi-line text counts); importing again adds nothing', async () => {
  const t = await twoBuilds();
  const csv = [
    'Build,Tester,Rating,Tags,Comment,Date', // 1
    '0.4.1,ana,4,perf,"smooth",2026-11-01', // 2
    '0.4.1,bo,5,,"loved the cave', // 3
    'and the music",2026-11-01', // 4
    '0.4.1,cy,0,,zero stars?,2026-11-01', // 5: bad rating
    '9.9.9,dee,3,,unknown build,2026-11-01', // 6: bad build
    `${t.b2.id.slice(0, 8)},ana,2,crash;perf,crashed in the cave,2026-11-08`, // 7
    '0.4.2@windows,bo,3,crash,"crash on load",2026-11-08', // 8
    '0.4.2,,3,,no tester,2026-11-08', // 9: no tester
  ].join('\n');
  await t.fs.writeFile('/work/week.csv', csv);
  const r = await importFeedback({ vault: t.vault, path: 'week.csv' });
  assert.is(r.rows, 7);
  assert.is(r.added, 4);
  assert.equal(
    r.problems.map((p) => p.line),
    [5, 6, 9],
  );
  assert.match(must(r.problems[0]).reason, /rating '0'/);
  assert.match(must(r.problems[1]).reason, /9\.9\.9/);
  const fb = await listFeedback({ vault: t.vault, build: '0.4.2' });
  assert.equal(fb.map((f) => f.tags.join(',')).sort(), ['crash', 'crash,perf']);
  assert.is(must(fb[0]).time, Date.parse('2026-11-08'));
  assert.ok((await listFeedback({ vault: t.vault })).some((f) => f.text === 'loved the cave\nand the music'));
  await t.fs.writeFile('/work/nohead.csv', 'who,stars\nana,4\n');
  assert.is(await codeOf(() => importFeedback({ vault: t.vault, path: 'nohead.csv' })), 'EUSAGE');
  const again = await importFeedback({ vault: t.vault, path: '/work/week.csv' });
  assert.is(again.added, 0);
  assert.is(again.duplicates, 4);
  assert.is((await listFeedback({ vault: t.vault })).length, 4);
});

test('CSV line numbers survive blank lines, CRLF line ends and a quoted field spanning lines', () => {
  const text = 'build,tester,rating\r\n\r\n1,"a\r\nb",3\r\n\r\n\r\n2,c,4\r\n3,d,5';
  assert.equal(
    parseFeedbackFile(text, 'csv').map((r) => [r.line, r.row?.build]),
    [
      [3, '1'],
      [7, '2'],
      [8, '3'],
    ],
  );
  assert.throws(
    () => parseFeedbackFile('a,b\n"unterminated,1\n', 'csv'),
    (e: Error & { code: string }) => e.code === 'EUSAGE',
  );
});

test('JSON import reports bad items by line; a file that does not parse is a usage error and stores nothing', async () => {
  const t = await twoBuilds();
  const json = `[
  {"build": "0.4.1", "tester": "ana", "rating": 4, "tags": ["perf"], "text": "ok"},
  {"build": "0.4.1", "tester": "bo", "rating": "five"},
  "not an object",
  {"build": "0.4.2", "player": "cy", "score": 1, "tags": "crash", "comments": "froze"}
]`;
  await t.fs.writeFile('/work/forms.json', json);
  const r = await importFeedback({ vault: t.vault, path: 'forms.json' });
  assert.is(r.added, 2);
  assert.equal(
    r.problems.map((p) => p.line),
    [3, 4],
  );
  await t.fs.writeFile('/work/broken.json', '[{"build": ');
  assert.is(await codeOf(() => importFeedback({ vault: t.vault, path: 'broken.json' })), 'EUSAGE');
  assert.is(await codeOf(() => importFeedback({ vault: t.vault, path: 'forms.xml' })), 'EUSAGE');
  assert.is(await codeOf(() => importFeedback({ vault: t.vault, path: 'missing.csv' })), 'EUSAGE');
  assert.is((await listFeedback({ vault: t.vault })).length, 2);
  assert.equal(
    parseFeedbackFile('{"feedback": [{"build": "x"}]}', 'json').map((x) => x.line),
    [1],
  );
});

test('report: average, spread and tags per build; the regression points at the changed texture, by folder and by bundle', async () => {
  const t = await twoBuilds();
  for (const [tester, rating] of [
    ['ana', 4],
    ['bo', 5],
    ['cy', 4],
  ] as const)
    await addFeedback({ vault: t.vault, build: '0.4.1', tester, rating, tags: ['perf'] });
  await addFeedback({
    vault: t.vault,
    build: '0.4.2',
    tester: 'ana',
    rating: 2,
    tags: ['crash'],
    text: 'crashed near the hero',
  });
  await addFeedback({ vault: t.vault, build: '0.4.2', tester: 'bo', rating: 3 });
  const r = await feedbackReport({ vault: t.vault });
  assert.equal(
    r.builds.map((b) => [b.version, b.count, b.average, b.stddev, b.crashes]),
    [
      ['0.4.1', 3, 4.33, 0.47, 0],
      ['0.4.2', 2, 2.5, 0.5, 1],
    ],
  );
  assert.equal(must(r.builds[0]).tags, { perf: 3 });
  assert.is(r.regressions.length, 1);
  const g = must(r.regressions[0]);
  assert.is(g.build, t.b2.id);
  assert.is(g.previous, t.b1.id);
  assert.is(g.ratingDelta, -1.83);
  assert.is(g.crashDelta, 1);
  assert.equal(
    g.changes.map((c) => [c.path, c.kind, c.bundles]),
    [
      ['Assets/Characters/hero.png', 'modified', ['characters']],
      ['Scripts/player.gd', 'modified', ['core']],
    ],
  );
  assert.equal(
    g.byBundle.map((x) => [x.name, x.paths]),
    [
      ['characters', ['Assets/Characters/hero.png']],
      ['core', ['Scripts/player.gd']],
    ],
  );
  assert.equal(
    g.byFolder.map((x) => x.name),
    ['Assets/', 'Scripts/'],
  );
  assert.is((await verify({ vault: t.vault })).problems.length, 0);
});

test('report: a build that got better is no regression; builds compare within their platform; --since limits to builds after a milestone', async () => {
  const t = await twoBuilds();
  await addFeedback({ vault: t.vault, build: '0.4.1', tester: 'ana', rating: 3 });
  await addFeedback({ vault: t.vault, build: '0.4.2', tester: 'ana', rating: 5 });
  const sw = await recordBuild({ vault: t.vault, version: '0.4.2', platform: 'switch' });
  await addFeedback({ vault: t.vault, build: sw.id, tester: 'bo', rating: 1, tags: ['crash'] });
  assert.is(
    (await feedbackReport({ vault: t.vault })).regressions.length,
    0,
    'switch has no earlier build to compare with',
  );
  await createMilestone({ vault: t.vault, name: 'beta', type: 'beta', snapshot: t.b1.snapshot });
  const since = await feedbackReport({ vault: t.vault, since: 'beta' });
  assert.is(since.since?.snapshot, t.b1.snapshot);
  assert.equal(
    since.builds.map((b) => `${b.version}@${b.platform}`),
    ['0.4.2@windows', '0.4.2@switch'],
  );
  assert.is(await codeOf(() => feedbackReport({ vault: t.vault, since: 'nope' })), 'ENOREF');
});

test('report: builds follow history, not the clock: a build of older history recorded later still comes first', async () => {
  const t = await memVault(sampleGame());
  await commit({ vault: t.vault, message: 'first playable' });
  await t.fs.writeFile('/work/Assets/Shared/rock.png', texture(64, 64, 99));
  await commit({ vault: t.vault, message: 'new rock' });
  const newer = await recordBuild({ vault: t.vault, version: '1.1', platform: 'windows' });
  const older = await recordBuild({ vault: t.vault, version: '1.0', platform: 'windows', snapshot: 'HEAD~1' });
  assert.ok(older.time > newer.time);
  await addFeedback({ vault: t.vault, build: '1.0', tester: 'ana', rating: 5 });
  await addFeedback({ vault: t.vault, build: '1.1', tester: 'ana', rating: 3 });
  const r = await feedbackReport({ vault: t.vault });
  assert.equal(
    r.builds.map((b) => b.version),
    ['1.0', '1.1'],
  );
  assert.equal(
    r.regressions.map((g) => [g.previousLabel, g.label, g.byBundle.map((x) => x.name)]),
    [['1.0@windows', '1.1@windows', ['level1']]],
  );
});

test('buildStats without feedback has no average', () => {
  const s = buildStats(
    { id: 'x', version: '1', platform: 'p', snapshot: 's', time: 0, author: 'a', artifacts: [], files: [] },
    [],
  );
  assert.is(s.average, null);
  assert.is(s.count, 0);
});

test.run();
