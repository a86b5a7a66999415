import { nodeCrypto, zlib } from '../builtins.js';
import { fsError } from '../errors.js';
import type { EntryObj, ObjectId } from '../objects/types.js';
import { isNotFound, readFully, writeFileAtomic, type FileHandle, type FsPromises } from './fs.js';
import type { ObjectDatabase } from './ObjectDatabase.js';
import { compareWalkOrder } from './walkOrder.js';
import type { StatInfo, WorkList } from './workList.js';

/**
 * The stat cache (`.vault/index`), like git's index: for each path the stat
 * data it had when last hashed and the id it hashed to. A file whose size,
 * mtime, inode and mode still match is not read again.
 *
 * On disk (binary, as git's index):
 *   "VSC4" | u32 count | u8 flags | [tree digest, tree id] | [head snapshot, head tree] |
 *            [ignore rules digest (32), u32 folders] |
 *            (count + folders) x (u16 shared prefix (UTF-16 units) | u16 suffix length (bytes) | suffix (UTF-8) |
 *            f64 size | f64 mtimeMs | f64 ino | u32 mode | u8 obj | id (32)) | SHA-256 of everything before it (32)
 * `count` records are files and symlinks (obj 1 blob, 2 chunk list); `folders` records are folders (obj 3: its
 * names as listed then are its records, 4: list it), among them in walk order, each before what it holds, with
 * its stat data and, where an id would be, f64 ctimeMs (chmod, chown and ACL changes move it) and zeros: like
 * git's untracked cache, a folder whose stat data still match (its mtime moves
 * when a name is added, removed or renamed in it) and that was listed under the same ignore rules is not listed
 * again: its names are the records under it (scanWorktree's `cached`). "VSC3" (read still) is the same without
 * folders; "VSC4" is unknown to the Vaults before it, which drop it and read every file once.
 * "VSC2" (read, no longer written) is the same with everything between the magic and the checksum in raw
 * deflate: ids do not compress, so it saved a third of the size for an inflate on every command (2 ms of an
 * unchanged commit's ~150 at 7k files) and a deflate on every save. Entries are written in walk order
 * (compareWalkOrder), the order a scan meets them, and held in memory as they are on disk (~85 bytes a file
 * rather than ~500 as objects and hex strings): a scan matches them in one forward pass (`cursor`). Loading a
 * VSC3 checks only the bounds; the cursor checks the order as it builds each path (a crafted cache out of order
 * costs re-reading files, never a wrong id); a VSC2 out of walk order (written by the Vaults of 2026-12-04) is
 * looked up by path instead, and saved sorted.
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
export type { StatInfo };

export interface CacheEntry extends StatInfo {
  readonly obj: EntryObj;
  readonly id: ObjectId;
}

export class StatCache {
  /** the records (see the format above), in walk order */
  private base: Buffer = EMPTY;
  private baseCount = 0;
  /** folder records among the records (see the format above) */
  private folderCount = 0;
  /** the digest of the ignore rules the folder records were listed under (see useRules) */
  private listedUnder: string | null = null;
  /** the digest of the ignore rules to write (the scan's; see useRules) */
  private rules: string | null = null;
  /** entries set since load (restore, lock modes, tests), over `base` */
  private readonly overlay = new Map<string, CacheEntry>();
  /** path -> record offset in `base`, built for lookups out of walk order */
  private index?: Map<string, number>;
  /** the hashed folder that replaced every entry (see replaceWith) */
  private list?: WorkList;
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
  /** true once an entry was added or changed since load */
  dirty = false;
  /** the records were found out of walk order (see cursor): sorted before they are saved */
  private unsorted = false;
  /** opened for one scan (see open): the records are read from the file as the cursor goes, never held whole */
  private window: RecordWindow | null = null;
  /**
   * the window `open` made, kept to be closed (see close) after the cursor took it; set until replaceWith,
   * while the records cannot be looked up
   */
  private reader: RecordWindow | null = null;

  /** the read size of `open`; a cache of at most this many bytes is held whole (tests make it small) */
  static piece = 1024 * 1024;

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
    c.take(raw, stamp);
    return c;
  }

  /** The records of a whole cache file, or (damaged) none: see drop. */
  private take(raw: Buffer, stamp: number): void {
    try {
      decode(this, raw);
      this.stamp = stamp;
    } catch (e) {
      this.drop(e);
    }
  }

  /**
   * The cache for one scan (hashWorktree: commit, status, diff): as `load`, but a cache bigger than one piece
   * (1 MiB, ~12,000 files) is not held whole: the checksum is checked first in a pass that reads the file a
   * piece at a time, then the cursor reads the records again, a window at a time, from the same open file (a
   * save replaces the file by rename, so what is read is what was checked). At a million files that is ~85 MB
   * less at the scan's end, where commit and status peak. Such a cache answers `cursor` (once), `size`, `tree`
   * and `head`, and takes `replaceWith`; looking entries up (get, entries, set, save without replaceWith) is
   * for a cache loaded whole.
   */
  static async open(fs: FsPromises, path: string): Promise<StatCache> {
    const piece = Math.max(StatCache.piece, 4 + HEADER_MAX);
    let fh: FileHandle;
    try {
      fh = await fs.open(path, 'r');
    } catch (e) {
      if (isNotFound(e)) return new StatCache();
      throw e;
    }
    const c = new StatCache();
    let kept = false;
    try {
      const st = await fh.stat();
      if (st.size <= piece) {
        // small: held whole, as load does (a read that fails drops it, as a damaged one)
        const raw = Buffer.allocUnsafe(st.size);
        let got: number;
        try {
          got = await readFully(fh, raw, 0, st.size, 0);
        } catch (e) {
          c.drop(e);
          return c;
        }
        c.take(raw.subarray(0, got), st.mtimeMs);
        return c;
      }
      const buf = Buffer.allocUnsafe(piece);
      if (
        (await readFully(fh, buf, 0, 4, 0)) < 4 ||
        !(buf.subarray(0, 4).equals(MAGIC) || buf.subarray(0, 4).equals(MAGIC_V3))
      ) {
        // the deflated (or an unknown) format: read whole, as load does
        await fh.close();
        kept = true;
        return await StatCache.load(fs, path);
      }
      try {
        const bodyEnd = st.size - SUM;
        const h = nodeCrypto().createHash('sha256');
        let head: Buffer = EMPTY;
        for (let pos = 0; pos < bodyEnd;) {
          const n = Math.min(piece, bodyEnd - pos);
          if ((await readFully(fh, buf, 0, n, pos)) < n) throw new Error('truncated');
          if (pos === 0) head = Buffer.from(buf.subarray(4, 4 + Math.min(n - 4, HEADER_MAX)));
          h.update(buf.subarray(0, n));
          pos += n;
        }
        const sum = Buffer.alloc(SUM);
        if ((await readFully(fh, sum, 0, SUM, bodyEnd)) < SUM) throw new Error('truncated');
        if (!h.digest().equals(sum)) throw new Error('checksum mismatch');
        const start = 4 + readHeader(c, head);
        c.window = c.reader = new RecordWindow(path, fh, start, bodyEnd, buf);
        c.stamp = st.mtimeMs;
        kept = true;
      } catch (e) {
        // the disk failing is not a damaged cache: the command fails, as load's would
        if ((e as NodeJS.ErrnoException).code) throw fsError(e, 'read', path);
        c.drop(e);
      }
      return c;
    } finally {
      if (!kept) await fh.close();
    }
  }

  /**
   * Let go of the file a cache opened for one scan reads from (done by itself at its last record, and by the
   * cursor's close); for the paths that end before the scan does.
   */
  close(): void {
    this.reader?.close();
  }

  /** A damaged cache only costs re-hashing (every file is read); the next save replaces it. */
  private drop(e: unknown): void {
    this.base = EMPTY;
    this.baseCount = 0;
    this.dropFolders();
    this.tree = this.head = undefined;
    this.dropped = (e as Error).message;
    this.dirty = true;
  }

  /** The records are needed whole: a cache opened for one scan cannot give them. */
  private whole(): void {
    if (this.reader)
      throw new Error('the stat cache was opened for one scan (StatCache.open): load it whole to look entries up');
  }

  /** How many records the base holds: entries and folders. */
  get recordCount(): number {
    return this.baseCount + this.folderCount;
  }

  /** The header's counts and the rules the folders were listed under (see the format above). */
  takeHeader(count: number, folders: number, listedUnder: string | null): void {
    this.baseCount = count;
    this.folderCount = folders;
    this.listedUnder = listedUnder;
  }

  /**
   * The ignore rules of the scan (their digest: IgnoreRules.digest). Folder records listed under other rules do
   * not vouch for a folder's names (a name ignored then may not be now), and the cache is written again with
   * folders listed under these.
   */
  useRules(digest: string): void {
    this.rules = digest;
    if (digest !== this.listedUnder) this.dirty = true;
  }

  /** How many entries the cache holds. */
  get size(): number {
    if (this.list) return countFiles(this.list);
    if (!this.overlay.size) return this.baseCount;
    return this.entries.size;
  }

  /**
   * Every entry as objects (a copy: changes go through `set`). Costly at a
   * million files; the scan uses `cursor`.
   */
  get entries(): ReadonlyMap<string, CacheEntry> {
    this.whole();
    const out = new Map<string, CacheEntry>();
    if (this.list) {
      const l = this.list;
      for (let i = 0; i < l.length; i++)
        if (l.hasId(i) && !l.gone(i)) out.set(l.path(i), { ...l.stat(i), obj: l.obj(i) as EntryObj, id: l.id(i) });
      return out;
    }
    forEachRecord(this.base, this.recordCount, (p, o) => out.set(p, entryAt(this.base, o)));
    for (const [p, e] of this.overlay) out.set(p, e);
    return out;
  }

  /** The entry for a path, whatever its stat data. */
  get(path: string): CacheEntry | undefined {
    if (this.list) return this.entries.get(path);
    const e = this.overlay.get(path);
    if (e) return e;
    const o = this.recordIndex().get(path);
    return o === undefined ? undefined : entryAt(this.base, o);
  }

  /** path -> offset of its record's data in `base` (built once; a path held twice: its last record) */
  private recordIndex(): Map<string, number> {
    this.whole();
    if (!this.index) {
      const index = new Map<string, number>();
      forEachRecord(this.base, this.recordCount, (p, o) => index.set(p, o));
      this.index = index;
    }
    return this.index;
  }

  /** The cached id when `st` matches and the entry is not racy. */
  lookup(path: string, st: StatInfo): CacheEntry | undefined {
    const e = this.get(path);
    if (!e) return undefined;
    return this.vouches(e.size, e.mtimeMs, e.ino, e.mode, st) ? e : undefined;
  }

  private vouches(size: number, mtimeMs: number, ino: number, mode: number, st: StatInfo): boolean {
    if (size !== st.size || mtimeMs !== st.mtimeMs || ino !== st.ino || mode !== st.mode) return false;
    return this.notRacy(mtimeMs);
  }

  /** An entry whose stat data match vouches unless its mtime is not older than the cache file (see above). */
  private notRacy(mtimeMs: number): boolean {
    if (mtimeMs >= this.stamp) {
      // racy: re-hashed now, and the cache is rewritten so its newer stamp vouches for it next time
      this.dirty = true;
      return false;
    }
    return true;
  }

  /**
   * A forward pass over the entries for paths asked in walk order: `find`
   * gives the record of a path (or -1), `vouches` whether its stat data still
   * match, `copyTo` its object into a work list. Entries set since load are
   * folded in first. A cache opened for one scan (see open) reads its records
   * as the pass goes: `find` then answers with a promise when it had to read
   * (once a piece), and a record's offset holds until the next `find`.
   * `folder` and `child` give a folder's names from its records (see the
   * format above), asked in the same walk order.
   */
  cursor(): StatCursor {
    const streamed = this.window;
    if (this.reader && !streamed) throw new Error('the stat cache was opened for one scan: its cursor was taken');
    // one pass: the window is the cursor's now
    if (streamed) this.window = null;
    else this.compact();
    const w: RecordWindow = streamed ?? RecordWindow.of(this.base);
    let left = this.recordCount;
    let prev: string | null = null;
    let cur: string | null = null;
    let curOff = -1;
    /** the current record was taken (or there is none yet): move on before comparing */
    let taken = true;
    /** bytes the next record needs in the window (a read when fewer are there) */
    let need = 0;
    /** set once the records are found out of walk order: every path is then looked up in an index */
    let byPath: Map<string, number> | null = this.unsorted ? this.recordIndex() : null;
    /** the records stopped before their end (cut short, or out of order): they no longer tell a folder's names */
    let broken = false;
    /** folder records vouch only when listed under the scan's ignore rules */
    const folders = this.folderCount > 0 && this.listedUnder !== null && this.listedUnder === this.rules;
    /**
     * the path `child` gave last; one for all folders, since a folder's names are all asked for before its
     * parent's next one (the walk is depth first)
     */
    let given: string | null = null;
    const stop = (cut = false): void => {
      cur = null;
      left = 0;
      broken ||= cut;
      w.close();
    };
    /** the next record as `cur`; false when the window must be read further first */
    const next = (): boolean => {
      if (!left) {
        stop();
        return true;
      }
      const avail = w.end - w.off;
      const n = avail >= 4 ? w.buf.readUInt16LE(w.off + 2) : 0;
      if (avail < 4 + n + 61) {
        need = 4 + n + 61;
        if (!w.done) return false;
        // fewer records than counted: the rest is not vouched for (a cache loaded whole was checked for this)
        this.dirty = true;
        stop(true);
        return true;
      }
      if (--left === 0) w.close(); // the last record is in the window: the file is done with
      const b = w.buf;
      const off = w.off;
      const k = b.readUInt16LE(off);
      cur = (prev ?? '').slice(0, k) + b.toString('utf8', off + 4, off + 4 + n);
      curOff = off + 4 + n;
      w.off = curOff + 61;
      if (prev !== null && (k > prev.length || compareWalkOrder(prev, cur) >= 0)) {
        this.unsorted = this.dirty = true;
        // read as the pass goes, the records before are gone: the rest vouches for nothing (read again)
        if (streamed) stop(true);
        else byPath = this.recordIndex();
      }
      prev = cur;
      return true;
    };
    /** the record of `path` if it is a folder's (`folder`) or an entry's (else), or -1 */
    const seek = (path: string, folder: boolean): number | Promise<number> => {
      for (;;) {
        if (byPath) return folder ? -1 : (byPath.get(path) ?? -1);
        if (taken) {
          if (!next()) return w.fill(need).then(() => seek(path, folder));
          taken = false;
          continue; // the record may have shown the order broken (byPath)
        }
        if (cur === null) return -1;
        if (cur === path) {
          taken = true;
          return w.buf[curOff + 28]! >= FOLDER === folder ? curOff : -1;
        }
        if (compareWalkOrder(cur, path) > 0) return -1;
        taken = true;
      }
    };
    const listedAs = (o: number, st: StatInfo, ctimeMs: number): boolean => {
      if (o < 0 || w.buf[o + 28] !== FOLDER_LISTED) return false;
      const same = sameStat(w.buf, o, st.size, st.mtimeMs, st.ino, st.mode) && w.buf.readDoubleLE(o + 29) === ctimeMs;
      if (same) return this.notRacy(st.mtimeMs);
      // the folder changed (or was only touched): written again, so that it is not listed on every command after
      this.dirty = true;
      return false;
    };
    /** the folder `child` was asked about last, and its path with a slash (made once a folder, not once a name) */
    let childOf: string | null = null;
    let prefix = '';
    const child = (dir: string): string | null | undefined | Promise<string | null | undefined> => {
      if (dir !== childOf) {
        childOf = dir;
        prefix = `${dir}/`;
      }
      for (;;) {
        if (byPath) return undefined;
        if (taken) {
          if (!next()) return w.fill(need).then(() => child(dir));
          taken = false;
          continue;
        }
        if (cur === null) return broken ? undefined : null;
        // the name given last, not asked for since (ignored now, vanished...)
        if (cur === given) {
          taken = true;
          continue;
        }
        if (!cur.startsWith(prefix)) return null;
        // deeper: under a folder of this one, walked already
        if (cur.indexOf('/', prefix.length) >= 0) {
          taken = true;
          continue;
        }
        given = cur;
        return cur.slice(prefix.length);
      }
    };
    return {
      find: (path) => seek(path, false),
      folder: (path, st, ctimeMs) => {
        if (!folders || broken) return false;
        const o = seek(path, true);
        return typeof o === 'number' ? listedAs(o, st, ctimeMs) : o.then((r) => listedAs(r, st, ctimeMs));
      },
      child,
      vouches: (o: number, list: WorkList, i: number): boolean =>
        sameStat(w.buf, o, list.size(i), list.mtimeMs(i), list.ino(i), list.mode(i)) && this.notRacy(list.mtimeMs(i)),
      copyTo: (o: number, list: WorkList, i: number): void =>
        list.setIdFrom(i, OBJ_NAME[w.buf[o + 28]!] ?? 'blob', w.buf, o + 29),
      objAt: (o: number): EntryObj => OBJ_NAME[w.buf[o + 28]!] ?? 'blob',
      idAt: (o: number): ObjectId => w.buf.toString('hex', o + 29, o + 61),
      close: () => w.close(),
    };
  }

  /**
   * Every entry from now on is the hashed folder's files and symlinks (what a
   * commit recorded); the old entries are let go. `changed`: the list differs
   * from what the cache held (the cache is written on save).
   */
  replaceWith(list: WorkList, changed: boolean): void {
    this.reader?.close();
    this.window = this.reader = null;
    this.list = list;
    this.base = EMPTY;
    this.baseCount = this.folderCount = 0;
    this.index = undefined;
    this.overlay.clear();
    if (changed) this.dirty = true;
  }

  setTree(digest: string, id: ObjectId): void {
    if (this.tree?.digest !== digest || this.tree.id !== id) this.dirty = true;
    this.tree = { digest, id };
  }

  setHead(snapshot: ObjectId, tree: ObjectId): void {
    if (this.head?.snapshot !== snapshot || this.head.tree !== tree) this.dirty = true;
    this.head = { snapshot, tree };
  }

  set(path: string, e: CacheEntry): void {
    if (this.list) this.compact();
    const old = this.get(path);
    if (
      !old ||
      old.id !== e.id ||
      old.obj !== e.obj ||
      old.size !== e.size ||
      old.mtimeMs !== e.mtimeMs ||
      old.ino !== e.ino ||
      old.mode !== e.mode
    )
      this.dirty = true;
    this.overlay.set(path, e);
  }

  /** Fold the entries set since load (or the replacing list) into the records, in walk order. */
  private compact(): void {
    this.whole();
    // folder records listed under other rules than the ones to write are dropped (see useRules)
    const stale = this.folderCount > 0 && this.rules !== null && this.rules !== this.listedUnder;
    if (!this.overlay.size && !this.list && !this.unsorted && !stale) return;
    const all = this.entries;
    const paths = [...all.keys()].sort(compareWalkOrder);
    const w = new RecordWriter();
    for (const p of paths) w.add(p, all.get(p)!);
    this.list = undefined;
    this.overlay.clear();
    this.index = undefined;
    this.unsorted = false;
    this.base = w.done();
    this.baseCount = paths.length;
    this.dropFolders();
  }

  /**
   * The base no longer holds folder records: the file is written without the rules they were listed under, so
   * that the next commit (useRules) writes it again with its folders.
   */
  private dropFolders(): void {
    this.folderCount = 0;
    this.listedUnder = null;
  }

  /** Write the cache; `keep` drops paths that are gone. Skipped when nothing changed. */
  async save(fs: FsPromises, path: string, keep?: (p: string) => boolean): Promise<void> {
    if (keep) {
      const all = this.entries;
      for (const p of all.keys()) {
        if (keep(p)) continue;
        this.dirty = true;
        this.overlay.delete(p);
      }
      if (this.dirty) {
        this.compact();
        const w = new RecordWriter();
        let n = 0;
        forEachRecord(this.base, this.recordCount, (p, o) => {
          if (!keep(p)) return;
          w.add(p, entryAt(this.base, o));
          n++;
        });
        this.base = w.done();
        this.baseCount = n;
        this.dropFolders();
        this.index = undefined;
      }
    }
    if (!this.dirty) return;
    await writeFileAtomic(fs, path, this.encode(), { durable: false });
    this.dirty = false;
  }

  /** Take decoded records (see decode); records known to be out of walk order are looked up by path, and sorted. */
  adopt(records: Buffer, sorted: boolean): void {
    this.base = records;
    if (!sorted) this.unsorted = this.dirty = true;
  }

  /**
   * The file's bytes, in pieces of ~1 MiB made as the writer asks for them (at a million entries the records
   * are 80 MB: neither joined nor held all at once; one piece's buffer is reused for the next).
   */
  private *encode(): Generator<Buffer> {
    const head = Buffer.alloc(HEADER_MAX);
    let o = 0;
    const h = nodeCrypto().createHash('sha256');
    const piece = (b: Buffer): Buffer => {
      h.update(b);
      return b;
    };
    yield piece(MAGIC);
    const l = this.list;
    if (!l) this.compact();
    const count = l ? countFiles(l) : this.baseCount;
    // a list's folders are written as listed under the scan's rules; the base's as they were read (none once dropped)
    const rules = l ? this.rules : this.listedUnder;
    const listed = l && rules ? foldersToList(l) : null;
    const toList = listed?.toList;
    let folders = this.folderCount;
    if (l) folders = listed?.count ?? 0;
    head.writeUInt32LE(count, o);
    o += 4;
    head[o++] = (this.tree ? 1 : 0) | (this.head ? 2 : 0) | (rules ? 4 : 0);
    if (this.tree) {
      o += head.write(this.tree.digest, o, 32, 'hex');
      o += head.write(this.tree.id, o, 32, 'hex');
    }
    if (this.head) {
      o += head.write(this.head.snapshot, o, 32, 'hex');
      o += head.write(this.head.tree, o, 32, 'hex');
    }
    if (rules) {
      o += head.write(rules, o, 32, 'hex');
      o = head.writeUInt32LE(folders, o);
    }
    yield piece(head.subarray(0, o));
    const PIECE = 1024 * 1024;
    if (l) {
      const w = new RecordWriter(PIECE + 64 * 1024);
      for (let i = 0; i < l.length; i++) {
        if (l.isDir(i)) {
          if (toList) w.addFolder(l.path(i), l, i, toList[i] ? FOLDER_TO_LIST : FOLDER_LISTED);
        } else if (l.hasId(i) && !l.gone(i)) w.addRow(l.path(i), l, i);
        else continue;
        if (w.length >= PIECE) yield piece(w.drain());
      }
      yield piece(w.drain());
    } else {
      for (let at = 0; at < this.base.length; at += PIECE) yield piece(this.base.subarray(at, at + PIECE));
    }
    yield h.digest();
  }
}

/** See StatCache.cursor. */
export interface StatCursor {
  /** the record of `path` (-1: none); paths must be asked in walk order, each once the answer before is in */
  find(path: string): number | Promise<number>;
  /** whether the record still stands for row `row` of the list (its stat data match, and it is not racy) */
  vouches(record: number, list: WorkList, row: number): boolean;
  copyTo(record: number, list: WorkList, row: number): void;
  objAt(record: number): EntryObj;
  idAt(record: number): ObjectId;
  /**
   * Whether the folder at `path` (its stat data now `st`) holds the names its records give: its record says it
   * was listed whole then, under the same ignore rules, with the same stat data (not racy). Asked in walk order,
   * as `find`.
   */
  folder(path: string, st: StatInfo, ctimeMs: number): boolean | Promise<boolean>;
  /**
   * After `folder` said yes: the next name in that folder (in walk order; anything asked since, a `find` or a
   * `folder` for a path under it, is passed), null past its last; undefined when the records can no longer tell
   * (cut short): list the folder for the names after the last one given.
   */
  child(path: string): string | null | undefined | Promise<string | null | undefined>;
  /** let go of the file a cache opened for one scan reads (done by itself at the last record) */
  close(): void;
}

/**
 * The records a cursor reads: a whole buffer, or (a cache opened for one scan) a window over the open cache
 * file, read further as the cursor asks.
 */
class RecordWindow {
  off = 0;
  end: number;
  constructor(
    private readonly path: string,
    private fh: FileHandle | null,
    /** where the next read starts in the file, and where the records end */
    private pos: number,
    private readonly stop: number,
    public buf: Buffer,
  ) {
    this.end = fh ? 0 : buf.length;
  }

  static of(records: Buffer): RecordWindow {
    return new RecordWindow('', null, 0, 0, records);
  }

  /** every record is in the window (or was) */
  get done(): boolean {
    return this.pos >= this.stop;
  }

  /** Read on until `need` bytes follow `off` (or the records end); what came before `off` is let go. */
  async fill(need: number): Promise<void> {
    const fh = this.fh;
    if (!fh) throw new Error('the stat cache was closed while its records were read');
    const have = this.end - this.off;
    if (need > this.buf.length) {
      const b = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(b, 0, this.off, this.end);
      this.buf = b;
    } else this.buf.copyWithin(0, this.off, this.end);
    this.off = 0;
    this.end = have;
    while (this.end < need && !this.done) {
      const n = Math.min(this.buf.length - this.end, this.stop - this.pos);
      let got: number;
      try {
        got = await readFully(fh, this.buf, this.end, n, this.pos);
      } catch (e) {
        throw fsError(e, 'read', this.path);
      }
      this.end += got;
      this.pos += got;
      if (got < n) this.pos = this.stop; // cut short since it was checked: the records that are whole stand
    }
  }

  close(): void {
    const fh = this.fh;
    this.fh = null;
    this.pos = this.stop;
    fh?.close().catch(() => {});
  }
}

const EMPTY = Buffer.alloc(0);
const MAGIC = Buffer.from('VSC4', 'latin1');
/** without folder records (read still) */
const MAGIC_V3 = Buffer.from('VSC3', 'latin1');
/** the deflated form written before (read still) */
const MAGIC_DEFLATED = Buffer.from('VSC2', 'latin1');
const SUM = 32;
const OBJ_CODE: Record<string, number> = { blob: 1, chunklist: 2 };
/** a folder's record: its names as listed then are the records under it (see the format at the top) */
const FOLDER_LISTED = 3;
/** a folder's record: to be listed (something in it was left out, or had no id) */
const FOLDER_TO_LIST = 4;
/** the obj codes from here on are folders */
const FOLDER = FOLDER_LISTED;
const OBJ_NAME: EntryObj[] = ['blob', 'blob', 'chunklist'];

function countFiles(l: WorkList): number {
  let n = 0;
  for (let i = 0; i < l.length; i++) if (l.hasId(i) && !l.gone(i)) n++;
  return n;
}

/** Whether the record's data at `o` hold this stat data (size, mtime, inode, mode). */
function sameStat(b: Buffer, o: number, size: number, mtimeMs: number, ino: number, mode: number): boolean {
  return (
    b.readDoubleLE(o + 8) === mtimeMs &&
    b.readDoubleLE(o) === size &&
    b.readDoubleLE(o + 16) === ino &&
    b.readUInt32LE(o + 24) === mode >>> 0
  );
}

/**
 * The folders of a list (`count`), and by row those whose names the cache's records will not give whole (1: list
 * it next time): the scan left something in it out or met something it cannot record (WorkList.listOpen), or a
 * file or symlink in it has no id (it was skipped while read: its record is not written, and it must still be
 * found).
 */
function foldersToList(l: WorkList): { toList: Uint8Array; count: number } {
  const toList = new Uint8Array(l.length);
  let count = 0;
  for (let i = 0; i < l.length; i++) {
    if (l.isDir(i)) {
      count++;
      if (l.listOpen(i)) toList[i] = 1;
    } else if (!l.hasId(i) || l.gone(i)) {
      const p = l.parent(i);
      if (p >= 0) toList[p] = 1;
    }
  }
  return { toList, count };
}

/** Each entry's path and the offset of its data (after the path); folder records are passed over. */
function forEachRecord(b: Buffer, count: number, fn: (path: string, data: number) => void): void {
  let o = 0;
  let prev = '';
  for (let i = 0; i < count; i++) {
    const k = b.readUInt16LE(o);
    const n = b.readUInt16LE(o + 2);
    const p = prev.slice(0, k) + b.toString('utf8', o + 4, o + 4 + n);
    if (b[o + 4 + n + 28]! < FOLDER) fn(p, o + 4 + n);
    o += 4 + n + 61;
    prev = p;
  }
}

function entryAt(b: Buffer, o: number): CacheEntry {
  return {
    size: b.readDoubleLE(o),
    mtimeMs: b.readDoubleLE(o + 8),
    ino: b.readDoubleLE(o + 16),
    mode: b.readUInt32LE(o + 24),
    obj: OBJ_NAME[b[o + 28]!] ?? 'blob',
    id: b.toString('hex', o + 29, o + 61),
  };
}

/** Appends records (shared prefix with the previous path, suffix, stat data, object) to a growing buffer. */
class RecordWriter {
  private b: Buffer;
  private o = 0;
  private prev = '';
  constructor(capacity = 4096) {
    this.b = Buffer.allocUnsafe(Math.max(capacity, 4096));
  }

  private head(p: string): void {
    let k = 0;
    const prev = this.prev;
    const max = Math.min(prev.length, p.length, 0xffff);
    while (k < max && prev.charCodeAt(k) === p.charCodeAt(k)) k++;
    // never split a surrogate pair
    if (k > 0 && k < p.length && p.charCodeAt(k - 1) >= 0xd800 && p.charCodeAt(k - 1) <= 0xdbff) k--;
    const suffix = p.length - k;
    this.room(4 + suffix * 3 + 61);
    const n = this.b.write(p.slice(k), this.o + 4, 'utf8');
    this.b.writeUInt16LE(k, this.o);
    this.b.writeUInt16LE(n, this.o + 2);
    this.o += 4 + n;
    this.prev = p;
  }

  private room(n: number): void {
    if (this.o + n <= this.b.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.o + n, Math.ceil(this.b.length * 1.5)));
    this.b.copy(b, 0, 0, this.o);
    this.b = b;
  }

  add(p: string, e: CacheEntry): void {
    this.head(p);
    const b = this.b;
    const o = this.o;
    b.writeDoubleLE(e.size, o);
    b.writeDoubleLE(e.mtimeMs, o + 8);
    b.writeDoubleLE(e.ino, o + 16);
    b.writeUInt32LE(e.mode >>> 0, o + 24);
    b[o + 28] = OBJ_CODE[e.obj] ?? 1;
    b.write(e.id, o + 29, 32, 'hex');
    this.o += 61;
  }

  /** A row's path and stat data; the offset of what follows them (obj, id) is returned. */
  private rowStat(p: string, l: WorkList, i: number): number {
    this.head(p);
    const b = this.b;
    const o = this.o;
    b.writeDoubleLE(l.size(i), o);
    b.writeDoubleLE(l.mtimeMs(i), o + 8);
    b.writeDoubleLE(l.ino(i), o + 16);
    b.writeUInt32LE(l.mode(i) >>> 0, o + 24);
    this.o += 61;
    return o + 28;
  }

  /** A folder's record: its stat data, `code` (FOLDER_LISTED or FOLDER_TO_LIST), its ctime where an id would be. */
  addFolder(p: string, l: WorkList, i: number, code: number): void {
    const o = this.rowStat(p, l, i);
    this.b[o] = code;
    this.b.writeDoubleLE(l.ctimeMs(i), o + 1);
    this.b.fill(0, o + 9, o + 33);
  }

  addRow(p: string, l: WorkList, i: number): void {
    const o = this.rowStat(p, l, i);
    this.b[o] = OBJ_CODE[l.obj(i)] ?? 1;
    l.idBytes(i).copy(this.b, o + 1);
  }

  done(): Buffer {
    return this.b.subarray(0, this.o);
  }

  get length(): number {
    return this.o;
  }

  /**
   * The records written so far; the next ones are written over them (the prefix carries on), so use the
   * piece before adding more.
   */
  drain(): Buffer {
    const piece = this.b.subarray(0, this.o);
    this.o = 0;
    return piece;
  }
}

/** the most a header holds after the magic: count, flags, tree digest and id, head snapshot and tree, rules and folders */
const HEADER_MAX = 4 + 1 + 128 + 36;

/** Take the header (the bytes after the magic: count, flags, tree, head) into `c`; the records start at the offset returned. */
function readHeader(c: StatCache, b: Buffer): number {
  if (b.length < 5) throw new Error('stat cache is truncated');
  let o = 4;
  const flags = b[o++]!;
  if (b.length < o + ((flags & 1) + ((flags >> 1) & 1)) * 64) throw new Error('stat cache is truncated');
  if (flags & 1) {
    c.tree = { digest: b.toString('hex', o, o + 32), id: b.toString('hex', o + 32, o + 64) };
    o += 64;
  }
  if (flags & 2) {
    c.head = { snapshot: b.toString('hex', o, o + 32), tree: b.toString('hex', o + 32, o + 64) };
    o += 64;
  }
  let folders = 0;
  let rules: string | null = null;
  if (flags & 4) {
    if (b.length < o + 36) throw new Error('stat cache is truncated');
    rules = b.toString('hex', o, o + 32);
    folders = b.readUInt32LE(o + 32);
    o += 36;
  }
  c.takeHeader(b.readUInt32LE(0), folders, rules);
  return o;
}

function decode(c: StatCache, raw: Buffer): void {
  const magic = raw.subarray(0, 4);
  const deflated = magic.equals(MAGIC_DEFLATED);
  if (raw.length < 4 || !(deflated || magic.equals(MAGIC) || magic.equals(MAGIC_V3))) {
    throw new Error(magic.toString('latin1') === 'VSC1' ? 'unchecked old format' : 'not a stat cache');
  }
  if (raw.length < 4 + SUM) throw new Error('truncated');
  const body = raw.subarray(0, raw.length - SUM);
  if (
    !nodeCrypto()
      .createHash('sha256')
      .update(body)
      .digest()
      .equals(raw.subarray(raw.length - SUM))
  )
    throw new Error('checksum mismatch');
  const b = deflated ? zlib().inflateRawSync(body.subarray(4)) : body.subarray(4);
  const records = b.subarray(readHeader(c, b));
  const count = c.recordCount;
  // the bounds; the order only for VSC2, which Vaults of 2026-12-04 wrote in the order entries were set (VSC3
  // is always written sorted, and the cursor checks the order as it builds each path anyway)
  let sorted = true;
  let prev = '';
  let r = 0;
  for (let i = 0; i < count; i++) {
    if (r + 4 > records.length) throw new Error('stat cache is truncated');
    const n = records.readUInt16LE(r + 2);
    if (r + 4 + n + 61 > records.length) throw new Error('stat cache is truncated');
    if (deflated && sorted) {
      const k = records.readUInt16LE(r);
      const p = prev.slice(0, k) + records.toString('utf8', r + 4, r + 4 + n);
      if (k > prev.length || (i > 0 && compareWalkOrder(prev, p) >= 0)) sorted = false;
      prev = p;
    }
    r += 4 + n + 61;
  }
  if (r !== records.length) throw new Error('stat cache has trailing bytes');
  c.adopt(records, sorted);
}

/**
 * Whether the object a cache entry names may stand for a file of `size` bytes:
 * it is stored (an index lookup; a loose object costs a stat), and when packed,
 * its index entry has the cached kind and, for a blob, the file's size. No
 * object is read. A commit reads a file again when this says no, so a tree
 * never names an object the vault does not have.
 */
export async function storedAsCached(
  db: ObjectDatabase,
  e: { readonly id: ObjectId | Uint8Array; readonly obj: EntryObj },
  size: number,
): Promise<boolean> {
  return packedAsCached(db, e, size) ?? db.has(typeof e.id === 'string' ? e.id : Buffer.from(e.id).toString('hex'));
}

/** storedAsCached for a packed object, without waiting (null: not packed, ask `db.has`). */
export function packedAsCached(
  db: ObjectDatabase,
  e: { readonly id: ObjectId | Uint8Array; readonly obj: EntryObj },
  size: number,
): boolean | null {
  const loc = db.packedKind(e.id);
  if (!loc) return null;
  if (loc.type !== e.obj) return false;
  return e.obj !== 'blob' || loc.rawLength === size;
}
