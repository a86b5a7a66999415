import { UsageError } from '../errors.js';
import { decodeSnapshot } from '../objects/snapshot.js';
import type { ObjectId } from '../objects/types.js';
import { chunkerConfig, chunkerFromConfig, type ChunkerConfig } from '../plumbing/chunkers/index.js';
import { defaultConfig, readConfig, writeConfig, type VaultConfig } from '../plumbing/config.js';
import { acquireLock } from '../plumbing/lock.js';
import type { Vault } from './openVault.js';

/**
 * Persona and tool settings live in `.vault/config` under `extra`. This
 * changes some keys (value undefined: remove the key) under the vault lock,
 * re-reading the file first so two tools never drop each other's settings;
 * the write is atomic. Returns the new `extra`.
 */
export async function setConfigExtra(
  vault: Vault,
  patch: Record<string, unknown>,
  opts: { lockWait?: number } = {},
): Promise<Record<string, unknown>> {
  const release = await acquireLock({
    fs: vault.fs,
    path: vault.db.paths.lock,
    command: 'config',
    wait: opts.lockWait,
    clock: vault.clock,
  });
  try {
    const c = await readConfig(vault.fs, vault.vaultDir);
    const extra: Record<string, unknown> = { ...c.extra };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete extra[k];
      else extra[k] = v;
    }
    await writeConfig(vault.fs, vault.vaultDir, { ...c, extra });
    (vault as { config: typeof c }).config = { ...c, extra };
    return extra;
  } finally {
    await release();
  }
}

export const PERSONAS = ['creative', 'game', 'none'] as const;
export type Persona = (typeof PERSONAS)[number];
/** A persona that adds something (not 'none'): what the TUI's persona panels and commit's attachments key on. */
export type ActivePersona = Exclude<Persona, 'none'>;

/** The vault's persona (config extra.persona); 'none' when unset. */
export function personaOf(vault: Pick<Vault, 'config'>): Persona {
  const p = vault.config.extra.persona;
  return PERSONAS.includes(p as Persona) ? (p as Persona) : 'none';
}

export function checkPersona(p: string): Persona {
  if (!PERSONAS.includes(p as Persona))
    throw new UsageError(`unknown persona '${p}'`, `use one of: ${PERSONAS.join(', ')}`);
  return p as Persona;
}

/**
 * Personas combine: `with` lists other personas whose commit attachments a vault also keeps (a game
 * vault `--with creative` keeps thumbnails of changed images and models too). `none` clears the list.
 * Returns the config `extra` patch.
 */
export function withSettings(list: readonly string[]): Record<string, unknown> {
  if (!list.length) return {};
  const names = [...new Set(list.flatMap((x) => x.split(',')).map((x) => checkPersona(x.trim())))];
  const kept = names.filter((p) => p !== 'none');
  return { with: kept.length ? kept : undefined };
}

/** The personas a vault keeps besides its own (config extra.with). */
export function personasWith(vault: Pick<Vault, 'config'>): Persona[] {
  const w = vault.config.extra.with;
  return Array.isArray(w) ? w.filter((p): p is Persona => PERSONAS.includes(p as Persona) && p !== 'none') : [];
}

// ---- settings that travel with the vault ----

/**
 * What a clone takes over from the vault it copies: the settings that make teammates' commits alike. The
 * persona and the personas it keeps `with` (what commit attaches, how merges treat files), the attachment
 * switches (`thumbnails`, `references`) and `elementMerge`, and the chunker (so the same file is cut into the
 * same chunks on every machine, and a push sends only the chunks that changed). Ignore rules and lockable
 * patterns travel as files of the tree (`.vaultignore`, `.vaultlockable`). Compression level, pack size and
 * the creative workspace (paths on this machine) stay local.
 */
export interface TravellingSettings {
  persona?: ActivePersona;
  with?: ActivePersona[];
  thumbnails?: boolean;
  references?: boolean;
  elementMerge?: boolean;
  chunker?: ChunkerConfig;
}

/** The snapshot meta key that holds them (JSON, sorted keys). */
export const SETTINGS_META = 'vault.settings';

const SWITCHES = ['thumbnails', 'references', 'elementMerge'] as const;
/** a remote's chunker may cut no bigger chunks than a fetch holds in memory */
const MAX_REMOTE_CHUNK = 64 * 1024 * 1024;

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** The vault's travelling settings that differ from a new vault's (empty for a vault left as it was made). */
export function travellingSettings(config: Pick<VaultConfig, 'extra' | 'chunker'>): TravellingSettings {
  const out: TravellingSettings = {};
  const persona = personaOf({ config: config as VaultConfig });
  if (persona !== 'none') out.persona = persona;
  const w = personasWith({ config: config as VaultConfig }).filter((p): p is ActivePersona => p !== 'none');
  if (w.length) out.with = w;
  for (const k of SWITCHES) if (typeof config.extra[k] === 'boolean') out[k] = config.extra[k] as boolean;
  if (canonical(config.chunker) !== canonical(defaultConfig().chunker))
    out.chunker = { name: config.chunker.name, params: { ...config.chunker.params } };
  return out;
}

/**
 * The meta a new snapshot records its vault's settings in: the travelling settings when any differ from a
 * new vault's; `{}` when none do but the parent recorded some (so a switch back to the defaults travels
 * too); nothing otherwise, so a plain vault's snapshots are as they always were.
 */
export async function settingsMeta(
  config: Pick<VaultConfig, 'extra' | 'chunker'>,
  parentMeta: () => Promise<Readonly<Record<string, string>> | undefined>,
): Promise<Record<string, string>> {
  const t = travellingSettings(config);
  if (Object.keys(t).length) return { [SETTINGS_META]: canonical(t) };
  const p = (await parentMeta())?.[SETTINGS_META];
  return p !== undefined && p !== '{}' ? { [SETTINGS_META]: '{}' } : {};
}

/**
 * Read settings recorded in a snapshot's meta (from a remote: nothing is trusted). What is not understood, or
 * a chunker this Vault does not know or that cuts chunks over 64 MiB, is left out and named in `ignored`.
 */
export function settingsFromMeta(text: string): { settings: TravellingSettings; ignored: string[] } {
  const settings: TravellingSettings = {};
  const ignored: string[] = [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { settings, ignored: [SETTINGS_META] };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { settings, ignored: [SETTINGS_META] };
  const active = (p: unknown): p is ActivePersona => PERSONAS.includes(p as Persona) && p !== 'none';
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'persona' && active(v)) settings.persona = v;
    else if (k === 'with' && Array.isArray(v) && v.length && v.every(active)) settings.with = [...new Set(v)];
    else if ((SWITCHES as readonly string[]).includes(k) && typeof v === 'boolean')
      settings[k as (typeof SWITCHES)[number]] = v;
    else if (k === 'chunker' && goodChunker(v)) settings.chunker = chunkerConfig(chunkerFromConfig(v));
    else ignored.push(k);
  }
  return { settings, ignored };
}

function goodChunker(v: unknown): v is ChunkerConfig {
  const c = v as ChunkerConfig;
  if (!c || typeof c.name !== 'string' || !c.params || typeof c.params !== 'object') return false;
  if (!Object.values(c.params).every((x) => Number.isSafeInteger(x) && x > 0)) return false;
  try {
    const made = chunkerFromConfig(c);
    return made.maxSize <= MAX_REMOTE_CHUNK && canonical(chunkerConfig(made)) === canonical(c);
  } catch {
    return false;
  }
}

/**
 * The settings that travel with the history ending at `head`: those of the nearest snapshot on its
 * first-parent line that recorded any (commits from outside Vault record none), else a new vault's.
 */
export async function settingsAt(
  vault: Pick<Vault, 'db'>,
  head: ObjectId,
  maxSteps = 1000,
): Promise<{ settings: TravellingSettings; ignored: string[]; from: ObjectId | null }> {
  let id: ObjectId | undefined = head;
  for (let i = 0; id && i < maxSteps; i++) {
    if (!(await vault.db.has(id))) break;
    const s = decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id);
    const text = s.meta[SETTINGS_META];
    if (text !== undefined) return { ...settingsFromMeta(text), from: id };
    id = s.parents[0];
  }
  return { settings: {}, ignored: [], from: null };
}

/** Make a vault's travelling settings these (under the vault lock; other settings are kept). */
export async function applySettings(
  vault: Vault,
  t: TravellingSettings,
  opts: { lockWait?: number } = {},
): Promise<void> {
  const release = await acquireLock({
    fs: vault.fs,
    path: vault.db.paths.lock,
    command: 'config',
    wait: opts.lockWait,
    clock: vault.clock,
  });
  try {
    const c = await readConfig(vault.fs, vault.vaultDir);
    const extra: Record<string, unknown> = { ...c.extra };
    for (const k of ['persona', 'with', ...SWITCHES] as const) {
      if (t[k] === undefined) delete extra[k];
      else extra[k] = t[k];
    }
    const next = { ...c, extra, chunker: t.chunker ?? defaultConfig().chunker };
    await writeConfig(vault.fs, vault.vaultDir, next);
    (vault as { config: VaultConfig }).config = next;
  } finally {
    await release();
  }
}
