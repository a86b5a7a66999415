import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleMatcher, bundles, bundlesDiff, bundlesWhich, contentHash } from '../../../src/personas/game/bundles.js';
import { parseGameConfig } from '../../../src/personas/game/projectConfig.js';
import { commit } from '../../../src/porcelain/commit.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { GAME_YAML, sampleGame, texture } from './sampleGame.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/game/bundles');

async function project() {
  const t = await memVault(sampleGame());
  const first = (await commit({ vault: t.vault, message: 'first playable' })).id!;
  return { ...t, first };
}

test('patterns follow .gitignore syntax: folders, any-depth names, excludes', () => {
  const m = bundleMatcher({ include: ['Assets/Characters/', '*.ogg'], exclude: ['*.psd', 'Assets/Characters/wip/'] });
  assert.ok(m('Assets/Characters/hero.png'));
  assert.ok(m('Assets/Characters/sub/deep.png'));
  assert.ok(m('Music/level1/theme.ogg'));
  assert.not.ok(m('Assets/Characters/hero.psd'));
  assert.not.ok(m('Assets/Characters/wip/new.png'));
  assert.not.ok(m('Assets/CharactersOld/x.png'));
  const star = bundleMatcher({ include: ['Assets/**/*.png'], exclude: [] });
  assert.ok(star('Assets/a/b/c.png'));
  assert.not.ok(star('Other/c.png'));
});

test('per snapshot: files, size and content hash per bundle, and the files in no bundle', async () => {
  const t = await project();
  const r = await bundles({ vault: t.vault });
  assert.is(r.snapshot, t.first);
  const by = Object.fromEntries(r.bundles.map((b) => [b.name, b]));
  const [characters, core, level1] = [must(by.characters), must(by.core), must(by.level1)];
  assert.equal(Object.keys(by), ['characters', 'core', 'level1']);
  assert.is(characters.files, 1, 'the .psd source is excluded');
  assert.is(core.files, 3);
  assert.is(level1.files, 2);
  assert.is(characters.bytes, Number((await t.fs.stat('/work/Assets/Characters/hero.png')).size));
  assert.equal(r.unbundled.paths, [
    'Assets/Characters/hero.psd',
    'Config/android.ini',
    'Config/base.yaml',
    'Config/switch.toml',
    'Config/windows.json',
    'Docs/design.md',
    'README.md',
  ]);
  assert.is(core.hash.length, 64);
  // the hash depends on paths and contents only
  assert.is(
    contentHash([{ path: 'a', id: 'x' } as never, { path: 'b', id: 'y' } as never]),
    contentHash([{ path: 'b', id: 'y' } as never, { path: 'a', id: 'x' } as never]),
  );
  assert.is.not(contentHash([{ path: 'a', id: 'x' } as never]), contentHash([{ path: 'a', id: 'z' } as never]));
});

test('diff: a changed texture changes only its bundle, with the size delta, the download and the file; declarations are read from each snapshot', async () => {
  const t = await project();
  const before = await bundles({ vault: t.vault });
  const tex = texture(256, 256, 5);
  await t.fs.writeFile('/work/Assets/Characters/hero.png', tex);
  await t.fs.writeFile('/work/Assets/Characters/hero.psd', Buffer.alloc(9000, 1)); // excluded: changes no bundle
  await t.fs.writeFile('/work/Docs/design.md', 'more\n');
  await commit({ vault: t.vault, message: 'hero texture 256' });
  const d = await bundlesDiff({ vault: t.vault, a: 'HEAD~1', b: 'HEAD' });
  const by = Object.fromEntries(d.bundles.map((b) => [b.name, b]));
  const [characters, core, level1] = [must(by.characters), must(by.core), must(by.level1)];
  assert.is(core.status, 'unchanged');
  assert.is(level1.status, 'unchanged');
  assert.is(characters.status, 'changed');
  const oldSize = before.bundles.find((b) => b.name === 'characters')!.bytes;
  assert.is(characters.sizeDelta, tex.length - oldSize);
  assert.is(characters.download, tex.length);
  assert.equal(characters.changes, [
    { path: 'Assets/Characters/hero.png', kind: 'modified', oldSize, newSize: tex.length },
  ]);
  assert.equal(d.redeclared, []);
  // a new bundle declared in a later snapshot, and a redeclared one
  await t.fs.writeFile(
    '/work/vault-game.yaml',
    GAME_YAML.replace('  level1:', '  docs:\n    include: [Docs/]\n  level1:').replace(
      'exclude: ["*.psd"]',
      'exclude: []',
    ),
  );
  await commit({ vault: t.vault, message: 'docs bundle; ship the psd' });
  const d2 = await bundlesDiff({ vault: t.vault, a: 'HEAD~1' });
  const by2 = Object.fromEntries(d2.bundles.map((b) => [b.name, b]));
  const [docs2, characters2] = [must(by2.docs), must(by2.characters)];
  assert.is(docs2.status, 'added');
  assert.is(docs2.a, null);
  assert.is(characters2.status, 'changed');
  assert.equal(
    characters2.changes.map((c) => [c.path, c.kind]),
    [['Assets/Characters/hero.psd', 'added']],
  );
  assert.equal(d2.redeclared, ['characters']);
  // history still answers with its own declarations
  assert.equal(
    (await bundles({ vault: t.vault, snapshot: t.first })).bundles.map((b) => b.name),
    ['characters', 'core', 'level1'],
  );
});

test("which: the bundles that contain a path (existing or not), by the snapshot's declarations", async () => {
  const t = await project();
  assert.equal((await bundlesWhich({ vault: t.vault, path: 'Assets/Shared/rock.png' })).bundles, ['level1']);
  assert.equal((await bundlesWhich({ vault: t.vault, path: './Scripts/main.gd' })).bundles, ['core']);
  const none = await bundlesWhich({ vault: t.vault, path: 'Docs/design.md' });
  assert.equal(none.bundles, []);
  assert.ok(none.exists);
  const future = await bundlesWhich({ vault: t.vault, path: 'Assets/UI/new.png' });
  assert.not.ok(future.exists);
  assert.equal(future.bundles, ['core']);
  for (const bad of ['../x.png', '/abs.png', '', 'a/../b'])
    assert.is(await codeOf(() => bundlesWhich({ vault: t.vault, path: bad })), 'EUSAGE', bad);
});

test('missing or broken declarations are clear errors', async () => {
  const t = await memVault({ 'a.txt': 'x' });
  await commit({ vault: t.vault, message: 'no config' });
  assert.is(await codeOf(() => bundles({ vault: t.vault })), 'ENOCONFIG');
  await t.fs.writeFile('/work/vault-game.yaml', 'bundles:\n  core: {exclude: [x]}\n');
  await commit({ vault: t.vault, message: 'bad config' });
  assert.is(await codeOf(() => bundles({ vault: t.vault })), 'ECONFIG');
  assert.throws(
    () => parseGameConfig('bundles: [1, 2]'),
    (e: Error & { code: string }) => e.code === 'ECONFIG',
  );
  assert.throws(
    () => parseGameConfig('bundles:\n  "bad name": [x]'),
    (e: Error & { code: string }) => e.code === 'ECONFIG',
  );
  assert.throws(
    () => parseGameConfig('platforms:\n  base: a.yaml\n'),
    (e: Error & { code: string }) => e.code === 'ECONFIG',
  );
  assert.throws(
    () => parseGameConfig(': : :\n  - ['),
    (e: Error & { code: string }) => e.code === 'ECONFIG',
  );
  assert.equal(parseGameConfig('bundles:\n  ui: Assets/UI/\n').bundles, {
    ui: { include: ['Assets/UI/'], exclude: [] },
  });
});

test.run();
