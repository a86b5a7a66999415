import { MalformedObjectError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import { readAttachedFile, readAttachment, type AttachedFile } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { readSnapshot } from '../../../porcelain/readSnapshot.js';
import { flattenTree, type FlatEntry } from '../../../plumbing/trees.js';
import { fileReferences } from './fileReferences.js';
import { godotRoots } from './parseReferences.js';
import { folderOf } from './resolveReference.js';
import type { Provided, Reference } from './types.js';

/**
 * How the reference graph is kept with a snapshot (attachment `references`):
 *
 *   index.json                      {"v":2}: the graph is complete (absent: made before the persona was on;
 *                                   {"v":1}: made before uids and declarations were read, so read again)
 *   tree/refs.json                  references of the files in the project root
 *   tree/d-Art/d-Models/refs.json   ... of the files in Art/Models
 *
 * One shard per folder of referencing files (folder names prefixed with `d-`
 * so no folder can collide with a shard's file name). A commit re-parses only
 * the files that changed and rewrites only their folders' shards; the others
 * are carried forward as the same objects, so a 10,000-file project does not
 * store a new graph per commit.
 */
export const ATTACHMENT = 'references';
export const INDEX = 'index.json';
/** the graph version this code writes; a graph of an older one is computed again when read */
export const GRAPH_VERSION = 2;

export interface Shard {
  readonly folder: string;
  /** file name (in the folder) -> its references */
  readonly files: Map<string, Reference[]>;
  /** file name -> the names it declares (uids, generated files); absent in version 1 shards */
  readonly provides: Map<string, Provided[]>;
}

/** The version an index.json says (0: none or unreadable). */
export function indexVersion(body: Buffer | null): number {
  if (!body) return 0;
  try {
    const v = JSON.parse(body.toString('utf8')).v;
    return typeof v === 'number' ? v : 0;
  } catch {
    return 0;
  }
}

export function shardPath(folder: string): string {
  return folder
    ? `tree/${folder
        .split('/')
        .map((p) => `d-${p}`)
        .join('/')}/refs.json`
    : 'tree/refs.json';
}

export function shardFolder(path: string): string | null {
  if (!path.startsWith('tree/') || !path.endsWith('/refs.json')) return null;
  const parts = path.slice(5, -'/refs.json'.length);
  if (parts === '') return '';
  const segs = parts.split('/');
  if (segs.some((s) => !s.startsWith('d-') || s.length < 3)) return null;
  return segs.map((s) => s.slice(2)).join('/');
}

type StoredRef = Omit<Reference, 'from'>;

export function encodeShard(shard: Shard): Buffer {
  const files: Record<string, StoredRef[]> = {};
  for (const name of [...shard.files.keys()].sort()) {
    const refs = shard.files.get(name)!;
    if (!refs.length) continue;
    files[name] = refs.map((r) => ({
      raw: r.raw,
      kind: r.kind,
      ...(r.line ? { line: r.line } : {}),
      target: r.target,
      ...(r.outside ? { outside: true } : {}),
      ...(r.uid ? { uid: r.uid } : {}),
      ...(r.dynamic ? { dynamic: true } : {}),
    }));
  }
  const provides: Record<string, Provided[]> = {};
  for (const name of [...shard.provides.keys()].sort()) {
    const list = shard.provides.get(name)!;
    if (list.length) provides[name] = list.map((p) => ({ name: p.name, target: p.target }));
  }
  const decl = Object.keys(provides).length ? { provides } : {};
  return Buffer.from(`${JSON.stringify({ v: 1, folder: shard.folder, files, ...decl })}\n`);
}

/** A shard holds something worth storing. */
export function shardEmpty(shard: Shard): boolean {
  return ![...shard.files.values(), ...shard.provides.values()].some((x) => x.length);
}

export function decodeShard(body: Buffer, where: string): Shard {
  let v: { v?: unknown; folder?: unknown; files?: Record<string, StoredRef[]>; provides?: Record<string, Provided[]> };
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new MalformedObjectError('reference shard', `${where}: ${(e as Error).message}`);
  }
  if (v.v !== 1 || typeof v.folder !== 'string' || !v.files || typeof v.files !== 'object')
    throw new MalformedObjectError('reference shard', `${where}: not a version 1 shard`);
  const folder = v.folder;
  const files = new Map<string, Reference[]>();
  for (const [name, refs] of Object.entries(v.files)) {
    const from = folder ? `${folder}/${name}` : name;
    files.set(
      name,
      (Array.isArray(refs) ? refs : []).map((r) => ({ ...r, from })),
    );
  }
  const provides = new Map<string, Provided[]>();
  for (const [name, list] of Object.entries(v.provides && typeof v.provides === 'object' ? v.provides : {}))
    if (Array.isArray(list))
      provides.set(
        name,
        list.filter((p) => typeof p?.name === 'string' && typeof p?.target === 'string'),
      );
  return { folder, files, provides };
}

export async function readShard(vault: Vault, f: AttachedFile): Promise<Shard> {
  return decodeShard(await readAttachedFile(vault, f), f.path);
}

/** Every reference (and declaration) in the files of a tree, parsed now. */
export async function computeReferences(
  vault: Vault,
  files: ReadonlyMap<string, FlatEntry>,
  onNote?: (path: string, note: string) => void,
): Promise<{ references: Reference[]; provides: Provided[] }> {
  const references: Reference[] = [];
  const provides: Provided[] = [];
  const exists = (p: string) => files.has(p) && files.get(p)!.kind !== 'dir';
  const resRoot = godotRoots(files.keys());
  for (const e of files.values()) {
    const r = await fileReferences(vault, e, exists, resRoot(e.path));
    if (r.note) onNote?.(e.path, r.note);
    references.push(...r.refs);
    provides.push(...(r.provides ?? []));
  }
  return { references, provides };
}

export interface ReferenceGraph {
  readonly snapshot: ObjectId;
  /** true: read from the snapshot's stored graph; false: computed from its tree now */
  readonly stored: boolean;
  /** the snapshot's files (no folders) */
  readonly files: ReadonlyMap<string, FlatEntry>;
  readonly references: readonly Reference[];
  /** declared names (uid://..., guids, generated files) -> the project file they stand for */
  readonly provides: ReadonlyMap<string, string>;
}

/** Declarations as a lookup; the first declaration of a name wins (a copied .uid file names the original). */
export function providesMap(list: Iterable<Provided>): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of list) if (!m.has(p.name)) m.set(p.name, p.target);
  return m;
}

/** The reference graph of a snapshot: the stored one, or (snapshots made without it) computed from the tree. */
export async function loadReferenceGraph(opts: { vault: Vault; snapshot?: string }): Promise<ReferenceGraph> {
  const { vault } = opts;
  const snap = await readSnapshot(vault, opts.snapshot ?? 'HEAD');
  const files = new Map<string, FlatEntry>();
  for (const [p, e] of await flattenTree(vault.db, snap.tree)) if (e.kind !== 'dir') files.set(p, e);
  const att = await readAttachment(vault, snap.attachments, ATTACHMENT);
  const index = att.get(INDEX);
  if (!index || indexVersion(await readAttachedFile(vault, index)) < GRAPH_VERSION) {
    const c = await computeReferences(vault, files);
    return { snapshot: snap.id, stored: false, files, references: c.references, provides: providesMap(c.provides) };
  }
  const references: Reference[] = [];
  const provides: Provided[] = [];
  for (const [p, f] of att) {
    if (shardFolder(p) === null) continue;
    const shard = await readShard(vault, f);
    for (const refs of shard.files.values()) references.push(...refs);
    for (const list of shard.provides.values()) provides.push(...list);
  }
  return { snapshot: snap.id, stored: true, files, references, provides: providesMap(provides) };
}

export { folderOf };
