import { writeAll, type FileHandle } from './fs.js';

/**
 * Writing restored content so that sparse files stay sparse (restic does the
 * same): a piece that is all zeros is not written, which leaves a hole, and the
 * file's size is set once at the end with ftruncate (setSize).
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

/** Write `buf` at `pos` (retrying short writes), or leave a hole when it is all zeros. */
export async function writeOrHole(fh: FileHandle, buf: Uint8Array, pos: number): Promise<void> {
  if (!isAllZeros(buf)) await writeAll(fh, buf, pos);
}

/** Give a file written with writeOrHole its final size (a trailing hole is not written either). */
export async function setSize(fh: FileHandle, size: number): Promise<void> {
  await fh.truncate(size);
}
