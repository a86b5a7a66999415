import { createHash } from 'node:crypto';
import { fsError } from '../errors.js';
import { hashObject } from '../objects/hashObject.js';
import type { ObjectId } from '../objects/types.js';
import { chunkerFromConfig, planFile } from '../plumbing/chunkers/index.js';
import { diskPath } from '../plumbing/diskPath.js';
import { isNotFound } from '../plumbing/fs.js';
import { loadIgnoreRules } from '../plumbing/ignoreRules.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import type { ObjectWriter, WriterStats } from '../plumbing/ObjectWriter.js';
import { SharedIdSet } from '../plumbing/sharedIdSet.js';
import { StatCache, storedAsCached, type CacheEntry, type StatInfo } from '../plumbing/statCache.js';
import { scanWorktree, type SkipKind, type WorkEntry } from '../plumbing/scanWorktree.js';
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
  /** every file, symlink and folder, with ids (folders without) */
  readonly entries: WorkTreeEntry[];
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
  const scanned = await scanWorktree({ fs, workTree, ignore, onSkip: opts.onSkip, onGitFolder: opts.onGitFolder });
  const cache = opts.cache ?? (await StatCache.load(fs, db.paths.index));
  const chunker = chunkerFromConfig(vault.config.chunker);
  const files = scanned.filter((e) => e.kind !== 'dir');
  const bytesTotal = files.reduce((s, e) => s + (e.kind === 'symlink' ? 0 : e.stat.size), 0);

  const { results, toRead, early } = await fromCache(opts, db, cache, scanned);
  const bytesToRead = toRead.reduce((s, e) => s + (e.kind === 'symlink' ? 0 : e.stat.size), 0);
  let done = files.length - toRead.length;
  let bytes = bytesTotal - bytesToRead;
  let filesRead = 0;
  let bytesRead = 0;
  let reported = 0;
  const report = (phase: Progress['phase']) => {
    reported = bytes;
    opts.onProgress?.({ phase, files: done, filesTotal: files.length, bytes, bytesTotal });
  };
  report('scan');

  const threads = vault.threads ?? 0;
  const useWorkers = threads > 0 && (bytesToRead >= WORKER_MIN_BYTES || toRead.length >= WORKER_MIN_FILES);
  let shared: SharedIdSet | undefined;
  if (useWorkers) {
    await db.ready();
    // room for every known id plus an upper bound of the new ones
    let expected = 64 + scanned.length;
    for (const _ of db.ids()) expected++;
    for (const e of toRead) expected += Math.ceil(e.stat.size / chunker.minSize) + 2;
    shared = SharedIdSet.create(expected);
    for (const id of db.ids()) shared.add(id);
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

  const record = (e: WorkEntry, r: StoredFile) => {
    // the file may have changed between listing and reading: record what was read
    const st: StatInfo = r.stat;
    results.set(e.path, {
      path: e.path,
      kind: st.mode & 0o111 ? 'exec' : 'file',
      size: r.size,
      mtime: Math.trunc(st.mtimeMs),
      obj: r.obj,
      id: r.id,
    });
    cache.set(e.path, { ...st, obj: r.obj, id: r.id });
  };

  const one = async (e: WorkEntry, here: boolean): Promise<void> => {
    const abs = diskPath(workTree, e.path);
    try {
      if (e.kind === 'symlink') {
        // the target's exact bytes (a target need not be UTF-8)
        const target = (await fs.readlink(abs, { encoding: 'buffer' })) as unknown as Buffer;
        const id = hashObject('blob', target);
        if (writer && !(await writer.known(id))) await writer.put('blob', target, { id, compress: true });
        results.set(e.path, {
          path: e.path,
          kind: 'symlink',
          size: target.length,
          mtime: Math.trunc(e.stat.mtimeMs),
          obj: 'blob',
          id,
        });
        cache.set(e.path, { ...e.stat, obj: 'blob', id });
        return;
      }
      filesRead++;
      if (pool && !here) {
        const r = await pool.storeFile(abs, e.path, opts.store);
        bytes += r.size;
        bytesRead += r.read;
        record(e, r);
        if (bytes - reported >= 8 * 1024 * 1024) report('read');
        return;
      }
      const buffer = buffers.pop() ?? new ReadBuffer(bufferSize);
      try {
        const r = await storeFile({
          fs,
          path: abs,
          plan: (size, head) => planFile(chunker, e.path, size, head),
          sink: writer,
          buffer,
          onBytes: (n) => {
            bytes += n;
            bytesRead += n;
            // big files: report every 8 MiB too, not only every 64 files (progress bars show bytes, rate, time left)
            if (bytes - reported >= 8 * 1024 * 1024) report('read');
          },
        });
        record(e, r);
      } finally {
        buffers.push(buffer);
      }
    } catch (err) {
      if (isNotFound(err) || err instanceof FileVanishedError)
        return opts.onSkip?.(e.path, 'vanished while it was read', 'vanished');
      if (err instanceof FileChangedError) return opts.onSkip?.(e.path, err.message, 'changed');
      if (err instanceof FileUnreadableError)
        return opts.onSkip?.(e.path, 'unreadable: permission denied', 'unreadable');
      throw fsError(err, 'read', abs);
    }
  };

  // biggest files first: the last minutes of a commit should not be one worker alone on a 200 MB file
  if (pool) toRead.sort((a, b) => b.stat.size - a.stat.size);
  const concurrency = pool ? threads * 3 : 4;
  /** files kept queued per worker, so a worker never waits while this thread reads a big file */
  const depth = 3 * (pool ? Math.max(1, threads - 1) : 1);
  const running = new Set<Promise<void>>();
  let failure: unknown;
  let workerStats: WriterStats = { objects: 0, rawBytes: 0, storedBytes: 0 };
  try {
    for (const e of toRead) {
      if (failure) break;
      const here = !pool || (mainHelps && pool.pending >= depth);
      const p: Promise<void> = one(e, here)
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

  const { entries, digest } = early ?? assemble(scanned, results);
  return {
    entries,
    cache,
    filesTotal: files.length,
    bytesTotal,
    filesRead,
    bytesRead,
    writer,
    workerStats,
    digest,
  };
}

/**
 * Split the files into those the stat cache vouches for (their entries) and
 * those to read. With store, a cached id that names no stored object sends its
 * file back to be read, unless nothing is read and the entries give the tree
 * HEAD names (no tree is written then). `early`: the assembled entries when
 * nothing is to be read.
 */
async function fromCache(
  opts: HashWorktreeOptions,
  db: ObjectDatabase,
  cache: StatCache,
  scanned: readonly WorkEntry[],
): Promise<{ results: Map<string, FlatEntry>; toRead: WorkEntry[]; early: Assembled | null }> {
  const results = new Map<string, FlatEntry>();
  const toRead: WorkEntry[] = [];
  const hits: { e: WorkEntry; hit: CacheEntry }[] = [];
  for (const e of scanned) {
    if (e.kind === 'dir') continue;
    const hit = cache.lookup(e.path, e.stat);
    if (!hit) {
      toRead.push(e);
      continue;
    }
    hits.push({ e, hit });
    const { path, kind } = e;
    results.set(path, { path, kind, size: e.stat.size, mtime: Math.trunc(e.stat.mtimeMs), obj: hit.obj, id: hit.id });
  }
  let early = toRead.length ? null : assemble(scanned, results);
  if (!opts.store) return { results, toRead, early };
  const headsTree = early !== null && cache.tree?.digest === early.digest && cache.tree.id === opts.headTree;
  const missing = headsTree ? [] : await notStored(db, hits);
  for (const e of missing) results.delete(e.path);
  toRead.push(...missing);
  if (missing.length) early = null;
  return { results, toRead, early };
}

interface Assembled {
  readonly entries: WorkTreeEntry[];
  readonly digest: string;
}

/** The hashed entries in scan order (a file that was skipped is left out), and their digest (see StatCache.tree). */
function assemble(scanned: readonly WorkEntry[], results: ReadonlyMap<string, FlatEntry>): Assembled {
  const entries: WorkTreeEntry[] = [];
  for (const e of scanned) {
    if (e.kind === 'dir') entries.push({ path: e.path, kind: 'dir', size: 0, mtime: 0 });
    else {
      const r = results.get(e.path);
      if (r) entries.push(r);
    }
  }
  // fed to the hash in pieces of ~64 KiB: the same digest as one string, without a string of every entry at once
  // (150 MB at a million files)
  const h = createHash('sha256');
  let text = 'tree-v1\n';
  for (const e of entries) {
    text += `${e.path}\0${e.kind}\0${e.size}\0${e.mtime}\0${e.obj ?? ''}\0${e.id ?? ''}\n`;
    if (text.length >= 65536) {
      h.update(text);
      text = '';
    }
  }
  return { entries, digest: h.update(text).digest('hex') };
}

/**
 * The files whose cached id does not name an object the vault has, of the
 * cached kind and size (storedAsCached: an index lookup each, no read). A
 * commit reads them again, so no tree names a missing object whatever the
 * stat cache says.
 */
async function notStored(db: ObjectDatabase, hits: readonly { e: WorkEntry; hit: CacheEntry }[]): Promise<WorkEntry[]> {
  if (!hits.length) return [];
  await db.ready();
  const missing: WorkEntry[] = [];
  for (const { e, hit } of hits) if (!(await storedAsCached(db, hit, e.stat.size))) missing.push(e);
  return missing;
}
