/**
 * The earlier Python library's game names, as thin faces over the same
 * porcelain: `BackupEngine.createBackup({ name, versionType, isMilestone })`
 * snapshots the project (creating its vault on first use) and optionally marks
 * a milestone; `restoreVersion(id, dir)` writes a snapshot or milestone into a
 * folder. New code should call commit / createMilestone / restore directly.
 */
import { resolve as resolvePath } from 'node:path';
import type { ObjectId } from '../../objects/types.js';
import type { FsPromises } from '../../plumbing/fs.js';
import { exists, joinPath } from '../../plumbing/fs.js';
import { VAULT_DIR, vaultPaths } from '../../plumbing/layout.js';
import { syncFs } from '../../plumbing/syncFs.js';
import { commit } from '../../porcelain/commit.js';
import { initVault, openVault, type Vault } from '../../porcelain/openVault.js';
import { restore, type RestoreResult } from '../../porcelain/restore.js';
import { createMilestone, type Milestone, type MilestoneType } from './milestones.js';

/** Python: GameVersionType. The values are the milestone types. */
export enum GameVersionType {
  PROTOTYPE = 'prototype',
  DEVELOPMENT = 'development',
  ALPHA = 'alpha',
  BETA = 'beta',
  RELEASE_CANDIDATE = 'release-candidate',
  RELEASE = 'release',
  PATCH = 'patch',
  HOTFIX = 'hotfix',
}

export interface BackupEngineOptions {
  fs?: FsPromises;
  /** vault storage folder; default <projectDir>/.vault */
  vaultDir?: string;
  clock?: () => number;
  author?: string;
  threads?: number;
}

export interface CreateBackupOptions {
  /** the snapshot message, and the milestone's name when isMilestone */
  name: string;
  versionType?: GameVersionType | `${GameVersionType}`;
  isMilestone?: boolean;
  message?: string;
}

export interface GameBackup {
  readonly id: ObjectId;
  readonly name: string;
  readonly versionType: GameVersionType;
  readonly milestone: Milestone | null;
}

/** Python: BackupEngine(project_path).create_backup(name, version_type, is_milestone) / restore_version(id, dir). */
export class BackupEngine {
  constructor(
    readonly projectDir: string,
    protected readonly options: BackupEngineOptions = {},
  ) {}

  private get fs(): FsPromises {
    return this.options.fs ?? syncFs;
  }
  private get dir(): string {
    return this.options.fs ? this.projectDir : resolvePath(this.projectDir);
  }

  private async open<T>(fn: (v: Vault) => Promise<T>): Promise<T> {
    const v = await openVault({
      fs: this.fs,
      cwd: this.dir,
      vaultDir: this.options.vaultDir,
      clock: this.options.clock,
      author: this.options.author,
      threads: this.options.fs ? 0 : (this.options.threads ?? 0),
    });
    try {
      return await fn(v);
    } finally {
      await v.close();
    }
  }

  /**
   * Snapshot the project (always a new snapshot, even when nothing changed); mark a milestone NAME when isMilestone.
   */
  async createBackup(opts: CreateBackupOptions): Promise<GameBackup> {
    const versionType = (opts.versionType ?? GameVersionType.DEVELOPMENT) as GameVersionType;
    if (!(await exists(this.fs, vaultPaths(this.options.vaultDir ?? joinPath(this.dir, VAULT_DIR)).config))) {
      await initVault({ fs: this.fs, dir: this.dir, vaultDir: this.options.vaultDir, extra: { persona: 'game' } });
    }
    return this.open(async (vault) => {
      const r = await commit({
        vault,
        message: opts.message ?? opts.name,
        allowEmpty: true,
        meta: { 'game.version': opts.name, 'game.versionType': versionType },
      });
      const milestone = opts.isMilestone
        ? await createMilestone({
            vault,
            name: opts.name,
            type: versionType as MilestoneType,
            message: opts.message,
            snapshot: r.id!,
          })
        : null;
      return { id: r.id!, name: opts.name, versionType, milestone };
    });
  }

  /** Write a snapshot (id, prefix, milestone or tag name) into `dir`, overwriting what is there. */
  async restoreVersion(id: string, dir: string): Promise<RestoreResult> {
    const to = this.options.fs ? dir : resolvePath(dir);
    return this.open((vault) => restore({ vault, snapshot: id, to, force: true }));
  }
}
