import type { Vault } from '../../porcelain/openVault.js';
import { ConfigSyntaxError } from '../engines/errors.js';
import {
  UNITY_TARGETS,
  parseUnityYaml,
  unityEffective,
  unityPlatformsOf,
  type UnityObject,
} from '../engines/unity/settings.js';
import type { ConfigObject } from './configFormats.js';
import { UnknownPlatformError } from './errors.js';
import type { PlatformSource } from './platformTypes.js';
import { readSnapshotFile, type SnapshotFiles } from './projectConfig.js';

const MAX = 4 * 1024 * 1024;
const SETTINGS = /^ProjectSettings\/[^/]+\.asset$/;

/** A Unity project's per-platform settings (ProjectSettings/*.asset); null when the snapshot has none. */
export async function unitySource(vault: Vault, snap: SnapshotFiles): Promise<PlatformSource | null> {
  if (!snap.files.has('ProjectSettings/ProjectSettings.asset')) return null;
  const all: UnityObject = {};
  for (const path of [...snap.files.keys()].filter((p) => SETTINGS.test(p)).sort()) {
    const bytes = await readSnapshotFile(vault, snap.files, path, MAX);
    if (!bytes) continue;
    try {
      Object.assign(all, parseUnityYaml(bytes.toString('utf8'), path));
    } catch (e) {
      if (e instanceof ConfigSyntaxError)
        throw new ConfigSyntaxError(path, Number(e.data.line), String(e.data.reason), snap.id);
      throw e;
    }
  }
  const platforms = [...unityPlatformsOf(all)].sort();
  const base = (unityEffective(all, null) ?? {}) as ConfigObject;
  return {
    source: 'ProjectSettings',
    snapshot: snap.id,
    platforms,
    has: (p) => Object.hasOwn(UNITY_TARGETS, p),
    base: async () => base,
    resolve: async (platform) => {
      if (!Object.hasOwn(UNITY_TARGETS, platform)) throw new UnknownPlatformError(platform, Object.keys(UNITY_TARGETS));
      const config = (unityEffective(all, platform) ?? {}) as ConfigObject;
      const r = { snapshot: snap.id, platform, source: 'ProjectSettings' as const };
      return { ...r, base: 'ProjectSettings/', override: 'ProjectSettings/', config, problems: [] };
    },
  };
}
