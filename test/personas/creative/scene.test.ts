// Structural diff of scene files: JSON, YAML, Godot .tscn/.tres; library and `vault diff --visual`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { diffScene, parseGodot, sceneFormatOf } from '../../../src/personas/creative/scene/index.js';
import { visualDiff } from '../../../src/personas/creative/visual/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { runVault } from '../../helpers/cli.js';
import { codeOf, memVault, tempDir } from '../../helpers/vault.js';

const test = suite('personas/creative/scene');
const enc = (s: string) => new TextEncoder().encode(s);
const brief = (r: ReturnType<typeof diffScene>) =>
  r.changes.map((c) => [c.status, c.path, ...(c.status === 'changed' ? [c.before, c.after] : [])]);

test('sceneFormatOf', () => {
  assert.equal(['a.json', 'b.yaml', 'c.YML', 'main.tscn', 'mat.tres', 'project.godot', 'x.txt'].map(sceneFormatOf), [
    'json',
    'yaml',
    'yaml',
    'godot',
    'godot',
    'godot',
    null,
  ]);
});

test('JSON: keys added, removed and changed as dotted paths; arrays of objects matched by id', () => {
  const a = {
    player: { name: 'Ada', stats: { hp: 10, mp: 3 }, 'max speed': 4 },
    enemies: [
      { id: 1, hp: 5 },
      { id: 2, hp: 7 },
    ],
    tags: ['a', 'b'],
  };
  const b = {
    player: { name: 'Ada', stats: { hp: 12, armor: 1 }, 'max speed': 5 },
    enemies: [
      { id: 2, hp: 7 },
      { id: 3, hp: 9 },
    ],
    tags: ['a', 'b', 'c'],
    level: 2,
  };
  const r = diffScene(enc(JSON.stringify(a)), enc(JSON.stringify(b, null, 2)), 'data/save.json');
  assert.is(r.format, 'json');
  assert.equal(brief(r), [
    ['changed', 'player.stats.hp', 10, 12],
    ['added', 'player.stats.armor'],
    ['removed', 'player.stats.mp'],
    ['changed', 'player["max speed"]', 4, 5],
    ['added', 'enemies[id=3]'],
    ['removed', 'enemies[id=1]'],
    ['added', 'tags[2]'],
    ['added', 'level'],
  ]);
  assert.equal(r.changes.find((c) => c.path === 'enemies[id=3]')!.after, { id: 3, hp: 9 });
  assert.is(r.total, 8);
  assert.equal(brief(diffScene(enc('{"a":1}'), enc('{"a":1}'), 'x.json')), []);
});

test('YAML (several documents too) and a changed type', () => {
  const r = diffScene(
    enc('level:\n  name: Castle\n  waves: 3\n  spawn: [1, 2]\n'),
    enc('level:\n  name: Castle Keep\n  waves: "3"\n  spawn: [1, 2]\n'),
    'levels/castle.yaml',
  );
  assert.equal(brief(r), [
    ['changed', 'level.name', 'Castle', 'Castle Keep'],
    ['changed', 'level.waves', 3, '3'],
  ]);
  const multi = diffScene(enc('a: 1\n---\nb: 2\n'), enc('a: 1\n---\nb: 3\n'), 'multi.yml');
  assert.equal(brief(multi), [['changed', '[1].b', 2, 3]]);
  assert.is(
    codeOfSync(() => diffScene(enc('a: [1'), enc('a: 1'), 'bad.yaml')),
    'EDECODE',
  );
  assert.is(
    codeOfSync(() => diffScene(enc('{'), enc('{}'), 'bad.json')),
    'EDECODE',
  );
});

function codeOfSync(f: () => unknown): string {
  try {
    f();
    return '(did not throw)';
  } catch (e) {
    return String((e as { code?: string }).code);
  }
}

const TSCN1 = `[gd_scene load_steps=3 format=3 uid="uid://c1"]

[ext_resource type="Texture2D" uid="uid://t1" path="res://art/hero.png" id="1_hero"]
[ext_resource type="Script" path="res://player.gd" id="2_scr"]

[sub_resource type="RectangleShape2D" id="RectangleShape2D_a"]
size = Vector2(16, 32)

[node name="Main" type="Node2D"]

[node name="Player" type="CharacterBody2D" parent="."]
position = Vector2(100, 200)
script = ExtResource("2_scr")
speed = 300.0

[node name="Sprite" type="Sprite2D" parent="Player"]
texture = ExtResource("1_hero")

[node name="Shape" type="CollisionShape2D" parent="Player"]
shape = SubResource("RectangleShape2D_a")

[node name="Coin" type="Area2D" parent="."]
position = Vector2(10, 10)

[connection signal="body_entered" from="Coin" to="." method="_on_coin"]
`;

const TSCN2 = `[gd_scene load_steps=3 format=3 uid="uid://c1"]

[ext_resource type="Texture2D" uid="uid://t2" path="res://art/hero_v2.png" id="1_hero"]
[ext_resource type="Script" path="res://player.gd" id="2_scr"]

[sub_resource type="RectangleShape2D" id="RectangleShape2D_a"]
size = Vector2(16, 40)

[node name="Main" type="Node2D"]

[node name="Player" type="CharacterBody2D" parent="."]
position = Vector2(120, 200)
script = ExtResource("2_scr")
speed = 300.0
metadata/_edit_group_ = true

[node name="Sprite" type="Sprite2D" parent="Player"]
texture = ExtResource("1_hero")

[node name="Shape" type="CollisionShape2D" parent="Player"]
shape = SubResource("RectangleShape2D_a")

[node name="Path" type="Line2D" parent="."]
points = PackedVector2Array(0, 0,
  10, 10,
  20, 0)
tooltip = "a [bracket] and
a second line"

[node name="Enemy" parent="." groups=["enemies", "loot [rare]"] instance=ExtResource("3_enemy")]
`;

test('Godot .tscn: sections keyed by node path / resource path / id; multi-line values; headings with nested parentheses', () => {
  const s = parseGodot(TSCN2, 'main.tscn');
  assert.equal(
    s.map((x) => x.key),
    [
      'gd_scene',
      'ext_resource "res://art/hero_v2.png"',
      'ext_resource "res://player.gd"',
      'sub_resource "RectangleShape2D_a"',
      'node "Main"',
      'node "Main/Player"',
      'node "Main/Player/Sprite"',
      'node "Main/Player/Shape"',
      'node "Main/Path"',
      'node "Main/Enemy"',
    ],
  );
  const path = s.find((x) => x.key === 'node "Main/Path"')!;
  assert.is(path.props.points, 'PackedVector2Array(0, 0, 10, 10, 20, 0)');
  assert.is(path.props.tooltip, '"a [bracket] and\na second line"');
  assert.is(
    s.find((x) => x.key === 'node "Main/Enemy"')!.attrs.instance,
    'ExtResource("3_enemy")',
    'an id with no ext_resource stays',
  );
  assert.is(
    s.find((x) => x.key === 'node "Main/Player"')!.props.script,
    'ExtResource("res://player.gd")',
    'ids become paths',
  );
  assert.is(s.find((x) => x.key === 'node "Main/Enemy"')!.attrs.groups, '["enemies", "loot [rare]"]');
  assert.is(s.find((x) => x.key === 'node "Main/Player"')!.props['metadata/_edit_group_'], 'true');
});

test('Godot .tscn diff: nodes added/removed, properties changed/added, resources swapped, connections', () => {
  const r = diffScene(enc(TSCN1), enc(TSCN2), 'scenes/main.tscn');
  assert.is(r.format, 'godot');
  assert.equal(brief(r), [
    ['added', 'ext_resource "res://art/hero_v2.png"'],
    ['changed', 'sub_resource "RectangleShape2D_a" size', 'Vector2(16, 32)', 'Vector2(16, 40)'],
    ['changed', 'node "Main/Player" position', 'Vector2(100, 200)', 'Vector2(120, 200)'],
    ['added', 'node "Main/Player" metadata/_edit_group_'],
    [
      'changed',
      'node "Main/Player/Sprite" texture',
      'ExtResource("res://art/hero.png")',
      'ExtResource("res://art/hero_v2.png")',
    ],
    ['added', 'node "Main/Path"'],
    ['added', 'node "Main/Enemy"'],
    ['removed', 'ext_resource "res://art/hero.png"'],
    ['removed', 'node "Main/Coin"'],
    ['removed', 'connection "body_entered" from "Coin" to "." method "_on_coin"'],
  ]);
  assert.equal(r.sections, { added: 3, removed: 3, changed: 3 });
  const pos = r.changes.find((c) => c.path === 'node "Main/Player" position')!;
  assert.is(pos.section, 'node "Main/Player"');
  assert.is(pos.key, 'position');
  assert.equal(
    (r.changes.find((c) => c.path === 'node "Main/Enemy"')!.after as Record<string, string>)['@instance'],
    'ExtResource("3_enemy")',
  );
});

test('Godot .tres: attribute (@type) and [resource] property changes', () => {
  const a =
    '[gd_resource type="StandardMaterial3D" format=3]\n\n[resource]\nalbedo_color = Color(1, 0, 0, 1)\nroughness = 0.5\n';
  const b =
    '[gd_resource type="ORMMaterial3D" format=3]\n\n[resource]\nalbedo_color = Color(0, 1, 0, 1)\nroughness = 0.5\n';
  assert.equal(brief(diffScene(enc(a), enc(b), 'mat.tres')), [
    ['changed', 'gd_resource @type', '"StandardMaterial3D"', '"ORMMaterial3D"'],
    ['changed', 'resource albedo_color', 'Color(1, 0, 0, 1)', 'Color(0, 1, 0, 1)'],
  ]);
  assert.is(
    codeOfSync(() => parseGodot('[node name="x"\nnot a property\n', 'bad.tscn')),
    'EDECODE',
  );
});

test('visualDiff on a scene file between snapshots; an added file; the change list is capped', async () => {
  const t = await memVault({ scenes: { 'main.tscn': TSCN1 } });
  await commit({ vault: t.vault, message: 'v1' });
  await t.fs.writeFile('/work/scenes/main.tscn', TSCN2);
  await t.fs.writeFile(
    '/work/scenes/level.json',
    JSON.stringify({ a: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) }),
  );
  await commit({ vault: t.vault, message: 'v2' });
  const d = (path: string, maxChanges?: number) =>
    visualDiff({
      vault: t.vault,
      a: { kind: 'snapshot', rev: 'HEAD~1' },
      b: { kind: 'snapshot', rev: 'HEAD' },
      path,
      maxChanges,
    });
  const r = await d('scenes/main.tscn');
  assert.is(r.report.kind, 'scene');
  assert.is(r.report.scene!.total, 10);
  const added = await d('scenes/level.json');
  assert.is(added.report.status, 'added');
  assert.equal(
    added.report.scene!.changes.map((c) => [c.status, c.path]),
    [['added', '(root)']],
  );
  await t.fs.writeFile(
    '/work/scenes/level.json',
    JSON.stringify({ a: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i + 1])) }),
  );
  const capped = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    path: 'scenes/level.json',
    maxChanges: 5,
  });
  assert.is(capped.report.scene!.total, 20);
  assert.is(capped.report.scene!.changes.length, 5);
  assert.is(await codeOf(() => d('scenes/nope.tscn')), 'ENOPATH');
});

test('CLI: vault diff --visual on a .tscn and a JSON file, text and --json', async () => {
  const t = await tempDir('vault-scene-');
  const dir = join(t.path, 'work');
  try {
    await mkdir(join(dir, 'scenes'), { recursive: true });
    await writeFile(join(dir, 'scenes', 'main.tscn'), TSCN1);
    await writeFile(join(dir, 'save.json'), JSON.stringify({ player: { stats: { hp: 10 } } }));
    assert.is((await runVault(dir, ['init'])).code, 0);
    assert.is((await runVault(dir, ['commit', '-m', 'v1'])).code, 0);
    await writeFile(join(dir, 'scenes', 'main.tscn'), TSCN2);
    await writeFile(join(dir, 'save.json'), JSON.stringify({ player: { stats: { hp: 12 } } }));
    const r = await runVault(dir, ['diff', '--visual', 'scenes/main.tscn']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /scenes\/main.tscn: scene \(godot\), modified \(HEAD -> working folder\)/);
    assert.match(r.stdout, /sections\s+3 changed, 3 added, 3 removed/);
    assert.match(r.stdout, /changed\s+node "Main\/Player" position: Vector2\(100, 200\) -> Vector2\(120, 200\)/);
    assert.match(r.stdout, /removed\s+node "Main\/Coin"\n/);
    const j = JSON.parse((await runVault(dir, ['diff', '--visual', 'save.json', '--json'])).stdout);
    assert.equal(j.scene.changes, [{ path: 'player.stats.hp', status: 'changed', before: 10, after: 12 }]);
    const warnOut = await runVault(dir, ['diff', '--visual', 'save.json', '--out', 'x.png']);
    assert.is(warnOut.code, 0);
    assert.match(warnOut.stderr, /no diff picture/);
  } finally {
    await t.remove();
  }
});

test.run();
