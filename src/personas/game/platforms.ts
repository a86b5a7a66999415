import type { ObjectId } from '../../objects/types.js';
import type { Vault } from '../../porcelain/openVault.js';
import { parseConfigText, type ConfigObject, type ConfigValue } from './configFormats.js';
import { GameConfigError, MissingGameConfigError, UnknownPlatformError } from './errors.js';
import { godotSource } from './godotPlatforms.js';
import { unitySource } from './unityPlatforms.js';
import type { ConfigProblem, PlatformSource, ResolvedPlatform } from './platformTypes.js';
import {
  GAME_CONFIG_PATH,
  readGameConfig,
  readSnapshotFile,
  snapshotFiles,
  type PlatformLayout,
  type SnapshotFiles,
} from './projectConfig.js';

/**
 * Cross-platform configuration, from one of two sources:
 *
 * - `vault-game.yaml` `platforms:` a base config plus one override file per platform (JSON, YAML, TOML,
 *   INI or Godot .cfg by extension; base and overrides may use different formats). The effective config is a
 *   deep merge: mappings merge key by key, anything else (scalars, lists) is replaced by the override.
 *   Overrides of keys the base does not have, and overrides that change a value's type, are reported: they
 *   are the usual typos and mistakes.
 * - otherwise a Godot project's own `project.godot`, with its feature-tag overrides (`key.mobile=...`) and
 *   the platforms of `export_presets.cfg` (see engines/godot/features.ts);
 * - otherwise a Unity project's `ProjectSettings/*.asset` and their per-platform values
 *   (see engines/unity/settings.ts).
 */
export { parseConfigText, type ConfigObject, type ConfigValue };
export type { ConfigProblem, PlatformSource, ResolvedPlatform };

const MAX = 4 * 1024 * 1024;

export function typeName(v: ConfigValue | undefined): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}

function isMapping(v: ConfigValue | undefined): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of an override onto a base, collecting problems. */
export function mergeConfig(
  base: ConfigObject,
  over: ConfigObject,
  problems: ConfigProblem[] = [],
  prefix = '',
): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (!(k in base)) {
      problems.push({ kind: 'unknown-key', key });
      out[k] = v;
      continue;
    }
    const b = base[k];
    if (isMapping(b) && isMapping(v)) out[k] = mergeConfig(b, v, problems, key);
    else {
      // null in either side is "no value": not a type change
      if (b !== null && v !== null && typeName(b) !== typeName(v))
        problems.push({ kind: 'type-mismatch', key, baseType: typeName(b), overrideType: typeName(v) });
      out[k] = v;
    }
  }
  return out;
}

/** Dotted keys to leaf values (lists are leaves). */
export function flattenConfig(
  c: ConfigObject,
  prefix = '',
  out = new Map<string, ConfigValue>(),
): Map<string, ConfigValue> {
  for (const [k, v] of Object.entries(c)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isMapping(v) && Object.keys(v).length) flattenConfig(v, key, out);
    else out.set(key, v);
  }
  return out;
}

async function readConfigFile(vault: Vault, snap: SnapshotFiles, path: string): Promise<ConfigObject | null> {
  const bytes = await readSnapshotFile(vault, snap.files, path, MAX);
  return bytes ? parseConfigText(path, bytes.toString('utf8'), snap.id) : null;
}

/** Platforms declared in vault-game.yaml: base file + one override file each. */
function declaredSource(vault: Vault, snap: SnapshotFiles, layout: PlatformLayout): PlatformSource {
  const base = async () => {
    const b = await readConfigFile(vault, snap, layout.base);
    if (!b) throw new GameConfigError(layout.base, 'the base config is missing from this snapshot', snap.id);
    return b;
  };
  return {
    source: GAME_CONFIG_PATH,
    snapshot: snap.id,
    platforms: Object.keys(layout.overrides).sort(),
    has: (p) => Object.hasOwn(layout.overrides, p),
    base,
    resolve: async (platform) => {
      const override = Object.hasOwn(layout.overrides, platform) ? layout.overrides[platform] : undefined;
      if (!override) throw new UnknownPlatformError(platform, Object.keys(layout.overrides));
      const problems: ConfigProblem[] = [];
      const b = await base();
      const over = await readConfigFile(vault, snap, override);
      if (!over) problems.push({ kind: 'missing-override', key: override });
      const config = mergeConfig(b, over ?? {}, problems);
      const r = { snapshot: snap.id, platform, source: GAME_CONFIG_PATH } as const;
      return { ...r, base: layout.base, override, config, problems };
    },
  };
}

/** The platform configs of a snapshot: vault-game.yaml's declarations, else project.godot, else Unity's settings. */
export async function platformSource(vault: Vault, snap: SnapshotFiles): Promise<PlatformSource | null> {
  const cfg = await readGameConfig(vault, snap);
  if (cfg.platforms) return declaredSource(vault, snap, cfg.platforms);
  return (await godotSource(vault, snap)) ?? unitySource(vault, snap);
}

async function sourceAt(vault: Vault, rev: string): Promise<PlatformSource> {
  const snap = await snapshotFiles(vault, rev);
  const src = await platformSource(vault, snap);
  if (!src) throw new MissingGameConfigError(GAME_CONFIG_PATH, 'platforms', snap.id);
  return src;
}

/** The effective config of one platform in a snapshot (default HEAD). */
export async function resolvePlatform(opts: {
  vault: Vault;
  platform: string;
  snapshot?: string;
  /** project.godot: extra feature tags (debug, a custom feature) */
  features?: readonly string[];
}): Promise<ResolvedPlatform> {
  return (await sourceAt(opts.vault, opts.snapshot ?? 'HEAD')).resolve(opts.platform, opts.features);
}

export interface PlatformMatrix {
  readonly snapshot: ObjectId;
  readonly source: ResolvedPlatform['source'];
  readonly platforms: readonly string[];
  /** keys whose effective value is not the same on every platform; a missing key is absent from `values` */
  readonly keys: readonly {
    readonly key: string;
    readonly base?: ConfigValue;
    readonly values: Readonly<Record<string, ConfigValue>>;
  }[];
  /** keys with the same value everywhere */
  readonly same: number;
  readonly problems: Readonly<Record<string, readonly ConfigProblem[]>>;
}

/** Which keys differ between platforms (effective configs of one snapshot). */
export async function platformMatrix(opts: { vault: Vault; snapshot?: string }): Promise<PlatformMatrix> {
  const src = await sourceAt(opts.vault, opts.snapshot ?? 'HEAD');
  const resolved = new Map<string, Map<string, ConfigValue>>();
  const problems: Record<string, readonly ConfigProblem[]> = {};
  for (const p of src.platforms) {
    const r = await src.resolve(p);
    resolved.set(p, flattenConfig(r.config));
    problems[p] = r.problems;
  }
  const base = flattenConfig(await src.base().catch(() => ({})));
  const all = [...new Set([...resolved.values()].flatMap((m) => [...m.keys()]))].sort();
  const keys: PlatformMatrix['keys'][number][] = [];
  let same = 0;
  for (const key of all) {
    const values: Record<string, ConfigValue> = {};
    const seen = new Set<string>();
    for (const p of src.platforms) {
      const m = resolved.get(p)!;
      seen.add(m.has(key) ? JSON.stringify(m.get(key)) : '\0missing');
      if (m.has(key)) values[p] = m.get(key)!;
    }
    if (seen.size > 1) keys.push({ key, ...(base.has(key) ? { base: base.get(key) } : {}), values });
    else same++;
  }
  return { snapshot: src.snapshot, source: src.source, platforms: src.platforms, keys, same, problems };
}

export interface PlatformDiff {
  readonly platform: string;
  readonly a: ObjectId;
  readonly b: ObjectId;
  readonly changes: readonly {
    readonly key: string;
    readonly kind: 'added' | 'removed' | 'changed';
    readonly old?: ConfigValue;
    readonly new?: ConfigValue;
  }[];
  /** problems in B's effective config */
  readonly problems: readonly ConfigProblem[];
}

/** How one platform's effective config changed between two snapshots (a platform not declared at A counts as empty). */
export async function platformDiff(opts: {
  vault: Vault;
  platform: string;
  a: string;
  b?: string;
  features?: readonly string[];
}): Promise<PlatformDiff> {
  const side = async (rev: string, mustExist: boolean) => {
    const snap = await snapshotFiles(opts.vault, rev);
    const src = await platformSource(opts.vault, snap);
    if (!src || !src.has(opts.platform)) {
      if (mustExist) {
        if (!src) throw new MissingGameConfigError(GAME_CONFIG_PATH, 'platforms', snap.id);
        throw new UnknownPlatformError(opts.platform, [...src.platforms]);
      }
      return { id: snap.id, flat: new Map<string, ConfigValue>(), problems: [] as readonly ConfigProblem[] };
    }
    const r = await src.resolve(opts.platform, opts.features);
    return { id: snap.id, flat: flattenConfig(r.config), problems: r.problems };
  };
  const a = await side(opts.a, false);
  const b = await side(opts.b ?? 'HEAD', true);
  const changes: PlatformDiff['changes'][number][] = [];
  for (const key of [...new Set([...a.flat.keys(), ...b.flat.keys()])].sort()) {
    const [x, y] = [a.flat.get(key), b.flat.get(key)];
    if (!a.flat.has(key)) changes.push({ key, kind: 'added', new: y });
    else if (!b.flat.has(key)) changes.push({ key, kind: 'removed', old: x });
    else if (JSON.stringify(x) !== JSON.stringify(y)) changes.push({ key, kind: 'changed', old: x, new: y });
  }
  return { platform: opts.platform, a: a.id, b: b.id, changes, problems: b.problems };
}
