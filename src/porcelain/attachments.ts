import { chunkerFromConfig, planFile } from '../plumbing/chunkers/index.js';
import type { ObjectId } from '../objects/types.js';
import type { ObjectSink } from '../plumbing/storeFile.js';
import { ReadBuffer, storeFile } from '../plumbing/storeFile.js';
import { flattenTree, lookupPath, writeTrees, type FlatEntry } from '../plumbing/trees.js';
import type { TreeDiff } from './diffTrees.js';
import { readStoredFile } from './diff.js';
import type { Vault } from './openVault.js';

/**
 * Attachments: derived data kept with a snapshot without being part of the
 * project's files. A snapshot's optional `attachments` tree holds one folder
 * per attachment kind (`thumbnails/`, `references/`, `workspace/`...). It is
 * walked by verify, gc/prune and sync like the project tree, so attached
 * objects are deduplicated, verified and synced with their snapshot.
 *
 * Porcelain does not know any kind: personas supply CommitAttachment objects
 * and `commit` runs them after the project's tree is stored. A failing
 * attachment never fails the commit: it is reported through onWarning and
 * left out of that snapshot.
 */
export interface AttachedFile {
  /** path inside the attachment's folder (forward slashes, no `..`) */
  readonly path: string;
  readonly obj: 'blob' | 'chunklist';
  readonly id: ObjectId;
  readonly size: number;
}

export interface AttachmentContext {
  readonly vault: Vault;
  /** the new snapshot's project files and symlinks, by path (no folders) */
  readonly entries: ReadonlyMap<string, FlatEntry>;
  /** what changed since the parent snapshot (everything is "added" for a first snapshot) */
  readonly changes: TreeDiff;
  /** this attachment's files in the parent snapshot (empty when none), to carry forward what did not change */
  readonly previous: ReadonlyMap<string, AttachedFile>;
  /** the bytes of a project file of the new snapshot (already stored; whole file: mind the size) */
  readFile(path: string): Promise<Buffer>;
  /** store bytes as an attached file */
  putBytes(path: string, bytes: Uint8Array): Promise<AttachedFile>;
  /** store a file from disk (any absolute path), streamed and chunked like project files */
  putFile(path: string, absolutePath: string): Promise<AttachedFile>;
  /** tell the user something (a reference the commit breaks, a file skipped); never fails the commit */
  warn(message: string): void;
  /** how far a long attachment is (e.g. thumbnails made of those to make): drives the commit's progress line */
  progress(done: number, total: number): void;
}

export interface CommitAttachment {
  /** folder name under the attachments tree: [a-z0-9-]+ */
  readonly name: string;
  /**
   * Run also when the project's files did not change (workspace capture):
   * a changed result then makes a new snapshot. Default false.
   */
  readonly always?: boolean;
  run(ctx: AttachmentContext): Promise<readonly AttachedFile[]>;
}

export interface AttachmentWarning {
  readonly attachment: string;
  readonly message: string;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

function checkPath(p: string): string {
  const parts = p.split('/');
  if (!p || parts.some((x) => x === '' || x === '.' || x === '..' || x.includes('\\') || x.includes('\0')))
    throw new Error(`bad attachment path '${p}'`);
  return p;
}

/** The files of a snapshot's attachments tree, grouped by attachment name. */
export async function readAttachments(
  vault: Vault,
  attachments: ObjectId | undefined | null,
): Promise<Map<string, Map<string, AttachedFile>>> {
  const out = new Map<string, Map<string, AttachedFile>>();
  if (!attachments) return out;
  for (const [p, e] of await flattenTree(vault.db, attachments)) {
    if (e.kind === 'dir' || e.obj === 'tree') continue;
    const i = p.indexOf('/');
    if (i < 0) continue;
    const name = p.slice(0, i);
    let m = out.get(name);
    if (!m) out.set(name, (m = new Map()));
    m.set(p.slice(i + 1), { path: p.slice(i + 1), obj: e.obj, id: e.id, size: e.size });
  }
  return out;
}

/** One attachment kind's files of a snapshot (empty map when it has none); reads only that kind's folder. */
export async function readAttachment(
  vault: Vault,
  attachments: ObjectId | undefined | null,
  name: string,
): Promise<Map<string, AttachedFile>> {
  const out = new Map<string, AttachedFile>();
  const dir = attachments ? await lookupPath(vault.db, attachments, name) : null;
  if (!dir || dir.kind !== 'dir') return out;
  for (const [p, e] of await flattenTree(vault.db, dir.id)) {
    if (e.kind !== 'dir' && e.obj !== 'tree') out.set(p, { path: p, obj: e.obj, id: e.id, size: e.size });
  }
  return out;
}

/** The bytes of an attached file. */
export function readAttachedFile(vault: Vault, f: AttachedFile): Promise<Buffer> {
  return readStoredFile(vault, f.obj, f.id);
}

export interface RunAttachmentsOptions {
  vault: Vault;
  attachments: readonly CommitAttachment[];
  entries: ReadonlyMap<string, FlatEntry>;
  changes: TreeDiff;
  /** the parent snapshot's attachments tree */
  parent: ObjectId | null;
  sink: ObjectSink;
  /** true: the project's files did not change; only `always` attachments run, the others are carried forward */
  unchanged: boolean;
  onWarning: (w: AttachmentWarning) => void;
  onProgress?: (p: { attachment: string; done: number; total: number }) => void;
}

/** Run each attachment and write the attachments tree; null when there is nothing to attach. */
export async function runAttachments(opts: RunAttachmentsOptions): Promise<ObjectId | null> {
  const { vault, sink } = opts;
  const previous = await readAttachments(vault, opts.parent);
  const files: FlatEntry[] = [];
  const buffer = new ReadBuffer(4 * 1024 * 1024);
  // attached files are cut like project files of the same name, so they dedup against them
  const chunker = chunkerFromConfig(vault.config.chunker);
  for (const a of opts.attachments) {
    if (!NAME.test(a.name)) throw new Error(`bad attachment name '${a.name}'`);
    const prev = previous.get(a.name) ?? new Map<string, AttachedFile>();
    let got: readonly AttachedFile[];
    if (opts.unchanged && !a.always) got = [...prev.values()];
    else {
      const ctx: AttachmentContext = {
        vault,
        entries: opts.entries,
        changes: opts.changes,
        previous: prev,
        readFile: async (path) => {
          const e = opts.entries.get(path);
          if (!e || e.kind === 'dir' || e.obj === 'tree') throw new Error(`${path} is not a file of this snapshot`);
          return readStoredFile(vault, e.obj, e.id);
        },
        putBytes: async (path, bytes) => {
          const id = await sink.put('blob', bytes, { compress: true });
          return { path: checkPath(path), obj: 'blob', id, size: bytes.length };
        },
        putFile: async (path, abs) => {
          const r = await storeFile({
            fs: vault.fs,
            path: abs,
            plan: (size, head) => planFile(chunker, path, size, head),
            sink,
            buffer,
          });
          return { path: checkPath(path), obj: r.obj as 'blob' | 'chunklist', id: r.id, size: r.size };
        },
        warn: (message) => opts.onWarning({ attachment: a.name, message }),
        progress: (done, total) => opts.onProgress?.({ attachment: a.name, done, total }),
      };
      try {
        got = await a.run(ctx);
      } catch (e) {
        opts.onWarning({ attachment: a.name, message: `left out of this snapshot: ${(e as Error).message}` });
        continue;
      }
    }
    for (const f of got)
      files.push({
        path: `${a.name}/${checkPath(f.path)}`,
        kind: 'file',
        size: f.size,
        mtime: 0,
        obj: f.obj,
        id: f.id,
      });
  }
  if (!files.length) return null;
  return writeTrees(files, sink);
}
