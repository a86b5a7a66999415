/**
 * Names kept from the earlier Python library, as thin faces over the typed
 * API, for code written against them. New code should use the functions in
 * index.ts directly.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { ObjectId, ObjectType } from '../objects/types.js';
import type { FsPromises } from '../plumbing/fs.js';
import { exists, joinPath } from '../plumbing/fs.js';
import { VAULT_DIR, vaultPaths } from '../plumbing/layout.js';
import { syncFs } from '../plumbing/syncFs.js';
import { revParse } from '../refs/revParse.js';
import type { AttachmentWarning, CommitAttachment } from './attachments.js';
import { commit } from './commit.js';
import { log, type LogEntry } from './log.js';
import { initVault, openVault, type Vault } from './openVault.js';
import { restore, type RestoreResult } from './restore.js';
import { readRef, updateRef } from '../refs/refs.js';

export interface EngineOptions {
  fs?: FsPromises;
  /** vault storage folder; default: <dir>/.vault of the folder being snapshotted */
  vaultDir?: string;
  clock?: () => number;
  author?: string;
  /** worker threads (only with node's own fs) */
  threads?: number;
  /** a snapshot attachment's remark (e.g. a reference the snapshot breaks); never fails it */
  onWarning?: (w: AttachmentWarning) => void;
}

async function withOpen<T>(
  o: EngineOptions,
  dir: string,
  vaultDir: string | undefined,
  fn: (v: Vault) => Promise<T>,
): Promise<T> {
  const fs = o.fs ?? syncFs;
  const v = await openVault({
    fs,
    cwd: dir,
    vaultDir,
    clock: o.clock,
    author: o.author,
    threads: o.fs ? 0 : (o.threads ?? 0),
  });
  try {
    return await fn(v);
  } finally {
    await v.close();
  }
}

/** Python: IncrementalBackupEngine(...).create_snapshot(dir) / restore_snapshot(id, dir). */
export class IncrementalBackupEngine {
  /** the project folder of the last snapshot, where restoreSnapshot looks for the vault */
  protected project?: string;
  constructor(protected readonly options: EngineOptions = {}) {}

  /** Snapshot `dir` (creating its vault on first use); returns the snapshot id. */
  async createSnapshot(dir: string, message = 'snapshot'): Promise<ObjectId> {
    const fs = this.options.fs ?? syncFs;
    const abs = this.options.fs ? dir : resolve(dir);
    const vaultDir = this.options.vaultDir;
    if (!(await exists(fs, vaultPaths(vaultDir ?? joinPath(abs, VAULT_DIR)).config)))
      await initVault({ fs, dir: abs, vaultDir });
    this.project = abs;
    const r = await withOpen(this.options, abs, vaultDir, async (vault) =>
      commit({
        vault,
        message,
        allowEmpty: true,
        attachments: await this.attachments(vault),
        onWarning: this.options.onWarning,
      }),
    );
    return r.id!;
  }

  /** Derived data kept with each snapshot; persona faces (DeltaBackupEngine) add theirs. */
  protected async attachments(_vault: Vault): Promise<CommitAttachment[]> {
    return [];
  }

  /** Write snapshot `id` (any snapshot name) into `dir`. */
  async restoreSnapshot(id: string, dir: string): Promise<RestoreResult> {
    const project = this.project ?? (this.options.vaultDir ? dir : undefined);
    if (!project)
      throw new UsageError('restoreSnapshot needs a vault: call createSnapshot first or pass vaultDir to the engine');
    const to = this.options.fs ? dir : resolve(dir);
    return withOpen(this.options, project, this.options.vaultDir, (vault) =>
      restore({ vault, snapshot: id, to, force: true }),
    );
  }
}

/** Python: FileSystemStorageManager: content-addressed object storage in a vault. */
export class FileSystemStorageManager {
  constructor(
    readonly projectDir: string,
    protected readonly options: EngineOptions = {},
  ) {}

  storeObject(type: ObjectType, data: Uint8Array): Promise<ObjectId> {
    return withOpen(this.options, this.projectDir, this.options.vaultDir, (v) => v.db.writeLoose(type, data));
  }
  retrieveObject(id: ObjectId): Promise<{ type: ObjectType; data: Buffer }> {
    return withOpen(this.options, this.projectDir, this.options.vaultDir, async (v) => {
      const o = await v.db.read(id);
      return { type: o.type, data: o.body };
    });
  }
  hasObject(id: ObjectId): Promise<boolean> {
    return withOpen(this.options, this.projectDir, this.options.vaultDir, (v) => v.db.has(id));
  }
}

/** Python: FileSystemVersionTracker: history and names of snapshots. */
export class FileSystemVersionTracker {
  constructor(
    readonly projectDir: string,
    protected readonly options: EngineOptions = {},
  ) {}

  listVersions(limit?: number): Promise<LogEntry[]> {
    return withOpen(this.options, this.projectDir, this.options.vaultDir, (vault) => log({ vault, limit }));
  }
  resolve(name: string): Promise<ObjectId> {
    return withOpen(this.options, this.projectDir, this.options.vaultDir, (v) =>
      revParse({ ...v.refs, db: v.db }, name),
    );
  }
  /** Name a snapshot refs/tags/NAME (or refs/milestones/NAME with milestone: true). */
  tagVersion(name: string, id: string, opts: { milestone?: boolean } = {}): Promise<void> {
    return withOpen(this.options, this.projectDir, this.options.vaultDir, async (v) => {
      const ref = `refs/${opts.milestone ? 'milestones' : 'tags'}/${name}`;
      const target = await revParse({ ...v.refs, db: v.db }, id);
      await updateRef({
        ...v.refs,
        ref,
        value: target,
        expected: await readRef(v.refs, ref),
        message: `tag: ${name}`,
        author: v.author,
        time: v.clock(),
      });
    });
  }
}
