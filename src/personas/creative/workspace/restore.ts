import { posix } from 'node:path';
import { UnsafePathError, fsError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import type { AttachedFile } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { isNotFound, tempName, type FileHandle } from '../../../plumbing/fs.js';
import { realFolders } from '../../../plumbing/realFolders.js';
import { storedPieces, writeStoredFileAtomic } from '../../../plumbing/storedContent.js';
import {
  NoWorkspaceStateError,
  UndeclaredWorkspaceError,
  UnknownWorkspaceError,
  WorkspaceOverwriteError,
  WorkspaceRestoreCancelledError,
} from './errors.js';
import { listWorkspace } from './config.js';
import { attachedPath, type CapturedWorkspace, type ItemKind, type WorkspaceItem } from './manifest.js';
import { showWorkspace, type WorkspaceState } from './show.js';

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

/** One path restoring would write (a folder it creates, a file, a symlink and where it points). */
export interface WorkspaceWrite {
  readonly path: string;
  readonly kind: ItemKind;
  readonly target?: string;
}

export interface WorkspaceConfirmation {
  /** existing files that differ from the snapshot's */
  readonly overwrite: readonly string[];
  /** workspace paths the snapshot holds that this vault's config does not declare */
  readonly undeclared: readonly string[];
  /** every path that would be written, in order: nothing else is (a write may still be skipped) */
  readonly writes: readonly WorkspaceWrite[];
}

export interface WorkspaceRestoreResult {
  readonly snapshot: ObjectId;
  /** absolute paths written (files, symlinks) */
  readonly written: readonly string[];
  /** of those, the ones that replaced something different */
  readonly overwritten: readonly string[];
  /** already identical */
  readonly unchanged: number;
  /** what the snapshot holds and was not written, and why */
  readonly skipped: readonly { path: string; reason: string }[];
  /** workspace paths that were missing when the snapshot was made: nothing to put back, left as they are */
  readonly missing: readonly string[];
}

interface Step {
  readonly ws: CapturedWorkspace;
  readonly item: WorkspaceItem;
  readonly abs: string;
  readonly overwrite: boolean;
  readonly file?: AttachedFile;
}

interface Plan {
  readonly steps: Step[];
  /** folder workspace paths that do not exist yet */
  readonly roots: string[];
  readonly missing: string[];
  /** identical files whose permission bits differ: fixed after the confirmation */
  readonly modes: Step[];
  unchanged: number;
}

type Skip = (path: string, reason: string) => void;
type Lstat = Awaited<ReturnType<Vault['fs']['lstat']>>;

async function lstatOrNull(vault: Vault, p: string): Promise<Lstat | null> {
  try {
    return await vault.fs.lstat(p);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw fsError(e, 'stat', p);
  }
}

const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const depth = (rel: string) => (rel ? rel.split('/').length : 0);

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

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/** A workspace path must not hold the vault nor sit in it (the manifest itself was checked when decoded). */
function checkRoot(vault: Vault, ws: CapturedWorkspace): void {
  const store = posix.normalize(vault.vaultDir);
  if (inside(ws.path, store) || inside(store, ws.path))
    throw new UnsafePathError(ws.path, `workspace '${ws.name}' would write into the vault's own folder ${store}`);
}

/** What one item needs: nothing (same), a skip, or a step. Reads only; writes nothing. */
async function planItem(
  ctx: { vault: Vault; state: WorkspaceState; plan: Plan; skip: Skip },
  ws: CapturedWorkspace,
  item: WorkspaceItem,
): Promise<void> {
  const { vault, plan, skip } = ctx;
  const abs = item.rel ? posix.join(ws.path, item.rel) : ws.path;
  const now = await lstatOrNull(vault, abs);
  if (item.kind === 'dir') {
    if (now?.isSymbolicLink()) skip(abs, 'is a symlink now; not writing through it');
    else if (now && !now.isDirectory()) skip(abs, 'a file is in the way of this folder');
    else if (!now) plan.steps.push({ ws, item, abs, overwrite: false });
    return;
  }
  if (now?.isDirectory()) return skip(abs, 'a folder is in the way of this file');
  if (item.kind === 'symlink') {
    if (now?.isSymbolicLink() && String(await vault.fs.readlink(abs)) === item.target) plan.unchanged++;
    else plan.steps.push({ ws, item, abs, overwrite: !!now });
    return;
  }
  const file = ctx.state.attached.get(attachedPath(ws.name, item.rel));
  if (!file) return skip(abs, 'its content is not in the snapshot');
  if (now?.isFile() && (await sameContent(vault, file, abs, Number(now.size)))) {
    plan.unchanged++;
    if ((Number(now.mode) & 0o7777) !== item.mode) plan.modes.push({ ws, item, abs, overwrite: false, file });
    return;
  }
  plan.steps.push({ ws, item, abs, overwrite: !!now, file });
}

/**
 * Plan one workspace path: every folder on the way to each item is lstat'ed
 * (a symlink or file there skips the item), parents before children.
 */
async function planWorkspace(
  ctx: { vault: Vault; state: WorkspaceState; plan: Plan; skip: Skip },
  ws: CapturedWorkspace,
): Promise<void> {
  const { vault, plan, skip } = ctx;
  if (ws.kind === 'missing') {
    plan.missing.push(ws.path);
    return;
  }
  if (ws.kind === 'dir') {
    const root = await lstatOrNull(vault, ws.path);
    if (root && !root.isDirectory())
      return skip(
        ws.path,
        root.isSymbolicLink() ? 'is a symlink now; not writing through it' : 'a file is in the way of this folder',
      );
    if (!root) plan.roots.push(ws.path);
  }
  const folders = new Map<string, string | null>();
  for (const item of [...ws.items].sort((a, b) => depth(a.rel) - depth(b.rel))) {
    if (ws.kind === 'dir') {
      const up = parentOf(item.rel);
      if (!folders.has(up)) {
        const p = await realFolders(vault.fs, ws.path, up, { create: false });
        folders.set(up, p && `${p.path} ${p.why}`);
      }
      const why = folders.get(up);
      if (why) {
        skip(posix.join(ws.path, item.rel), why);
        continue;
      }
    }
    await planItem(ctx, ws, item);
  }
}

/** Put an identical file's permission bits back (chmod follows links: the way there is checked first). */
async function fixMode(vault: Vault, s: Step, skip: Skip): Promise<void> {
  const p =
    s.ws.kind === 'dir' ? await realFolders(vault.fs, s.ws.path, parentOf(s.item.rel), { create: false }) : null;
  if (p) return skip(s.abs, `${p.path} ${p.why}`);
  if ((await lstatOrNull(vault, s.abs))?.isFile()) await vault.fs.chmod(s.abs, s.item.mode);
}

/** The folders on the way to a step, checked (and made) again, one at a time, never followed. */
async function wayIsClear(vault: Vault, s: Step, skip: Skip): Promise<boolean> {
  if (s.ws.kind !== 'dir') {
    // a file or symlink workspace path: the folder it sits in is the user's, made as a whole if missing
    const up = posix.dirname(s.abs);
    await vault.fs.mkdir(up, { recursive: true }).catch((e) => {
      throw fsError(e, 'mkdir', up);
    });
    return true;
  }
  const root = await lstatOrNull(vault, s.ws.path);
  if (!root?.isDirectory()) {
    skip(s.abs, `${s.ws.path} is not a real folder any more; not writing through it`);
    return false;
  }
  const p = await realFolders(vault.fs, s.ws.path, parentOf(s.item.rel), { create: true });
  if (p) skip(s.abs, `${p.path} ${p.why}`);
  return !p;
}

/** Carry out one step (false: skipped, or a folder). */
async function writeStep(vault: Vault, s: Step, skip: Skip): Promise<boolean> {
  if (!(await wayIsClear(vault, s, skip))) return false;
  if (s.item.kind === 'dir') {
    const p = await realFolders(vault.fs, s.ws.path, s.item.rel, { create: true, mode: s.item.mode || 0o755 });
    if (p) skip(s.abs, `${p.path} ${p.why}`);
    return false;
  }
  if ((await lstatOrNull(vault, s.abs))?.isDirectory()) {
    skip(s.abs, 'a folder is in the way of this file');
    return false;
  }
  // a symlink at the final name is replaced by the rename, never followed
  if (s.item.kind === 'symlink') await writeLink(vault, s.item.target ?? '', s.abs);
  else await writeStoredFileAtomic(vault.fs, vault.db, s.file!, s.abs, { mode: s.item.mode, mtimeMs: s.item.mtime });
  return true;
}

async function confirmPlan(opts: WorkspaceRestoreOptions, plan: Plan): Promise<string[]> {
  const overwritten = plan.steps.filter((s) => s.overwrite).map((s) => s.abs);
  // paths someone else declared (a cloned vault) are not written to without a yes, even where nothing is overwritten
  const declared = new Set(listWorkspace(opts.vault).map((w) => w.path));
  const undeclared = [...new Set(plan.steps.map((s) => s.ws.path).filter((p) => !declared.has(p)))];
  if ((overwritten.length || undeclared.length) && !opts.yes) {
    if (!opts.confirm)
      throw undeclared.length ? new UndeclaredWorkspaceError(undeclared) : new WorkspaceOverwriteError(overwritten);
    const writes: WorkspaceWrite[] = [
      ...plan.roots.map((path) => ({ path, kind: 'dir' as const })),
      ...plan.steps.map((s) => ({
        path: s.abs,
        kind: s.item.kind,
        ...(s.item.kind === 'symlink' ? { target: s.item.target } : {}),
      })),
    ];
    if (!(await opts.confirm({ overwrite: overwritten, undeclared, writes })))
      throw new WorkspaceRestoreCancelledError(overwritten);
  }
  return overwritten;
}

/**
 * Put a snapshot's workspace files back at their original absolute places.
 * The manifest was checked when read (clean relative item paths, nothing
 * below a file or symlink item); everything is planned first: files that
 * differ would be overwritten, and that needs `yes` or `confirm`, as does
 * writing to a workspace path this vault does not declare; nothing is written
 * before that, and nothing but what the confirmation lists. Never writes
 * through a symlink: every folder below a workspace path is lstat'ed when
 * planned and again when written, and made one at a time; one that is a
 * symlink (or a file) skips what is below it, with the reason. A symlink where
 * a file goes is replaced, not followed. Each file is written atomically.
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
  const chosen = state.workspaces.filter((w) => !names || names.includes(w.name));
  for (const ws of chosen) checkRoot(vault, ws);
  const skipped: { path: string; reason: string }[] = [];
  const skip: Skip = (path, reason) => {
    skipped.push({ path, reason });
    opts.onSkip?.(path, reason);
  };
  const plan: Plan = { steps: [], roots: [], missing: [], modes: [], unchanged: 0 };
  for (const ws of chosen) await planWorkspace({ vault, state, plan, skip }, ws);
  const overwritten = await confirmPlan(opts, plan);

  for (const root of plan.roots)
    await vault.fs.mkdir(root, { recursive: true, mode: 0o755 }).catch((e) => {
      throw fsError(e, 'mkdir', root);
    });
  const written: string[] = [];
  for (const s of plan.steps) if (await writeStep(vault, s, skip)) written.push(s.abs);
  for (const s of plan.modes) await fixMode(vault, s, skip);
  const done = new Set(written);
  return {
    snapshot: state.snapshot,
    written,
    overwritten: overwritten.filter((p) => done.has(p)),
    unchanged: plan.unchanged,
    skipped,
    missing: plan.missing,
  };
}
