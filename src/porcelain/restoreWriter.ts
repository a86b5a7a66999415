/**
 * Carries out a restore's plans as planFolders makes them, a folder at a time:
 * creates the folders, and writes files in parallel (taking turns between a few
 * folders), each to a temp name created exclusively in its folder and renamed
 * into place. No folder on the way may be a symlink. A file whose objects are
 * damaged fails alone (it is named with the reason) and the rest goes on. Each
 * file's task returns what happened to it; only RestoreWriter.record counts.
 */
import type { Stats } from 'node:fs';
import { MalformedObjectError, fsError } from '../errors.js';
import { decodeChunkList, isChunkPart } from '../objects/chunkList.js';
import type { ObjectId } from '../objects/types.js';
import { diskPath } from '../plumbing/diskPath.js';
import { isNotFound, joinPath, tempName, type FileHandle } from '../plumbing/fs.js';
import type { RestorePart, RestoreReply, RestoreRequest } from '../plumbing/restoreWorker.js';
import { setSize, writeOrHole } from '../plumbing/sparse.js';
import type { StatCache } from '../plumbing/statCache.js';
import { storedPieces } from '../plumbing/storedContent.js';
import { WorkerPool, failureError, type WorkerFailure } from '../plumbing/workerPool.js';
import type { Progress } from './hashWorktree.js';
import type { Vault } from './openVault.js';
import {
  failureOf,
  isDamage,
  onDiskPath,
  parentOf,
  type NotRestored,
  type FolderPlan,
  type PlannedEntry,
  type RestoreFailure,
  type RestorePlan,
} from './restorePlan.js';

export interface WriterOptions {
  readonly vault: Vault;
  readonly target: string;
  /** in place: the stat cache, which learns what is written */
  readonly cache?: StatCache;
  /** files written at once (default: 4, or 3 per worker thread) */
  readonly concurrency?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly onSkip?: (path: string, reason: string) => void;
}

export interface WriteTally {
  readonly files: number;
  readonly bytes: number;
  readonly unchanged: number;
  readonly skipped: readonly NotRestored[];
  readonly failures: readonly RestoreFailure[];
}

/** What the stat cache learns of a written file. */
type StatData = Pick<Stats, 'size' | 'mtimeMs' | 'ino' | 'mode'>;

/** A file written to its temp name: renamed into place yet (by a worker), and its stat data when known. */
interface Written {
  readonly renamed: boolean;
  readonly st: StatData | null;
}

/** What happened to one file. */
type Outcome =
  | { readonly kind: 'written'; readonly st?: StatData }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly error: RestoreFailure };

/** What the writer is told before it starts: the totals of what the plans will write. */
export interface PlanTotals {
  readonly filesTotal: number;
  readonly bytesTotal: number;
}

/**
 * Write the plans into the target (their refusals are the caller's to report). Throws on a problem with the
 * target itself (disk full, I/O error).
 */
export async function writePlans(
  plans: AsyncIterable<FolderPlan>,
  totals: PlanTotals,
  opts: WriterOptions,
): Promise<WriteTally> {
  const threads = opts.vault.threads ?? 0;
  const big = totals.bytesTotal >= 32 * 1024 * 1024 || totals.filesTotal >= 1000;
  // big restores: worker threads read, decompress, verify and write whole files
  const pool =
    threads > 0 && big ? new WorkerPool<RestoreRequest, RestoreReply>('restoreWorker', undefined, threads) : null;
  try {
    return await new RestoreWriter(totals, opts, pool).run(plans, opts.concurrency ?? (pool ? threads * 3 : 4));
  } finally {
    await pool?.close();
  }
}

class RestoreWriter {
  private files = 0;
  private bytes = 0;
  private unchanged = 0;
  private readonly skipped: NotRestored[] = [];
  private readonly failures: RestoreFailure[] = [];
  /** folders known to be real folders (created if missing), and folders that cannot be used */
  private readonly okDirs = new Set<string>(['']);
  private readonly badDirs = new Set<string>();
  /** folders this restore made: what is in them, it wrote (no need to look for something in the way) */
  private readonly madeDirs = new Set<string>();
  /** open applies the umask; modes are then set exactly (asked once: process.umask() is a syscall) */
  private readonly umask = process.umask();

  constructor(
    private readonly totals: PlanTotals,
    private readonly opts: WriterOptions,
    private readonly pool: WorkerPool<RestoreRequest, RestoreReply> | null,
  ) {}

  async run(plans: AsyncIterable<FolderPlan>, concurrency: number): Promise<WriteTally> {
    const running = new Set<Promise<void>>();
    let fatal: { error: unknown } | undefined;
    try {
      // a folder's subfolders are made as its plan is taken, before any file under them
      const opened = async (plan: RestorePlan) => {
        for (const d of plan.dirs) await this.ensureDir(d.path);
      };
      for await (const e of takeTurns(plans, concurrency, opened)) {
        // each file's folder too, should the plan not list it
        await this.ensureDir(parentOf(e.path));
        // a failure of a write or of the caller's progress callback (a clone's abort signal throws there) stops
        // the loop; the files in flight finish before run() throws, so nothing writes after it returns
        if (fatal) break;
        const p: Promise<void> = this.writeFile(e)
          .then((o) => this.record(e, o))
          .catch((error: unknown) => {
            fatal ??= { error };
          })
          .finally(() => running.delete(p));
        running.add(p);
        if (running.size >= concurrency) await Promise.race(running);
      }
    } catch (error) {
      // reading a tree or making a folder failed: the same
      fatal ??= { error };
    }
    await Promise.all(running);
    if (fatal) throw fatal.error;
    this.report('done');
    return {
      files: this.files,
      bytes: this.bytes,
      unchanged: this.unchanged,
      skipped: this.skipped,
      failures: this.failures,
    };
  }

  private report(phase: Progress['phase']): void {
    const { filesTotal, bytesTotal } = this.totals;
    this.opts.onProgress?.({ phase, files: this.files, filesTotal, bytes: this.bytes, bytesTotal });
  }

  private skip(path: string, reason: string): void {
    this.skipped.push({ path, reason });
    this.opts.onSkip?.(path, reason);
  }

  /** The one place that counts: called once per file, in the order files finish. */
  private record(e: PlannedEntry, o: Outcome): void {
    switch (o.kind) {
      case 'skipped':
        return this.skip(e.path, o.reason);
      case 'failed':
        this.failures.push(o.error);
        return;
      case 'unchanged':
        this.unchanged++;
        this.files++;
        this.bytes += e.size;
        return;
      case 'written':
        this.files++;
        this.bytes += e.size;
        if (o.st) {
          const { size, mtimeMs, ino, mode } = o.st;
          this.opts.cache?.set(e.path, {
            size: Number(size),
            mtimeMs: Number(mtimeMs),
            ino: Number(ino),
            mode: Number(mode),
            obj: e.obj,
            id: e.id,
          });
        }
        if ((this.files & 63) === 0) this.report('write');
        return;
    }
  }

  /** The path to hand the filesystem: bytes when a name is not UTF-8 (see plumbing/diskPath.ts). */
  private abs(path: string): string | Buffer {
    return diskPath(this.opts.target, onDiskPath(path));
  }

  /** The same path for messages. */
  private shown(path: string): string {
    return joinPath(this.opts.target, path);
  }

  /** A folder is usable when every component is a real folder (created if missing), never a symlink. */
  private async ensureDir(rel: string): Promise<boolean> {
    if (this.okDirs.has(rel)) return true;
    if (this.badDirs.has(rel)) return false;
    if (!(await this.ensureDir(parentOf(rel)))) {
      this.badDirs.add(rel);
      return false;
    }
    const abs = this.abs(rel);
    const st = await lstatOrNull(this.opts.vault, abs, this.shown(rel));
    if (st && !st.isDirectory()) {
      const link = st.isSymbolicLink();
      this.skip(
        rel,
        link ? 'a symlink is in the way of this folder; not following it' : 'a file is in the way of this folder',
      );
      this.badDirs.add(rel);
      return false;
    }
    if (!st) {
      try {
        await this.opts.vault.fs.mkdir(abs);
      } catch (err) {
        throw fsError(err, 'mkdir', this.shown(rel));
      }
      this.madeDirs.add(rel);
    }
    this.okDirs.add(rel);
    return true;
  }

  private async writeFile(e: PlannedEntry): Promise<Outcome> {
    const parent = parentOf(e.path);
    if (!this.okDirs.has(parent)) return { kind: 'skipped', reason: 'its folder could not be used' };
    const { fs } = this.opts.vault;
    const abs = this.abs(e.path);
    if (e.present && (await this.stillPresent(e, abs))) return { kind: 'unchanged' };
    if (!this.madeDirs.has(parent) && (await lstatOrNull(this.opts.vault, abs, this.shown(e.path)))?.isDirectory())
      return { kind: 'skipped', reason: 'a folder is in the way of this file' };
    const tmp = this.abs(tempName(joinPath(parent, `.${e.path.slice(e.path.lastIndexOf('/') + 1)}`)));
    let done: Written;
    try {
      done = await this.writeTemp(e, tmp, abs);
      // the worker renamed it; a file written on this thread is renamed here
      if (!done.renamed) await fs.rename(tmp, abs);
    } catch (err) {
      await fs.unlink(tmp).catch(() => {});
      if (isDamage(err)) return { kind: 'failed', error: failureOf(e.path, err) };
      throw fsError(err, 'write', this.shown(e.path));
    }
    if (!this.opts.cache) return { kind: 'written' };
    return { kind: 'written', st: done.st ?? ((await fs.lstat(abs)) as Stats) };
  }

  /** In place, the same content: left alone when its exec bit is right too (a link has none). */
  private async stillPresent(e: PlannedEntry, abs: string | Buffer): Promise<boolean> {
    const st = await (this.opts.vault.fs.lstat(abs) as Promise<Stats>).catch(() => null);
    return !!st && (e.kind === 'symlink' || Boolean(Number(st.mode) & 0o111) === (e.kind === 'exec'));
  }

  /**
   * Write the entry to `tmp`. A worker thread also renames it to `dest` and answers with its stat data when the
   * cache wants it; written on this thread, it is not renamed yet.
   */
  private async writeTemp(e: PlannedEntry, tmp: string | Buffer, dest: string | Buffer): Promise<Written> {
    const { vault } = this.opts;
    if (e.kind === 'symlink') {
      // the target's exact bytes: commit stores what readlink gave, UTF-8 or not
      await vault.fs.symlink(await vault.db.readTyped(e.id, 'blob'), tmp);
      return { renamed: false, st: null };
    }
    const mode = e.kind === 'exec' ? 0o755 : 0o644;
    const parts = this.pool ? await partsOf(vault, e) : null;
    if (this.pool && parts) {
      const req = { tmp, dest, mode, umask: this.umask, mtime: e.mtime, size: e.size, parts, stat: !!this.opts.cache };
      const st = await this.pool.run(req).catch((f: WorkerFailure) => {
        throw failureError(f);
      });
      return { renamed: true, st };
    }
    await writeContent(vault, e, tmp);
    await vault.fs.chmod(tmp, mode);
    // 0: no time known (imported from git, which keeps none): the file keeps the time it was written
    if (e.mtime > 0) await vault.fs.utimes(tmp, e.mtime / 1000, e.mtime / 1000);
    return { renamed: false, st: null };
  }
}

/**
 * The files of the plans, taking turns between up to `window` folders, each folder's in order: files written at
 * once then mostly lie in different folders. Creating and renaming a file holds its folder's lock, and on ext4
 * inode allocation runs under it, slowly after many files were deleted: writers in one folder then wait on each
 * other. `opened` sees each plan as it is taken, before any of its files.
 */
export async function* takeTurns(
  plans: AsyncIterable<FolderPlan>,
  window: number,
  opened: (plan: RestorePlan) => Promise<void>,
): AsyncGenerator<PlannedEntry> {
  const it = plans[Symbol.asyncIterator]();
  const turns: { files: readonly PlannedEntry[]; next: number }[] = [];
  let more = true;
  try {
    for (;;) {
      while (more && turns.length < window) {
        const r = await it.next();
        if (r.done) more = false;
        else {
          await opened(r.value.plan);
          if (r.value.plan.files.length) turns.push({ files: r.value.plan.files, next: 0 });
        }
      }
      const turn = turns.shift();
      if (!turn) return;
      yield turn.files[turn.next++]!;
      if (turn.next < turn.files.length) turns.push(turn);
    }
  } finally {
    if (more) await it.return?.();
  }
}

async function lstatOrNull(vault: Vault, abs: string | Buffer, shown: string): Promise<Stats | null> {
  return (vault.fs.lstat(abs) as Promise<Stats>).catch((err) => {
    if (isNotFound(err)) return null;
    throw fsError(err, 'stat', shown);
  });
}

/** Where each part of a file's content is packed; null when any part is a loose object (written on this thread then). */
async function partsOf(vault: Vault, e: PlannedEntry): Promise<RestorePart[] | null> {
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

/** Write a file's content to `path` (created exclusively), chunk by chunk with read-ahead; zeros become holes. */
async function writeContent(vault: Vault, e: PlannedEntry, path: string | Buffer): Promise<void> {
  const fh: FileHandle = await vault.fs.open(path, 'wx', 0o600);
  try {
    let pos = 0;
    let end = 0;
    for await (const piece of storedPieces(vault.db, e.obj, e.id)) {
      if (await writeOrHole(fh, piece, pos)) end = pos + piece.length;
      pos += piece.length;
    }
    if (pos !== e.size)
      throw new MalformedObjectError('tree', `'${e.path}' has ${pos} bytes of content, the tree says ${e.size}`);
    await setSize(fh, pos, end);
  } finally {
    await fh.close();
  }
}
