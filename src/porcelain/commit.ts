import { encodeSnapshot, decodeSnapshot } from '../objects/snapshot.js';
import { hashObject } from '../objects/hashObject.js';
import type { ObjectId } from '../objects/types.js';
import type { ObjectWriter } from '../plumbing/ObjectDatabase.js';
import { acquireLock } from '../plumbing/lock.js';
import { writeTrees, type FlatEntry } from '../plumbing/trees.js';
import { runAttachments, type AttachmentWarning, type CommitAttachment } from './attachments.js';
import { diffTreeIds } from './diffTrees.js';
import { readHead, updateRef } from '../refs/refs.js';
import { hashWorktree, type Progress } from './hashWorktree.js';
import { autoGc } from './gc.js';
import type { Vault } from './openVault.js';

export interface CommitOptions {
  vault: Vault;
  message: string;
  /** record a snapshot even when nothing changed */
  allowEmpty?: boolean;
  /** persona / tool metadata stored with the snapshot */
  meta?: Record<string, string>;
  /** seconds to wait for another command holding the vault lock */
  lockWait?: number;
  onProgress?: (p: Progress) => void;
  onSkip?: (path: string, reason: string) => void;
  /** a `.git` left out of the snapshot (git's own store, never stored; see scanWorktree) */
  onGitFolder?: (path: string) => void;
  /** derived data to keep with the snapshot (thumbnails, reference graph, workspace files): see attachments.ts */
  attachments?: readonly CommitAttachment[];
  /** an attachment's remark (e.g. a reference this commit breaks) or failure; never fails the commit */
  onWarning?: (w: AttachmentWarning) => void;
}

export interface CommitResult {
  /** the new snapshot, or null when nothing changed */
  readonly id: ObjectId | null;
  readonly parent: ObjectId | null;
  readonly tree: ObjectId;
  readonly files: number;
  /** total size of the files in the snapshot */
  readonly bytes: number;
  readonly filesRead: number;
  readonly bytesRead: number;
  /** new objects stored, their raw size and their size on disk (after dedup and compression) */
  readonly newObjects: number;
  readonly newBytesRaw: number;
  readonly newBytesStored: number;
  readonly skipped: readonly { path: string; reason: string }[];
  /** the new snapshot's attachments tree, or null */
  readonly attachments: ObjectId | null;
  readonly warnings: readonly AttachmentWarning[];
}

/**
 * Snapshot the project folder. Order of durability: every chunk, list and tree
 * is written and fsynced (in packs) before the snapshot that names them; the
 * snapshot before the ref; the ref moves last, with compare-and-swap. A commit
 * killed at any point leaves the previous history intact, and the packs it
 * did seal are reused by the next commit.
 */
export async function commit(opts: CommitOptions): Promise<CommitResult> {
  const { vault } = opts;
  const release = await acquireLock({
    fs: vault.fs,
    path: vault.db.paths.lock,
    command: 'commit',
    wait: opts.lockWait,
    clock: vault.clock,
  });
  let writer: ObjectWriter | null = null;
  try {
    const head = await readHead(vault.refs);
    const skipped: { path: string; reason: string }[] = [];
    const hashed = await hashWorktree({
      vault,
      store: true,
      onProgress: opts.onProgress,
      onGitFolder: opts.onGitFolder,
      onSkip: (path, reason) => {
        skipped.push({ path, reason });
        opts.onSkip?.(path, reason);
      },
    });
    writer = hashed.writer!;
    const { cache } = hashed;
    let parentTree: ObjectId | null = null;
    if (head.id)
      parentTree =
        cache.head?.snapshot === head.id
          ? cache.head.tree
          : decodeSnapshot(await vault.db.readTyped(head.id, 'snapshot'), head.id).tree;
    // unchanged entries give the same tree: reuse it when it is HEAD's or still stored
    const cached = cache.tree?.digest === hashed.digest ? cache.tree.id : null;
    const tree =
      cached && (cached === parentTree || (await vault.db.has(cached)))
        ? cached
        : await writeTrees(hashed.entries, writer);
    const warnings: AttachmentWarning[] = [];
    const atts = opts.attachments ?? [];
    const treeChanged = tree !== parentTree;
    let attachments: ObjectId | null = null;
    let parentAttachments: ObjectId | null = null;
    if (atts.length && (treeChanged || opts.allowEmpty || atts.some((a) => a.always))) {
      // attachments read the new files back from the store: make what was written so far visible
      await writer.flush();
      if (head.id)
        parentAttachments = decodeSnapshot(await vault.db.readTyped(head.id, 'snapshot'), head.id).attachments ?? null;
      const files = new Map<string, FlatEntry>();
      for (const e of hashed.entries) if (e.kind !== 'dir') files.set(e.path, e as FlatEntry);
      // only the folders that differ are read (the new trees are in the store since the flush)
      const changes = treeChanged
        ? await diffTreeIds(vault.db, parentTree, tree)
        : { added: [], modified: [], deleted: [], renamed: [] };
      attachments = await runAttachments({
        vault,
        attachments: atts,
        entries: files,
        changes,
        parent: parentAttachments,
        sink: writer,
        unchanged: !treeChanged,
        onWarning: (w) => {
          warnings.push(w);
          opts.onWarning?.(w);
        },
        onProgress: (p) =>
          opts.onProgress?.({ phase: 'attach', files: p.done, filesTotal: p.total, bytes: 0, bytesTotal: 0 }),
      });
    }
    let id: ObjectId | null = null;
    if (treeChanged || opts.allowEmpty || (atts.some((a) => a.always) && attachments !== parentAttachments)) {
      const body = encodeSnapshot({
        tree,
        parents: head.id ? [head.id] : [],
        author: vault.author,
        time: vault.clock(),
        message: opts.message,
        meta: opts.meta ?? {},
        ...(attachments ? { attachments } : {}),
      });
      id = hashObject('snapshot', body);
      await writer.put('snapshot', body, { id, compress: true });
    }
    const stats = await writer.flush();
    if (id) {
      await updateRef({
        ...vault.refs,
        ref: head.ref ?? 'HEAD',
        value: id,
        expected: head.id,
        message: `commit: ${opts.message.split('\n')[0]}`,
        author: vault.author,
        time: vault.clock(),
      });
      await autoGc(vault); // packs loose objects / small packs when they pile up; never fails the commit
    }
    const live = new Set(hashed.entries.map((e) => e.path));
    cache.setTree(hashed.digest, tree);
    if (id) cache.setHead(id, tree);
    else if (head.id && parentTree) cache.setHead(head.id, parentTree);
    await cache.save(vault.fs, vault.db.paths.index, (p) => live.has(p));
    opts.onProgress?.({
      phase: 'done',
      files: hashed.filesTotal,
      filesTotal: hashed.filesTotal,
      bytes: hashed.bytesTotal,
      bytesTotal: hashed.bytesTotal,
    });
    return {
      id,
      parent: head.id,
      tree,
      files: hashed.entries.filter((e) => e.kind !== 'dir').length,
      bytes: hashed.bytesTotal,
      filesRead: hashed.filesRead,
      bytesRead: hashed.bytesRead,
      newObjects: stats.objects + hashed.workerStats.objects,
      newBytesRaw: stats.rawBytes + hashed.workerStats.rawBytes,
      newBytesStored: stats.storedBytes + hashed.workerStats.storedBytes,
      skipped,
      attachments,
      warnings,
    };
  } catch (e) {
    await writer?.abort();
    throw e;
  } finally {
    await release();
  }
}
