import type { Vault } from '../../porcelain/openVault.js';
import { ConfigSyntaxError } from '../engines/errors.js';
import {
  GODOT_PLATFORMS,
  effectiveSettings,
  findGodotPlatform,
  godotPlatforms,
  godotProjectSettings,
  type GodotPlatform,
} from '../engines/godot/features.js';
import type { ConfigObject } from './configFormats.js';
import { UnknownPlatformError } from './errors.js';
import type { ConfigProblem, PlatformSource, ResolvedPlatform } from './platformTypes.js';
import { readSnapshotFile, type SnapshotFiles } from './projectConfig.js';

const MAX = 4 * 1024 * 1024;

/** The project.godot of a snapshot: at the root, else the only one there is; null when none (or several). */
export function godotProjectPath(files: ReadonlyMap<string, unknown>): string | null {
  if (files.has('project.godot')) return 'project.godot';
  const found = [...files.keys()].filter((p) => p.endsWith('/project.godot'));
  return found.length === 1 ? (found[0] ?? null) : null;
}

function withSnapshot<T>(snapshot: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigSyntaxError)
      throw new ConfigSyntaxError(String(e.data.path), Number(e.data.line), String(e.data.reason), snapshot);
    throw e;
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'mapping' : typeof v;
}

/** Platforms from a Godot project's own files: project.godot's feature overrides, export_presets.cfg's platforms. */
export async function godotSource(vault: Vault, snap: SnapshotFiles): Promise<PlatformSource | null> {
  const path = godotProjectPath(snap.files);
  if (!path) return null;
  const bytes = await readSnapshotFile(vault, snap.files, path, MAX);
  if (!bytes) return null;
  const project = withSnapshot(snap.id, () => godotProjectSettings(bytes.toString('utf8'), path));
  const presetsPath = path.replace(/project\.godot$/, 'export_presets.cfg');
  const presets = await readSnapshotFile(vault, snap.files, presetsPath, MAX);
  const platforms = withSnapshot(snap.id, () => godotPlatforms(presets ? presets.toString('utf8') : null, presetsPath));
  const known = () => [...new Set([...platforms.map((p) => p.name), ...GODOT_PLATFORMS])];
  const base = Object.fromEntries(project.settings.map((s) => [s.name, s.value])) as ConfigObject;
  const resolve = async (name: string, extra: readonly string[] = []): Promise<ResolvedPlatform> => {
    const platform: GodotPlatform | null = findGodotPlatform(platforms, name);
    if (!platform) throw new UnknownPlatformError(name, known());
    const features = [...new Set([...platform.features, ...extra])];
    const eff = effectiveSettings(project, features);
    const problems: ConfigProblem[] = [];
    for (const o of eff.applied) {
      const b = base[o.base];
      if (b === undefined || b === null || o.value === null || typeOf(b) === typeOf(o.value)) continue;
      problems.push({
        kind: 'type-mismatch',
        key: o.key,
        baseType: typeOf(b),
        overrideType: typeOf(o.value),
        line: o.line,
      });
    }
    const r = { snapshot: snap.id, platform: platform.name, source: 'project.godot' as const, base: path };
    return { ...r, override: path, features, config: Object.fromEntries(eff.values) as ConfigObject, problems };
  };
  return {
    source: 'project.godot',
    snapshot: snap.id,
    platforms: platforms.map((p) => p.name).sort(),
    has: (p) => findGodotPlatform(platforms, p) !== null,
    base: async () => base,
    resolve,
  };
}
