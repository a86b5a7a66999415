/**
 * A small Godot 4 project written from Godot's documented text formats (ConfigFile for project.godot,
 * export_presets.cfg and *.import; the text resource format for .tscn/.tres; `.uid` files beside scripts,
 * as Godot 4.4 writes them): scenes, scripts, translations, imported textures and sounds, feature-tag
 * overrides in project.godot, two export presets, and the editor's `.godot/` cache.
 */
import type { FileTree } from '../../helpers/tree.js';
import { texture } from './sampleGame.js';

export const UIDS = {
  main: 'uid://cmainscene01',
  hud: 'uid://chudscene001',
  player: 'uid://bplayerscr01',
  icon: 'uid://bicontex0001',
  gameOver: 'uid://cgameover0001',
  hello: 'uid://dhellowav0001',
} as const;

export const PROJECT_GODOT = `; Engine configuration file.
; It's best edited using the editor UI and not directly,
; since the parameters that go here are not all obvious.
;
; Format:
;   [section] ; section goes between []
;   param=value ; assign values to parameters

config_version=5

[application]

config/name="Cave Runner"
config/name.steam="Cave Runner (Steam)"
run/main_scene="${UIDS.main}"
config/features=PackedStringArray("4.4", "Forward Plus")
config/icon="res://icon.svg"

[autoload]

Game="*res://scripts/game.gd"

[display]

window/size/viewport_width=1280
window/size/viewport_height=720
window/size/viewport_width.mobile=960
window/stretch/mode="canvas_items"
window/vsync/vsync_mode.web=0

[input]

jump={
"deadzone": 0.5,
"events": [Object(InputEventKey,"resource_local_to_scene":false,"resource_name":"","device":-1,"window_id":0,"alt_pressed":false,"shift_pressed":false,"ctrl_pressed":false,"meta_pressed":false,"pressed":false,"keycode":0,"physical_keycode":32,"key_label":0,"unicode":32,"location":0,"echo":false,"script":null)
, Object(InputEventJoypadButton,"resource_local_to_scene":false,"resource_name":"","device":-1,"button_index":0,"pressure":0.0,"pressed":true,"script":null)
]
}
jump.mobile={
"deadzone": 0.2,
"events": []
}

[internationalization]

locale/translations=PackedStringArray("res://text/text.en.translation", "res://text/text.es.translation")
locale/translation_remaps={
"res://audio/hello.wav": PackedStringArray("res://audio/hello_es.wav:es", "res://audio/hello_ja.wav:ja_JP")
}

[physics]

common/max_physics_steps_per_frame.mobile=4
common/max_physics_steps_per_frame.android=6

[rendering]

textures/canvas_textures/default_texture_filter=0
renderer/rendering_method="forward_plus"
renderer/rendering_method.mobile="gl_compatibility"
textures/vram_compression/import_etc2_astc=true
environment/defaults/default_clear_color=Color(0.1, 0.1, 0.12, 1)
anti_aliasing/quality/msaa_2d.pc=2
textures/default_filters/anisotropic_filtering_level.debug=4
`;

export const EXPORT_PRESETS = `[preset.0]

name="Windows Desktop"
platform="Windows Desktop"
runnable=true
advanced_options=false
dedicated_server=false
custom_features="steam"
export_filter="all_resources"
include_filter=""
exclude_filter="res://addons/*"
export_path="../builds/windows/cave.exe"
patches=PackedStringArray()
encryption_include_filters=""
encryption_exclude_filters=""
seed=0
encrypt_pck=false
encrypt_directory=false
script_export_mode=2

[preset.0.options]

custom_template/debug=""
custom_template/release=""
debug/export_console_wrapper=1
binary_format/embed_pck=false
texture_format/s3tc_bptc=true
texture_format/etc2_astc=false
binary_format/architecture="x86_64"
application/product_name="Cave Runner"

[preset.1]

name="Android"
platform="Android"
runnable=true
advanced_options=false
dedicated_server=false
custom_features=""
export_filter="all_resources"
include_filter=""
exclude_filter=""
export_path="../builds/android/cave.apk"
encryption_include_filters=""
encryption_exclude_filters=""
encrypt_pck=false
encrypt_directory=false
script_export_mode=2

[preset.1.options]

custom_template/debug=""
custom_template/release=""
gradle_build/use_gradle_build=false
architectures/armeabi-v7a=false
architectures/arm64-v8a=true
architectures/x86=false
architectures/x86_64=false
package/unique_name="org.example.caverunner"
launcher_icons/main_192x192="res://icon.svg"
`;

export const MAIN_TSCN = `[gd_scene load_steps=5 format=3 uid="${UIDS.main}"]

[ext_resource type="Script" uid="${UIDS.player}" path="res://scripts/player.gd" id="1_pl"]
[ext_resource type="Texture2D" uid="${UIDS.icon}" path="res://icon.svg" id="2_ic"]
[ext_resource type="PackedScene" uid="${UIDS.hud}" path="res://scenes/hud.tscn" id="3_hud"]

[sub_resource type="RectangleShape2D" id="RectangleShape2D_a1b2c"]
size = Vector2(32, 48)

[node name="Main" type="Node2D"]

[node name="Player" type="CharacterBody2D" parent="."]
position = Vector2(100, 200)
script = ExtResource("1_pl")
next_level = "res://scenes/level_2.tscn"
spawn_points = Array[String](["res://scenes/spawn_a.tscn", "res://scenes/spawn_b.tscn"])

[node name="Shape" type="CollisionShape2D" parent="Player"]
shape = SubResource("RectangleShape2D_a1b2c")

[node name="Sprite" type="Sprite2D" parent="Player"]
texture = ExtResource("2_ic")

[node name="HUD" parent="." instance=ExtResource("3_hud")]
`;

export const HUD_TSCN = `[gd_scene load_steps=2 format=3 uid="${UIDS.hud}"]

[sub_resource type="GDScript" id="GDScript_hud"]
script/source = "extends CanvasLayer

func _on_quit() -> void:
	get_tree().change_scene_to_file(\\"res://scenes/title.tscn\\")
"

[node name="HUD" type="CanvasLayer"]
script = SubResource("GDScript_hud")

[node name="Score" type="Label" parent="."]
text = "Score: 0"
`;

export const PLAYER_GD = `extends CharacterBody2D

const HIT_SOUND = preload("res://audio/hit.wav")
@export var speed := 200.0
var levels = ["res://scenes/level_2.tscn", "res://scenes/level_3.tscn"]  # arrays of paths


func _ready() -> void:
	var enemies = ResourceLoader.load("res://data/enemies.tres")
	# load("res://old/commented_out.tscn") is in a comment
	var greeting = load("res://audio/hello.wav")


func die() -> void:
	get_tree().change_scene_to_file("res://scenes/game_over.tscn")


func go(n: int) -> void:
	get_tree().change_scene_to_file("res://scenes/level_" + str(n) + ".tscn")
	var boss := "res://scenes/boss_%d.tscn" % n
	var main = load("${UIDS.main}")
`;

const SIMPLE_SCENE = (uid: string, name: string) =>
  `[gd_scene format=3 uid="${uid}"]\n\n[node name="${name}" type="Node2D"]\n`;

function importFile(kind: 'texture' | 'wav', source: string, uid: string): string {
  const hash = `${source.replace(/^.*\//, '')}-0123456789abcdef0123456789abcdef`;
  const out = kind === 'texture' ? `${hash}.ctex` : `${hash}.sample`;
  const type = kind === 'texture' ? 'CompressedTexture2D' : 'AudioStreamWAV';
  return `[remap]

importer="${kind}"
type="${type}"
uid="${uid}"
path="res://.godot/imported/${out}"

[deps]

source_file="res://${source}"
dest_files=["res://.godot/imported/${out}"]

[params]

${kind === 'texture' ? 'compress/mode=0\ncompress/lossy_quality=0.7\nmipmaps/generate=false\nprocess/size_limit=0\nsvg/scale=1.0' : 'force/8_bit=false\nforce/mono=false\nedit/loop_mode=0\nedit/loop_end=-1\ncompress/mode=0'}
`;
}

/** A fake RIFF/WAVE file of n bytes (the header is real; the samples are a pattern of `seed`). */
export function wav(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(n - 8, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  for (let i = 44; i < n; i++) b[i] = (i * seed + (i >> 7)) & 255;
  return b;
}

const ICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"><rect x="8" y="8" width="112" height="112" rx="16" fill="#478cbf"/></svg>\n';

/** The project (files relative to its folder). */
export function godotProject(): FileTree {
  return {
    'project.godot': PROJECT_GODOT,
    'export_presets.cfg': EXPORT_PRESETS,
    'icon.svg': ICON_SVG,
    'icon.svg.import': importFile('texture', 'icon.svg', UIDS.icon),
    scenes: {
      'main.tscn': MAIN_TSCN,
      'hud.tscn': HUD_TSCN,
      'title.tscn': SIMPLE_SCENE('uid://ctitle0000001', 'Title'),
      'level_2.tscn': SIMPLE_SCENE('uid://clevel2000001', 'Level2'),
      'level_3.tscn': SIMPLE_SCENE('uid://clevel3000001', 'Level3'),
      'spawn_a.tscn': SIMPLE_SCENE('uid://cspawna000001', 'SpawnA'),
      'spawn_b.tscn': SIMPLE_SCENE('uid://cspawnb000001', 'SpawnB'),
      'game_over.tscn': SIMPLE_SCENE(UIDS.gameOver, 'GameOver'),
    },
    scripts: {
      'player.gd': PLAYER_GD,
      'player.gd.uid': `${UIDS.player}\n`,
      'game.gd': 'extends Node\n\nvar score := 0\n',
      'game.gd.uid': 'uid://bgamescript01\n',
    },
    data: {
      'enemies.tres': `[gd_resource type="Resource" load_steps=2 format=3 uid="uid://benemies00001"]\n\n[ext_resource type="Texture2D" path="res://art/bat.png" id="1_bat"]\n\n[resource]\nnames = PackedStringArray("bat", "slime")\nsprite = ExtResource("1_bat")\n`,
    },
    art: {
      'bat.png': texture(64, 64, 5),
      'bat.png.import': importFile('texture', 'art/bat.png', 'uid://bbattex000001'),
      'cave.png': texture(256, 256, 6),
      'cave.png.import': importFile('texture', 'art/cave.png', 'uid://bcavetex00001'),
    },
    audio: {
      'hit.wav': wav(30_000, 3),
      'hit.wav.import': importFile('wav', 'audio/hit.wav', 'uid://dhitwav000001'),
      'hello.wav': wav(20_000, 5),
      'hello.wav.import': importFile('wav', 'audio/hello.wav', UIDS.hello),
      'hello_es.wav': wav(20_000, 7),
      'hello_es.wav.import': importFile('wav', 'audio/hello_es.wav', 'uid://dhelloes00001'),
      'hello_ja.wav': wav(20_000, 11),
      'hello_ja.wav.import': importFile('wav', 'audio/hello_ja.wav', 'uid://dhelloja00001'),
    },
    text: {
      'text.csv': 'keys,en,es\nHELLO,Hello,Hola\nBYE,Goodbye,Adiós\n',
      'text.csv.import': `[remap]

importer="csv_translation"
type="Translation"
uid="uid://dtexts0000001"

[deps]

files=["res://text/text.en.translation", "res://text/text.es.translation"]

source_file="res://text/text.csv"
dest_files=["res://text/text.en.translation", "res://text/text.es.translation"]

[params]

compress=true
delimiter=0
`,
    },
    // the editor's cache: never part of the project
    '.godot': {
      'uid_cache.bin': Buffer.alloc(512, 1),
      imported: { 'icon.svg-0123456789abcdef0123456789abcdef.ctex': Buffer.alloc(4096, 2) },
      editor: { filesystem_cache10: 'cache\n' },
    },
  };
}
