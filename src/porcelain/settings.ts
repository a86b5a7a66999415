import { UsageError } from '../errors.js';
import { readConfig, writeConfig } from '../plumbing/config.js';
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
