import { parse as parseIni } from 'ini';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import type { ObjectId } from '../../objects/types.js';
import type { Vault } from '../../porcelain/openVault.js';
import { GameConfigError, MissingGameConfigError, UnknownPlatformError } from './errors.js';
import {
  GAME_CONFIG_PATH,
  readGameConfig,
  readSnapshotFile,
  snapshotFiles,
  type PlatformLayout,
  type SnapshotFiles,
} from './projectConfig.js';

/**
 * Cross-platform configuration: a base config plus one override file per
 * platform (JSON, YAML, TOML or INI by extension; base and overrides may use
 * different formats), laid out in vault-game.yaml under `platforms:`. The
 * effective config is a deep merge: mappings merge key by key, anything else
 * (scalars, lists) is replaced by the override. Overrides of keys the base
 * does not have, and overrides that change a value's type, are reported:
 * they are the usual typos and mistakes.
 */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [k: string]: ConfigValue };
export type ConfigObject = { [k: string]: ConfigValue };

export interface ConfigProblem {
  readonly kind: 'unknown-key' | 'type-mismatch' | 'missing-override';
  /** dotted key (or the missing file's path) */
  readonly key: string;
  readonly baseType?: string;
  readonly overrideType?: string;
}

export interface ResolvedPlatform {
  readonly snapshot: ObjectId;
  readonly platform: string;
  readonly base: string;
  readonly override: string;
  readonly config: ConfigObject;
  readonly problems: readonly ConfigProblem[];
}

const MAX = 4 * 1024 * 1024;

export function parseConfigText(path: string, text: string, snapshot?: ObjectId): ConfigObject {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  let v: unknown;
  try {
    if (ext === 'json') v = JSON.parse(text);
    else if (ext === 'yaml' || ext === 'yml') v = parseYaml(text);
    else if (ext === 'toml') v = parseToml(text);
    else if (ext === 'ini' || ext === 'cfg') v = numbersOf(parseIni(text));
    else throw new Error(`unknown format '.${ext}' (use .json, .yaml, .yml, .toml, .ini or .cfg)`);
  } catch (e) {
    throw new GameConfigError(path, (e as Error).message.split('\n')[0], snapshot);
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new GameConfigError(path, 'the top level must be a mapping of keys', snapshot);
  return normalize(v) as ConfigObject;
}

/** INI has only strings (ini parses true/false): numeric-looking values become numbers, as in the other formats. */
function numbersOf(v: unknown): unknown {
  if (typeof v === 'string') return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim()) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(numbersOf);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersOf(x)]));
  return v;
}

/** Plain JSON values only (TOML dates become ISO strings; ini's null-prototype objects become plain ones). */
function normalize(v: unknown): ConfigValue {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    if (typeof (v as { toISOString?: unknown }).toISOString === 'function')
      return String((v as { toISOString: () => string }).toISOString());
    const o: ConfigObject = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalize(x);
    return o;
  }
  if (typeof v === 'bigint') return Number(v);
  return v as ConfigValue;
}

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

async function layoutOf(vault: Vault, snap: SnapshotFiles): Promise<PlatformLayout> {
  const cfg = await readGameConfig(vault, snap);
  if (!cfg.platforms) throw new MissingGameConfigError(GAME_CONFIG_PATH, 'platforms', snap.id);
  return cfg.platforms;
}

async function readConfigFile(vault: Vault, snap: SnapshotFiles, path: string): Promise<ConfigObject | null> {
  const bytes = await readSnapshotFile(vault, snap.files, path, MAX);
  return bytes ? parseConfigText(path, bytes.toString('utf8'), snap.id) : null;
}

async function resolveIn(
  vault: Vault,
  snap: SnapshotFiles,
  layout: PlatformLayout,
  platform: string,
): Promise<ResolvedPlatform> {
  const override = layout.overrides[platform];
  if (!override) throw new UnknownPlatformError(platform, Object.keys(layout.overrides));
  const base = await readConfigFile(vault, snap, layout.base);
  if (!base) throw new GameConfigError(layout.base, 'the base config is missing from this snapshot', snap.id);
  const problems: ConfigProblem[] = [];
  const over = await readConfigFile(vault, snap, override);
  if (!over) problems.push({ kind: 'missing-override', key: override });
  const config = mergeConfig(base, over ?? {}, problems);
  return { snapshot: snap.id, platform, base: layout.base, override, config, problems };
}

/** The effective config of one platform in a snapshot (default HEAD). */
export async function resolvePlatform(opts: {
  vault: Vault;
  platform: string;
  snapshot?: string;
}): Promise<ResolvedPlatform> {
  const snap = await snapshotFiles(opts.vault, opts.snapshot ?? 'HEAD');
  return resolveIn(opts.vault, snap, await layoutOf(opts.vault, snap), opts.platform);
}

export interface PlatformMatrix {
  readonly snapshot: ObjectId;
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
  const snap = await snapshotFiles(opts.vault, opts.snapshot ?? 'HEAD');
  const layout = await layoutOf(opts.vault, snap);
  const platforms = Object.keys(layout.overrides).sort();
  const resolved = new Map<string, Map<string, ConfigValue>>();
  const problems: Record<string, readonly ConfigProblem[]> = {};
  for (const p of platforms) {
    const r = await resolveIn(opts.vault, snap, layout, p);
    resolved.set(p, flattenConfig(r.config));
    problems[p] = r.problems;
  }
  const base = flattenConfig((await readConfigFile(opts.vault, snap, layout.base)) ?? {});
  const all = [...new Set([...resolved.values()].flatMap((m) => [...m.keys()]))].sort();
  const keys: PlatformMatrix['keys'][number][] = [];
  let same = 0;
  for (const key of all) {
    const values: Record<string, ConfigValue> = {};
    const seen = new Set<string>();
    for (const p of platforms) {
      const m = resolved.get(p)!;
      seen.add(m.has(key) ? JSON.stringify(m.get(key)) : '\0missing');
      if (m.has(key)) values[p] = m.get(key)!;
    }
    if (seen.size > 1) keys.push({ key, ...(base.has(key) ? { base: base.get(key) } : {}), values });
    else same++;
  }
  return { snapshot: snap.id, platforms, keys, same, problems };
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
}): Promise<PlatformDiff> {
  const side = async (rev: string, mustExist: boolean) => {
    const snap = await snapshotFiles(opts.vault, rev);
    const cfg = await readGameConfig(opts.vault, snap);
    if (!cfg.platforms || !cfg.platforms.overrides[opts.platform]) {
      if (mustExist) {
        if (!cfg.platforms) throw new MissingGameConfigError(GAME_CONFIG_PATH, 'platforms', snap.id);
        throw new UnknownPlatformError(opts.platform, Object.keys(cfg.platforms.overrides));
      }
      return { id: snap.id, flat: new Map<string, ConfigValue>(), problems: [] as readonly ConfigProblem[] };
    }
    const r = await resolveIn(opts.vault, snap, cfg.platforms, opts.platform);
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
