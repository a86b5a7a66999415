import { fsError } from '../errors.js';
import { hashObject } from '../objects/hashObject.js';
import { TYPE_CODE, type ObjectId } from '../objects/types.js';
import { chunkerFromConfig, keptWhole, planFile } from '../plumbing/chunkers/index.js';
import { diskPath } from '../plumbing/diskPath.js';
import { isNotFound } from '../plumbing/fs.js';
import { loadIgnoreRules } from '../plumbing/ignoreRules.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import type { ObjectWriter, WriterStats } from '../plumbing/ObjectWriter.js';
import { SharedIdSet } from '../plumbing/sharedIdSet.js';
import { packedAsCached, StatCache, storedAsCached, type StatCursor } from '../plumbing/statCache.js';
import { scanWorktree, type SkipKind } from '../plumbing/scanWorktree.js';
import type { StatInfo, WorkList } from '../plumbing/workList.js';
import { digestOf } from '../plumbing/workListDigest.js';
import {
  FileChangedError,
  FileUnreadableError,
  ReadBuffer,
  storeFile,
  type StoredFile,
} from '../plumbing/storeFile.js';
import { FileVanishedError, StoreWorkerPool } from '../plumbing/storeWorkerPool.js';
import { InlineCodec } from '../plumbing/codec.js';
import type { FlatEntry } from '../plumbing/trees.js';
import type { Vault } from './openVault.js';

export interface Progress {
  /** attach: commit attachments (thumbnails, references...) being made; files count the changed files they look at */
  readonly phase: 'scan' | 'read' | 'write' | 'attach' | 'done';
  readonly files: number;
  readonly filesTotal: number;
  readonly bytes: number;
  readonly bytesTotal: number;
}

export interface HashWorktreeOptions {
  vault: Vault;
  /** store new objects (commit, write-tree); false only computes ids (status, diff) */
  store: boolean;
  onProgress?: (p: Progress) => void;
  /** a path left out of the result (unreadable, vanished, kept changing, special file, name, nested vault) */
  onSkip?: (path: string, reason: string, kind: SkipKind) => void;
  /** a `.git` folder (or file) left out: git's own store is not project content */
  onGitFolder?: (path: string) => void;
  /** the stat cache to use (and update); loaded from the vault when absent */
  cache?: StatCache;
  /**
   * With store: the tree HEAD names. When nothing needs reading and the
   * entries give the tree the cache recorded for them, and it is this one, the
   * commit writes no tree, so the cached ids need no present-check.
   */
  headTree?: ObjectId | null;
  /**
   * The cache's records are not needed once matched (commit, status): let them go then (~85 bytes a
   * file), so they are not held while files are read and trees written; the cache holds the hashed
   * list instead (StatCache.replaceWith), and keeps its tree and head.
   */
  releaseCache?: boolean;
}

/** A path left out of the hashed folder, and why. */
export interface Skipped {
  readonly path: string;
  readonly reason: string;
  readonly kind: SkipKind;
}

/** Whether these skips leave a snapshot incomplete: anything but a nested vault's store (left out by design). */
export function incomplete(skipped: readonly Skipped[]): boolean {
  return skipped.some((s) => s.kind !== 'nested-vault');
}

/** A hashed file or symlink, or a folder (folders get their id when trees are written). */
export type WorkTreeEntry =
  FlatEntry | (Omit<FlatEntry, 'id' | 'obj'> & { kind: 'dir'; id?: undefined; obj?: undefined });

export interface HashedWorktree {
  /** every file, symlink and folder in walk order, as columns; files with ids, skipped ones marked gone */
  readonly list: WorkList;
  /** the same as objects, made when first asked for (~0.5 KiB a path: fine for hundreds of thousands) */
  readonly entries: WorkTreeEntry[];
  /** files and symlinks hashed (in the result) */
  readonly files: number;
  /** the list differs from the stat cache's entries: a commit rewrites the cache */
  readonly cacheChanged: boolean;
  readonly cache: StatCache;
  readonly filesTotal: number;
  readonly bytesTotal: number;
  /** files whose content had to be read (the stat cache did not vouch for them) */
  readonly filesRead: number;
  readonly bytesRead: number;
  /** with store: the writer for the rest of the operation (trees, snapshot); file objects are already durable */
  readonly writer: ObjectWriter | null;
  /** what worker threads stored (their packs are sealed and published) */
  readonly workerStats: WriterStats;
  /** digest of every entry: equal digests give equal trees (see StatCache.tree) */
  readonly digest: string;
}

/** Below this much to read, worker start-up costs more than it saves. */
const WORKER_MIN_BYTES = 32 * 1024 * 1024;
const WORKER_MIN_FILES = 1000;

/** The vault folder's path relative to the work tree, when it lives inside it under another name. */
function vaultInsideWorkTree(v: Vault): string[] {
  const prefix = v.workTree.endsWith('/') ? v.workTree : `${v.workTree}/`;
  if (!v.vaultDir.startsWith(prefix)) return [];
  const rel = v.vaultDir.slice(prefix.length);
  return rel && rel !== '.vault' ? [`/${rel}`] : [];
}

/**
 * Walk the project folder and give every file its object id, reading only
 * files the stat cache cannot vouch for. With `store`, new objects are written:
 * this is the heart of `commit`; without, it serves `status` and `diff`.
 * Large amounts of reading go to worker threads (vault.threads) that read,
 * chunk, hash, compress and pack whole files; dedup between them goes through
 * a shared id set.
 */
export async function hashWorktree(opts: HashWorktreeOptions): Promise<HashedWorktree> {
  const { vault } = opts;
  const { fs, workTree, db } = vault;
  const ignore = await loadIgnoreRules(fs, workTree, vaultInsideWorkTree(vault));
  const cache = opts.cache ?? (await StatCache.open(fs, db.paths.index));
  // folders listed under other ignore rules do not vouch for their names; the cache is written again under these
  cache.useRules(ignore.digest);
  // the cache is matched as the scan lists files (walk order both), see CacheMatch
  const matcher = cacheMatch(cache);
  let list: WorkList;
  try {
    list = await scanWorktree({
      fs,
      workTree,
      ignore,
      onSkip: opts.onSkip,
      onGitFolder: opts.onGitFolder,
      expected: cache.size,
      onFile: (l, row, path) => matcher.match(l, row, path),
      // VAULT_LIST_FOLDERS=1: every folder is listed (a filesystem whose folder dates cannot be trusted)
      cached: process.env.VAULT_LIST_FOLDERS === '1' ? undefined : matcher,
    });
  } catch (e) {
    matcher.finish(); // the cache file a cursor reads is closed
    throw e;
  }
  const chunker = chunkerFromConfig(vault.config.chunker);
  let filesTotal = 0;
  let bytesTotal = 0;
  for (let i = 0; i < list.length; i++) {
    if (list.isDir(i)) continue;
    filesTotal++;
    if (list.kind(i) !== 'symlink') bytesTotal += list.size(i);
  }

  const { toRead, early, cacheChanged } = await fromCache(opts, db, cache, list, matcher);
  const sizeOf = (i: number) => (list.kind(i) === 'symlink' ? 0 : list.size(i));
  const bytesToRead = toRead.reduce((s, i) => s + sizeOf(i), 0);
  let done = filesTotal - toRead.length;
  let bytes = bytesTotal - bytesToRead;
  let filesRead = 0;
  let bytesRead = 0;
  let reported = 0;
  const report = (phase: Progress['phase']) => {
    reported = bytes;
    opts.onProgress?.({ phase, files: done, filesTotal, bytes, bytesTotal });
  };
  report('scan');

  const threads = vault.threads ?? 0;
  const useWorkers = threads > 0 && (bytesToRead >= WORKER_MIN_BYTES || toRead.length >= WORKER_MIN_FILES);
  let shared: SharedIdSet | undefined;
  if (useWorkers && !opts.store) {
    // status, diff: the workers only hash (no writer is asked), so the set stays empty; filled, it was 40 MB of
    // shared memory and a pass over every pack index at a million files
    shared = SharedIdSet.create(0);
  } else if (useWorkers) {
    // room for every known id plus the new ones: a tree per folder; a blob per small file (or link), or at most a
    // chunk per minSize and a chunk list (a set past full stores the rest unrecorded; at a million small files every
    // slot counted is 20 bytes of shared memory that gets touched: 3 a file made it 160 MB). Known ids are read
    // as bytes, without loading the whole index when the lookup is lean (a commit).
    let expected = 64 + (list.length - filesTotal) + (await db.storedIdCount());
    for (const i of toRead) expected += keptWhole(chunker, sizeOf(i)) ? 1 : Math.ceil(sizeOf(i) / chunker.minSize) + 2;
    const set = SharedIdSet.create(expected);
    await db.forEachStoredId((id, o) => set.addBytes(id, o));
    shared = set;
  }
  // With N threads, N-1 workers and this thread share the files: one V8 isolate and
  // one wasm heap fewer than N workers and an idle main thread (peak RSS matters).
  const mainHelps = useWorkers && threads >= 2;
  const writer = opts.store
    ? db.writer(mainHelps ? { shared, codec: new InlineCodec(), maxInflight: 4 * 1024 * 1024 } : { shared })
    : null;
  const pool = useWorkers
    ? new StoreWorkerPool(
        {
          vaultDir: vault.vaultDir,
          shared: shared!,
          chunker: vault.config.chunker,
          level: vault.config.compression.level,
          packSize: vault.config.packSize,
        },
        mainHelps ? threads - 1 : threads,
        (name, entries) => db.publishPack(name, entries),
      )
    : null;
  const bufferSize = chunker.maxSize + 1024 * 1024;
  const buffers: ReadBuffer[] = [];

  const record = (i: number, r: StoredFile) => {
    // the file may have changed between listing and reading: record what was read
    list.setStat(i, r.stat);
    list.setKind(i, r.stat.mode & 0o111 ? 'exec' : 'file');
    list.setTreeSize(i, r.size);
    list.setId(i, r.obj, r.id);
  };

  const one = async (i: number, here: boolean): Promise<void> => {
    const path = list.path(i);
    const abs = diskPath(workTree, path);
    try {
      if (list.kind(i) === 'symlink') {
        // the target's exact bytes (a target need not be UTF-8)
        const target = (await fs.readlink(abs, { encoding: 'buffer' })) as unknown as Buffer;
        const id = hashObject('blob', target);
        if (writer && !(await writer.known(id))) await writer.put('blob', target, { id, compress: true });
        list.setTreeSize(i, target.length);
        list.setId(i, 'blob', id);
        return;
      }
      filesRead++;
      if (pool && !here) {
        const r = await pool.storeFile(abs, path, opts.store);
        bytes += r.size;
        bytesRead += r.read;
        record(i, r);
        if (bytes - reported >= 8 * 1024 * 1024) report('read');
        return;
      }
      const buffer = buffers.pop() ?? new ReadBuffer(bufferSize);
      try {
        const r = await storeFile({
          fs,
          path: abs,
          plan: (size, head) => planFile(chunker, path, size, head),
          sink: writer,
          buffer,
          onBytes: (n) => {
            bytes += n;
            bytesRead += n;
            // big files: report every 8 MiB too, not only every 64 files (progress bars show bytes, rate, time left)
            if (bytes - reported >= 8 * 1024 * 1024) report('read');
          },
        });
        record(i, r);
      } finally {
        buffers.push(buffer);
      }
    } catch (err) {
      const skip = (reason: string, kind: SkipKind) => {
        list.setGone(i);
        opts.onSkip?.(path, reason, kind);
      };
      if (isNotFound(err) || err instanceof FileVanishedError) return skip('vanished while it was read', 'vanished');
      if (err instanceof FileChangedError) return skip(err.message, 'changed');
      if (err instanceof FileUnreadableError) return skip('unreadable: permission denied', 'unreadable');
      throw fsError(err, 'read', abs);
    }
  };

  // biggest files first: the last minutes of a commit should not be one worker alone on a 200 MB file
  if (pool) toRead.sort((a, b) => sizeOf(b) - sizeOf(a));
  const concurrency = pool ? threads * 3 : 4;
  /** files kept queued per worker, so a worker never waits while this thread reads a big file */
  const depth = 3 * (pool ? Math.max(1, threads - 1) : 1);
  const running = new Set<Promise<void>>();
  let failure: unknown;
  let workerStats: WriterStats = { objects: 0, rawBytes: 0, storedBytes: 0 };
  try {
    for (const i of toRead) {
      if (failure) break;
      let here = !pool;
      if (pool && mainHelps && pool.pending >= depth) {
        // the worker's answers are macrotasks, and this thread's own files (synchronous fs behind promises) never
        // yield to them: without this turn of the event loop the pool looks busy long after its worker went idle
        // (a 4 GiB initial commit ran 17 of its 23 s on this thread alone)
        await new Promise<void>((resolve) => setImmediate(resolve));
        here = pool.pending >= depth;
      }
      const p: Promise<void> = one(i, here)
        .catch((err) => {
          failure ??= err;
        })
        .finally(() => {
          done++;
          running.delete(p);
          if ((done & 63) === 0) report('read');
        });
      running.add(p);
      if (here && pool) await p;
      else if (running.size >= concurrency) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure) throw failure;
    if (pool && opts.store) workerStats = await pool.flush();
  } catch (e) {
    await writer?.abort();
    await pool?.abort();
    throw e;
  } finally {
    await pool?.close();
  }
  report('write');

  const digest = early ?? digestOf(list);
  let files = 0;
  for (let i = 0; i < list.length; i++) if (list.hasId(i)) files++;
  let entries: WorkTreeEntry[] | undefined;
  return {
    list,
    get entries() {
      entries ??= entriesOf(list);
      return entries;
    },
    files,
    cacheChanged: cacheChanged || toRead.length > 0,
    cache,
    filesTotal,
    bytesTotal,
    filesRead,
    bytesRead,
    writer,
    workerStats,
    digest,
  };
}

/**
 * Give each file the stat cache vouches for its id (one forward pass: the
 * cache is in walk order) and list those to read. With store, a cached id that
 * names no stored object sends its file back to be read, unless nothing is
 * read and the entries give the tree HEAD names (no tree is written then).
 * `early`: the digest when nothing is to be read; `cacheChanged`: entries the
 * cache held are gone (or it must be rewritten anyway).
 */
async function fromCache(
  opts: HashWorktreeOptions,
  db: ObjectDatabase,
  cache: StatCache,
  list: WorkList,
  matcher: CacheMatch,
): Promise<{ toRead: number[]; early: string | null; cacheChanged: boolean }> {
  matcher.finish();
  const { toRead, matched, held } = matcher;
  const cacheChanged = matched !== held || cache.dirty;
  // before the present-check's pass over the pack indexes, so that the records can be collected during it
  if (opts.releaseCache) cache.replaceWith(list, false);
  let early = toRead.length ? null : digestOf(list);
  if (!opts.store) return { toRead, early, cacheChanged };
  const headsTree = early !== null && cache.tree?.digest === early && cache.tree.id === opts.headTree;
  const missing = headsTree ? [] : await notStored(db, list);
  for (const i of missing) list.clearId(i);
  toRead.push(...missing);
  if (missing.length) early = null;
  return { toRead, early, cacheChanged };
}

/** The stat cache matched against the files of a scan as it lists them (see fromCache). */
interface CacheMatch {
  match(list: WorkList, row: number, path: string): void | Promise<void>;
  /**
   * Let the cache's cursor go once the scan is over: it holds the cache's records (or, opened for one scan,
   * the file it reads them from), which a commit drops (StatCache.replaceWith) before saving; a cursor kept
   * alive by this scope held them (80 MB at 1M files).
   */
  finish(): void;
  /** the cache's folder records (see ScanOptions.cached) */
  folder(path: string, st: StatInfo, ctimeMs: number): boolean | Promise<boolean>;
  child(path: string): string | null | undefined | Promise<string | null | undefined>;
  /** rows the cache does not vouch for, in walk order */
  readonly toRead: number[];
  /** files the cache had an entry for, and the entries it held */
  readonly matched: number;
  readonly held: number;
}

function cacheMatch(cache: StatCache): CacheMatch {
  const held = cache.size;
  let cursor: StatCursor | null = cache.cursor();
  const settle = (l: WorkList, row: number, rec: number): void => {
    if (rec >= 0) m.matched++;
    if (rec >= 0 && cursor!.vouches(rec, l, row)) cursor!.copyTo(rec, l, row);
    else m.toRead.push(row);
  };
  const m = {
    toRead: [] as number[],
    matched: 0,
    held,
    match(l: WorkList, row: number, path: string): void | Promise<void> {
      if (!cursor) throw new Error('cache match after finish');
      const rec = cursor.find(path);
      // a promise when the cache, read as the scan goes, had to read its next piece
      if (typeof rec === 'number') settle(l, row, rec);
      else return rec.then((r) => settle(l, row, r));
    },
    folder: (path: string, st: StatInfo, ctimeMs: number) => cursor?.folder(path, st, ctimeMs) ?? false,
    child: (path: string) => cursor?.child(path),
    finish(): void {
      cursor?.close();
      cursor = null;
    },
  };
  return m;
}

/** The hashed entries in walk order as objects (a file that was skipped is left out). */
function entriesOf(list: WorkList): WorkTreeEntry[] {
  const entries: WorkTreeEntry[] = [];
  for (let i = 0; i < list.length; i++) {
    const path = list.path(i);
    if (list.isDir(i)) entries.push({ path, kind: 'dir', size: 0, mtime: 0 });
    else if (list.hasId(i))
      entries.push({
        path,
        kind: list.kind(i) as FlatEntry['kind'],
        size: list.treeSize(i),
        mtime: Math.trunc(list.mtimeMs(i)),
        obj: list.obj(i),
        id: list.id(i),
      });
  }
  return entries;
}

/**
 * The rows whose cached id does not name an object the vault has, of the
 * cached kind and size (storedAsCached: an index lookup each, no read). A
 * commit reads them again, so no tree names a missing object whatever the
 * stat cache says. With a lean lookup (ObjectDatabase.useLean) the pack
 * indexes are not loaded: they are read once, each entry looked up in a table
 * of the rows' ids (see storedInOnePass).
 */
async function notStored(db: ObjectDatabase, list: WorkList): Promise<number[]> {
  const missing: number[] = [];
  let any = false;
  for (let i = 0; i < list.length && !any; i++) any = list.hasId(i);
  if (!any) return missing;
  if (db.lean) return storedInOnePass(db, list);
  await db.ready();
  for (let i = 0; i < list.length; i++) {
    if (!list.hasId(i)) continue;
    const e = { id: list.idBytes(i), obj: list.obj(i) };
    // packed (nearly always): answered without a promise each
    if (!(packedAsCached(db, e, list.size(i)) ?? (await storedAsCached(db, e, list.size(i))))) missing.push(i);
  }
  return missing;
}

const UNSEEN = 0;
const AS_CACHED = 1;
const NOT_AS_CACHED = 2;

/**
 * notStored in one pass over the pack indexes, holding a table of the rows
 * (4 bytes a slot, two slots a row) instead of every index entry: the first
 * entry of an id decides, as in the loaded index (packedAsCached); a row whose
 * id no pack holds is asked of the loose objects (db.has).
 */
async function storedInOnePass(db: ObjectDatabase, list: WorkList): Promise<number[]> {
  let rows = 0;
  for (let i = 0; i < list.length; i++) if (list.hasId(i)) rows++;
  let slots = 1024;
  while (slots < rows * 2) slots *= 2;
  const mask = slots - 1;
  const table = new Int32Array(slots); // row + 1; 0: empty
  const same = new Int32Array(list.length).fill(-1); // the next row with the same id
  for (let i = 0; i < list.length; i++) {
    if (!list.hasId(i)) continue;
    for (let h = list.idPrefix(i) & mask; ; h = (h + 1) & mask) {
      const r = table[h]! - 1;
      if (r < 0) {
        table[h] = i + 1;
        break;
      }
      if (list.idEquals(r, list.idBytes(i), 0)) {
        same[i] = same[r]!;
        same[r] = i;
        break;
      }
    }
  }
  const state = new Uint8Array(list.length);
  await db.scanPacked((buf, o) => {
    for (let h = buf.readUInt32BE(o) & mask; ; h = (h + 1) & mask) {
      const r = table[h]! - 1;
      if (r < 0) return;
      if (!list.idEquals(r, buf, o)) continue;
      if (state[r] !== UNSEEN) return;
      const type = buf[o + 48]!;
      const rawLength = buf.readUInt32BE(o + 44);
      for (let x = r; x >= 0; x = same[x]!) {
        const obj = list.obj(x);
        const ok = TYPE_CODE[obj] === type && (obj !== 'blob' || rawLength === list.size(x));
        state[x] = ok ? AS_CACHED : NOT_AS_CACHED;
      }
      return;
    }
  });
  const missing: number[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!list.hasId(i) || state[i] === AS_CACHED) continue;
    if (state[i] === NOT_AS_CACHED || !(await db.has(list.id(i)))) missing.push(i);
  }
  return missing;
}
