import { UsageError, PathNotFoundError } from '../../../errors.js';
import { decodeSnapshot } from '../../../objects/snapshot.js';
import type { ObjectId } from '../../../objects/types.js';
import { lookupPath } from '../../../plumbing/trees.js';
import { readHead } from '../../../refs/refs.js';
import type { AttachedFile } from '../../../porcelain/attachments.js';
import type { ChangeKind } from '../../../porcelain/diffTrees.js';
import { refNames } from '../../../porcelain/log.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { readSnapshot, type ResolvedSnapshot } from '../../../porcelain/readSnapshot.js';
import { snapshotChanges, type ChangeCounts, type TreeCache } from '../../../porcelain/timeline.js';
import { THUMBNAILS, thumbnailPath } from '../thumbnails/paths.js';
import { byCodeUnits } from '../../../compare.js';

/** One changed file in a version, with the thumbnails stored for it. */
export interface TimelineFile {
  readonly path: string;
  readonly change: ChangeKind;
  /** renamed: where it was */
  readonly from?: string;
  readonly oldSize?: number;
  readonly newSize?: number;
  /** this version's thumbnail (null: none stored: not an image or model, made before thumbnails were on, or failed) */
  readonly thumbnail: AttachedFile | null;
  /** modified or deleted: the thumbnail of the version before */
  readonly before: AttachedFile | null;
}

/** One snapshot on the timeline. */
export interface TimelineVersion {
  readonly id: ObjectId;
  readonly parent: ObjectId | null;
  readonly time: number;
  readonly author: string;
  readonly message: string;
  /** every short ref name pointing here: main, milestones/alpha, tags/v1 */
  readonly refs: readonly string[];
  readonly milestones: readonly string[];
  readonly tags: readonly string[];
  /** what the snapshot changed against its first parent, whole project */
  readonly counts: ChangeCounts;
  /** the changed files (only those under `path` when one was asked for) */
  readonly files: readonly TimelineFile[];
}

export interface TimelineOptions {
  vault: Vault;
  /** only versions that changed this project-relative file or folder (a renamed file is followed back) */
  path?: string;
  /** start here (default HEAD) */
  from?: string;
  /** at most this many versions */
  limit?: number;
}

/** A project-relative path as the history spells it ('' for the whole project). */
export function normalizeProjectPath(p: string): string {
  const parts = p
    .replace(/\\/g, '/')
    .split('/')
    .filter((x) => x !== '' && x !== '.');
  if (p.startsWith('/') || parts.includes('..'))
    throw new UsageError(
      `'${p}' is not a project-relative path`,
      'name a file or folder inside the project, e.g. Art/hero.psd',
    );
  return parts.join('/');
}

/** The thumbnail stored with a snapshot for a project path, or null. */
export async function storedThumbnail(
  vault: Vault,
  attachments: ObjectId | undefined | null,
  path: string,
): Promise<AttachedFile | null> {
  if (!attachments) return null;
  const e = await lookupPath(vault.db, attachments, `${THUMBNAILS}/${thumbnailPath(path)}`);
  if (!e || e.kind === 'dir' || e.obj === 'tree') return null;
  return { path: thumbnailPath(path), obj: e.obj, id: e.id, size: e.size };
}

/**
 * The versions of the project, or of one file or folder, newest first, along
 * first parents: time, message, milestone and tag names, change counts and
 * the changed files with their stored thumbnails. Reads only trees and
 * attachments: no original file is opened.
 */
export async function timelineVersions(opts: TimelineOptions): Promise<TimelineVersion[]> {
  const { vault } = opts;
  const limit = opts.limit ?? Infinity;
  if (!(limit >= 0)) throw new UsageError(`--max-count must be a positive number, not ${opts.limit}`);
  let tracked = opts.path === undefined ? '' : normalizeProjectPath(opts.path);
  const wanted = opts.path !== undefined && tracked !== '';
  let nextId: ObjectId | null;
  if (opts.from) nextId = (await readSnapshot(vault, opts.from)).id;
  else nextId = (await readHead(vault.refs)).id ?? null;
  const names = await refNames(vault);
  const cache: TreeCache = new Map();
  const snaps = new Map<ObjectId, ResolvedSnapshot>();
  const snapshot = async (id: ObjectId): Promise<ResolvedSnapshot> => {
    let s = snaps.get(id);
    if (!s) {
      s = { id, ...decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id) };
      if (snaps.size > 8) snaps.delete(snaps.keys().next().value!);
      snaps.set(id, s);
    }
    return s;
  };
  const out: TimelineVersion[] = [];
  const seen = new Set<ObjectId>();
  let anyHistory = false;
  while (nextId && out.length < limit) {
    if (seen.has(nextId)) break; // a crafted cycle
    seen.add(nextId);
    anyHistory = true;
    const snap = await snapshot(nextId);
    const ch = await snapshotChanges(vault, nextId, cache);
    const parent = ch.parent ? await snapshot(ch.parent) : null;
    const isFolder = (p: string) => p.startsWith(`${tracked}/`);
    const match = (p: string | undefined) => p !== undefined && (!wanted || p === tracked || isFolder(p));
    const all = [...ch.added, ...ch.modified, ...ch.renamed, ...ch.deleted].sort((a, b) => byCodeUnits(a.path, b.path));
    const changed = all.filter((c) => match(c.path) || (c.kind === 'renamed' && match(c.from)));
    nextId = ch.parent;
    if (wanted && !changed.length) continue;
    const files: TimelineFile[] = [];
    for (const c of changed) {
      const has = c.kind !== 'deleted';
      const beforePath = c.kind === 'modified' || c.kind === 'deleted' ? c.path : null;
      files.push({
        path: c.path,
        change: c.kind,
        ...(c.from !== undefined ? { from: c.from } : {}),
        ...(c.oldSize !== undefined ? { oldSize: c.oldSize } : {}),
        ...(c.newSize !== undefined ? { newSize: c.newSize } : {}),
        thumbnail: has ? await storedThumbnail(vault, snap.attachments, c.path) : null,
        before: beforePath && parent ? await storedThumbnail(vault, parent.attachments, beforePath) : null,
      });
    }
    // follow one file back through a rename
    if (wanted) {
      const r = changed.find((c) => c.kind === 'renamed' && c.path === tracked);
      if (r?.from) tracked = r.from;
    }
    const refs = (names.get(snap.id) ?? []).filter((r) => !r.startsWith('notes/'));
    out.push({
      id: snap.id,
      parent: ch.parent,
      time: snap.time,
      author: snap.author,
      message: snap.message,
      refs,
      milestones: refs.filter((r) => r.startsWith('milestones/')).map((r) => r.slice('milestones/'.length)),
      tags: refs.filter((r) => r.startsWith('tags/')).map((r) => r.slice('tags/'.length)),
      counts: {
        added: ch.added.length,
        modified: ch.modified.length,
        deleted: ch.deleted.length,
        renamed: ch.renamed.length,
      },
      files,
    });
  }
  if (wanted && !out.length && anyHistory && limit > 0) throw new PathNotFoundError(opts.path!, 'the history');
  return out;
}
