import { addLockablePatterns, type LockableSetup } from '../porcelain/locks/lockable.js';
import type { FsPromises } from '../plumbing/fs.js';

/**
 * The files each persona locks by default (`.vaultlockable`): the ones nobody can merge. Painting and 3D
 * documents for the creative persona; for the game persona also engine scenes, prefabs and packages.
 * `vault init --persona creative|game` adds the lines the file lacks; the user may remove any of them.
 */
export const LOCKABLE_DEFAULTS: Readonly<Record<'creative' | 'game', readonly string[]>> = {
  creative: [
    '*.psd',
    '*.psb',
    '*.kra',
    '*.xcf',
    '*.clip',
    '*.procreate',
    '*.afphoto',
    '*.afdesign',
    '*.ai',
    '*.indd',
    '*.blend',
    '*.ma',
    '*.mb',
    '*.max',
    '*.c4d',
    '*.ztl',
    '*.spp',
    '*.aep',
    '*.prproj',
  ],
  game: [
    '*.psd',
    '*.psb',
    '*.kra',
    '*.blend',
    '*.ma',
    '*.mb',
    '*.max',
    '*.spp',
    '*.tscn',
    '*.scn',
    '*.unity',
    '*.prefab',
    '*.uasset',
    '*.umap',
  ],
};

/** Add the persona's lockable patterns to `<dir>/.vaultlockable` (only the lines it lacks). */
export function setupLockable(fs: FsPromises, dir: string, persona: 'creative' | 'game'): Promise<LockableSetup> {
  return addLockablePatterns(
    fs,
    dir,
    LOCKABLE_DEFAULTS[persona],
    'files one person edits at a time: read-only until you run vault lock PATH (gitignore syntax)',
  );
}
