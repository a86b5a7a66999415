import { UnsafePathError, VaultError, fsError } from '../../../errors.js';
import { dirname, isNotFound, writeFileAtomic, type FsPromises } from '../../../plumbing/fs.js';
import { encodePng, type RgbaImage } from '../formats/images.js';

export interface WriteDiffImageOptions {
  fs: FsPromises;
  /** absolute path of the PNG to write */
  path: string;
  image: RgbaImage;
  /** the vault's storage folder: never written into */
  vaultDir?: string;
  /** the project folder: inside it, no folder on the way may be a symlink */
  workTree?: string;
}

/**
 * Write a diff picture as PNG, atomically (temp file, fsync, rename). Refuses to write into the
 * vault's storage, over a folder or a symlink, or (inside the project) through a symlinked folder.
 */
export async function writeDiffImage(opts: WriteDiffImageOptions): Promise<{ path: string; bytes: number }> {
  const { fs } = opts;
  const path = opts.path.replace(/\/+$/, '');
  const inside = (root: string | undefined) => !!root && (path === root || path.startsWith(`${root}/`));
  if (inside(opts.vaultDir)) throw new UnsafePathError(opts.path, "inside the vault's storage folder");
  try {
    const st = await fs.lstat(path);
    if (st.isSymbolicLink()) throw new UnsafePathError(opts.path, 'is a symbolic link; name a regular file');
    if (!st.isFile()) throw new UnsafePathError(opts.path, 'is not a regular file');
  } catch (e) {
    if (!isNotFound(e)) throw fsError(e, 'stat', path);
  }
  const dir = dirname(path);
  try {
    if (!(await fs.stat(dir)).isDirectory()) throw new UnsafePathError(opts.path, `${dir} is not a folder`);
  } catch (e) {
    if (isNotFound(e))
      throw new VaultError(
        'ENOPATH',
        `folder ${dir} does not exist`,
        { path: opts.path },
        'create the folder first, or name another --out file',
      );
    throw fsError(e, 'stat', dir);
  }
  if (opts.workTree && inside(opts.workTree)) {
    const rel = path
      .slice(opts.workTree.length + 1)
      .split('/')
      .slice(0, -1);
    for (let i = 1; i <= rel.length; i++) {
      const d = `${opts.workTree}/${rel.slice(0, i).join('/')}`;
      if ((await fs.lstat(d)).isSymbolicLink()) throw new UnsafePathError(opts.path, `folder ${d} is a symbolic link`);
    }
  }
  const png = encodePng(opts.image);
  await writeFileAtomic(fs, path, png);
  return { path, bytes: png.length };
}
