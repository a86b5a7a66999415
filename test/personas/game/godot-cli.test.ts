/**
 * A Godot project through the real CLI with no vault-game.yaml: init writes .vaultignore, platforms come from
 * project.godot, refs warn about a scene only a script switches to, builds say what they stored, the feedback
 * report folds .import files into their asset's row, a CSV with a platform column imports.
 * Rebuild the bundle first: node scripts/bundle.mjs
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runVault, vaultJson, vaultOk } from '../../helpers/cli.js';
import { nodeFs, tempDir } from '../../helpers/vault.js';
import { writeTree } from '../../helpers/tree.js';
import { godotProject } from './godotProject.js';
import { texture } from './sampleGame.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/game/godot-cli');

test('init, commit, platforms, refs and builds on a Godot project with no extra configuration', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'cave');
    await writeTree(nodeFs, dir, godotProject());
    const init = await vaultOk(dir, ['init', '--persona', 'game']);
    assert.match(init.stdout, /wrote \.vaultignore: \.godot\/ \(Godot's generated files/);
    assert.match(await readFile(join(dir, '.vaultignore'), 'utf8'), /^\.godot\/$/m);
    await vaultOk(dir, ['commit', '-m', 'first playable']);
    const ls = (await vaultOk(dir, ['ls'])).stdout;
    assert.not.match(ls, /\s\.godot\//, 'the editor cache is not kept');
    assert.match(ls, /project\.godot/);

    const android = await vaultJson(dir, ['platform', 'resolve', 'android', '--json']);
    assert.is(android.source, 'project.godot');
    assert.is(android.config['rendering/renderer/rendering_method'], 'gl_compatibility');
    const matrix = await vaultOk(dir, ['platform', 'matrix']);
    assert.match(matrix.stdout, /\(project\.godot\): \d+ key\(s\) differ/);
    assert.match(matrix.stdout, /display\/window\/size\/viewport_width\s+1280\s+960\s+1280/);

    // a scene only a script switches to: used-by finds it, deleting it warns at commit
    const used = await vaultOk(dir, ['refs', '--used-by', 'scenes/game_over.tscn']);
    assert.match(used.stdout, /scripts\/player\.gd:15\s+path\s+"res:\/\/scenes\/game_over\.tscn"/);
    await unlink(join(dir, 'scenes', 'game_over.tscn'));
    const c = await vaultOk(dir, ['commit', '-m', 'no game over']);
    assert.match(
      c.stderr,
      /references: scripts\/player\.gd still uses scenes\/game_over\.tscn, which this commit deletes \(line 15/,
    );
    const broken = await runVault(dir, ['refs', '--broken']);
    assert.match(broken.stdout, /1 broken reference\(s\)/);
    assert.match(
      broken.stdout,
      /2 path\(s\) built at run time \(not checked\):\n {2}scripts\/player\.gd:19 -> res:\/\/scenes\/level_/,
    );

    // a build of the project: what it stored after dedup
    await mkdir(join(tmp.path, 'export'));
    await writeFile(join(tmp.path, 'export', 'cave.pck'), randomBytes(300_000));
    const b = await vaultOk(dir, [
      'build',
      'record',
      '--version',
      '1.0',
      '--platform',
      'windows',
      '--artifact',
      '../export/cave.pck',
    ]);
    assert.match(b.stdout, /new: \d+ objects, [\d.]+ KiB raw -> [\d.]+ KiB stored after dedup and compression/);
    const again = await vaultJson(dir, [
      'build',
      'record',
      '--version',
      '1.0.1',
      '--platform',
      'windows',
      '--artifact',
      '../export/cave.pck',
      '--json',
    ]);
    assert.ok(again.stored.bytes < 10_000, `the same artifact again stores only the record: ${again.stored.bytes}`);
  } finally {
    await tmp.remove();
  }
});

test('feedback: a CSV with a platform column and version@platform imports; unknown columns warned once; the report folds .import into its asset', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'cave');
    await writeTree(nodeFs, dir, godotProject());
    await vaultOk(dir, ['init', '--persona', 'game']);
    await vaultOk(dir, ['commit', '-m', 'first playable']);
    for (const p of ['windows', 'android'])
      await vaultOk(dir, ['build', 'record', '--version', '1.0', '--platform', p]);
    // the next version: a texture reimported, a faster player, a changed level and many new sprites
    await writeFile(join(dir, 'art', 'cave.png'), texture(256, 256, 9));
    const imp = await readFile(join(dir, 'art', 'cave.png.import'), 'utf8');
    await writeFile(
      join(dir, 'art', 'cave.png.import'),
      imp.replace('mipmaps/generate=false', 'mipmaps/generate=true'),
    );
    await writeFile(
      join(dir, 'scripts', 'player.gd'),
      (await readFile(join(dir, 'scripts', 'player.gd'), 'utf8')).replace('200.0', '400.0'),
    );
    await writeFile(
      join(dir, 'scenes', 'level_2.tscn'),
      '[gd_scene format=3 uid="uid://clevel2000001"]\n\n[node name="Level2b" type="Node2D"]\n',
    );
    for (let i = 0; i < 30; i++) {
      await writeFile(
        join(dir, 'art', `sprite_${String(i).padStart(2, '0')}_with_a_long_descriptive_name.png`),
        texture(8, 8, i),
      );
      await writeFile(
        join(dir, 'art', `sprite_${String(i).padStart(2, '0')}_with_a_long_descriptive_name.png.import`),
        `[remap]\n\nimporter="texture"\nuid="uid://bsprite${String(i).padStart(6, '0')}"\n`,
      );
    }
    await vaultOk(dir, ['commit', '-m', 'faster player, new cave texture']);
    await vaultOk(dir, ['build', 'record', '--version', '1.1', '--platform', 'windows']);

    const csv = [
      'build,platform,tester,rating,tags,comment,email',
      '1.0,windows,ana,5,,great,ana@example.org',
      '1.0,android,bo,4,,ok on my phone,bo@example.org',
      '1.1@windows,,ana,2,crash,crashed in the cave,ana@example.org',
      '1.1,windows,cy,3,crash,crash on load,cy@example.org',
      '1.0@android,windows,dee,4,,mismatch,dee@example.org',
      '',
    ].join('\n');
    await writeFile(join(tmp.path, 'forms.csv'), csv);
    const r = await runVault(dir, ['feedback', 'import', '../forms.csv']);
    assert.is(r.code, 1, 'the mismatched row is bad');
    assert.match(r.stdout, /imported 4 of 5 row\(s\), 1 bad/);
    assert.is(r.stderr.match(/ignored column/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /warning: \.\.\/forms\.csv: ignored column\(s\) email/);
    assert.match(r.stderr, /forms\.csv:6: build '1\.0@android' is not for platform 'windows'/);

    const report = await vaultOk(dir, ['feedback', 'report']);
    const lines = report.stdout.split('\n');
    for (const l of lines) assert.ok([...l].length <= 100, `wider than the terminal: ${l}`);
    assert.match(report.stdout, /1\.1@windows got worse than 1\.0@windows/);
    assert.match(report.stdout, /64 file\(s\) changed between their snapshots, in 33 row\(s\)/);
    const rows = lines.filter((l) => /^ {4}(modified|added|deleted|reimport) /.test(l));
    assert.equal(
      rows.slice(0, 3).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ')),
      ['modified scripts/player.gd', 'modified scenes/level_2.tscn', 'modified art/cave.png'],
      'scripts and scenes first; the texture with its import settings in one row',
    );
    assert.match(must(rows[2]), /art\/cave\.png \+ \.import/);
    assert.not.ok(
      lines.some((l) => /^ {4}\S+\s+art\/cave\.png\.import/.test(l)),
      'no row of its own',
    );
    assert.match(report.stdout, /… and 21 more row\(s\): vault feedback report --all/);
    const all = await vaultOk(dir, ['feedback', 'report', '--all']);
    assert.is(all.stdout.split('\n').filter((l) => /^ {4}(modified|added) /.test(l)).length, 33);
    const data = await vaultJson(dir, ['feedback', 'report', '--json']);
    assert.is(data.regressions[0].changes.length, 64, 'the data keeps every file');
    assert.equal(data.regressions[0].rows[2], {
      path: 'art/cave.png',
      kind: 'modified',
      oldSize: data.regressions[0].rows[2].oldSize,
      newSize: data.regressions[0].rows[2].newSize,
      sidecars: ['art/cave.png.import'],
      category: 'asset',
    });
  } finally {
    await tmp.remove();
  }
});

test('personas combine: a game vault --with creative keeps thumbnails; its HTML timeline shows builds, ratings and thumbnails', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'cave');
    await writeTree(nodeFs, dir, godotProject());
    await vaultOk(dir, ['init', '--persona', 'game', '--with', 'creative']);
    assert.is((await vaultOk(dir, ['persona'])).stdout.trim(), 'game (with creative)');
    await vaultOk(dir, ['commit', '-m', 'first playable']);
    await vaultOk(dir, ['build', 'record', '--version', '1.0', '--platform', 'windows']);
    await vaultOk(dir, ['feedback', 'add', '--build', '1.0', '--tester', 'ana', '--rating', '4', 'fun']);
    await writeFile(join(dir, 'art', 'cave.png'), texture(256, 256, 12));
    await vaultOk(dir, ['commit', '-m', 'darker cave']);
    await vaultOk(dir, ['build', 'record', '--version', '1.1', '--platform', 'windows']);
    await vaultOk(dir, [
      'feedback',
      'add',
      '--build',
      '1.1',
      '--tester',
      'ana',
      '--rating',
      '2',
      '--tag',
      'crash',
      'crash',
    ]);
    const page = join(tmp.path, 'timeline.html');
    const r = await vaultJson(dir, ['timeline', '--html', page, '--json']);
    assert.ok(r.thumbnails >= 3, `${r.thumbnails} thumbnails`);
    const html = await readFile(page, 'utf8');
    assert.match(html, /<span class="badge build" title="1 rating\(s\)">▲1\.0@windows ★4\.0<\/span>/);
    assert.match(
      html,
      /<span class="badge build alert" title="1 rating\(s\), 1 crash report\(s\); got worse: [^"]+">▲1\.1@windows ★2\.0!<\/span>/,
    );
    assert.match(html, /<img class="thumb" src="data:image\/png;base64,[^"]+" alt="art\/cave\.png">/);
    // and the other way round: none again
    await vaultOk(dir, ['persona', 'game', '--with', 'none']);
    assert.is((await vaultOk(dir, ['persona'])).stdout.trim(), 'game');
  } finally {
    await tmp.remove();
  }
});

test('a Unity project: init ignores Library/ and Temp/; platforms from ProjectSettings', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'unity');
    const { unityProject } = await import('./unityProject.js');
    await writeTree(nodeFs, dir, unityProject());
    const init = await vaultOk(dir, ['init', '--persona', 'game']);
    assert.match(init.stdout, /wrote \.vaultignore: \/Library\/ \/Temp\/ \/Obj\/ \/Logs\/ \/UserSettings\//);
    await vaultOk(dir, ['commit', '-m', 'first']);
    const ls = (await vaultOk(dir, ['ls'])).stdout;
    assert.not.match(ls, /Library|Temp/);
    const m = await vaultOk(dir, ['platform', 'matrix']);
    assert.match(m.stdout, /\(ProjectSettings\)/);
    assert.match(m.stdout, /PlayerSettings\.scriptingBackend/);
  } finally {
    await tmp.remove();
  }
});

test.run();
