/** Kinds of object in the store. The numeric code is what packs and loose objects record. */
export type ObjectType = 'blob' | 'chunk' | 'chunklist' | 'tree' | 'snapshot';
export const OBJECT_TYPES: readonly ObjectType[] = ['blob', 'chunk', 'chunklist', 'tree', 'snapshot'];
export const TYPE_CODE: Record<ObjectType, number> = { blob: 1, chunk: 2, chunklist: 3, tree: 4, snapshot: 5 };
export function typeFromCode(code: number): ObjectType | undefined {
  return OBJECT_TYPES[code - 1];
}

/** A 64-character lowercase hex SHA-256. */
export type ObjectId = string;

export type EntryKind = 'file' | 'exec' | 'symlink' | 'dir';
export type EntryObj = 'blob' | 'chunklist' | 'tree';

export interface TreeEntry {
  readonly name: string;
  readonly kind: EntryKind;
  /** file size in bytes (symlink: length of target; dir: 0) */
  readonly size: number;
  /** modification time, ms since epoch (integer) */
  readonly mtime: number;
  readonly obj: EntryObj;
  readonly id: ObjectId;
  /**
   * The name's bytes in hex, only for a name that is not UTF-8 (`name` is then
   * its `\xHH` form: see rawName.ts). encodeTree derives it from `name`; decodeTree
   * checks that the two agree.
   */
  readonly raw?: string;
}

export interface Tree {
  readonly entries: readonly TreeEntry[];
}

export interface ChunkRef {
  readonly id: ObjectId;
  readonly size: number;
}
export interface ChunkList {
  readonly size: number;
  readonly chunks: readonly ChunkRef[];
}

export interface Snapshot {
  readonly tree: ObjectId;
  readonly parents: readonly ObjectId[];
  readonly author: string;
  /** ms since epoch */
  readonly time: number;
  readonly message: string;
  /** open map for personas and tools; values are strings (JSON inside if structured) */
  readonly meta: Readonly<Record<string, string>>;
  /**
   * Optional tree of derived data kept with the snapshot but not part of the
   * project's files: thumbnails, the asset reference graph, captured
   * workspace files (see src/porcelain/attachments.ts). Absent from the
   * encoding when unset, so snapshots without it keep their ids.
   */
  readonly attachments?: ObjectId;
}
