import {
  MalformedObjectError,
  PathNotFoundError,
  UncommittedChangesError,
  UnsafePathError,
  fsError,
} from '../errors.js';
import { decodeChunkList, isChunkPart } from '../objects/chunkList.js';
import { storedPieces } from '../plumbing/storedContent.js';
import { badEntryName } from '../objects/tree.js';
import type { ObjectId } from '../objects/types.js';
import { isNotFound, joinPath, tempName, type FileHandle } from '../plumbing/fs.js';
import { flattenTree, type FlatEntry } from '../plumbing/trees.js';
import { StatCache } from '../plumbing/statCache.js';
import { acquireLock } from '../plumbing/lock.js';
import type { RestorePart, RestoreRequest } from '../plumbing/restoreWorker.js';
import { WorkerPool, failureError, type WorkerFailure } from '../plumbing/workerPool.js';
import type { Progress } from './hashWorktree.js';
import type { Vault } from './openVault.js';
import { readSnapshot } from './readSnapshot.js';
import { status } from './status.js';

export interface RestoreOptions {
  vault: Vault;
  /** snapshot name: id, prefix, ref, HEAD~N */
  snapshot: string;
  /** restore only these paths (files or folders, relative to the project root); all when empty */
  paths?: readonly string[];
  /** target folder; the project folder when absent */
  to?: string;
  /** overwrite uncommitted changes in the project folder */
  force?: boolean;
  onProgress?: (p: Progress) => void;
  /** an entry that was not restored (unsafe name, symlink in the way, ...) */
  onSkip?: (path: string, reason: string) => void;
  /** files restored in parallel */
  concurrency?: number;
}

export interface RestoreResult {
  readonly snapshot: ObjectId;
  readonly target: string;
  readonly files: number;
  readonly bytes: number;
  /** files already identical in the target, left alone */
  readonly unchanged: number;
  readonly skipped: readonly { path: string; reason: string }[];
}

function normalizeAbs(p: string): string {
  return p.replace(/\/+$/, '').replace(/\/+/g, '/') || '/';
}

/** Normalise a user path to a project-relative posix path; '' is the root. */
export function normalizeRel(p: string): string {
  const parts: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!parts.length) throw new UnsafePathError(p, 'leaves the project folder');
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/**
 * Write a snapshot (or some of its paths) into a folder. Never writes outside
 * the target: every name is checked again (no '..', separators, NUL or .vault),
 * and no folder on the way may be a symlink. Files are written to a temp name
 * and renamed into place, so a killed restore leaves whole files only.
 */
export async function restore(opts: RestoreOptions): Promise<RestoreResult> {
  const { vault } = opts;
  const { fs, db } = vault;
  const snap = await readSnapshot(vault, opts.snapshot);
  const all = await flattenTree(db, snap.tree);
  const selected = new Map<string, FlatEntry>();
  const wanted = (opts.paths ?? []).map(normalizeRel);
  if (!wanted.length || wanted.includes('')) for (const [p, e] of all) selected.set(p, e);
  for (const w of wanted) {
    if (w === '') continue;
    const e = all.get(w);
    if (!e) throw new PathNotFoundError(w, `snapshot ${snap.id.slice(0, 12)}`);
    selected.set(w, e);
    // its parent folders, so they are created
    for (let i = w.indexOf('/'); i > 0; i = w.indexOf('/', i + 1)) selected.set(w.slice(0, i), all.get(w.slice(0, i))!);
    if (e.kind === 'dir') for (const [p, x] of all) if (p.startsWith(`${w}/`)) selected.set(p, x);
  }

  // --to the project folder itself is an in-place restore: same checks
  const inPlace = opts.to === undefined || normalizeAbs(opts.to) === normalizeAbs(vault.workTree);
  const target = opts.to ?? vault.workTree;
  const skipped: { path: string; reason: string }[] = [];
  const skip = (path: string, reason: string) => {
    skipped.push({ path, reason });
    opts.onSkip?.(path, reason);
  };

  let release: (() => Promise<void>) | undefined;
  let pool: WorkerPool<RestoreRequest, number> | undefined;
  let cache: StatCache | undefined;
  /** what the project folder holds now: id and kind per path (a symlink and a file can share an id) */
  const current = new Map<string, { id: string; kind: string }>();
  if (inPlace) {
    release = await acquireLock({ fs, path: db.paths.lock, command: 'restore', clock: vault.clock });
    cache = await StatCache.load(fs, db.paths.index);
  }
  try {
    if (inPlace) {
      // what is in the project folder now, and whether it differs from HEAD
      const st = await status({ vault });
      for (const e of st.worktree) if (e.id) current.set(e.path, { id: e.id, kind: e.kind });
      if (!opts.force) {
        const dirty = new Set([...st.added, ...st.modified].map((c) => c.path));
        const same = (e: FlatEntry) => current.get(e.path)?.id === e.id && current.get(e.path)?.kind === e.kind;
        const conflicts = [...selected.values()]
          .filter((e) => e.kind !== 'dir' && dirty.has(e.path) && !same(e))
          .map((e) => e.path);
        if (conflicts.length) throw new UncommittedChangesError(conflicts.sort());
      }
    }
    await fs.mkdir(target, { recursive: true });

    const bad = new Set<string>();
    const okDirs = new Set<string>(['']);
    const entries = [...selected.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    const filesTotal = entries.filter((e) => e.kind !== 'dir').length;
    const bytesTotal = entries.reduce((s, e) => s + (e.kind === 'dir' ? 0 : e.size), 0);
    let files = 0;
    let bytes = 0;
    let unchanged = 0;
    const report = (phase: Progress['phase']) => opts.onProgress?.({ phase, files, filesTotal, bytes, bytesTotal });

    /** A folder is usable when every component is a real folder (created if missing), never a symlink. */
    const ensureDir = async (rel: string): Promise<boolean> => {
      if (okDirs.has(rel)) return true;
      if (bad.has(rel)) return false;
      const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
      if (!(await ensureDir(parent))) {
        bad.add(rel);
        return false;
      }
      const abs = joinPath(target, rel);
      try {
        const st = await fs.lstat(abs);
        if (st.isSymbolicLink()) {
          skip(rel, 'a symlink is in the way of this folder; not following it');
          bad.add(rel);
          return false;
        }
        if (!st.isDirectory()) {
          skip(rel, 'a file is in the way of this folder');
          bad.add(rel);
          return false;
        }
      } catch (e) {
        if (!isNotFound(e)) throw fsError(e, 'stat', abs);
        await fs.mkdir(abs).catch((err) => {
          throw fsError(err, 'mkdir', abs);
        });
      }
      okDirs.add(rel);
      return true;
    };

    const safe = (e: FlatEntry): boolean => {
      for (const part of e.path.split('/')) {
        const why = badEntryName(part);
        if (why) {
          skip(e.path, why);
          return false;
        }
      }
      return true;
    };

    const restoreOne = async (e: FlatEntry): Promise<void> => {
      if (!safe(e)) return;
      if (e.kind === 'dir') {
        await ensureDir(e.path);
        return;
      }
      const parent = e.path.includes('/') ? e.path.slice(0, e.path.lastIndexOf('/')) : '';
      if (!(await ensureDir(parent))) return skip(e.path, 'its folder could not be used');
      const abs = joinPath(target, e.path);
      const now = current.get(e.path);
      if (inPlace && now?.id === e.id && (now.kind === e.kind || (now.kind !== 'symlink' && e.kind !== 'symlink'))) {
        const st = await fs.lstat(abs).catch(() => null);
        const want = e.kind === 'exec';
        if (st && (e.kind === 'symlink' || Boolean(Number(st.mode) & 0o111) === want)) {
          unchanged++;
          files++;
          bytes += e.size;
          return;
        }
      }
      const existing = await fs.lstat(abs).catch((err) => {
        if (isNotFound(err)) return null;
        throw fsError(err, 'stat', abs);
      });
      if (existing?.isDirectory()) return skip(e.path, 'a folder is in the way of this file');
      const tmp = tempName(joinPath(target, parent, `.${e.path.slice(parent ? parent.length + 1 : 0)}`));
      try {
        if (e.kind === 'symlink') {
          const linkTarget = (await db.readTyped(e.id, 'blob')).toString('utf8');
          await fs.symlink(linkTarget, tmp);
        } else {
          const parts = pool ? await partsOf(vault, e) : null;
          if (pool && parts) {
            const written = await pool
              .run({ tmp, mode: e.kind === 'exec' ? 0o755 : 0o644, mtime: e.mtime, size: e.size, parts })
              .catch((f: WorkerFailure) => {
                throw failureError(f);
              });
            bytes += written;
          } else {
            await writeContent(vault, e, tmp, (n) => {
              bytes += n;
            });
            await fs.chmod(tmp, e.kind === 'exec' ? 0o755 : 0o644);
            await fs.utimes(tmp, e.mtime / 1000, e.mtime / 1000);
          }
        }
        await fs.rename(tmp, abs);
      } catch (err) {
        await fs.unlink(tmp).catch(() => {});
        throw fsError(err, 'write', abs);
      }
      files++;
      if (e.kind === 'symlink') bytes += e.size;
      if (cache) {
        const st = await fs.lstat(abs);
        cache.set(e.path, {
          size: Number(st.size),
          mtimeMs: Number(st.mtimeMs),
          ino: Number(st.ino),
          mode: Number(st.mode),
          obj: e.obj,
          id: e.id,
        });
      }
      if ((files & 63) === 0) report('write');
    };

    // big restores: worker threads read, decompress, verify and write whole files
    const threads = vault.threads ?? 0;
    if (threads > 0 && (bytesTotal >= 32 * 1024 * 1024 || filesTotal >= 1000))
      pool = new WorkerPool<RestoreRequest, number>('restoreWorker', undefined, threads);
    // folders first (in path order), then files in parallel
    for (const e of entries) if (e.kind === 'dir') await restoreOne(e);
    const running = new Set<Promise<void>>();
    let failure: unknown;
    for (const e of entries) {
      if (e.kind === 'dir') continue;
      if (failure) break;
      const p: Promise<void> = restoreOne(e)
        .catch((err) => {
          failure ??= err;
        })
        .finally(() => running.delete(p));
      running.add(p);
      if (running.size >= (opts.concurrency ?? (pool ? threads * 3 : 4))) await Promise.race(running);
    }
    await Promise.all(running);
    if (failure) throw failure;
    if (cache) await cache.save(fs, db.paths.index);
    report('done');
    return { snapshot: snap.id, target, files, bytes, unchanged, skipped };
  } finally {
    await pool?.close();
    await release?.();
  }
}

/** Where each part of a file's content is packed; null when any part is a loose object (written on this thread then). */
async function partsOf(vault: Vault, e: FlatEntry): Promise<RestorePart[] | null> {
  await vault.db.ready();
  const ids: { id: ObjectId; type: 'blob' | 'chunk' }[] =
    e.obj === 'blob'
      ? [{ id: e.id, type: 'blob' }]
      : decodeChunkList(await vault.db.readTyped(e.id, 'chunklist'), e.id).chunks.map((c) => ({
          id: c.id,
          type: 'chunk' as const,
        }));
  const parts: RestorePart[] = [];
  for (const { id, type } of ids) {
    const loc = vault.db.locate(id);
    if (!loc) return null;
    // a chunk list may name blobs (small files inside a build, FILETYPE-v3)
    const ok = type === 'chunk' ? isChunkPart(loc.entry.type) : loc.entry.type === type;
    if (!ok) throw new MalformedObjectError(type, `object is a ${loc.entry.type}, not a ${type}`, id);
    parts.push({
      id,
      type: loc.entry.type as 'blob' | 'chunk',
      packPath: loc.packPath,
      offset: loc.entry.offset,
      length: loc.entry.length,
      rawLength: loc.entry.rawLength,
      codec: loc.entry.codec,
    });
  }
  return parts;
}

/** Write a file's content to `path` (created exclusively), chunk by chunk with read-ahead. */
async function writeContent(vault: Vault, e: FlatEntry, path: string, onBytes: (n: number) => void): Promise<void> {
  const { fs, db } = vault;
  const fh: FileHandle = await fs.open(path, 'wx', 0o600);
  try {
    let pos = 0;
    const write = async (buf: Buffer) => {
      let off = 0;
      while (off < buf.length) {
        const { bytesWritten } = await fh.write(buf, off, buf.length - off, pos + off);
        off += bytesWritten;
      }
      pos += buf.length;
      onBytes(buf.length);
    };
    for await (const piece of storedPieces(db, e.obj, e.id)) await write(piece);
    if (pos !== e.size)
      throw new MalformedObjectError('tree', `'${e.path}' has ${pos} bytes of content, the tree says ${e.size}`);
  } finally {
    await fh.close();
  }
}
