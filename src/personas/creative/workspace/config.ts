import { posix } from 'node:path';
import { UsageError } from '../../../errors.js';
import { badEntryName } from '../../../objects/tree.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { setConfigExtra } from '../../../porcelain/settings.js';
import { UnknownWorkspaceError, WorkspaceExistsError } from './errors.js';
import { WORKSPACE_NAME as NAME } from './manifest.js';

/**
 * Workspace paths: files and folders outside (or inside) the project that
 * hold an artist's working state (application layouts, brush presets,
 * palettes). Declared in `.vault/config` as `extra.workspace`, a list of
 * { name, path } with absolute paths; `vault commit` captures them with the
 * snapshot (attachment `workspace`).
 */
export interface WorkspacePath {
  /** short name: [A-Za-z0-9._-], unique in the vault */
  readonly name: string;
  /** absolute, normalised */
  readonly path: string;
}

/** The workspace paths declared in the vault's config (malformed items are ignored). */
export function listWorkspace(vault: Pick<Vault, 'config'>): WorkspacePath[] {
  const w = vault.config.extra.workspace;
  if (!Array.isArray(w)) return [];
  return w.filter(
    (x): x is WorkspacePath =>
      !!x &&
      typeof x === 'object' &&
      typeof x.name === 'string' &&
      NAME.test(x.name) &&
      typeof x.path === 'string' &&
      x.path.startsWith('/'),
  );
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/** Declare a workspace path (absolute). The name defaults to the path's last part. */
export async function addWorkspace(opts: { vault: Vault; path: string; name?: string }): Promise<WorkspacePath> {
  const { vault } = opts;
  if (!posix.isAbsolute(opts.path))
    throw new UsageError(
      `workspace path '${opts.path}' is not absolute`,
      'give the full path (the CLI resolves relative paths from the current folder)',
    );
  const path = posix.normalize(opts.path).replace(/(.)\/+$/, '$1');
  if (path === '/')
    throw new UsageError('the whole filesystem cannot be a workspace path', 'name the folder that holds the settings');
  for (const part of path.slice(1).split('/')) {
    const why = badEntryName(part, 'dir');
    if (why) throw new UsageError(`workspace path '${path}' has a part '${part}' that ${why}`, 'name another folder');
  }
  const vaultDir = posix.normalize(vault.vaultDir);
  if (inside(vaultDir, path) || inside(path, vaultDir))
    throw new UsageError(
      `workspace path '${path}' contains or is inside the vault's own folder ${vaultDir}`,
      'name a folder of application settings, not the project or its vault',
    );
  const name =
    opts.name ??
    posix
      .basename(path)
      .replace(/^\.+/, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-');
  if (!NAME.test(name))
    throw new UsageError(
      `'${name}' cannot name a workspace path`,
      'use --name with letters, digits, dot, dash or underscore',
    );
  const list = listWorkspace(vault);
  const same = list.find((w) => w.name === name || w.path === path);
  if (same) throw new WorkspaceExistsError(same.name, same.path);
  const entry = { name, path };
  await setConfigExtra(vault, { workspace: [...list, entry] });
  return entry;
}

/** Stop capturing a workspace path (snapshots that hold it keep it). */
export async function removeWorkspace(opts: { vault: Vault; name: string }): Promise<WorkspacePath> {
  const list = listWorkspace(opts.vault);
  const hit = list.find((w) => w.name === opts.name);
  if (!hit)
    throw new UnknownWorkspaceError(
      opts.name,
      list.map((w) => w.name),
    );
  const rest = list.filter((w) => w !== hit);
  await setConfigExtra(opts.vault, { workspace: rest.length ? rest : undefined });
  return hit;
}
