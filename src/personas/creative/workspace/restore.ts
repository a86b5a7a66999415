import { posix } from 'node:path';
import { fsError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import type { AttachedFile } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { isNotFound, tempName, type FileHandle } from '../../../plumbing/fs.js';
import { storedPieces, writeStoredFileAtomic } from '../../../plumbing/storedContent.js';
import {
  NoWorkspaceStateError,
  UndeclaredWorkspaceError,
  UnknownWorkspaceError,
  WorkspaceOverwriteError,
  WorkspaceRestoreCancelledError,
} from './errors.js';
import { listWorkspace } from './config.js';
import { attachedPath, type CapturedWorkspace, type WorkspaceItem } from './manifest.js';
import { showWorkspace } from './show.js';

export interface WorkspaceRestoreOptions {
  vault: Vault;
  snapshot: string;
  /** only these workspace paths (by name); all when empty */
  names?: readonly string[];
  /** overwrite differing files without asking */
  yes?: boolean;
  /**
   * Asked once, before anything is written, with every file that would be
   * overwritten and every workspace path of the snapshot this vault does not
   * declare (a cloned vault's paths); resolve true to go ahead. Without it
   * (and without `yes`) restoring fails with EUNDECLARED or EOVERWRITE.
   */
  confirm?: (ask: WorkspaceConfirmation) => Promise<boolean>;
  onSkip?: (path: string, reason: string) => void;
}

export interface WorkspaceConfirmation {
  /** existing files that differ from the snapshot's */
  readonly overwrite: readonly string[];
  /** workspace paths the snapshot holds that this vault's config does not declare */
  readonly undeclared: readonly string[];
}

export interface WorkspaceRestoreResult {
  readonly snapshot: ObjectId;
  /** absolute paths written (files, symlinks) */
  readonly written: readonly string[];
  /** of those, the ones that replaced something different */
  readonly overwritten: readonly string[];
  /** already identical */
  readonly unchanged: number;
  readonly skipped: readonly { path: string; reason: string }[];
}

interface Step {
  readonly ws: CapturedWorkspace;
  readonly item: WorkspaceItem;
  readonly abs: string;
  readonly overwrite: boolean;
  readonly file?: AttachedFile;
}

type Lstat = Awaited<ReturnType<Vault['fs']['lstat']>>;

async function lstatOrNull(vault: Vault, p: string): Promise<Lstat | null> {
  try {
    return await vault.fs.lstat(p);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw fsError(e, 'stat', p);
  }
}

/** Does the file at `abs` hold exactly the stored content? (streamed, piece by piece) */
async function sameContent(vault: Vault, f: AttachedFile, abs: string, size: number): Promise<boolean> {
  if (size !== f.size) return false;
  const fh: FileHandle = await vault.fs.open(abs, 'r');
  try {
    let pos = 0;
    for await (const piece of storedPieces(vault.db, f.obj, f.id)) {
      const buf = Buffer.alloc(piece.length);
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, pos + got);
        if (!bytesRead) return false;
        got += bytesRead;
      }
      if (!buf.equals(piece)) return false;
      pos += piece.length;
    }
    return true;
  } finally {
    await fh.close();
  }
}

/** Write one stored file to `abs`: temp file beside it (created exclusively), fsync, mode and mtime, rename, fsync the folder. */
async function writeAtomic(vault: Vault, f: AttachedFile, abs: string, item: WorkspaceItem): Promise<void> {
  await writeStoredFileAtomic(vault.fs, vault.db, f, abs, { mode: item.mode, mtimeMs: item.mtime });
}

async function writeLink(vault: Vault, target: string, abs: string): Promise<void> {
  const tmp = tempName(abs);
  try {
    await vault.fs.symlink(target, tmp);
    await vault.fs.rename(tmp, abs);
  } catch (e) {
    await vault.fs.unlink(tmp).catch(() => {});
    throw fsError(e, 'write', abs);
  }
}

/**
 * Put a snapshot's workspace files back at their original absolute places.
 * Everything is checked first: files that differ would be overwritten, and
 * that needs `yes` or `confirm`, as does writing to a workspace path this
 * vault does not declare; nothing is written before that. Never writes
 * through a symlink: a workspace folder (or a folder inside it) that is a
 * symlink now is skipped; a symlink where a file goes is replaced, not
 * followed. Each file is written atomically.
 */
export async function restoreWorkspace(opts: WorkspaceRestoreOptions): Promise<WorkspaceRestoreResult> {
  const { vault } = opts;
  const state = await showWorkspace({ vault, snapshot: opts.snapshot });
  if (!state.workspaces.length) throw new NoWorkspaceStateError(state.snapshot);
  const names = opts.names?.length ? opts.names : null;
  for (const n of names ?? [])
    if (!state.workspaces.some((w) => w.name === n))
      throw new UnknownWorkspaceError(
        n,
        state.workspaces.map((w) => w.name),
      );
  const skipped: { path: string; reason: string }[] = [];
  const skip = (path: string, reason: string) => {
    skipped.push({ path, reason });
    opts.onSkip?.(path, reason);
  };

  const steps: Step[] = [];
  const mkdirs: { abs: string; mode: number }[] = [];
  let unchanged = 0;
  for (const ws of state.workspaces) {
    if (names && !names.includes(ws.name)) continue;
    if (ws.kind === 'missing') {
      skip(ws.path, 'it was missing when the snapshot was made');
      continue;
    }
    const bad = new Set<string>();
    const planned = new Set<string>();
    if (ws.kind === 'dir') {
      const root = await lstatOrNull(vault, ws.path);
      if (root && !root.isDirectory()) {
        skip(
          ws.path,
          root.isSymbolicLink() ? 'is a symlink now; not writing through it' : 'a file is in the way of this folder',
        );
        continue;
      }
      if (!root) mkdirs.push({ abs: ws.path, mode: 0o755 });
    }
    for (const item of ws.items) {
      const abs = item.rel ? posix.join(ws.path, item.rel) : ws.path;
      const parent = item.rel.includes('/') ? item.rel.slice(0, item.rel.lastIndexOf('/')) : null;
      if (parent !== null && bad.has(parent)) {
        bad.add(item.rel);
        skip(abs, 'its folder cannot be used');
        continue;
      }
      const now = await lstatOrNull(vault, abs);
      if (item.kind === 'dir') {
        if (now?.isSymbolicLink()) skip(abs, 'is a symlink now; not writing through it');
        else if (now && !now.isDirectory()) skip(abs, 'a file is in the way of this folder');
        else {
          if (!now) mkdirs.push({ abs, mode: item.mode || 0o755 });
          planned.add(item.rel);
          continue;
        }
        bad.add(item.rel);
        continue;
      }
      if (now?.isDirectory()) {
        skip(abs, 'a folder is in the way of this file');
        continue;
      }
      if (item.kind === 'symlink') {
        if (now?.isSymbolicLink() && String(await vault.fs.readlink(abs)) === item.target) unchanged++;
        else steps.push({ ws, item, abs, overwrite: !!now });
        continue;
      }
      const file = state.attached.get(attachedPath(ws.name, item.rel));
      if (!file) {
        skip(abs, 'its content is not in the snapshot');
        continue;
      }
      if (now?.isFile() && (await sameContent(vault, file, abs, Number(now.size)))) {
        unchanged++;
        if ((Number(now.mode) & 0o7777) !== item.mode) await vault.fs.chmod(abs, item.mode);
        continue;
      }
      steps.push({ ws, item, abs, overwrite: !!now, file });
    }
  }

  const overwritten = steps.filter((s) => s.overwrite).map((s) => s.abs);
  // paths someone else declared (a cloned vault) are not written to without a yes, even where nothing is overwritten
  const declared = new Set(listWorkspace(vault).map((w) => w.path));
  const undeclared = [...new Set(steps.map((s) => s.ws.path).filter((p) => !declared.has(p)))];
  if ((overwritten.length || undeclared.length) && !opts.yes) {
    if (!opts.confirm)
      throw undeclared.length ? new UndeclaredWorkspaceError(undeclared) : new WorkspaceOverwriteError(overwritten);
    if (!(await opts.confirm({ overwrite: overwritten, undeclared })))
      throw new WorkspaceRestoreCancelledError(overwritten);
  }
  for (const d of mkdirs) {
    // checked again right before: a symlink that appeared since is not followed
    const st = await lstatOrNull(vault, d.abs);
    if (st && !st.isDirectory())
      throw fsError(Object.assign(new Error('not a folder any more'), { code: 'EIO' }), 'mkdir', d.abs);
    if (!st)
      await vault.fs.mkdir(d.abs, { recursive: true, mode: d.mode }).catch((e) => {
        throw fsError(e, 'mkdir', d.abs);
      });
  }
  const written: string[] = [];
  for (const s of steps) {
    await vault.fs.mkdir(posix.dirname(s.abs), { recursive: true });
    if (s.item.kind === 'symlink') await writeLink(vault, s.item.target ?? '', s.abs);
    else await writeAtomic(vault, s.file!, s.abs, s.item);
    written.push(s.abs);
  }
  return { snapshot: state.snapshot, written, overwritten, unchanged, skipped };
}
