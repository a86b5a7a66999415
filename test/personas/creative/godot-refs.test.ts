// vault refs on a Godot 4 project: every res:// and uid:// form, uids, remaps, run-time paths, warnings at commit
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFileReferences } from '../../../src/personas/creative/references/parseReferences.js';
import { brokenReferences, referencesOf, usedBy } from '../../../src/personas/creative/references/queries.js';
import { referencesAttachment } from '../../../src/personas/creative/references/attachment.js';
import type { AttachmentWarning } from '../../../src/porcelain/attachments.js';
import { commit } from '../../../src/porcelain/commit.js';
import { memVault } from '../../helpers/vault.js';
import { MAIN_TSCN, PLAYER_GD, UIDS, godotProject } from '../game/godotProject.js';

const test = suite('personas/creative/godot-refs');
const none = () => false;

async function committed() {
  const t = await memVault(godotProject());
  const warnings: string[] = [];
  const run = (message: string) =>
    commit({
      vault: t.vault,
      message,
      attachments: [referencesAttachment()],
      onWarning: (w: AttachmentWarning) => warnings.push(w.message),
    });
  await run('first');
  return { ...t, warnings, run };
}

type Row = [number | undefined, string, string | null, string?];
const rows = (refs: { line?: number; kind: string; target: string | null; uid?: string; dynamic?: boolean }[]) =>
  refs.map((r): Row =>
    r.uid ? [r.line, r.kind, r.target, r.uid] : r.dynamic ? [r.line, r.kind, 'dynamic'] : [r.line, r.kind, r.target],
  );

test('GDScript: load, preload, ResourceLoader.load, change_scene_to_file, arrays of paths, uid://; comments skipped; built paths dynamic', () => {
  const r = parseFileReferences('gdscript', 'scripts/player.gd', PLAYER_GD, none);
  assert.equal(rows(r.refs), [
    [3, 'load', 'audio/hit.wav'],
    [5, 'path', 'scenes/level_2.tscn'],
    [5, 'path', 'scenes/level_3.tscn'],
    [9, 'load', 'data/enemies.tres'],
    [11, 'load', 'audio/hello.wav'],
    [15, 'path', 'scenes/game_over.tscn'],
    [19, 'path', 'dynamic'],
    [20, 'path', 'dynamic'],
    [21, 'load', null, UIDS.main],
  ]);
  // strings of every GDScript form; a NodePath is not a resource
  const other = [
    'var a = """res://a/long.tscn"""',
    "var b = 'res://b/single.png'",
    'var c = r"res://c/raw.tres"',
    'var d = &"res://d/name.tres"',
    'var e = ^"res://not/a/resource"',
    'var f = "res://levels/".path_join(name)',
    'var g = load("enemy.tscn")  # relative to the script',
  ].join('\n');
  assert.equal(rows(parseFileReferences('gdscript', 'scripts/x.gd', other, none).refs), [
    [1, 'path', 'a/long.tscn'],
    [2, 'path', 'b/single.png'],
    [3, 'path', 'c/raw.tres'],
    [4, 'path', 'd/name.tres'],
    [6, 'path', 'dynamic'],
    [7, 'load', 'scripts/enemy.tscn'],
  ]);
});

test('scenes and resources: ext_resource with its uid, property strings, typed arrays, embedded scripts; the header declares the uid', () => {
  const r = parseFileReferences('godot', 'scenes/main.tscn', MAIN_TSCN, none);
  assert.equal(rows(r.refs), [
    [3, 'ext_resource', 'scripts/player.gd', UIDS.player],
    [4, 'ext_resource', 'icon.svg', UIDS.icon],
    [5, 'ext_resource', 'scenes/hud.tscn', UIDS.hud],
    [15, 'path', 'scenes/level_2.tscn'],
    [16, 'path', 'scenes/spawn_a.tscn'],
    [16, 'path', 'scenes/spawn_b.tscn'],
  ]);
  assert.equal(r.provides, [{ name: UIDS.main, target: 'scenes/main.tscn' }]);
  const hud = parseFileReferences('godot', 'scenes/hud.tscn', godotText('scenes', 'hud.tscn'), none);
  assert.equal(rows(hud.refs), [[7, 'path', 'scenes/title.tscn']], 'in the GDScript of a sub_resource');
});

function godotText(...path: string[]): string {
  let node: unknown = godotProject();
  for (const p of path) node = (node as Record<string, unknown>)[p];
  return String(node);
}

test('project.godot, export_presets.cfg, .import and .uid files: autoloads, remap :locale, generated files, the import cache skipped', () => {
  const p = parseFileReferences('godot-project', 'project.godot', godotText('project.godot'), none);
  assert.equal(rows(p.refs), [
    [15, 'path', null, UIDS.main],
    [17, 'path', 'icon.svg'],
    [21, 'path', 'scripts/game.gd'],
    [46, 'path', 'text/text.en.translation'],
    [46, 'path', 'text/text.es.translation'],
    [48, 'path', 'audio/hello.wav'],
    [48, 'path', 'audio/hello_es.wav'],
    [48, 'path', 'audio/hello_ja.wav'],
  ]);
  const presets = parseFileReferences('godot-config', 'export_presets.cfg', godotText('export_presets.cfg'), none);
  assert.equal(rows(presets.refs), [[60, 'path', 'icon.svg']], 'the exclude filter is a pattern');
  const imp = parseFileReferences('godot-config', 'icon.svg.import', godotText('icon.svg.import'), none);
  assert.equal(rows(imp.refs), [[10, 'path', 'icon.svg']], 'source_file; .godot/imported/... is cache');
  assert.equal(imp.provides, [{ name: UIDS.icon, target: 'icon.svg' }]);
  const csv = parseFileReferences('godot-config', 'text/text.csv.import', godotText('text', 'text.csv.import'), none);
  assert.equal(csv.provides, [
    { name: 'uid://dtexts0000001', target: 'text/text.csv' },
    { name: 'text/text.en.translation', target: 'text/text.csv' },
    { name: 'text/text.es.translation', target: 'text/text.csv' },
  ]);
  const uid = parseFileReferences('godot-uid', 'scripts/player.gd.uid', `${UIDS.player}\n`, none);
  assert.equal(uid.provides, [{ name: UIDS.player, target: 'scripts/player.gd' }]);
  // a plugin's script is named relative to its plugin.cfg
  const plugin = parseFileReferences(
    'godot-config',
    'addons/tool/plugin.cfg',
    '[plugin]\n\nname="Tool"\nscript="tool.gd"\n',
    none,
  );
  assert.equal(rows(plugin.refs), [[4, 'path', 'addons/tool/tool.gd']]);
  // C# scripts too
  const cs =
    'var s = GD.Load<PackedScene>("res://scenes/main.tscn");\nvar l = GD.Load<PackedScene>($"res://levels/{n}.tscn");\n';
  assert.equal(rows(parseFileReferences('csharp', 'Player.cs', cs, none).refs), [
    [1, 'load', 'scenes/main.tscn'],
    [2, 'load', 'dynamic'],
  ]);
});

test('the whole project: no false broken reference; run-time paths are unresolved; uid:// resolves', async () => {
  const t = await committed();
  assert.equal(t.warnings, []);
  const b = await brokenReferences({ vault: t.vault });
  assert.ok(b.stored);
  assert.equal(b.references, [], 'nothing broken');
  assert.equal(b.outside, []);
  assert.equal(
    b.unresolved.map((r) => `${r.from}:${r.line}`),
    ['scripts/player.gd:19', 'scripts/player.gd:20'],
  );
  const project = await referencesOf({ vault: t.vault, path: 'project.godot' });
  const main = project.references.find((r) => r.uid === UIDS.main)!;
  assert.equal([main.status, main.resolved], ['ok', 'scenes/main.tscn']);
  const tr = project.references.find((r) => r.target === 'text/text.en.translation')!;
  assert.equal([tr.status, tr.resolved], ['ok', 'text/text.csv'], 'a file the CSV import generates');
  const used = await usedBy({ vault: t.vault, path: 'scenes/main.tscn' });
  assert.equal(
    used.references.map((r) => `${r.from}:${r.line}`),
    ['project.godot:15', 'scripts/player.gd:21'],
  );
});

test('a file moved in the Godot editor (with its .import) is found by uid: not broken, no warning', async () => {
  const t = await committed();
  await t.fs.mkdir('/work/art/ui', { recursive: true });
  await t.fs.rename('/work/icon.svg', '/work/art/ui/icon.svg');
  const imp = String(await t.fs.readFile('/work/icon.svg.import', 'utf8')).replace(
    'res://icon.svg',
    'res://art/ui/icon.svg',
  );
  await t.fs.unlink('/work/icon.svg.import');
  await t.fs.writeFile('/work/art/ui/icon.svg.import', imp);
  // the editor also rewrote the paths of project.godot and export_presets.cfg; main.tscn still says res://icon.svg
  for (const f of ['/work/project.godot', '/work/export_presets.cfg']) {
    const text = String(await t.fs.readFile(f, 'utf8'));
    await t.fs.writeFile(f, text.replace('"res://icon.svg"', '"res://art/ui/icon.svg"'));
  }
  await t.run('move the icon');
  assert.equal(t.warnings, []);
  assert.equal((await brokenReferences({ vault: t.vault })).references, []);
  const main = await referencesOf({ vault: t.vault, path: 'scenes/main.tscn' });
  const icon = main.references.find((r) => r.uid === UIDS.icon)!;
  assert.equal([icon.target, icon.status, icon.resolved], ['icon.svg', 'ok', 'art/ui/icon.svg']);
  assert.equal(
    (await usedBy({ vault: t.vault, path: 'art/ui/icon.svg' })).references.map((r) => r.from),
    ['art/ui/icon.svg.import', 'export_presets.cfg', 'project.godot', 'scenes/main.tscn'],
  );
});

test('deleting a scene only a script switches to warns at commit; refs --used-by finds it first, --broken after', async () => {
  const t = await committed();
  assert.equal(
    (await usedBy({ vault: t.vault, path: 'scenes/game_over.tscn' })).references.map((r) => `${r.from}:${r.line}`),
    ['scripts/player.gd:15'],
  );
  await t.fs.unlink('/work/scenes/game_over.tscn');
  await t.run('drop the game over screen');
  assert.equal(t.warnings, [
    'scripts/player.gd still uses scenes/game_over.tscn, which this commit deletes (line 15: res://scenes/game_over.tscn)',
  ]);
  assert.equal(
    (await brokenReferences({ vault: t.vault })).references.map((r) => `${r.from}:${r.line} -> ${r.target}`),
    ['scripts/player.gd:15 -> scenes/game_over.tscn'],
  );
  // deleting the main scene: project.godot names it by uid only, and the uid went with the file
  t.warnings.length = 0;
  await t.fs.unlink('/work/scenes/main.tscn');
  await t.run('drop the main scene');
  assert.equal(t.warnings.sort(), [
    `project.godot still uses scenes/main.tscn, which this commit deletes (line 15: ${UIDS.main})`,
    `scripts/player.gd still uses scenes/main.tscn, which this commit deletes (line 21: ${UIDS.main})`,
  ]);
});

test('a graph stored by an older Vault (index v1: no uids) is computed again when read, and parsed whole at the next commit', async () => {
  const t = await memVault(godotProject());
  // what an older Vault stored: an index saying v1 and a shard without declarations (no uid could resolve)
  const old = {
    name: 'references',
    run: async (ctx: { putBytes(p: string, b: Uint8Array): Promise<unknown> }) => [
      await ctx.putBytes('index.json', Buffer.from('{"v":1}\n')),
      await ctx.putBytes(
        'tree/refs.json',
        Buffer.from(
          JSON.stringify({
            v: 1,
            folder: '',
            files: { 'project.godot': [{ raw: 'res://gone.png', kind: 'path', target: 'gone.png' }] },
          }),
        ),
      ),
    ],
  };
  await commit({ vault: t.vault, message: 'old', attachments: [old as never] });
  const before = await brokenReferences({ vault: t.vault });
  assert.is(before.stored, false, 'read again, not trusted');
  assert.equal(before.references, []);
  await t.fs.writeFile('/work/notes.txt', 'x\n');
  const warnings: string[] = [];
  await commit({
    vault: t.vault,
    message: 'new',
    attachments: [referencesAttachment()],
    onWarning: (w: AttachmentWarning) => warnings.push(w.message),
  });
  const after = await brokenReferences({ vault: t.vault });
  assert.is(after.stored, true);
  assert.equal(after.references, []);
  const p = await referencesOf({ vault: t.vault, path: 'project.godot' });
  assert.is(p.references.find((r) => r.uid === UIDS.main)?.resolved, 'scenes/main.tscn');
  assert.equal(warnings, []);
});

test.run();
