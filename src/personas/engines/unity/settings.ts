import { parseAllDocuments } from 'yaml';
import { ConfigSyntaxError } from '../errors.js';

/**
 * Unity's project settings (`ProjectSettings/*.asset`, serialized as text: Unity's YAML dialect with
 * `--- !u!129 &1` document headings) and their per-platform values. Unity keeps a platform's setting in
 * one of two shapes, both read here:
 *
 * - a mapping keyed by build target group: `scriptingBackend: {Android: 1, Standalone: 0}`;
 * - a list of entries naming their target: `m_BuildTargetGraphicsAPIs: [{m_BuildTarget: AndroidPlayer, ...}]`.
 *
 * A platform's effective settings keep the base values and replace each per-platform value by the
 * platform's own entry (absent: Unity's default, which the file does not say).
 */
export type UnityValue = null | boolean | number | string | UnityValue[] | { [k: string]: UnityValue };
export type UnityObject = { [k: string]: UnityValue };

/** Build target names Unity uses for each platform (group names and BuildTarget names). */
export const UNITY_TARGETS: Readonly<Record<string, readonly string[]>> = {
  windows: ['Standalone', 'StandaloneWindows', 'StandaloneWindows64', 'Win', 'Win64'],
  macos: ['Standalone', 'StandaloneOSX', 'OSXUniversal'],
  linux: ['Standalone', 'StandaloneLinux64', 'Linux64'],
  android: ['Android', 'AndroidPlayer'],
  ios: ['iPhone', 'iOS', 'iPhonePlayer', 'iOSSupport'],
  web: ['WebGL', 'WebGLSupport'],
  tvos: ['tvOS', 'AppleTV'],
  switch: ['Switch'],
  ps4: ['PS4'],
  ps5: ['PS5'],
  xboxone: ['XboxOne', 'GameCoreXboxOne'],
};
const ALL_TARGETS = new Set(Object.values(UNITY_TARGETS).flat());
const TARGET_FIELDS = ['m_BuildTarget', 'm_BuildTargetGroup', 'buildTarget', 'm_Platform'];

/** Parse a Unity YAML file into its objects, keyed by class name (`PlayerSettings`); errors name the line. */
export function parseUnityYaml(text: string, path: string): UnityObject {
  if (!text.startsWith('%YAML'))
    throw new ConfigSyntaxError(
      path,
      1,
      'not a text asset (set Project Settings > Editor > Asset Serialization to Force Text)',
    );
  // `--- !u!1 &2 stripped`: the tag and anchor say which object; plain YAML needs only the document marker
  const plain = text.replace(/^--- !u!\d+ &-?\d+(?: stripped)?[ \t]*$/gm, '---').replace(/^%TAG .*$/m, '');
  const out: UnityObject = {};
  for (const doc of parseAllDocuments(plain)) {
    const err = doc.errors[0];
    if (err) throw new ConfigSyntaxError(path, err.linePos?.[0]?.line ?? 1, err.message.split('\n')[0] ?? '');
    const v = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
    for (const [k, x] of Object.entries(v as UnityObject)) {
      const prev = out[k];
      out[k] =
        prev && typeof prev === 'object' && !Array.isArray(prev) && typeof x === 'object'
          ? { ...prev, ...(x as UnityObject) }
          : x;
    }
  }
  return out;
}

function isMapping(v: UnityValue | undefined): v is UnityObject {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function perPlatformMap(v: UnityValue): v is UnityObject {
  if (!isMapping(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => ALL_TARGETS.has(k));
}

function targetOf(v: UnityValue): string | null {
  if (!isMapping(v)) return null;
  for (const f of TARGET_FIELDS) if (typeof v[f] === 'string' && ALL_TARGETS.has(v[f] as string)) return v[f] as string;
  return null;
}

function perPlatformList(v: UnityValue): v is UnityObject[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => targetOf(x) !== null);
}

/** The platforms a settings object has values for (the names of UNITY_TARGETS). */
export function unityPlatformsOf(v: UnityValue, out = new Set<string>()): Set<string> {
  const add = (target: string) => {
    for (const [p, names] of Object.entries(UNITY_TARGETS)) if (names.includes(target)) out.add(p);
  };
  if (perPlatformMap(v)) Object.keys(v).forEach(add);
  else if (perPlatformList(v)) v.forEach((x) => add(targetOf(x)!));
  else if (Array.isArray(v)) v.forEach((x) => unityPlatformsOf(x, out));
  else if (isMapping(v)) Object.values(v).forEach((x) => unityPlatformsOf(x, out));
  return out;
}

/**
 * Settings as a platform has them: per-platform values replaced by that platform's (`platform` null: the
 * base, per-platform values left out).
 */
export function unityEffective(v: UnityValue, platform: string | null): UnityValue | undefined {
  const names = platform ? (UNITY_TARGETS[platform] ?? []) : [];
  if (perPlatformMap(v)) {
    const hit = names.find((n) => n in v);
    return hit === undefined ? undefined : v[hit];
  }
  if (perPlatformList(v)) {
    const hit = v.find((x) => names.includes(targetOf(x)!));
    if (!hit) return undefined;
    return Object.fromEntries(Object.entries(hit).filter(([k]) => !TARGET_FIELDS.includes(k)));
  }
  if (Array.isArray(v)) return v.map((x) => unityEffective(x, platform) ?? null);
  if (isMapping(v)) {
    const o: UnityObject = {};
    for (const [k, x] of Object.entries(v)) {
      const e = unityEffective(x, platform);
      if (e !== undefined) o[k] = e;
    }
    return o;
  }
  return v;
}
