import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  flattenConfig,
  mergeConfig,
  parseConfigText,
  platformDiff,
  platformMatrix,
  resolvePlatform,
  type ConfigProblem,
} from '../../../src/personas/game/platforms.js';
import { commit } from '../../../src/porcelain/commit.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { sampleGame } from './sampleGame.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/game/platforms');

async function project() {
  const t = await memVault(sampleGame());
  const first = (await commit({ vault: t.vault, message: 'first playable' })).id!;
  return { ...t, first };
}

test('deep merge: mappings merge, scalars and lists are replaced; unknown keys and type changes are reported', () => {
  const problems: ConfigProblem[] = [];
  const out = mergeConfig(
    { a: { b: 1, c: [1, 2] }, d: 'x', n: null },
    { a: { c: [3], e: true }, d: 5, n: 'set' },
    problems,
  );
  assert.equal(out, { a: { b: 1, c: [3], e: true }, d: 5, n: 'set' });
  assert.equal(problems, [
    { kind: 'unknown-key', key: 'a.e' },
    { kind: 'type-mismatch', key: 'd', baseType: 'string', overrideType: 'number' },
  ]);
  assert.equal(
    [...flattenConfig({ a: { b: 1, c: [1] }, e: {} })],
    [
      ['a.b', 1],
      ['a.c', [1]],
      ['e', {}],
    ],
  );
});

test('JSON, YAML, TOML and INI parse to the same shapes; INI numbers are numbers; bad files name themselves', () => {
  const want = { g: { n: 2, s: 'x', b: true } };
  assert.equal(parseConfigText('a.json', '{"g": {"n": 2, "s": "x", "b": true}}'), want);
  assert.equal(parseConfigText('a.yml', 'g:\n  n: 2\n  s: x\n  b: true\n'), want);
  assert.equal(parseConfigText('a.toml', '[g]\nn = 2\ns = "x"\nb = true\n'), want);
  assert.equal(parseConfigText('a.ini', '[g]\nn=2\ns=x\nb=true\n'), want);
  assert.is(parseConfigText('a.toml', 'd = 1979-05-27T07:32:00Z\n').d, '1979-05-27T07:32:00.000Z');
  for (const [p, text] of [
    ['a.json', '{'],
    ['a.toml', 'x = = 1'],
    ['a.yaml', '- 1\n- 2\n'],
    ['a.xml', '<a/>'],
  ] as [string, string][]) {
    assert.throws(
      () => parseConfigText(p, text),
      (e: Error & { code: string; data: { path: string } }) => e.code === 'ECONFIG' && e.data.path === p,
      p,
    );
  }
});

test('resolve: the effective config of a platform, with its problems', async () => {
  const t = await project();
  const sw = await resolvePlatform({ vault: t.vault, platform: 'switch' });
  assert.equal(sw.config.graphics, { resolution: [1280, 720], shadows: 'low', vsync: true });
  assert.equal(sw.config.handheld, { dock_boost: true });
  assert.equal(sw.problems, [
    { kind: 'type-mismatch', key: 'gameplay.max_players', baseType: 'number', overrideType: 'string' },
    { kind: 'unknown-key', key: 'handheld' },
  ]);
  const an = await resolvePlatform({ vault: t.vault, platform: 'android' });
  assert.equal(an.config.audio, { volume: 0.5 });
  assert.equal(an.problems, []);
  assert.is(await codeOf(() => resolvePlatform({ vault: t.vault, platform: 'ps5' })), 'ENOPLATFORM');
});

test('matrix: the keys that differ between platforms, with the base value', async () => {
  const t = await project();
  const m = await platformMatrix({ vault: t.vault });
  assert.equal(m.platforms, ['android', 'switch', 'windows']);
  const by = Object.fromEntries(m.keys.map((k) => [k.key, k]));
  assert.equal(Object.keys(by), [
    'audio.volume',
    'gameplay.max_players',
    'graphics.resolution',
    'graphics.shadows',
    'handheld.dock_boost',
  ]);
  assert.equal(must(by['graphics.resolution']).values, {
    android: [1920, 1080],
    switch: [1280, 720],
    windows: [2560, 1440],
  });
  assert.equal(must(by['graphics.resolution']).base, [1920, 1080]);
  assert.equal(must(by['handheld.dock_boost']).values, { switch: true });
  assert.is(must(by['handheld.dock_boost']).base, undefined);
  assert.is(m.same, 2, 'graphics.vsync and gameplay.difficulty');
  assert.is(m.problems.switch?.length, 2);
});

test('diff: how one platform changed between snapshots; a missing override file is reported, not fatal', async () => {
  const t = await project();
  await t.fs.writeFile('/work/Config/switch.toml', '[graphics]\nresolution = [1280, 720]\nshadows = "off"\n');
  await t.fs.writeFile(
    '/work/Config/base.yaml',
    (await t.fs.readFile('/work/Config/base.yaml', 'utf8')) + 'network:\n  port: 7777\n',
  );
  await commit({ vault: t.vault, message: 'switch: no shadows' });
  const d = await platformDiff({ vault: t.vault, platform: 'switch', a: t.first, b: 'HEAD' });
  assert.equal(d.changes, [
    { key: 'gameplay.max_players', kind: 'changed', old: '2', new: 4 },
    { key: 'graphics.shadows', kind: 'changed', old: 'low', new: 'off' },
    { key: 'handheld.dock_boost', kind: 'removed', old: true },
    { key: 'network.port', kind: 'added', new: 7777 },
  ]);
  assert.equal(d.problems, []);
  await t.fs.unlink('/work/Config/android.ini');
  await commit({ vault: t.vault, message: 'drop android override' });
  const an = await resolvePlatform({ vault: t.vault, platform: 'android' });
  assert.equal(an.problems, [{ kind: 'missing-override', key: 'Config/android.ini' }]);
  assert.is(await codeOf(() => platformDiff({ vault: t.vault, platform: 'ps5', a: t.first })), 'ENOPLATFORM');
});

test('no platforms declared is ENOCONFIG', async () => {
  const t = await memVault({ 'vault-game.yaml': 'bundles:\n  a: [x/]\n' });
  await commit({ vault: t.vault, message: 'x' });
  assert.is(await codeOf(() => platformMatrix({ vault: t.vault })), 'ENOCONFIG');
});

test.run();
