import { createHash } from 'node:crypto';
import type { WorkList } from './workList.js';

/**
 * Digest of the hashed entries (see StatCache.tree): equal digests give equal trees. The SHA-256 of the UTF-8
 * text `tree-v1\n` then, per entry in walk order, `path\0kind\0size\0mtime\0obj\0id\n` (a folder: `path\0dir\0`
 * `0\x000\0\0\n`). The lines are written as bytes into one 128 KiB buffer, hashed each time it is half full: no
 * string per line (at 7k files the strings were most of the young-generation garbage of an unchanged commit).
 */
export function digestOf(list: WorkList): string {
  const h = createHash('sha256');
  const b = Buffer.allocUnsafe(128 * 1024);
  const HALF = 64 * 1024;
  let o = b.write('tree-v1\n', 0, 'latin1');
  const line = (i: number, at: number): number => {
    let p = list.writePath(i, b, at, b.length - 160);
    if (p < 0) return -1;
    if (list.isDir(i)) return p + b.write('\0dir\x000\x000\0\0\n', p, 'latin1');
    b[p++] = 0;
    p += b.write(list.kind(i), p, 'latin1');
    b[p++] = 0;
    p += b.write(String(list.treeSize(i)), p, 'latin1');
    b[p++] = 0;
    p += b.write(String(Math.trunc(list.mtimeMs(i))), p, 'latin1');
    b[p++] = 0;
    p += b.write(list.obj(i), p, 'latin1');
    b[p++] = 0;
    p = list.writeIdHex(i, b, p);
    b[p++] = 0x0a;
    return p;
  };
  for (let i = 0; i < list.length; i++) {
    if (!list.isDir(i) && !list.hasId(i)) continue;
    let next = line(i, o);
    if (next < 0) {
      h.update(b.subarray(0, o));
      o = 0;
      next = line(i, o);
    }
    if (next < 0) {
      // a path longer than the buffer: the line as a string
      h.update(lineText(list, i));
      continue;
    }
    o = next;
    if (o >= HALF) {
      h.update(b.subarray(0, o));
      o = 0;
    }
  }
  return h.update(b.subarray(0, o)).digest('hex');
}

/** One entry's line of the digest text, as a string (see digestOf). */
export function lineText(list: WorkList, i: number): string {
  if (list.isDir(i)) return `${list.path(i)}\0dir\x000\x000\0\0\n`;
  return `${list.path(i)}\0${list.kind(i)}\0${list.treeSize(i)}\0${Math.trunc(list.mtimeMs(i))}\0${list.obj(i)}\0${list.id(i)}\n`;
}
