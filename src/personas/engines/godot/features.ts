import { ConfigSyntaxError } from '../errors.js';
import { parseGodotText, type GodotSection, type GodotValue } from './text.js';

/**
 * Godot's per-platform configuration: project settings (`project.godot`, setting `section/key`) may carry
 * feature-tag overrides, `key.feature=value` (`rendering/textures/canvas_textures/default_texture_filter.mobile=0`).
 * A setting's value on a platform is its first override, in file order, whose feature the platform has; else the
 * base value; else (no base line: Godot omits defaults) the engine default, which the file does not say.
 * `key.a.b=value` counts for a platform with feature a or feature b (Godot's ProjectSettings rule).
 *
 * A platform's features are Godot's standard tags for its OS (windows -> pc, windows, s3tc, bptc, x86_64, 64...;
 * android -> mobile, android, etc2, astc, arm64...), those of an export (template, release), and, when
 * `export_presets.cfg` has a preset for it, the preset's architecture and `custom_features`.
 */
export interface GodotPlatform {
  /** the name commands take: the OS feature (android) or, when two presets share an OS, the preset's name */
  readonly name: string;
  /** the export preset it comes from, when there is one */
  readonly preset?: string;
  readonly features: readonly string[];
}

export interface GodotSetting {
  /** `section/key` (`display/window/size/viewport_width`) */
  readonly name: string;
  readonly value: GodotValue;
  readonly line: number;
}

export interface GodotOverride {
  readonly base: string;
  readonly features: readonly string[];
  /** the full key as written (`...filter.mobile`) */
  readonly key: string;
  readonly value: GodotValue;
  readonly line: number;
}

export interface GodotProjectSettings {
  /** base settings, in file order */
  readonly settings: readonly GodotSetting[];
  /** feature overrides, in file order */
  readonly overrides: readonly GodotOverride[];
}

/** The standard features of each platform Godot exports to, as a release export has them. */
const OS_FEATURES: Readonly<Record<string, readonly string[]>> = {
  windows: ['pc', 'windows', 's3tc', 'bptc', 'x86_64', 'x86', '64'],
  linux: ['pc', 'linux', 'linuxbsd', 's3tc', 'bptc', 'x86_64', 'x86', '64'],
  macos: ['pc', 'macos', 's3tc', 'bptc', 'etc2', 'astc', 'arm64', 'x86_64', '64'],
  android: ['mobile', 'android', 'etc2', 'astc', 'arm64', 'arm', '64'],
  ios: ['mobile', 'ios', 'etc2', 'astc', 'arm64', 'arm', '64'],
  web: ['web', 'wasm32', 'wasm', '32', 's3tc', 'bptc'],
};
export const GODOT_PLATFORMS = Object.keys(OS_FEATURES);
const EXPORT_FEATURES = ['template', 'release', 'template_release'];

/** The OS feature of an export preset's `platform` ("Windows Desktop" -> windows, "HTML5" -> web). */
export function osOfPreset(platform: string): string {
  const p = platform.toLowerCase();
  if (p.startsWith('windows')) return 'windows';
  if (p.startsWith('linux') || p.includes('bsd') || p.includes('x11')) return 'linux';
  if (p.startsWith('mac') || p === 'osx') return 'macos';
  if (p === 'html5' || p.startsWith('web')) return 'web';
  if (p === 'ios' || p === 'android') return p;
  return p.replace(/[^a-z0-9._-]+/g, '-');
}

const ARCH: Readonly<Record<string, readonly string[]>> = {
  x86_64: ['x86_64', 'x86', '64'],
  x86_32: ['x86_32', 'x86', '32'],
  arm64: ['arm64', 'arm', '64'],
  arm32: ['arm32', 'arm', '32'],
  universal: ['arm64', 'x86_64', '64'],
  'arm64-v8a': ['arm64', 'arm', '64'],
  'armeabi-v7a': ['arm32', 'arm', '32'],
  x86: ['x86_32', 'x86', '32'],
};

/** Features an export preset's options add: its architecture(s) and texture formats. */
function optionFeatures(os: string, options: Readonly<Record<string, GodotValue>>): string[] {
  const out: string[] = [];
  const arch = options['binary_format/architecture'];
  if (typeof arch === 'string') out.push(...(ARCH[arch] ?? []));
  for (const [k, v] of Object.entries(options)) {
    const name = /^architectures\/(.+)$/.exec(k)?.[1];
    if (name !== undefined && v === true) out.push(...(ARCH[name] ?? []));
  }
  if (os === 'web') {
    if (options['vram_texture_compression/for_mobile'] === true) out.push('etc2', 'astc');
    if (options['vram_texture_compression/for_desktop'] === false) out.push('-s3tc', '-bptc');
  }
  return out;
}

function featureSet(os: string, extra: readonly string[]): string[] {
  const base = OS_FEATURES[os] ?? [os];
  const drop = new Set(extra.filter((f) => f.startsWith('-')).map((f) => f.slice(1)));
  const arches = extra.some((f) => ARCH[f] || f === '32' || f === '64');
  // a preset that names its architecture replaces the OS's default one
  const keep = base.filter((f) => !(arches && (ARCH[f] || f === '32' || f === '64' || f === 'x86' || f === 'arm')));
  return [...new Set([...keep, ...extra.filter((f) => !f.startsWith('-')), ...EXPORT_FEATURES])].filter(
    (f) => !drop.has(f),
  );
}

/** The platforms of a project: one per export preset, or Godot's standard ones when there are no presets. */
export function godotPlatforms(presetsText: string | null, path = 'export_presets.cfg'): GodotPlatform[] {
  if (presetsText === null) return GODOT_PLATFORMS.map((os) => ({ name: os, features: featureSet(os, []) }));
  const sections = parseGodotText(presetsText, path, { mode: 'config' });
  const presets: { name: string; os: string; features: string[] }[] = [];
  const by = new Map<string, GodotSection>(sections.map((s) => [s.name, s]));
  for (const s of sections) {
    if (!/^preset\.\d+$/.test(s.name)) continue;
    const get = (k: string) => s.props.find((p) => p.key === k)?.value;
    const platform = get('platform');
    if (typeof platform !== 'string') throw new ConfigSyntaxError(path, s.line, `[${s.name}] has no platform="..."`);
    const os = osOfPreset(platform);
    const name = typeof get('name') === 'string' ? String(get('name')) : platform;
    const custom = typeof get('custom_features') === 'string' ? String(get('custom_features')) : '';
    const options = Object.fromEntries((by.get(`${s.name}.options`)?.props ?? []).map((p) => [p.key, p.value]));
    const extra = [
      ...optionFeatures(os, options),
      ...custom
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    ];
    presets.push({ name, os, features: featureSet(os, extra) });
  }
  const perOs = new Map<string, number>();
  for (const p of presets) perOs.set(p.os, (perOs.get(p.os) ?? 0) + 1);
  return presets.map((p) => ({
    name: perOs.get(p.os)! > 1 ? p.name.toLowerCase().replace(/\s+/g, '-') : p.os,
    preset: p.name,
    features: p.features,
  }));
}

/** Pick a platform by name, preset name (any case) or OS name. */
export function findGodotPlatform(platforms: readonly GodotPlatform[], name: string): GodotPlatform | null {
  const n = name.toLowerCase();
  const hit =
    platforms.find((p) => p.name === n) ??
    platforms.find((p) => p.preset?.toLowerCase() === n) ??
    platforms.filter((p) => p.features.includes(n) && GODOT_PLATFORMS.includes(n)).at(0);
  if (hit) return hit;
  // a standard platform the presets do not export to still resolves (Godot's own tags)
  return GODOT_PLATFORMS.includes(n) ? { name: n, features: featureSet(n, []) } : null;
}

/** The settings of project.godot: `section/key` names, overrides split from base settings. */
export function godotProjectSettings(text: string, path = 'project.godot'): GodotProjectSettings {
  const settings: GodotSetting[] = [];
  const overrides: GodotOverride[] = [];
  for (const s of parseGodotText(text, path, { mode: 'config' })) {
    for (const p of s.props) {
      // the file format's version, not a setting
      if (!s.name && p.key === 'config_version') continue;
      const full = s.name ? `${s.name}/${p.key}` : p.key;
      const [base = '', ...features] = full.split('.');
      if (features.length && features.every((f) => /^[A-Za-z0-9_]+$/.test(f.trim())))
        overrides.push({
          base,
          features: features.map((f) => f.trim()),
          key: full,
          value: p.value,
          line: p.line,
        });
      else settings.push({ name: full, value: p.value, line: p.line });
    }
  }
  return { settings, overrides };
}

/**
 * The effective settings for a set of features: each base setting, replaced by its first matching override;
 * overrides of settings the file does not set count only where they match. The result keeps file order.
 */
export function effectiveSettings(
  project: GodotProjectSettings,
  features: readonly string[],
): { values: Map<string, GodotValue>; applied: GodotOverride[] } {
  const has = new Set(features.map((f) => f.toLowerCase()));
  const first = new Map<string, GodotOverride>();
  for (const o of project.overrides)
    if (!first.has(o.base) && o.features.some((f) => has.has(f.toLowerCase()))) first.set(o.base, o);
  const values = new Map<string, GodotValue>();
  for (const s of project.settings) values.set(s.name, first.has(s.name) ? first.get(s.name)!.value : s.value);
  for (const [base, o] of first) if (!values.has(base)) values.set(base, o.value);
  return { values, applied: [...first.values()] };
}
