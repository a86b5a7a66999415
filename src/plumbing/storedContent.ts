import { MalformedObjectError, fsError } from '../errors.js';
import { decodeChunkList, isChunkPart } from '../objects/chunkList.js';
import type { EntryObj, ObjectId } from '../objects/types.js';
import { dirname, fsyncDir, tempName, writeAll, type FileHandle, type FsPromises } from './fs.js';
import type { ObjectDatabase } from './ObjectDatabase.js';

/**
 * A stored file's content piece by piece: a blob is one piece, a chunk list
 * its chunks, each checked against the size its list gives. While the caller
 * works on a piece, the next `ahead` chunks are read (and decompressed); 0 reads
 * only on demand (a caller that stops early, e.g. after a file's header). A tree
 * has no content. Stopping early (break) is fine: reads in flight are dropped.
 */
export async function* storedPieces(
  db: ObjectDatabase,
  obj: EntryObj,
  id: ObjectId,
  ahead = 6,
): AsyncGenerator<Buffer> {
  if (obj === 'blob') {
    yield await db.readTyped(id, 'blob');
    return;
  }
  if (obj !== 'chunklist') return;
  const list = decodeChunkList(await db.readTyped(id, 'chunklist'), id);
  const pending: Promise<Buffer>[] = [];
  let next = 0;
  const fill = (n: number) => {
    while (pending.length < n && next < list.chunks.length) {
      const c = list.chunks[next++]!;
      const p = db.read(c.id).then(({ type, body: b }) => {
        if (!isChunkPart(type)) throw new MalformedObjectError('chunk', `object is a ${type}, not a chunk`, c.id);
        if (b.length !== c.size)
          throw new MalformedObjectError(
            'chunklist',
            `chunk ${c.id.slice(0, 12)} has ${b.length} bytes, the list says ${c.size}`,
            id,
          );
        return b;
      });
      p.catch(() => {}); // awaited in turn below; not an unhandled rejection if the caller stops early
      pending.push(p);
    }
  };
  for (;;) {
    fill(Math.max(1, ahead));
    if (!pending.length) return;
    const b = await pending.shift()!;
    fill(ahead);
    yield b;
  }
}

/** A stored file's whole content in one buffer (mind the size: for files that are decoded in memory anyway). */
export async function readStoredBytes(db: ObjectDatabase, obj: EntryObj, id: ObjectId): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of storedPieces(db, obj, id)) parts.push(p);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Write a stored file to `abs`, streamed: a temp file created exclusively
 * beside it, the content, fsync, then (when given) mode and mtime, rename into
 * place, fsync the folder. The content must add up to `size`. Nothing is left
 * behind on failure. The caller checks that `abs` is a safe place to write.
 * Returns the bytes written.
 */
export async function writeStoredFileAtomic(
  fs: FsPromises,
  db: ObjectDatabase,
  e: { readonly obj: EntryObj; readonly id: ObjectId; readonly size: number; readonly path: string },
  abs: string,
  opts: { mode?: number; mtimeMs?: number } = {},
): Promise<number> {
  const tmp = tempName(abs);
  let fh: FileHandle | undefined;
  let pos = 0;
  try {
    fh = await fs.open(tmp, 'wx', opts.mode === undefined ? 0o644 : 0o600);
    if (e.obj === 'tree') throw new MalformedObjectError('tree', `'${e.path}' is a folder, not a file`, e.id);
    for await (const piece of storedPieces(db, e.obj, e.id)) {
      await writeAll(fh, piece, pos);
      pos += piece.length;
    }
    if (pos !== e.size)
      throw new MalformedObjectError('tree', `'${e.path}' has ${pos} bytes of content, the tree says ${e.size}`);
    await fh.sync();
    await fh.close();
    fh = undefined;
    if (opts.mode !== undefined) await fs.chmod(tmp, opts.mode & 0o7777);
    if (opts.mtimeMs) await fs.utimes(tmp, opts.mtimeMs / 1000, opts.mtimeMs / 1000);
    await fs.rename(tmp, abs);
  } catch (err) {
    await fh?.close().catch(() => {});
    await fs.unlink(tmp).catch(() => {});
    throw fsError(err, 'write', abs);
  }
  await fsyncDir(fs, dirname(abs));
  return pos;
}
