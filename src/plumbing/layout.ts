import { joinPath } from './fs.js';

/** Where things live inside `.vault/`. */
export const VAULT_DIR = '.vault';

export function vaultPaths(vaultDir: string) {
  return {
    root: vaultDir,
    config: joinPath(vaultDir, 'config'),
    head: joinPath(vaultDir, 'HEAD'),
    objects: joinPath(vaultDir, 'objects'),
    packs: joinPath(vaultDir, 'packs'),
    refs: joinPath(vaultDir, 'refs'),
    logs: joinPath(vaultDir, 'logs'),
    index: joinPath(vaultDir, 'index'),
    lock: joinPath(vaultDir, 'lock'),
    tmp: joinPath(vaultDir, 'tmp'),
  };
}
export type VaultPaths = ReturnType<typeof vaultPaths>;
