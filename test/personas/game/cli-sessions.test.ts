/**
 * The game persona through the real CLI (bin/vault, built bundle) on a generated sample game project:
 * a playtest session restored byte-identical, a platform matrix and diff, the warning for a build recorded
 * over uncommitted changes; --json for every report. Rebuild the bundle first: node scripts/bundle.mjs
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runVault, vaultJson, vaultOk } from '../../helpers/cli.js';
import { nodeFs, tempDir } from '../../helpers/vault.js';
import { writeTree } from '../../helpers/tree.js';
import { sampleGame } from './sampleGame.js';

const test = suite('personas/game/cli-sessions');

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const ok = vaultOk;
const json = vaultJson;

test('sample game: playtest save/list/show/restore byte-identical, platform matrix/resolve/diff, dirty-build warning', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'game');
    await writeTree(nodeFs, dir, sampleGame());
    await ok(dir, ['init', '--persona', 'game']);
    await ok(dir, ['commit', '-m', 'first playable']);
    await ok(dir, ['milestone', 'create', 'alpha', '--type', 'alpha']);
    await ok(dir, ['build', 'record', '--version', '0.4.2', '--platform', 'windows']);

    // a playtest session, restored byte-identical
    await mkdir(join(tmp.path, 'captures'));
    const video = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(tmp.path, 'captures', 'run1.mp4'), video);
    await writeFile(join(tmp.path, 'captures', 'log.txt'), 'fps=41\n');
    const s = await json(dir, ['playtest', 'save', '--build', '0.4.2', '--tester', 'ana', '../captures']);
    assert.equal(s.files.map((f: { path: string }) => f.path).sort(), ['captures/log.txt', 'captures/run1.mp4']);
    assert.equal(
      (await json(dir, ['playtest', 'list'])).map((x: { id: string }) => x.id),
      [s.id],
    );
    assert.is((await json(dir, ['playtest', 'show', s.id])).tester, 'ana');
    const r = await json(dir, ['playtest', 'restore', s.id, '--to', '../session']);
    assert.is(r.files, 2);
    assert.is(sha(await readFile(join(tmp.path, 'session', 'captures', 'run1.mp4'))), sha(video));

    // platforms
    const m = await json(dir, ['platform', 'matrix']);
    assert.equal(m.platforms, ['android', 'switch', 'windows']);
    assert.ok(m.keys.some((k: { key: string }) => k.key === 'graphics.resolution'));
    const mt = await ok(dir, ['platform', 'matrix']);
    assert.match(mt.stdout, /graphics\.resolution/);
    assert.match(mt.stderr, /switch: overrides 'handheld', which the base config does not have/);
    assert.equal((await json(dir, ['platform', 'resolve', 'switch'])).config.graphics.resolution, [1280, 720]);
    await writeFile(join(dir, 'Config/windows.json'), JSON.stringify({ graphics: { resolution: [3840, 2160] } }));
    await ok(dir, ['commit', '-m', '4k']);
    assert.equal((await json(dir, ['platform', 'diff', 'windows', 'alpha', 'HEAD'])).changes, [
      { key: 'graphics.resolution', kind: 'changed', old: [2560, 1440], new: [3840, 2160] },
    ]);
    const unknown = await runVault(dir, ['platform', 'resolve', 'ps5', '--json']);
    assert.is(unknown.code, 1);
    assert.is(JSON.parse(unknown.stdout).error.code, 'ENOPLATFORM');

    // a build recorded with uncommitted changes is linked to HEAD, with a warning
    await writeFile(join(dir, 'Docs/design.md'), 'not committed yet\n');
    const dirty = await runVault(dir, ['build', 'record', '--version', '0.5-pre', '--platform', 'windows']);
    assert.is(dirty.code, 0);
    assert.match(dirty.stderr, /1 uncommitted change\(s\).*linked to HEAD/);
    assert.match((await ok(dir, ['build', '--help'])).stdout, /Examples:/);
    assert.match((await ok(dir, ['playtest', '--help'])).stdout, /Examples:/);
  } finally {
    await tmp.remove();
  }
});

test.run();
