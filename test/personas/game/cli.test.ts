/**
 * The game persona end to end through the real CLI (bin/vault, built bundle) on a generated sample game
 * project: builds, feedback with a regression the report must point at, bundles with a changed texture;
 * --json for every report. Playtest sessions and platforms: cli-sessions.test.ts.
 * Rebuild the bundle first: node scripts/bundle.mjs
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runVault, vaultJson, vaultOk } from '../../helpers/cli.js';
import { nodeFs, tempDir } from '../../helpers/vault.js';
import { writeTree } from '../../helpers/tree.js';
import { sampleGame, texture } from './sampleGame.js';

const test = suite('personas/game/cli');

const ok = vaultOk;
const json = vaultJson;

test('sample game: builds, feedback import + report pointing at the changed texture, bundles diff; log, verify, gc, prune with records', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'game');
    await writeTree(nodeFs, dir, sampleGame());
    await ok(dir, ['init', '--persona', 'game']);
    await ok(dir, ['commit', '-m', 'first playable']);
    await ok(dir, ['milestone', 'create', 'alpha', '--type', 'alpha']);
    await mkdir(join(tmp.path, 'export'));
    const pck = randomBytes(2 * 1024 * 1024);
    await writeFile(join(tmp.path, 'export', 'game.pck'), pck);
    const b1 = await json(dir, [
      'build',
      'record',
      '--version',
      '0.4.1',
      '--platform',
      'windows',
      '--artifact',
      '../export/game.pck',
      '--notes',
      'first',
    ]);
    assert.equal(b1.artifacts, [{ path: 'game.pck', size: pck.length }]);

    // the change: a new hero texture (characters bundle) and a faster player (core)
    const hero = texture(160, 160, 77);
    await writeFile(join(dir, 'Assets/Characters/hero.png'), hero);
    await writeFile(join(dir, 'Scripts/player.gd'), 'extends KinematicBody2D\nvar speed = 400\n');
    await ok(dir, ['commit', '-m', 'new hero texture, faster player']);
    const b2 = await json(dir, ['build', 'record', '--version', '0.4.2', '--platform', 'windows']);
    assert.equal(
      (await json<{ id: string }[]>(dir, ['build', 'list'])).map((b) => b.id),
      [b1.id, b2.id],
    );
    assert.is((await json(dir, ['build', 'show', '0.4.1@windows'])).notes, 'first');
    assert.match((await ok(dir, ['build', 'show', b1.id.slice(0, 6)])).stdout, /artifact game\.pck/);

    // feedback: a CSV export with one bad row (line 5), and one added by hand
    const csv =
      'build,tester,rating,tags,comment\n0.4.1,ana,4,perf,smooth\n0.4.1,bo,5,,fun\n0.4.2,ana,2,crash,crashed at the hero\n0.4.2,cy,x,,bad row\n';
    await writeFile(join(tmp.path, 'forms.csv'), csv);
    const imp = await runVault(dir, ['feedback', 'import', '../forms.csv']);
    assert.is(imp.code, 1, 'bad rows make the exit code 1');
    assert.match(imp.stdout, /imported 3 of 4 row\(s\), 1 bad/);
    assert.match(imp.stderr, /forms\.csv:5: rating 'x'/);
    const again = await runVault(dir, ['feedback', 'import', '../forms.csv', '--json']);
    assert.equal(JSON.parse(again.stdout), {
      rows: 4,
      added: 0,
      duplicates: 3,
      problems: [{ line: 5, reason: "rating 'x' is not a whole number from 1 to 5" }],
      ignoredColumns: [],
    });
    await ok(dir, [
      'feedback',
      'add',
      '--build',
      '0.4.2',
      '--tester',
      'bo',
      '--rating',
      '3',
      '--tag',
      'crash',
      '--tag',
      'perf',
      'crash on load',
    ]);
    const fb = await json<{ tags: string[]; text: string }[]>(dir, ['feedback', 'list', '--build', '0.4.2']);
    assert.ok(fb.some((f) => f.text === 'crash on load' && f.tags.join() === 'crash,perf'));
    const bad = await runVault(dir, [
      'feedback',
      'add',
      '--build',
      '0.4.2',
      '--tester',
      'bo',
      '--rating',
      '9',
      '--json',
    ]);
    assert.is(bad.code, 2);
    assert.is(JSON.parse(bad.stdout).error.code, 'EUSAGE');

    const report = await json(dir, ['feedback', 'report']);
    assert.equal(
      report.builds.map((b: { average: number; crashes: number }) => [b.average, b.crashes]),
      [
        [4.5, 0],
        [2.5, 2],
      ],
    );
    assert.is(report.regressions.length, 1);
    const reg = report.regressions[0];
    assert.is(reg.build, b2.id);
    assert.is(reg.previous, b1.id);
    assert.equal(
      reg.byBundle.map((g: { name: string; paths: string[] }) => [g.name, g.paths]),
      [
        ['characters', ['Assets/Characters/hero.png']],
        ['core', ['Scripts/player.gd']],
      ],
    );
    const text = (await ok(dir, ['feedback', 'report'])).stdout;
    assert.match(text, /0\.4\.2@windows got worse than 0\.4\.1@windows/);
    assert.match(text, /characters .*Assets\/Characters\/hero\.png/);
    assert.is((await json(dir, ['feedback', 'report', '--since', 'alpha'])).builds.length, 1);

    // bundles: only the characters bundle changed, by the new texture
    const bundles = await json(dir, ['bundles']);
    assert.equal(
      bundles.bundles.map((b: { name: string }) => b.name),
      ['characters', 'core', 'level1'],
    );
    assert.ok(bundles.unbundled.paths.includes('Assets/Characters/hero.psd'));
    const d = await json(dir, ['bundles', 'diff', 'alpha', 'HEAD']);
    const ch = d.bundles.find((b: { name: string }) => b.name === 'characters');
    assert.is(ch.status, 'changed');
    assert.is(ch.download, hero.length);
    assert.equal(
      ch.changes.map((c: { path: string }) => c.path),
      ['Assets/Characters/hero.png'],
    );
    assert.is(d.bundles.find((b: { name: string }) => b.name === 'level1').status, 'unchanged');
    assert.match((await ok(dir, ['bundles', 'diff', 'alpha'])).stdout, /modified Assets\/Characters\/hero\.png/);
    assert.equal((await json(dir, ['bundles', 'which', 'Assets/Characters/hero.png'])).bundles, ['characters']);
    assert.match((await ok(dir, ['bundles', 'which', 'Docs/design.md'])).stdout, /in no bundle/);

    // records do not disturb the project's history or the maintenance commands
    assert.equal(
      (await json<{ message: string }[]>(dir, ['log'])).map((e) => e.message),
      ['new hero texture, faster player', 'first playable'],
    );
    await ok(dir, ['gc']);
    await ok(dir, ['prune']);
    assert.match((await ok(dir, ['verify', '--read-data'])).stdout, /no problems found/);
    assert.is((await json(dir, ['feedback', 'report'])).regressions.length, 1);
  } finally {
    await tmp.remove();
  }
});

test.run();
