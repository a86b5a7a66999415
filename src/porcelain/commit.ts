import { RefConflictError } from '../errors.js';
import { encodeSnapshot, decodeSnapshot } from '../objects/snapshot.js';
import { hashObject } from '../objects/hashObject.js';
import type { ObjectId, Snapshot } from '../objects/types.js';
import type { ObjectWriter } from '../plumbing/ObjectWriter.js';
import { acquireLock } from '../plumbing/lock.js';
import type { SkipKind } from '../plumbing/scanWorktree.js';
import { StatCache } from '../plumbing/statCache.js';
import type { FlatEntry } from '../plumbing/trees.js';
import { writeListTrees } from '../plumbing/writeListTrees.js';
import { runAttachments, type AttachmentWarning, type CommitAttachment } from './attachments.js';
import { diffTreeIds } from './diffTrees.js';
import { readHead, updateRef } from '../refs/refs.js';
import { hashWorktree, incomplete, type HashedWorktree, type Progress, type Skipped } from './hashWorktree.js';
import { autoGc } from './gc.js';
import type { Vault } from './openVault.js';
import { settingsMeta } from './settings.js';

export interface CommitOptions {
  vault: Vault;
  message: string;
  /** record a snapshot even when nothing changed */
  allowEmpty?: boolean;
  /** persona / tool metadata stored with the snapshot */
  meta?: Record<string, string>;
  /** more parents after HEAD (a merge snapshot's second parent); the snapshot is recorded even if nothing changed */
  parents?: readonly ObjectId[];
  /** refuse (EREFCONFLICT) unless HEAD is this snapshot when the lock is taken (a merge's first parent) */
  expectHead?: ObjectId | null;
  /** seconds to wait for another command holding the vault lock */
  lockWait?: number;
  onProgress?: (p: Progress) => void;
  /** a path not in the snapshot, and why (see SkipKind) */
  onSkip?: (path: string, reason: string, kind: SkipKind) => void;
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
  /** paths left out of the snapshot, and why */
  readonly skipped: readonly Skipped[];
  /**
   * false when something in the project folder is not in the snapshot
   * (unreadable, vanished, kept changing, special file, name that cannot be
   * stored): the CLI exits 3. A nested vault's store left out does not count.
   */
  readonly complete: boolean;
  /** why the stat cache on disk was not used (every file was read), or null */
  readonly cacheDropped: string | null;
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
 *
 * The steps: read HEAD and the stat cache; hash (and store) the folder; pick or
 * write the root tree; make the attachments; write the snapshot when there is
 * something to record; move the ref; save the stat cache.
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
  /** the stat cache, closed whatever happens (a cache opened for one scan holds its file open) */
  let opened: StatCache | undefined;
  // ids are looked up without loading every pack index entry (a commit of a few files at a million: ~135 MB less);
  // whatever needs the whole index still loads it
  const endLean = vault.db.useLean();
  try {
    const head = await readHead(vault.refs);
    if (opts.expectHead !== undefined && head.id !== opts.expectHead)
      throw new RefConflictError(head.ref ?? 'HEAD', opts.expectHead, head.id);
    const cache = (opened = await StatCache.open(vault.fs, vault.db.paths.index));
    const parent = await parentOf(vault, head.id, cache);
    const skipped: Skipped[] = [];
    const hashed = await hashWorktree({
      vault,
      store: true,
      cache,
      headTree: parent.tree,
      releaseCache: true,
      onProgress: opts.onProgress,
      onGitFolder: opts.onGitFolder,
      onSkip: (path, reason, kind) => {
        skipped.push({ path, reason, kind });
        opts.onSkip?.(path, reason, kind);
      },
    });
    writer = hashed.writer!;
    // the hashed folder is the cache's entries now (hashWorktree let the records go once matched)
    cache.replaceWith(hashed.list, hashed.cacheChanged);
    const tree = await rootTree(vault, hashed, parent.tree, writer);
    const treeChanged = tree !== parent.tree;
    const warnings: AttachmentWarning[] = [];
    const atts = await attach(opts, hashed, parent, tree, writer, warnings);
    let id: ObjectId | null = null;
    if (worthRecording(opts, treeChanged, atts.made !== atts.parent))
      id = await writeSnapshot(opts, writer, tree, head.id, atts.made, parent);
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
    await saveCache(vault, hashed, tree, id ?? head.id, id ? tree : parent.tree);
    const { filesTotal, bytesTotal } = hashed;
    opts.onProgress?.({ phase: 'done', files: filesTotal, filesTotal, bytes: bytesTotal, bytesTotal });
    return {
      id,
      parent: head.id,
      tree,
      files: hashed.files,
      bytes: hashed.bytesTotal,
      filesRead: hashed.filesRead,
      bytesRead: hashed.bytesRead,
      newObjects: stats.objects + hashed.workerStats.objects,
      newBytesRaw: stats.rawBytes + hashed.workerStats.rawBytes,
      newBytesStored: stats.storedBytes + hashed.workerStats.storedBytes,
      skipped,
      complete: !incomplete(skipped),
      cacheDropped: cache.dropped,
      attachments: atts.made,
      warnings,
    };
  } catch (e) {
    await writer?.abort();
    throw e;
  } finally {
    opened?.close();
    endLean();
    await release();
  }
}

/** HEAD's snapshot as a commit needs it: its tree (from the stat cache when it recorded it) and, decoded once, the rest. */
interface Parent {
  readonly tree: ObjectId | null;
  readonly snapshot: () => Promise<Snapshot | null>;
}

async function parentOf(vault: Vault, head: ObjectId | null, cache: StatCache): Promise<Parent> {
  let decoded: Promise<Snapshot> | undefined;
  const snapshot = async (): Promise<Snapshot | null> => {
    if (!head) return null;
    decoded ??= vault.db.readTyped(head, 'snapshot').then((body) => decodeSnapshot(body, head));
    return decoded;
  };
  if (head && cache.head?.snapshot === head) return { tree: cache.head.tree, snapshot };
  return { tree: (await snapshot())?.tree ?? null, snapshot };
}

/**
 * The root tree of the hashed folder: the one the stat cache recorded for
 * these exact entries when it is HEAD's or still stored, else written now.
 */
async function rootTree(
  vault: Vault,
  hashed: HashedWorktree,
  parentTree: ObjectId | null,
  writer: ObjectWriter,
): Promise<ObjectId> {
  const { cache } = hashed;
  const cached = cache.tree?.digest === hashed.digest ? cache.tree.id : null;
  if (cached && (cached === parentTree || (await vault.db.has(cached)))) return cached;
  return writeListTrees(hashed.list, writer);
}

/**
 * Whether there is something to record: the tree changed, --allow-empty, or an
 * attachment made at every commit (`always`) changed. Asked before the
 * attachments are made too, when they may change.
 */
function worthRecording(opts: CommitOptions, treeChanged: boolean, attachmentsChanged: boolean): boolean {
  const always = (opts.attachments ?? []).some((a) => a.always);
  return treeChanged || Boolean(opts.allowEmpty) || Boolean(opts.parents?.length) || (always && attachmentsChanged);
}

/** Make the snapshot's attachments (when there may be a snapshot); `made` and the parent's attachments tree. */
async function attach(
  opts: CommitOptions,
  hashed: HashedWorktree,
  parent: Parent,
  tree: ObjectId,
  writer: ObjectWriter,
  warnings: AttachmentWarning[],
): Promise<{ made: ObjectId | null; parent: ObjectId | null }> {
  const { vault } = opts;
  const atts = opts.attachments ?? [];
  const treeChanged = tree !== parent.tree;
  if (!atts.length || !worthRecording(opts, treeChanged, true)) return { made: null, parent: null };
  // attachments read the new files back from the store: make what was written so far visible
  await writer.flush();
  const parentAttachments = (await parent.snapshot())?.attachments ?? null;
  const files = new Map<string, FlatEntry>();
  for (const e of hashed.entries) if (e.kind !== 'dir') files.set(e.path, e as FlatEntry);
  // only the folders that differ are read (the new trees are in the store since the flush)
  const changes = treeChanged
    ? await diffTreeIds(vault.db, parent.tree, tree)
    : { added: [], modified: [], deleted: [], renamed: [] };
  const made = await runAttachments({
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
  return { made, parent: parentAttachments };
}

async function writeSnapshot(
  opts: CommitOptions,
  writer: ObjectWriter,
  tree: ObjectId,
  parent: ObjectId | null,
  attachments: ObjectId | null,
  parentSnapshot: Parent,
): Promise<ObjectId> {
  const { vault } = opts;
  // the settings a clone takes over (settings.ts)
  const settings = await settingsMeta(vault.config, async () => (await parentSnapshot.snapshot())?.meta);
  const body = encodeSnapshot({
    tree,
    parents: [...(parent ? [parent] : []), ...(opts.parents ?? [])],
    author: vault.author,
    time: vault.clock(),
    message: opts.message,
    meta: { ...settings, ...opts.meta },
    ...(attachments ? { attachments } : {}),
  });
  const id = hashObject('snapshot', body);
  await writer.put('snapshot', body, { id, compress: true });
  return id;
}

/** The hashed folder becomes the cache's entries; record the tree they gave and the snapshot HEAD now names. */
async function saveCache(
  vault: Vault,
  hashed: HashedWorktree,
  tree: ObjectId,
  head: ObjectId | null,
  headTree: ObjectId | null,
): Promise<void> {
  const { cache } = hashed;
  cache.setTree(hashed.digest, tree);
  if (head && headTree) cache.setHead(head, headTree);
  await cache.save(vault.fs, vault.db.paths.index);
}
