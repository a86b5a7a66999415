import { fsError } from '../errors.js';
import { hashObject } from '../objects/hashObject.js';
import { chunkerFromConfig, planFile } from '../plumbing/chunkers/index.js';
import { isNotFound, joinPath } from '../plumbing/fs.js';
import { loadIgnoreRules } from '../plumbing/ignoreRules.js';
import { StatCache } from '../plumbing/statCache.js';
import { scanWorktree } from '../plumbing/scanWorktree.js';
import { FileChangedError, ReadBuffer, storeFile, type ObjectSink } from '../plumbing/storeFile.js';
import type { FlatEntry } from '../plumbing/trees.js';
import type { Vault } from './openVault.js';

export interface Progress {
  readonly phase: 'scan' | 'read' | 'write' | 'done';
  readonly files: number;
  readonly filesTotal: number;
  readonly bytes: number;
  readonly bytesTotal: number;
}

export interface HashWorktreeOptions {
  vault: Vault;
  /** store new objects here; null only computes ids */
  sink: ObjectSink | null;
  onProgress?: (p: Progress) => void;
  /** a path left out of the result (vanished, kept changing, special file) */
  onSkip?: (path: string, reason: string) => void;
  /** files hashed in parallel */
  concurrency?: number;
}

/** A hashed file or symlink, or a folder (folders get their id when trees are written). */
export type WorkTreeEntry = FlatEntry | (Omit<FlatEntry, 'id' | 'obj'> & { kind: 'dir'; id?: undefined; obj?: undefined });

export interface HashedWorktree {
  /** every file, symlink and folder, with ids (folders without) */
  readonly entries: WorkTreeEntry[];
  readonly cache: StatCache;
  readonly filesTotal: number;
  readonly bytesTotal: number;
  /** files whose content had to be read (the stat cache did not vouch for them) */
  readonly filesRead: number;
  readonly bytesRead: number;
}

/** The vault folder's path relative to the work tree, when it lives inside it under another name. */
function vaultInsideWorkTree(v: Vault): string[] {
  const prefix = v.workTree.endsWith('/') ? v.workTree : `${v.workTree}/`;
  if (!v.vaultDir.startsWith(prefix)) return [];
  const rel = v.vaultDir.slice(prefix.length);
  return rel && rel !== '.vault' ? [`/${rel}`] : [];
}

/**
 * Walk the project folder and give every file its object id, reading only
 * files the stat cache cannot vouch for. With a sink, new objects are stored:
 * this is the heart of `commit`; with none it serves `status`.
 */
export async function hashWorktree(opts: HashWorktreeOptions): Promise<HashedWorktree> {
  const { vault, sink } = opts;
  const { fs, workTree } = vault;
  const ignore = await loadIgnoreRules(fs, workTree, vaultInsideWorkTree(vault));
  const scanned = await scanWorktree({ fs, workTree, ignore, onSkip: opts.onSkip });
  const cache = await StatCache.load(fs, vault.db.paths.index);
  const chunker = chunkerFromConfig(vault.config.chunker);
  const files = scanned.filter((e) => e.kind !== 'dir');
  const bytesTotal = files.reduce((s, e) => s + (e.kind === 'symlink' ? 0 : e.stat.size), 0);
  let done = 0;
  let bytes = 0;
  let filesRead = 0;
  let bytesRead = 0;
  const report = (phase: Progress['phase']) => opts.onProgress?.({ phase, files: done, filesTotal: files.length, bytes, bytesTotal });
  report('scan');

  const results = new Map<string, FlatEntry>();
  const bufferSize = 2 * Math.max(chunker.maxSize, 2 * 1024 * 1024) + 2 * 1024 * 1024;
  const buffers: ReadBuffer[] = [];
  const concurrency = opts.concurrency ?? 4;

  const one = async (e: (typeof files)[number], buffer: ReadBuffer): Promise<void> => {
    const abs = joinPath(workTree, e.path);
    const hit = cache.lookup(e.path, e.stat);
    if (hit) {
      results.set(e.path, { path: e.path, kind: e.kind, size: e.stat.size, mtime: Math.trunc(e.stat.mtimeMs), obj: hit.obj, id: hit.id });
      bytes += e.kind === 'symlink' ? 0 : e.stat.size;
      return;
    }
    try {
      if (e.kind === 'symlink') {
        const target = Buffer.from((await fs.readlink(abs)) as string, 'utf8');
        const id = hashObject('blob', target);
        if (sink && !(await sink.known(id))) await sink.put('blob', target, { id, compress: true });
        results.set(e.path, { path: e.path, kind: 'symlink', size: target.length, mtime: Math.trunc(e.stat.mtimeMs), obj: 'blob', id });
        cache.set(e.path, { ...e.stat, obj: 'blob', id });
        return;
      }
      filesRead++;
      const r = await storeFile({
        fs,
        path: abs,
        stat: e.stat,
        plan: (size, head) => planFile(chunker, e.path, size, head),
        sink,
        buffer,
        onBytes: (n) => {
          bytes += n;
          bytesRead += n;
        },
      });
      // the file may have changed between listing and reading: record what was read
      const st = r.stat;
      results.set(e.path, { path: e.path, kind: st.mode & 0o111 ? 'exec' : 'file', size: r.size, mtime: Math.trunc(st.mtimeMs), obj: r.obj, id: r.id });
      cache.set(e.path, { ...st, obj: r.obj, id: r.id });
    } catch (err) {
      if (isNotFound(err)) return opts.onSkip?.(e.path, 'vanished while it was read');
      if (err instanceof FileChangedError) return opts.onSkip?.(e.path, err.message);
      throw fsError(err, 'read', abs);
    }
  };

  const running = new Set<Promise<void>>();
  let failure: unknown;
  for (const e of files) {
    if (failure) break;
    const buffer = buffers.pop() ?? new ReadBuffer(bufferSize);
    const p: Promise<void> = one(e, buffer)
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => {
        done++;
        buffers.push(buffer);
        running.delete(p);
        if ((done & 63) === 0) report('read');
      });
    running.add(p);
    if (running.size >= concurrency) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw failure;
  report('write');

  const entries: WorkTreeEntry[] = [];
  for (const e of scanned) {
    if (e.kind === 'dir') entries.push({ path: e.path, kind: 'dir', size: 0, mtime: 0 });
    else {
      const r = results.get(e.path);
      if (r) entries.push(r);
    }
  }
  return { entries, cache, filesTotal: files.length, bytesTotal, filesRead, bytesRead };
}
