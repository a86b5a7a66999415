import { ftruncateSync, writeSync } from 'node:fs';
import { writeAll, type FileHandle } from './fs.js';

/**
 * Writing restored content so that sparse files stay sparse (restic does the
 * same): a piece that is all zeros is not written, which leaves a hole, and the
 * file's size is set at the end with ftruncate (setSize), only when the file
 * ends in a hole. The same through a FileHandle (the main thread) and a raw
 * descriptor (the restore worker, synchronous calls).
 */
const ZEROS = Buffer.alloc(64 * 1024);

/** True when every byte of `buf` is 0 (an empty buffer too). */
export function isAllZeros(buf: Uint8Array): boolean {
  if (buf.length && (buf[0] !== 0 || buf[buf.length - 1] !== 0)) return false;
  for (let off = 0; off < buf.length; off += ZEROS.length) {
    const n = Math.min(ZEROS.length, buf.length - off);
    if (Buffer.compare(buf.subarray(off, off + n), ZEROS.subarray(0, n)) !== 0) return false;
  }
  return true;
}

/** Write `buf` at `pos` (retrying short writes), or leave a hole when it is all zeros; true when written. */
export async function writeOrHole(fh: FileHandle, buf: Uint8Array, pos: number): Promise<boolean> {
  if (isAllZeros(buf)) return false;
  await writeAll(fh, buf, pos);
  return true;
}

/** writeOrHole on a descriptor, with synchronous calls. */
export function writeOrHoleSync(fd: number, buf: Uint8Array, pos: number): boolean {
  if (isAllZeros(buf)) return false;
  for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off, pos + off);
  return true;
}

/**
 * Give a file written with writeOrHole its final size: `dataEnd` is the end of the last piece written, so a file
 * that does not end in a hole is its size already (an ftruncate a file saved: 100k small files restore).
 */
export async function setSize(fh: FileHandle, size: number, dataEnd: number): Promise<void> {
  if (dataEnd !== size) await fh.truncate(size);
}

/** setSize on a descriptor, with a synchronous call. */
export function setSizeSync(fd: number, size: number, dataEnd: number): void {
  if (dataEnd !== size) ftruncateSync(fd, size);
}
