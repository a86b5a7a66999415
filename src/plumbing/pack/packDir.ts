import { fsError } from '../../errors.js';
import { fsyncDir, isNotFound, joinPath, type FsPromises } from '../fs.js';

/** The pack folder as gc, prune and repair see it: packs, indexes, and leftovers of killed writers. */
export interface PackDir {
  /** pack names (without extension) that have a .pack file */
  readonly packs: Set<string>;
  /** pack names that have a .idx file */
  readonly indexes: Set<string>;
  /** leftovers of killed writers: tmp-*.pack and *.tmp-* files */
  readonly temps: string[];
  /** size of each .pack file */
  readonly sizes: Map<string, number>;
  /** modification time of each .pack file (ms) */
  readonly mtimes: Map<string, number>;
}

/** List `packs/`. A listing failure is an error, never an empty result (callers delete based on it). */
export async function listPackDir(fs: FsPromises, paths: { readonly packs: string }): Promise<PackDir> {
  const dir: PackDir = { packs: new Set(), indexes: new Set(), temps: [], sizes: new Map(), mtimes: new Map() };
  let names: string[];
  try {
    names = (await fs.readdir(paths.packs)) as string[];
  } catch (e) {
    if (isNotFound(e)) return dir;
    throw fsError(e, 'list', paths.packs);
  }
  for (const n of names.sort()) {
    if (n.startsWith('tmp-') || n.includes('.tmp-')) dir.temps.push(n);
    else if (n.startsWith('pack-') && n.endsWith('.pack')) dir.packs.add(n.slice(0, -5));
    else if (n.startsWith('pack-') && n.endsWith('.idx')) dir.indexes.add(n.slice(0, -4));
  }
  for (const name of dir.packs) {
    try {
      const st = await fs.stat(joinPath(paths.packs, `${name}.pack`));
      dir.sizes.set(name, st.size);
      dir.mtimes.set(name, st.mtimeMs);
    } catch (e) {
      throw fsError(e, 'stat', `${name}.pack`);
    }
  }
  return dir;
}

/** Remove a pack: its index first (the pack stops being visible), then the data. */
export async function removePack(fs: FsPromises, paths: { readonly packs: string }, name: string): Promise<void> {
  for (const ext of ['idx', 'pack']) {
    const file = joinPath(paths.packs, `${name}.${ext}`);
    await fs.unlink(file).catch((e) => {
      if (!isNotFound(e)) throw fsError(e, 'remove', file);
    });
    await fsyncDir(fs, paths.packs);
  }
}
