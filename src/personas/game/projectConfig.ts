import { parse as parseYaml } from 'yaml';
import type { ObjectId } from '../../objects/types.js';
import { flattenTree, type FlatEntry } from '../../plumbing/trees.js';
import { readStoredFile } from '../../porcelain/diff.js';
import type { Vault } from '../../porcelain/openVault.js';
import { readSnapshot } from '../../porcelain/readSnapshot.js';
import { GameConfigError } from './errors.js';
import { annotationTarget } from './milestones.js';

/**
 * The game project's own declarations, in `vault-game.yaml` at the project
 * root (version-controlled with the project, so each snapshot carries the
 * declarations that were true then; JSON is valid YAML too):
 *
 * ```yaml
 * bundles:                 # name -> include / exclude patterns (.gitignore syntax)
 *   core:
 *     include: [Assets/Core/, Assets/UI/]
 *     exclude: ["*.psd"]
 * platforms:               # a base config plus one override file per platform
 *   base: Config/base.yaml
 *   overrides:
 *     switch: Config/switch.yaml
 *     windows: Config/windows.toml
 * ```
 */
export const GAME_CONFIG_PATH = 'vault-game.yaml';
const MAX_CONFIG = 1024 * 1024;

export interface BundleDecl {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}
export interface PlatformLayout {
  readonly base: string;
  readonly overrides: Readonly<Record<string, string>>;
}
export interface GameConfig {
  readonly bundles: Readonly<Record<string, BundleDecl>> | null;
  readonly platforms: PlatformLayout | null;
}

/** A project snapshot: resolved through milestone annotations, with its files. */
export interface SnapshotFiles {
  readonly id: ObjectId;
  readonly time: number;
  readonly files: Map<string, FlatEntry>;
}

export async function snapshotFiles(vault: Vault, rev: string): Promise<SnapshotFiles> {
  let snap = await readSnapshot(vault, rev);
  const target = annotationTarget(snap);
  if (target) snap = await readSnapshot(vault, target);
  const files = new Map<string, FlatEntry>();
  for (const [p, e] of await flattenTree(vault.db, snap.tree)) if (e.kind !== 'dir') files.set(p, e);
  return { id: snap.id, time: snap.time, files };
}

/** The bytes of a file of a snapshot (small files: configs). */
export async function readSnapshotFile(
  vault: Vault,
  files: Map<string, FlatEntry>,
  path: string,
  max = MAX_CONFIG,
): Promise<Buffer | null> {
  const e = files.get(path);
  if (!e || e.obj === 'tree') return null;
  if (e.size > max) throw new GameConfigError(path, `larger than ${max} bytes`);
  if (e.kind === 'symlink') return null;
  return readStoredFile(vault, e.obj, e.id);
}

function strings(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new GameConfigError(GAME_CONFIG_PATH, `${where} must be a pattern or a list of patterns`);
}

export function parseGameConfig(text: string, snapshot?: ObjectId): GameConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new GameConfigError(GAME_CONFIG_PATH, (e as Error).message.split('\n')[0] ?? '', snapshot);
  }
  if (raw === null || raw === undefined) return { bundles: null, platforms: null };
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new GameConfigError(GAME_CONFIG_PATH, 'must be a mapping with bundles: and/or platforms:', snapshot);
  const r = raw as Record<string, unknown>;
  let bundles: Record<string, BundleDecl> | null = null;
  if (r.bundles !== undefined && r.bundles !== null) {
    if (typeof r.bundles !== 'object' || Array.isArray(r.bundles))
      throw new GameConfigError(GAME_CONFIG_PATH, 'bundles must map names to {include, exclude}', snapshot);
    bundles = {};
    for (const [name, d] of Object.entries(r.bundles as Record<string, unknown>)) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
        throw new GameConfigError(GAME_CONFIG_PATH, `bundle name '${name}' (letters, digits, . _ -)`, snapshot);
      const decl = Array.isArray(d) || typeof d === 'string' ? { include: d } : (d as Record<string, unknown> | null);
      if (!decl || typeof decl !== 'object')
        throw new GameConfigError(GAME_CONFIG_PATH, `bundle '${name}' needs include patterns`, snapshot);
      const include = strings(decl.include, `bundles.${name}.include`);
      if (!include.length)
        throw new GameConfigError(GAME_CONFIG_PATH, `bundle '${name}' has no include patterns`, snapshot);
      bundles[name] = { include, exclude: strings(decl.exclude, `bundles.${name}.exclude`) };
    }
  }
  let platforms: PlatformLayout | null = null;
  if (r.platforms !== undefined && r.platforms !== null) {
    const p = r.platforms as Record<string, unknown>;
    if (typeof p !== 'object' || typeof p.base !== 'string' || !p.base)
      throw new GameConfigError(
        GAME_CONFIG_PATH,
        'platforms needs base: PATH and overrides: {platform: PATH}',
        snapshot,
      );
    const o = p.overrides as Record<string, unknown> | undefined;
    if (!o || typeof o !== 'object' || Array.isArray(o) || !Object.keys(o).length)
      throw new GameConfigError(
        GAME_CONFIG_PATH,
        'platforms.overrides must map each platform to its override file',
        snapshot,
      );
    const overrides: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) {
      if (typeof v !== 'string' || !v)
        throw new GameConfigError(GAME_CONFIG_PATH, `platforms.overrides.${k} must be a file path`, snapshot);
      overrides[k] = v.replace(/^\.\//, '');
    }
    platforms = { base: p.base.replace(/^\.\//, ''), overrides };
  }
  return { bundles, platforms };
}

/** The declarations of a snapshot (both null when it has no vault-game.yaml). */
export async function readGameConfig(vault: Vault, snap: SnapshotFiles): Promise<GameConfig> {
  const bytes = await readSnapshotFile(vault, snap.files, GAME_CONFIG_PATH);
  if (!bytes) return { bundles: null, platforms: null };
  return parseGameConfig(bytes.toString('utf8'), snap.id);
}
