/**
 * Element restore for the creative persona: put one element of an old version
 * of a file (a PSD layer or group, a glTF node/mesh/material, an OBJ object or
 * group, a JSON/YAML key path, a Godot scene node) into the current file, and
 * keep everything else as it is now.
 *
 * Nouns: an **element** is a named part of a file ({@link ElementInfo}); a
 * **format** ({@link ElementFormat}, one module per format) lists a file's
 * elements and rewrites the current bytes with one element taken from old
 * bytes, preserving the rest (ag-psd / @gltf-transform re-write binary files;
 * text formats are edited in place). The **undo snapshot** is a commit of the
 * project made just before the file is written, so `vault restore <id> PATH
 * --force` brings the file back as it was.
 *
 * Files are loaded whole (at most MAX_ELEMENT_FILE_BYTES), written atomically
 * (temp file, fsync, rename), never outside the project or through symlinks.
 */
import { PathNotFoundError, UnsafePathError, VaultError, fsError } from '../../../errors.js';
import { badEntryName } from '../../../objects/tree.js';
import type { EntryObj, ObjectId } from '../../../objects/types.js';
import { readStoredBytes } from '../../../plumbing/storedContent.js';
import { acquireLock } from '../../../plumbing/lock.js';
import { isNotFound, joinPath, writeFileAtomic } from '../../../plumbing/fs.js';
import { lookupPath } from '../../../plumbing/trees.js';
import type { AttachmentWarning, CommitAttachment } from '../../../porcelain/attachments.js';
import { commit } from '../../../porcelain/commit.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { readSnapshot } from '../../../porcelain/readSnapshot.js';
import { normalizeRel } from '../../../porcelain/restore.js';
import { readHead } from '../../../refs/refs.js';
import { ElementFileTooLargeError, FileChangedError, UnknownElementError } from './errors.js';
import { relatedPath, writeRelated } from './related.js';
import { elementFormatOf } from './formats.js';
import type { ElementInfo, ReadRelated } from './types.js';

export * from './errors.js';
export { elementFormatOf } from './formats.js';
export { mergeElements, MergeUnsupportedError } from './merge.js';
export type { ElementMergeOptions, ElementMergeResult, MergeConflict, MergedElement } from './merge.js';
export type { ElementFormat, ElementInfo, FormatRestore } from './types.js';

/**
 * Files above this size are not loaded for element restore (512 MiB): decoding holds a file (and a PSD's pixels) in
 * memory.
 */
export const MAX_ELEMENT_FILE_BYTES = 512 * 1024 * 1024;

function relPath(path: string): string {
  const rel = normalizeRel(path);
  if (!rel) throw new UnsafePathError(path, 'names the project folder, not a file');
  for (const part of rel.split('/')) {
    const why = badEntryName(part);
    if (why) throw new UnsafePathError(rel, why);
  }
  return rel;
}

async function readFromSnapshot(
  vault: Vault,
  rev: string,
  rel: string,
): Promise<{ id: ObjectId; tree: ObjectId; bytes: Buffer }> {
  const snap = await readSnapshot(vault, rev);
  const e = await lookupPath(vault.db, snap.tree, rel);
  if (!e || (e.kind !== 'file' && e.kind !== 'exec'))
    throw new PathNotFoundError(rel, `snapshot ${snap.id.slice(0, 12)}${e ? ` (it is a ${e.kind} there)` : ''}`);
  if (e.size > MAX_ELEMENT_FILE_BYTES) throw new ElementFileTooLargeError(rel, e.size, MAX_ELEMENT_FILE_BYTES);
  return { id: snap.id, tree: snap.tree, bytes: await readStored(vault, e.obj, e.id, e.size) };
}

/**
 * readRelated for a file of a snapshot: the files it references, from the same snapshot (null when missing or outside).
 */
function snapshotRelated(vault: Vault, tree: ObjectId, rel: string): ReadRelated {
  return async (relative) => {
    const p = relatedPath(rel, relative);
    const e = p === null ? null : await lookupPath(vault.db, tree, p);
    if (!e || (e.kind !== 'file' && e.kind !== 'exec') || e.size > MAX_ELEMENT_FILE_BYTES) return null;
    return readStored(vault, e.obj, e.id, e.size);
  };
}

/** readRelated for the file in the project folder (regular files through real folders only; null when missing). */
function folderRelated(vault: Vault, rel: string): ReadRelated {
  return async (relative) => {
    const p = relatedPath(rel, relative);
    if (p === null) return null;
    try {
      return (await readCurrent(vault, p)).bytes;
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOPATH') return null;
      throw e;
    }
  };
}

/** A stored file's bytes (chunks read several at a time), checked against the size its tree entry gives. */
async function readStored(vault: Vault, obj: EntryObj, id: ObjectId, size: number): Promise<Buffer> {
  const bytes = await readStoredBytes(vault.db, obj, id);
  if (bytes.length !== size)
    throw new VaultError(
      'ECORRUPT',
      `the chunk list of a ${size}-byte file adds up to ${bytes.length} bytes`,
      { id },
      "run 'vault verify --read-data'",
    );
  return bytes;
}

/** The current file: a regular file inside the project, reached through real folders only. */
export async function readCurrent(vault: Vault, rel: string): Promise<{ abs: string; bytes: Buffer; mode: number }> {
  const { fs } = vault;
  const parts = rel.split('/');
  let abs = vault.workTree;
  for (let i = 0; i < parts.length; i++) {
    abs = joinPath(abs, parts[i]!);
    let st;
    try {
      st = await fs.lstat(abs);
    } catch (e) {
      if (isNotFound(e))
        throw new VaultError(
          'ENOPATH',
          `'${rel}' is not in the project folder`,
          { path: rel },
          `to bring the whole file back, run 'vault restore SNAPSHOT ${rel}'`,
        );
      throw fsError(e, 'stat', abs);
    }
    if (st.isSymbolicLink())
      throw new UnsafePathError(
        parts.slice(0, i + 1).join('/'),
        'is a symlink; element restore does not write through symlinks',
      );
    const last = i === parts.length - 1;
    if (!last && !st.isDirectory())
      throw new VaultError(
        'ENOPATH',
        `'${rel}' is not in the project folder (${parts.slice(0, i + 1).join('/')} is not a folder)`,
        { path: rel },
      );
    if (last) {
      if (!st.isFile()) throw new UnsafePathError(rel, 'is not a regular file');
      if (Number(st.size) > MAX_ELEMENT_FILE_BYTES)
        throw new ElementFileTooLargeError(rel, Number(st.size), MAX_ELEMENT_FILE_BYTES);
      const bytes = (await fs.readFile(abs).catch((e) => {
        throw fsError(e, 'read', abs);
      })) as Buffer;
      return { abs, bytes: Buffer.from(bytes), mode: Number(st.mode) & 0o777 };
    }
  }
  throw new UnsafePathError(rel, 'empty path');
}

export interface ElementList {
  readonly path: string;
  /** the snapshot the file was read from */
  readonly snapshot: ObjectId;
  readonly format: string;
  readonly elements: readonly ElementInfo[];
}

/** What one version of a file contains: layers, nodes, meshes, objects, key paths... */
export async function listElements(vault: Vault, rev: string, path: string): Promise<ElementList> {
  const rel = relPath(path);
  const format = await elementFormatOf(rel);
  const { id, bytes, tree } = await readFromSnapshot(vault, rev, rel);
  const elements = await format.list(
    bytes,
    { path: rel, where: `snapshot ${id.slice(0, 12)}` },
    snapshotRelated(vault, tree, rel),
  );
  return { path: rel, snapshot: id, format: format.format, elements };
}

export interface RestoreElementOptions {
  vault: Vault;
  /** the snapshot holding the version to take the element from */
  rev: string;
  /** project-relative path of the file */
  path: string;
  /** element name: path (Group/Layer, settings.audio.volume), bare name when unique, or kind:name */
  element: string;
  /** seconds to wait for the vault lock */
  lockWait?: number;
  /** what `vault commit` attaches to snapshots (thumbnails, references...), for the undo snapshot */
  attachments?: readonly CommitAttachment[];
  onWarning?: (w: AttachmentWarning) => void;
}

export interface RestoreElementResult {
  readonly path: string;
  readonly element: ElementInfo;
  readonly format: string;
  readonly action: 'replaced' | 'inserted' | 'unchanged';
  /** the snapshot the element came from */
  readonly snapshot: ObjectId;
  /**
   * the snapshot holding the file as it was before (made now, or HEAD when nothing had changed); null when unchanged
   */
  readonly undo: { readonly snapshot: ObjectId; readonly created: boolean; readonly command: string } | null;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly notes: readonly string[];
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Put one element of the file as it was in `rev` into the current file. The
 * project is committed first (the undo snapshot); the file is then written
 * atomically. Nothing is written when the element cannot be found or either
 * version does not parse.
 */
export async function restoreElement(opts: RestoreElementOptions): Promise<RestoreElementResult> {
  const { vault } = opts;
  const rel = relPath(opts.path);
  const format = await elementFormatOf(rel);
  const old = await readFromSnapshot(vault, opts.rev, rel);
  const current = await readCurrent(vault, rel);
  const r = await Promise.resolve(
    format.restore({
      current: current.bytes,
      old: old.bytes,
      element: opts.element,
      path: rel,
      oldWhere: `snapshot ${old.id.slice(0, 12)}`,
      currentRelated: folderRelated(vault, rel),
      oldRelated: snapshotRelated(vault, old.tree, rel),
    }),
  ).catch((e) => {
    // name the snapshot as the user did in the hint
    if (e instanceof UnknownElementError) {
      const d = e.data as { element: string; path: string; where: string; candidates: string[] };
      throw new UnknownElementError(d.element, d.path, d.where, d.candidates, shellQuote(opts.rev));
    }
    throw e;
  });
  const data = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength);
  const related = r.related ?? new Map();
  const base = {
    path: rel,
    element: r.element,
    format: format.format,
    snapshot: old.id,
    bytesBefore: current.bytes.length,
    bytesAfter: data.length,
  };
  if (data.equals(current.bytes) && !related.size)
    return {
      ...base,
      action: 'unchanged',
      undo: null,
      notes: [...r.notes, 'the current file already has this element as it was: nothing written'],
    };

  const c = await commit({
    vault,
    message: `before restoring element ${r.element.name} of ${rel} from ${opts.rev}`,
    allowEmpty: false,
    lockWait: opts.lockWait,
    meta: { 'element-restore': `${rel}#${r.element.name}`, from: old.id },
    attachments: opts.attachments,
    onWarning: opts.onWarning,
  });
  const undoId = c.id ?? (await readHead(vault.refs)).id;
  if (!undoId)
    throw new VaultError('ENOUNDO', 'no snapshot holds the current file', { path: rel }, 'commit the project first');
  const release = await acquireLock({
    fs: vault.fs,
    path: vault.db.paths.lock,
    command: 'restore --element',
    wait: opts.lockWait,
    clock: vault.clock,
  });
  try {
    const saved = await lookupPath(vault.db, (await readSnapshot(vault, undoId)).tree, rel);
    if (!saved || saved.size !== current.bytes.length) {
      throw new VaultError(
        'ENOUNDO',
        `the undo snapshot ${undoId.slice(0, 12)} does not hold ${rel} ` +
          `as it is now (is it ignored?); the file was not changed`,
        { path: rel, snapshot: undoId },
        `commit it with 'vault commit', or restore the whole file with 'vault restore ${opts.rev} ${rel}'`,
      );
    }
    const again = await readCurrent(vault, rel);
    if (!again.bytes.equals(current.bytes)) throw new FileChangedError(rel);
    await writeRelated(vault, rel, r.related);
    await writeFileAtomic(vault.fs, current.abs, data, { mode: current.mode });
  } finally {
    await release();
  }
  return {
    ...base,
    action: r.action,
    undo: { snapshot: undoId, created: c.id !== null, command: `vault restore ${undoId} ${shellQuote(rel)} --force` },
    notes: r.notes,
  };
}
