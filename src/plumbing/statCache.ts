import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { EntryObj, ObjectId } from '../objects/types.js';
import { isNotFound, writeFileAtomic, type FsPromises } from './fs.js';
import type { ObjectDatabase } from './ObjectDatabase.js';

/**
 * The stat cache (`.vault/index`), like git's index: for each path the stat
 * data it had when last hashed and the id it hashed to. A file whose size,
 * mtime, inode and mode still match is not read again.
 *
 * On disk (binary, raw deflate through node's zlib: no wasm to load on the hot path):
 *   "VSC2" | deflate( u32 count | u8 flags | [tree digest, tree id] | [head snapshot, head tree] |
 *            count x (u16 shared prefix | u16 suffix length | suffix | f64 size | f64 mtimeMs |
 *            f64 ino | u32 mode | u8 obj | id (32)) ) | SHA-256 of everything before it (32)
 * About a third of the JSON it replaced (it is counted in the repository's size).
 *
 * The cache is trusted to skip reading files, so it is checked before use: a
 * cache whose checksum does not match (a flipped byte, a truncation, a torn
 * write) or in another format (the unchecked "VSC1") is dropped whole and every
 * file is read again. The checksum covers every path together with its stat
 * data and id, so no entry can be changed or moved to another path without
 * rewriting the whole file and its checksum. It is not a MAC: someone who can
 * rewrite `.vault/index` can recompute it, as they could rewrite refs and packs.
 * A commit therefore also checks that each cached id names an object the vault
 * holds, of the cached kind and (packed blobs) of the file's size, before a tree
 * names it (`storedAsCached`); what fails that check is read again.
 *
 * Racy files: a file modified within the timestamp granularity of the cache
 * write could change again without its mtime changing. As in git, an entry whose
 * mtime is not strictly older than the cache file's own mtime is treated as
 * dirty and re-hashed.
 */
export interface StatInfo {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly mode: number;
}

export interface CacheEntry extends StatInfo {
  readonly obj: EntryObj;
  readonly id: ObjectId;
}

export class StatCache {
  readonly entries = new Map<string, CacheEntry>();
  /**
   * Like git's cache-tree: the root tree last written for a digest of every
   * entry (path, kind, size, mtime, object), and the tree of the snapshot HEAD
   * named then. With both, a commit that finds nothing changed needs neither
   * the pack indexes nor a single tree encoding.
   */
  tree?: { digest: string; id: ObjectId };
  head?: { snapshot: ObjectId; tree: ObjectId };
  /** mtime of the cache file when it was loaded; entries at or after it are racy */
  private stamp = -Infinity;
  /** why the cache file on disk was not used (every file is read again), or null */
  dropped: string | null = null;

  static async load(fs: FsPromises, path: string): Promise<StatCache> {
    const c = new StatCache();
    let raw: Buffer;
    let stamp: number;
    try {
      [raw, stamp] = await Promise.all([fs.readFile(path) as Promise<Buffer>, fs.stat(path).then((st) => st.mtimeMs)]);
    } catch (e) {
      if (isNotFound(e)) return c;
      throw e;
    }
    try {
      decode(c, raw);
      c.stamp = stamp;
    } catch (e) {
      // a damaged cache only costs re-hashing; the next save replaces it
      c.entries.clear();
      c.tree = c.head = undefined;
      c.dropped = (e as Error).message;
      c.dirty = true;
    }
    return c;
  }

  /** The cached id when `st` matches and the entry is not racy. */
  lookup(path: string, st: StatInfo): CacheEntry | undefined {
    const e = this.entries.get(path);
    if (!e) return undefined;
    if (e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.ino !== st.ino || e.mode !== st.mode) return undefined;
    if (e.mtimeMs >= this.stamp) {
      // racy: re-hashed now, and the cache is rewritten so its newer stamp vouches for it next time
      this.dirty = true;
      return undefined;
    }
    return e;
  }

  /** true once an entry was added or changed since load */
  dirty = false;

  setTree(digest: string, id: ObjectId): void {
    if (this.tree?.digest !== digest || this.tree.id !== id) this.dirty = true;
    this.tree = { digest, id };
  }

  setHead(snapshot: ObjectId, tree: ObjectId): void {
    if (this.head?.snapshot !== snapshot || this.head.tree !== tree) this.dirty = true;
    this.head = { snapshot, tree };
  }

  set(path: string, e: CacheEntry): void {
    const old = this.entries.get(path);
    if (
      !old ||
      old.id !== e.id ||
      old.size !== e.size ||
      old.mtimeMs !== e.mtimeMs ||
      old.ino !== e.ino ||
      old.mode !== e.mode
    )
      this.dirty = true;
    this.entries.set(path, e);
  }

  /** Write the cache; `keep` drops paths that are gone. Skipped when nothing changed. */
  async save(fs: FsPromises, path: string, keep?: (p: string) => boolean): Promise<void> {
    let dropped = false;
    if (keep) for (const p of this.entries.keys()) if (!keep(p)) dropped = true;
    if (!this.dirty && !dropped) return;
    await writeFileAtomic(fs, path, encode(this, keep), { durable: false });
    this.dirty = false;
  }
}

const MAGIC = Buffer.from('VSC2', 'latin1');
const SUM = 32;
const OBJ_CODE: Record<string, number> = { blob: 1, chunklist: 2 };
const OBJ_NAME: EntryObj[] = ['blob', 'blob', 'chunklist'];

function encode(c: StatCache, keep?: (p: string) => boolean): Buffer {
  const paths = [...c.entries.keys()].filter((p) => !keep || keep(p));
  let bytes = 8 + 128;
  for (const p of paths) bytes += 4 + Buffer.byteLength(p) + 61;
  const b = Buffer.alloc(bytes);
  let o = 0;
  b.writeUInt32LE(paths.length, o);
  o += 4;
  const flags = (c.tree ? 1 : 0) | (c.head ? 2 : 0);
  b[o++] = flags;
  if (c.tree) {
    o += b.write(c.tree.digest, o, 32, 'hex');
    o += b.write(c.tree.id, o, 32, 'hex');
  }
  if (c.head) {
    o += b.write(c.head.snapshot, o, 32, 'hex');
    o += b.write(c.head.tree, o, 32, 'hex');
  }
  let prev = '';
  for (const p of paths) {
    const e = c.entries.get(p)!;
    let k = 0;
    const max = Math.min(prev.length, p.length, 0xffff);
    while (k < max && prev.charCodeAt(k) === p.charCodeAt(k)) k++;
    // never split a surrogate pair
    if (k > 0 && k < p.length && p.charCodeAt(k - 1) >= 0xd800 && p.charCodeAt(k - 1) <= 0xdbff) k--;
    const suffix = Buffer.from(p.slice(k), 'utf8');
    b.writeUInt16LE(k, o);
    b.writeUInt16LE(suffix.length, o + 2);
    o += 4;
    o += suffix.copy(b, o);
    b.writeDoubleLE(e.size, o);
    b.writeDoubleLE(e.mtimeMs, o + 8);
    b.writeDoubleLE(e.ino, o + 16);
    b.writeUInt32LE(e.mode >>> 0, o + 24);
    b[o + 28] = OBJ_CODE[e.obj] ?? 1;
    o += 29;
    o += b.write(e.id, o, 32, 'hex');
    prev = p;
  }
  const body = Buffer.concat([MAGIC, deflateRawSync(b.subarray(0, o), { level: 6 })]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

function decode(c: StatCache, raw: Buffer): void {
  if (raw.length < 4 || !raw.subarray(0, 4).equals(MAGIC)) {
    throw new Error(raw.subarray(0, 4).toString('latin1') === 'VSC1' ? 'unchecked old format' : 'not a stat cache');
  }
  if (raw.length < 4 + SUM) throw new Error('truncated');
  const body = raw.subarray(0, raw.length - SUM);
  if (
    !createHash('sha256')
      .update(body)
      .digest()
      .equals(raw.subarray(raw.length - SUM))
  )
    throw new Error('checksum mismatch');
  const b = inflateRawSync(body.subarray(4));
  let o = 0;
  const count = b.readUInt32LE(o);
  o += 4;
  const flags = b[o++];
  if (flags & 1) {
    c.tree = { digest: b.toString('hex', o, o + 32), id: b.toString('hex', o + 32, o + 64) };
    o += 64;
  }
  if (flags & 2) {
    c.head = { snapshot: b.toString('hex', o, o + 32), tree: b.toString('hex', o + 32, o + 64) };
    o += 64;
  }
  let prev = '';
  for (let i = 0; i < count; i++) {
    const k = b.readUInt16LE(o);
    const n = b.readUInt16LE(o + 2);
    o += 4;
    const p = prev.slice(0, k) + b.toString('utf8', o, o + n);
    o += n;
    c.entries.set(p, {
      size: b.readDoubleLE(o),
      mtimeMs: b.readDoubleLE(o + 8),
      ino: b.readDoubleLE(o + 16),
      mode: b.readUInt32LE(o + 24),
      obj: OBJ_NAME[b[o + 28]] ?? 'blob',
      id: b.toString('hex', o + 29, o + 61),
    });
    o += 61;
    prev = p;
  }
  if (o !== b.length) throw new Error('stat cache has trailing bytes');
}

/**
 * Whether the object a cache entry names may stand for a file of `size` bytes:
 * it is stored (an index lookup; a loose object costs a stat), and when packed,
 * its index entry has the cached kind and, for a blob, the file's size. No
 * object is read. A commit reads a file again when this says no, so a tree
 * never names an object the vault does not have.
 */
export async function storedAsCached(db: ObjectDatabase, e: CacheEntry, size: number): Promise<boolean> {
  const loc = db.locate(e.id);
  if (!loc) return db.has(e.id);
  if (loc.entry.type !== e.obj) return false;
  return e.obj !== 'blob' || loc.entry.rawLength === size;
}
