/**
 * Declarative file trees: write one into any FsPromises (memfs or a temp
 * folder), and read a folder back into a comparable listing.
 *
 *   { 'a.txt': 'hello', sub: { 'b.bin': Buffer.from([1, 2]) }, empty: {},
 *     'run.sh': exec('#!/bin/sh\n'), link: symlink('a.txt') }
 */
import { createHash } from 'node:crypto';
import type { FsPromises } from '../../src/plumbing/fs.js';

const KIND = Symbol('kind');

export interface ExecFile {
  readonly [KIND]: 'exec';
  readonly content: string | Uint8Array;
}
export interface Symlink {
  readonly [KIND]: 'symlink';
  readonly target: string;
}
export type FileContent = string | Uint8Array;
export type Node = FileContent | ExecFile | Symlink | FileTree;
export interface FileTree {
  readonly [name: string]: Node;
}

export function exec(content: string | Uint8Array): ExecFile {
  return { [KIND]: 'exec', content };
}
export function symlink(target: string): Symlink {
  return { [KIND]: 'symlink', target };
}

function isFileContent(n: Node): n is FileContent {
  return typeof n === 'string' || n instanceof Uint8Array;
}

export interface WriteTreeOptions {
  /** set every file's and link's mtime (and atime) to this many ms since the epoch */
  mtime?: number;
}

/** Write `tree` under `root` (created if missing). */
export async function writeTree(
  fs: FsPromises,
  root: string,
  tree: FileTree,
  opts: WriteTreeOptions = {},
): Promise<void> {
  await fs.mkdir(root, { recursive: true });
  for (const [name, node] of Object.entries(tree)) {
    const path = `${root}/${name}`;
    if (isFileContent(node)) {
      await fs.writeFile(path, node);
      await fs.chmod(path, 0o644);
    } else if ((node as ExecFile)[KIND] === 'exec') {
      await fs.writeFile(path, (node as ExecFile).content);
      await fs.chmod(path, 0o755);
    } else if ((node as Symlink)[KIND] === 'symlink') {
      await fs.symlink((node as Symlink).target, path);
      if (opts.mtime !== undefined) await fs.lutimes(path, opts.mtime / 1000, opts.mtime / 1000);
      continue;
    } else {
      await writeTree(fs, path, node as FileTree, opts);
      continue;
    }
    if (opts.mtime !== undefined) await fs.utimes(path, opts.mtime / 1000, opts.mtime / 1000);
  }
}

/** One line per path: kind, exec bit, and content digest or link target. Sorted; `.vault` left out. */
export async function listTree(fs: FsPromises, root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  const names = ((await fs.readdir(rel ? `${root}/${rel}` : root)) as string[]).sort();
  for (const name of names) {
    if (!rel && name === '.vault') continue;
    const path = rel ? `${rel}/${name}` : name;
    const abs = `${root}/${path}`;
    const st = await fs.lstat(abs);
    if (st.isSymbolicLink()) out.push(`link ${path} -> ${String(await fs.readlink(abs))}`);
    else if (st.isDirectory()) {
      out.push(`dir  ${path}`);
      out.push(...(await listTree(fs, root, path)));
    } else {
      const data = (await fs.readFile(abs)) as Buffer;
      const x = Number(st.mode) & 0o111 ? 'exec' : 'file';
      out.push(`${x} ${path} ${data.length} ${createHash('sha256').update(data).digest('hex').slice(0, 16)}`);
    }
  }
  return out;
}
