// A Godot 4 project with no vault-game.yaml: project.godot's feature overrides, export presets, strict parsing
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  effectiveSettings,
  findGodotPlatform,
  godotPlatforms,
  godotProjectSettings,
} from '../../../src/personas/engines/godot/features.js';
import { parseGodotText } from '../../../src/personas/engines/godot/text.js';
import { parseConfigText } from '../../../src/personas/game/configFormats.js';
import { platformDiff, platformMatrix, resolvePlatform } from '../../../src/personas/game/platforms.js';
import { commit } from '../../../src/porcelain/commit.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { EXPORT_PRESETS, PROJECT_GODOT, godotProject } from './godotProject.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/game/godot');

/** The error a sync function throws: its code and the line it names. */
function syntaxError(f: () => unknown): { code: string; line: unknown; path: unknown } {
  try {
    f();
  } catch (e) {
    const err = e as { code: string; data: { line?: unknown; path?: unknown } };
    return { code: err.code, line: err.data.line, path: err.data.path };
  }
  throw new Error('did not throw');
}

test('ConfigFile: sections, multi-line [input] values, Object(...), packed arrays, Color, comments', () => {
  const sections = parseGodotText(PROJECT_GODOT, 'project.godot', { mode: 'config' });
  assert.equal(
    sections.map((s) => s.name),
    ['', 'application', 'autoload', 'display', 'input', 'internationalization', 'physics', 'rendering'],
  );
  const input = sections.find((s) => s.name === 'input')!;
  assert.equal(
    input.props.map((p) => [p.key, p.line]),
    [
      ['jump', 33],
      ['jump.mobile', 39],
    ],
  );
  const jump = must(input.props[0]).value as { deadzone: number; events: Record<string, unknown>[] };
  assert.is(jump.deadzone, 0.5);
  assert.equal(
    jump.events.map((e) => [e['@class'], e.physical_keycode ?? e.button_index]),
    [
      ['InputEventKey', 32],
      ['InputEventJoypadButton', 0],
    ],
  );
  assert.is(must(jump.events[0]).script, null);
  const app = Object.fromEntries(sections.find((s) => s.name === 'application')!.props.map((p) => [p.key, p.value]));
  assert.equal(app['config/features'], ['4.4', 'Forward Plus']);
  const rendering = sections.find((s) => s.name === 'rendering')!.props;
  assert.is(
    rendering.find((p) => p.key === 'environment/defaults/default_clear_color')!.value,
    'Color(0.1, 0.1, 0.12, 1)',
  );
  // the remap dictionary keeps its :locale suffixes as written
  const remaps = must(sections.find((s) => s.name === 'internationalization')?.props[1]).value as Record<
    string,
    string[]
  >;
  assert.equal(remaps['res://audio/hello.wav'], ['res://audio/hello_es.wav:es', 'res://audio/hello_ja.wav:ja_JP']);
});

test('text resources: headings with attributes, typed arrays, escapes and strings over several lines', () => {
  const text = [
    '[gd_scene load_steps=2 format=3 uid="uid://abc"]',
    '',
    '[ext_resource type="Script" path="res://a.gd" id="1_a"]',
    '',
    '[node name="N" type="Node"]',
    'list = Array[String](["res://x.tscn", "res://y.tscn"])',
    'text = "line one',
    'line \\"two\\" \\u00e9"',
    'path = NodePath("A/B")',
    'big = -inf',
    '',
  ].join('\n');
  const strings: [string, number][] = [];
  const s = parseGodotText(text, 'a.tscn', { mode: 'resource', onString: (v, line) => strings.push([v, line]) });
  assert.equal(
    s.map((x) => x.name),
    ['', 'gd_scene', 'ext_resource', 'node'],
  );
  assert.equal(must(s[1]).attrs, { load_steps: 2, format: 3, uid: 'uid://abc' });
  assert.equal(must(s[2]).attrs, { type: 'Script', path: 'res://a.gd', id: '1_a' });
  const node = Object.fromEntries(must(s[3]).props.map((p) => [p.key, p.value]));
  assert.equal(node.list, ['res://x.tscn', 'res://y.tscn']);
  assert.is(node.text, 'line one\nline "two" é');
  assert.is(node.path, 'NodePath("A/B")');
  assert.is(node.big, '-inf');
  assert.ok(strings.some(([v, l]) => v === 'res://y.tscn' && l === 6));
});

test('parsers never guess: a value that does not parse names file and line (ECONFIG), never a mangled key', () => {
  const cases: [string, string, number][] = [
    ['project.godot', '[input]\n\nui_accept={\n"deadzone": 0.2\n"events": []\n}\n', 5],
    ['project.godot', '[application]\nconfig/name="Cave\n', 2],
    ['project.godot', '[display]\nwindow/size=Vector2(1, 2\n\n[rendering]\n', 4],
    ['export_presets.cfg', '[preset.0]\nname=Android\n', 2],
    ['override.cfg', '[a]\nx=1\nthis line has no equals sign\n', 3],
    // INI has no multi-line values: the pieces of one are an error, not keys
    ['Config/android.ini', '[input]\nui_accept = {\n"deadzone": 0.2,\n}\n', 2],
    ['Config/a.ini', '[graphics\nx=1\n', 1],
    ['Config/a.json', '{\n  "a": 1,\n  "b": \n}\n', 4],
    ['Config/a.toml', 'a = 1\nb = = 2\n', 2],
    ['Config/a.yaml', 'a: 1\nb:\n  - x\n - y\n', 4],
    ['project.godot', '[input]\njump={\n"deadzone": 0.5,\n"events": [\n', 4],
  ];
  for (const [path, text, line] of cases) {
    const e = syntaxError(() => parseConfigText(path, text));
    assert.equal(e, { code: 'ECONFIG', line, path }, `${path}: ${JSON.stringify(text)}`);
  }
  // the file: a multi-line [input] value read as INI used to become `"deadzone": 0.2,` keys
  const cfg = parseConfigText('settings.cfg', '[input]\nui_accept={\n"deadzone": 0.2,\n"events": []\n}\n');
  assert.equal(cfg, { input: { ui_accept: { deadzone: 0.2, events: [] } } });
  // a plain INI .cfg still reads as INI (and INI numbers are numbers)
  assert.equal(parseConfigText('a.cfg', '[graphics]\nshadows = low\nscale = 2\n'), {
    graphics: { shadows: 'low', scale: 2 },
  });
});

test('feature overrides: the first matching override in file order wins; overrides without a base count where they match', () => {
  const project = godotProjectSettings(PROJECT_GODOT);
  const platforms = godotPlatforms(EXPORT_PRESETS);
  assert.equal(
    platforms.map((p) => [p.name, p.preset]),
    [
      ['windows', 'Windows Desktop'],
      ['android', 'Android'],
    ],
  );
  const windows = findGodotPlatform(platforms, 'windows')!;
  const android = findGodotPlatform(platforms, 'Android')!;
  assert.ok(
    windows.features.includes('pc') && windows.features.includes('steam') && windows.features.includes('x86_64'),
  );
  assert.ok(android.features.includes('mobile') && android.features.includes('arm64'));
  assert.not.ok(android.features.includes('x86_64'), 'the preset names arm64 only');
  const on = (p: { features: readonly string[] }, extra: string[] = []) =>
    effectiveSettings(project, [...p.features, ...extra]).values;
  const a = on(android);
  const w = on(windows);
  assert.is(a.get('display/window/size/viewport_width'), 960);
  assert.is(w.get('display/window/size/viewport_width'), 1280);
  assert.is(a.get('rendering/renderer/rendering_method'), 'gl_compatibility');
  assert.is(w.get('application/config/name'), 'Cave Runner (Steam)', 'a custom feature of the preset');
  assert.is(a.get('application/config/name'), 'Cave Runner');
  // both .mobile (4, first) and .android (6) match android: the first in the file wins
  assert.is(a.get('physics/common/max_physics_steps_per_frame'), 4);
  assert.is(w.has('physics/common/max_physics_steps_per_frame'), false, 'no base line: the engine default');
  assert.equal(a.get('input/jump'), { deadzone: 0.2, events: [] });
  assert.is(w.get('rendering/anti_aliasing/quality/msaa_2d'), 2);
  assert.is(a.has('rendering/anti_aliasing/quality/msaa_2d'), false);
  // an export is a release build: .debug applies only when asked for
  assert.is(w.has('rendering/textures/default_filters/anisotropic_filtering_level'), false);
  assert.is(on(windows, ['debug']).get('rendering/textures/default_filters/anisotropic_filtering_level'), 4);
  // the web is not a preset here, but Godot's own tags still resolve it
  assert.is(on(findGodotPlatform(platforms, 'web')!).get('display/window/vsync/vsync_mode'), 0);
  assert.is(findGodotPlatform(platforms, 'ps5'), null);
});

test('platform resolve, matrix and diff on a Godot project with no vault-game.yaml, and on its history', async () => {
  const t = await memVault(godotProject());
  const first = (await commit({ vault: t.vault, message: 'first' })).id!;
  const android = await resolvePlatform({ vault: t.vault, platform: 'android' });
  assert.is(android.source, 'project.godot');
  assert.is(android.config['display/window/size/viewport_width'], 960);
  assert.is(android.config['config_version'], undefined, 'the file format version is no setting');
  assert.ok(android.features!.includes('mobile'));
  const debug = await resolvePlatform({ vault: t.vault, platform: 'windows', features: ['debug'] });
  assert.is(debug.config['rendering/textures/default_filters/anisotropic_filtering_level'], 4);
  const m = await platformMatrix({ vault: t.vault });
  assert.equal(m.platforms, ['android', 'windows']);
  const by = Object.fromEntries(m.keys.map((k) => [k.key, k]));
  assert.equal(must(by['rendering/renderer/rendering_method']).values, {
    android: 'gl_compatibility',
    windows: 'forward_plus',
  });
  assert.is(must(by['rendering/renderer/rendering_method']).base, 'forward_plus');
  assert.equal(must(by['physics/common/max_physics_steps_per_frame']).values, { android: 4 });
  assert.equal(must(by['input/jump.deadzone']).values, { android: 0.2, windows: 0.5 });
  assert.is(await codeOf(() => resolvePlatform({ vault: t.vault, platform: 'ps5' })), 'ENOPLATFORM');

  // a later commit changes an override and adds one: diff on history
  const text = PROJECT_GODOT.replace('window/size/viewport_width.mobile=960', 'window/size/viewport_width.mobile=720')
    .replace('[rendering]\n', '[rendering]\n\nlights_and_shadows/directional_shadow/size.mobile=2048\n')
    .replace('config/name.steam="Cave Runner (Steam)"\n', '');
  await t.fs.writeFile('/work/project.godot', text);
  await commit({ vault: t.vault, message: 'smaller on phones' });
  const d = await platformDiff({ vault: t.vault, platform: 'android', a: first });
  assert.equal(d.changes, [
    { key: 'display/window/size/viewport_width', kind: 'changed', old: 960, new: 720 },
    { key: 'rendering/lights_and_shadows/directional_shadow/size', kind: 'added', new: 2048 },
  ]);
  const w = await platformDiff({ vault: t.vault, platform: 'windows', a: first });
  assert.equal(w.changes, [
    { key: 'application/config/name', kind: 'changed', old: 'Cave Runner (Steam)', new: 'Cave Runner' },
  ]);
  // a broken project.godot names its line, at the snapshot that has it
  await t.fs.writeFile('/work/project.godot', `${text}\n[display]\nwindow/size/mode=Vector2(\n`);
  await commit({ vault: t.vault, message: 'broken' });
  const e = await resolvePlatform({ vault: t.vault, platform: 'android' }).catch((x) => x);
  assert.is(e.code, 'ECONFIG');
  assert.is(e.data.path, 'project.godot');
  assert.is(e.data.line, text.split('\n').length + 2, 'the line the unclosed Vector2( starts on');
});

test('a type change in an override is reported with its line; no project.godot and no vault-game.yaml is ENOCONFIG', async () => {
  const t = await memVault({
    'project.godot':
      'config_version=5\n\n[display]\n\nwindow/size/viewport_width=1280\nwindow/size/viewport_width.mobile="960"\n',
  });
  await commit({ vault: t.vault, message: 'x' });
  const r = await resolvePlatform({ vault: t.vault, platform: 'android' });
  assert.equal(r.problems, [
    {
      kind: 'type-mismatch',
      key: 'display/window/size/viewport_width.mobile',
      baseType: 'number',
      overrideType: 'string',
      line: 6,
    },
  ]);
  const none = await memVault({ 'README.md': 'x\n' });
  await commit({ vault: none.vault, message: 'x' });
  assert.is(await codeOf(() => platformMatrix({ vault: none.vault })), 'ENOCONFIG');
});

test.run();
