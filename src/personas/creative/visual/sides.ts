import { PathNotFoundError, fsError } from '../../../errors.js';
import { normalizeRel } from '../../../porcelain/restore.js';
import { isNotFound, joinPath } from '../../../plumbing/fs.js';
import { lookupPath } from '../../../plumbing/trees.js';
import type { ObjectId } from '../../../objects/types.js';
import type { DiffSide } from '../../../porcelain/diff.js';
import { readStoredFile } from '../../../porcelain/diff.js';
import { storedPieces } from '../../../plumbing/storedContent.js';
import type { ImageInput } from '../formats/openImage.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { readSnapshot } from '../../../porcelain/readSnapshot.js';
import { TooLargeError } from '../formats/errors.js';

/** Files larger than this are not read into memory for a visual diff (512 MiB). */
export const MAX_VISUAL_BYTES = 512 * 1024 * 1024;

/** One side of a comparison, resolved once: a snapshot's root tree, or the working folder. */
export interface ResolvedSide {
  readonly label: string;
  /** snapshot id, or 'worktree' */
  readonly id: ObjectId | 'worktree';
  readonly tree?: ObjectId;
}

export async function resolveSide(vault: Vault, side: DiffSide): Promise<ResolvedSide> {
  if (side.kind === 'worktree') return { label: 'working folder', id: 'worktree' };
  const snap = await readSnapshot(vault, side.rev);
  return { label: side.rev, id: snap.id, tree: snap.tree };
}

/** A project-relative posix path, '..' resolved; refuses paths that leave the project (restore's rule). */
export const projectPath = normalizeRel;

/** The bytes of `path` on a side, or null when that side has no such file. Refuses files above MAX_VISUAL_BYTES. */
export async function readSideFile(
  vault: Vault,
  side: ResolvedSide,
  path: string,
  max = MAX_VISUAL_BYTES,
): Promise<Uint8Array | null> {
  const rel = projectPath(path);
  if (!rel || rel === '.vault' || rel.startsWith('.vault/')) return null;
  if (side.id === 'worktree') {
    const abs = joinPath(vault.workTree, rel);
    try {
      const st = await vault.fs.stat(abs);
      if (!st.isFile()) return null;
      if (st.size > max) throw new TooLargeError(rel, `${st.size} bytes`, `${max} bytes`);
      return new Uint8Array(await vault.fs.readFile(abs));
    } catch (e) {
      if (isNotFound(e)) return null;
      throw fsError(e, 'read', abs);
    }
  }
  const e = await lookupPath(vault.db, side.tree!, rel);
  if (!e || (e.kind !== 'file' && e.kind !== 'exec')) return null;
  if (e.size > max) throw new TooLargeError(rel, `${e.size} bytes`, `${max} bytes`);
  return new Uint8Array(await readStoredFile(vault, e.obj, e.id));
}

/**
 * readRelated for a model at `modelPath` on a side: files it references, relative to its folder,
 * from the same side; null when missing or when the reference leaves the project.
 */
export function relatedReader(
  vault: Vault,
  side: ResolvedSide,
  modelPath: string,
): (relative: string) => Promise<Uint8Array | null> {
  const dir = projectPath(modelPath).split('/').slice(0, -1).join('/');
  return async (relative: string) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(relative) || relative.startsWith('/')) return null;
    let p: string;
    try {
      p = projectPath(dir ? `${dir}/${relative}` : relative);
    } catch {
      return null;
    }
    return readSideFile(vault, side, p);
  };
}

/** pieces of a file in the working folder, read 1 MiB at a time */
async function* filePieces(vault: Vault, abs: string): AsyncGenerator<Uint8Array> {
  const fh = await vault.fs.open(abs, 'r').catch((e: unknown) => {
    throw fsError(e, 'open', abs);
  });
  try {
    for (let pos = 0; ;) {
      const buf = new Uint8Array(1 << 20);
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (!bytesRead) return;
      pos += bytesRead;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

async function headOf(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  for await (const p of pieces) return p.subarray(0, 64);
  return new Uint8Array(0);
}

/** A file on one side: its stored id (snapshots), first bytes, size, and content in pieces or whole. */
export interface SideInput extends ImageInput {
  /** the stored object id (snapshot sides): equal ids are equal content */
  readonly id?: string;
}

/** Whether two inputs hold the same bytes (ids when both have one, else read and compared piece by piece). */
export async function sameContent(x: SideInput, y: SideInput): Promise<boolean> {
  if (x.size !== y.size) return false;
  if (x.id && y.id) return x.id === y.id;
  const [a, b] = [x.pieces()[Symbol.asyncIterator](), y.pieces()[Symbol.asyncIterator]()];
  let [pa, pb] = [new Uint8Array(0), new Uint8Array(0)];
  for (;;) {
    if (!pa.length) pa = (await a.next()).value ?? new Uint8Array(0);
    if (!pb.length) pb = (await b.next()).value ?? new Uint8Array(0);
    if (!pa.length || !pb.length) return !pa.length && !pb.length;
    const n = Math.min(pa.length, pb.length);
    if (Buffer.compare(pa.subarray(0, n), pb.subarray(0, n)) !== 0) return false;
    [pa, pb] = [pa.subarray(n), pb.subarray(n)];
  }
}

/**
 * `path` on a side as an input read in pieces (a big PNG is never held whole), or null when
 * that side has no such file. `bytes()` refuses files above MAX_VISUAL_BYTES.
 */
export async function sideInput(vault: Vault, side: ResolvedSide, path: string): Promise<SideInput | null> {
  const rel = projectPath(path);
  if (!rel || rel === '.vault' || rel.startsWith('.vault/')) return null;
  let size: number;
  let pieces: () => AsyncIterable<Uint8Array>;
  let id: string | undefined;
  if (side.id === 'worktree') {
    const abs = joinPath(vault.workTree, rel);
    try {
      const st = await vault.fs.stat(abs);
      if (!st.isFile()) return null;
      size = Number(st.size);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw fsError(e, 'read', abs);
    }
    pieces = () => filePieces(vault, abs);
  } else {
    const e = await lookupPath(vault.db, side.tree!, rel);
    if (!e || (e.kind !== 'file' && e.kind !== 'exec')) return null;
    size = e.size;
    pieces = () => storedPieces(vault.db, e.obj, e.id, 2);
    id = e.id;
  }
  return {
    ...(id ? { id } : {}),
    head: await headOf(pieces()),
    size,
    pieces,
    bytes: async () => {
      const b = await readSideFile(vault, side, rel);
      if (!b) throw new PathNotFoundError(rel, side.label);
      return b;
    },
  };
}
