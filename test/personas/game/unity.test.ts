// Unity projects: per-platform ProjectSettings, .meta GUID references, Library/ and Temp/ left out
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseUnityYaml } from '../../../src/personas/engines/unity/settings.js';
import { setupEngineIgnores } from '../../../src/personas/game/engineIgnores.js';
import { platformDiff, platformMatrix, resolvePlatform } from '../../../src/personas/game/platforms.js';
import { referencesAttachment } from '../../../src/personas/creative/references/attachment.js';
import { brokenReferences, referencesOf, usedBy } from '../../../src/personas/creative/references/queries.js';
import { commit } from '../../../src/porcelain/commit.js';
import { codeOf, memVault, nodeFs, tempDir } from '../../helpers/vault.js';
import { writeTree } from '../../helpers/tree.js';
import { GUIDS, PROJECT_SETTINGS, unityProject } from './unityProject.js';

const test = suite('personas/game/unity');

test("per-platform settings in both of Unity's shapes; the base leaves them out", async () => {
  const t = await memVault(unityProject());
  const first = (await commit({ vault: t.vault, message: 'first' })).id!;
  const android = await resolvePlatform({ vault: t.vault, platform: 'android' });
  assert.is(android.source, 'ProjectSettings');
  const ps = android.config.PlayerSettings as Record<string, unknown>;
  assert.is(ps.scriptingBackend, 1);
  assert.is(ps.applicationIdentifier, 'com.example.caverunner');
  assert.equal(ps.m_BuildTargetGraphicsAPIs, { m_APIs: '150000000b000000', m_Automatic: 1 });
  assert.equal(ps.m_BuildTargetBatching, { m_StaticBatching: 1, m_DynamicBatching: 1 });
  assert.is((android.config.QualitySettings as Record<string, unknown>).m_PerPlatformDefaultQuality, 0);
  const windows = (await resolvePlatform({ vault: t.vault, platform: 'windows' })).config.PlayerSettings as Record<
    string,
    unknown
  >;
  assert.is(windows.scriptingBackend, 0);
  assert.is(windows.managedStrippingLevel, undefined, "no value for this platform: Unity's default");
  assert.is(windows.m_BuildTargetGraphicsAPIs, undefined);
  const m = await platformMatrix({ vault: t.vault });
  assert.equal(m.platforms, ['android', 'ios', 'linux', 'macos', 'web', 'windows']);
  const by = Object.fromEntries(m.keys.map((k) => [k.key, k.values]));
  assert.equal(by['PlayerSettings.applicationIdentifier'], {
    android: 'com.example.caverunner',
    ios: 'com.example.caverunner.ios',
    linux: 'com.example.caverunner',
    macos: 'com.example.caverunner',
    windows: 'com.example.caverunner',
  });
  await t.fs.writeFile(
    '/work/ProjectSettings/ProjectSettings.asset',
    PROJECT_SETTINGS.replace('    Android: 3\n', '    Android: 1\n'),
  );
  await commit({ vault: t.vault, message: 'less stripping' });
  const d = await platformDiff({ vault: t.vault, platform: 'android', a: first });
  assert.equal(d.changes, [{ key: 'PlayerSettings.managedStrippingLevel', kind: 'changed', old: 3, new: 1 }]);
  // a settings file in binary serialization cannot be read: ECONFIG naming it
  await t.fs.writeFile('/work/ProjectSettings/QualitySettings.asset', Buffer.from([0, 0, 0, 1, 2, 3]));
  await commit({ vault: t.vault, message: 'binary' });
  assert.is(await codeOf(() => resolvePlatform({ vault: t.vault, platform: 'android' })), 'ECONFIG');
});

test('Unity YAML that does not parse names its line', () => {
  try {
    parseUnityYaml(
      '%YAML 1.1\n--- !u!129 &1\nPlayerSettings:\n  a: [1\n  b: 2\n',
      'ProjectSettings/ProjectSettings.asset',
    );
    assert.unreachable('should throw');
  } catch (e) {
    const err = e as { code: string; data: { line: number } };
    assert.is(err.code, 'ECONFIG');
    assert.ok(err.data.line >= 4, `line ${err.data.line}`);
  }
});

test('GUID references through .meta files: a renamed asset is found; a deleted one warns; a package GUID is not broken', async () => {
  const t = await memVault(unityProject());
  const warnings: string[] = [];
  const run = (message: string) =>
    commit({
      vault: t.vault,
      message,
      attachments: [referencesAttachment()],
      onWarning: (w) => warnings.push(w.message),
    });
  await run('first');
  const scene = await referencesOf({ vault: t.vault, path: 'Assets/Scenes/Main.unity' });
  assert.equal(
    scene.references.map((r) => [r.line, r.kind, r.status, r.resolved ?? null]),
    [
      [11, 'guid', 'ok', 'Assets/Scripts/Player.cs'],
      [12, 'guid', 'ok', 'Assets/Materials/Hero.mat'],
      [15, 'guid', 'outside', null],
    ],
  );
  assert.equal((await brokenReferences({ vault: t.vault })).references, []);
  // renamed with its .meta (as the Unity editor does): still found
  await t.fs.rename('/work/Assets/Textures/hero.png', '/work/Assets/Textures/hero_v2.png');
  await t.fs.rename('/work/Assets/Textures/hero.png.meta', '/work/Assets/Textures/hero_v2.png.meta');
  await run('rename the texture');
  assert.equal(warnings, []);
  assert.equal(
    (await usedBy({ vault: t.vault, path: 'Assets/Textures/hero_v2.png' })).references.map(
      (r) => `${r.from}:${r.line}`,
    ),
    ['Assets/Materials/Hero.mat:9'],
  );
  // deleted with its .meta: the material still names it
  await t.fs.unlink('/work/Assets/Textures/hero_v2.png');
  await t.fs.unlink('/work/Assets/Textures/hero_v2.png.meta');
  await run('drop the texture');
  assert.equal(warnings, [
    `Assets/Materials/Hero.mat still uses Assets/Textures/hero_v2.png, which this commit deletes (line 9: ${GUIDS.hero})`,
  ]);
});

test('init --persona game in a Unity project ignores Library/, Temp/...; an existing .vaultignore gets only what it lacks', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'u');
    await writeTree(nodeFs, dir, { ...unityProject(), '.vaultignore': '*.log\n/Library/\n' });
    const r = await setupEngineIgnores(nodeFs, dir);
    assert.equal(r, { engine: 'unity', added: ['/Temp/', '/Obj/', '/Logs/', '/UserSettings/'], created: false });
    assert.is(
      await readFile(join(dir, '.vaultignore'), 'utf8'),
      '*.log\n/Library/\n/Temp/\n/Obj/\n/Logs/\n/UserSettings/\n',
    );
    assert.equal((await setupEngineIgnores(nodeFs, dir))!.added, [], 'a second run adds nothing');
    assert.is(await setupEngineIgnores(nodeFs, tmp.path), null, 'no engine, no file');
  } finally {
    await tmp.remove();
  }
});

test.run();
