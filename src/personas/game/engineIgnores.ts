import { fsError } from '../../errors.js';
import { exists, isNotFound, joinPath, writeFileAtomic, type FsPromises } from '../../plumbing/fs.js';

/**
 * What a game engine regenerates by itself and a backup should skip: Godot's `.godot/` editor cache
 * (imported textures, uid cache; Godot 3: `.import/`), Unity's `Library/`, `Temp/`, `Obj/`, `Logs/`
 * and `UserSettings/`. `vault init --persona game` writes them into the project's `.vaultignore`
 * (gitignore syntax), adding only the lines it lacks; the user can remove any of them.
 */
export type Engine = 'godot' | 'unity';

export interface IgnoreSetup {
  readonly engine: Engine;
  /** lines added to .vaultignore (none when it had them all) */
  readonly added: readonly string[];
  /** .vaultignore did not exist before */
  readonly created: boolean;
}

const IGNORES: Readonly<Record<Engine, readonly string[]>> = {
  godot: ['.godot/'],
  unity: ['/Library/', '/Temp/', '/Obj/', '/Logs/', '/UserSettings/'],
};

/** The engine of a project folder: project.godot (Godot), ProjectSettings/ProjectVersion.txt (Unity). */
export async function detectEngine(fs: FsPromises, dir: string): Promise<Engine | null> {
  if (await exists(fs, joinPath(dir, 'project.godot'))) return 'godot';
  if (await exists(fs, joinPath(dir, 'ProjectSettings', 'ProjectVersion.txt'))) return 'unity';
  return null;
}

/** Add the engine's generated folders to `<dir>/.vaultignore` (atomically); null when no engine is detected. */
export async function setupEngineIgnores(fs: FsPromises, dir: string): Promise<IgnoreSetup | null> {
  const engine = await detectEngine(fs, dir);
  if (!engine) return null;
  const path = joinPath(dir, '.vaultignore');
  let text = '';
  let created = false;
  try {
    text = String(await fs.readFile(path, 'utf8'));
  } catch (e) {
    if (!isNotFound(e)) throw fsError(e, 'read', path);
    created = true;
  }
  const want = [...IGNORES[engine]];
  if (engine === 'godot' && (await exists(fs, joinPath(dir, '.import')))) want.push('.import/');
  const have = new Set(text.split(/\r?\n/).map((l) => l.trim()));
  const added = want.filter((l) => !have.has(l) && !have.has(l.replace(/^\//, '')) && !have.has(`/${l}`));
  if (added.length) {
    const head = created
      ? `# ${engine === 'godot' ? 'Godot' : 'Unity'} regenerates these; vault does not keep them\n`
      : '';
    const sep = text && !text.endsWith('\n') ? '\n' : '';
    await writeFileAtomic(fs, path, `${text}${sep}${head}${added.join('\n')}\n`);
  }
  return { engine, added, created };
}
