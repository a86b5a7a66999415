import { decodeChunkList, isChunkPart } from '../objects/chunkList.js';
import { decodeSnapshot } from '../objects/snapshot.js';
import { decodeTree } from '../objects/tree.js';
import type { ObjectId, ObjectType } from '../objects/types.js';
import { listRefs, readHead } from '../refs/refs.js';
import type { Vault } from './openVault.js';
import { shallowSnapshots } from './sync/shallow.js';

export type ProblemKind = 'missing' | 'corrupt' | 'malformed' | 'wrong-type' | 'size-mismatch' | 'bad-ref' | 'bad-pack';

export interface Problem {
  readonly kind: ProblemKind;
  /** the object (or ref / pack name) at fault */
  readonly id: string;
  readonly message: string;
  /** snapshots that contain the damaged object */
  readonly snapshots: string[];
  /** paths (in those snapshots) whose content it damages */
  readonly paths: string[];
}

export interface VerifyOptions {
  vault: Vault;
  /** decompress and re-hash the content of every file too */
  readData?: boolean;
  /** with readData: only objects in part n of m (by id), e.g. { n: 1, m: 10 } */
  subset?: { n: number; m: number };
  onProgress?: (p: { objects: number; bytes: number }) => void;
}

export interface VerifyResult {
  readonly snapshots: number;
  readonly trees: number;
  readonly files: number;
  readonly objectsChecked: number;
  readonly bytesRead: number;
  readonly problems: Problem[];
}

interface Parent {
  readonly parent: string;
  readonly name: string;
}

/**
 * Check the vault: every ref names a snapshot, everything reachable exists
 * with the right type, trees and chunk lists are well-formed and their sizes
 * agree; with readData every file's content is read and re-hashed. Each
 * problem names the object, the snapshots it damages and the paths.
 */
export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const { vault } = opts;
  const { db } = vault;
  const raw: { kind: ProblemKind; id: string; message: string }[] = [];
  const parents = new Map<string, Parent[]>();
  const link = (child: string, parent: string, name: string) => {
    const l = parents.get(child) ?? [];
    if (l.length < 8) l.push({ parent, name });
    parents.set(child, l);
  };
  const problem = (kind: ProblemKind, id: string, message: string) => raw.push({ kind, id, message });
  const codeKind = (e: unknown): ProblemKind => {
    const c = (e as { code?: string }).code;
    if (c === 'ENOOBJECT') return 'missing';
    return c === 'ECORRUPT' ? 'corrupt' : 'malformed';
  };

  await db.ready();
  for (const d of db.damagedPacks) problem('bad-pack', d.name, `pack index unreadable: ${d.reason}`);

  // roots: HEAD and every ref
  const roots = new Set<string>();
  try {
    const head = await readHead(vault.refs);
    if (head.id) roots.add(head.id);
  } catch (e) {
    problem('bad-ref', 'HEAD', (e as Error).message);
  }
  for (const [, id] of await listRefs(vault.refs, 'refs/', (badRef, e) => problem('bad-ref', badRef, e.message))) {
    roots.add(id);
  }

  /** type check without reading (packed) or by reading (loose) */
  const typeOf = async (id: ObjectId): Promise<ObjectType | null> => {
    const loc = db.locate(id);
    if (loc) return loc.entry.type;
    if (!(await db.has(id))) return null;
    try {
      return (await db.read(id)).type;
    } catch (e) {
      problem(codeKind(e), id, (e as Error).message);
      return null;
    }
  };
  const expect = async (id: ObjectId, type: ObjectType, accepts?: (t: ObjectType) => boolean): Promise<boolean> => {
    const t = await typeOf(id);
    if (t === null) {
      if (!raw.some((p) => p.id === id)) problem('missing', id, `${type} ${id} is missing`);
      return false;
    }
    if (accepts ? !accepts(t) : t !== type) {
      problem('wrong-type', id, `expected a ${type}, found a ${t}`);
      return false;
    }
    return true;
  };

  const snapIds = new Set<string>();
  let snapshots = 0;
  let trees = 0;
  let files = 0;
  let objectsChecked = 0;
  let bytesRead = 0;
  const seen = new Set<string>();
  const dataToRead: { id: ObjectId; size: number }[] = [];

  const walkTree = async (id: ObjectId): Promise<void> => {
    if (seen.has(id)) return;
    seen.add(id);
    if (!(await expect(id, 'tree'))) return;
    let tree;
    try {
      tree = decodeTree(await db.readTyped(id, 'tree'), id);
    } catch (e) {
      return void problem(codeKind(e), id, (e as Error).message);
    }
    trees++;
    objectsChecked++;
    for (const e of tree.entries) {
      link(e.id, id, e.name);
      if (e.kind === 'dir') {
        await walkTree(e.id);
        continue;
      }
      files++;
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      if (e.obj === 'blob') {
        if (!(await expect(e.id, 'blob'))) continue;
        objectsChecked++;
        const loc = db.locate(e.id);
        if (loc && loc.entry.rawLength !== e.size)
          problem('size-mismatch', e.id, `blob has ${loc.entry.rawLength} bytes, the tree says ${e.size}`);
        dataToRead.push({ id: e.id, size: e.size });
        continue;
      }
      if (!(await expect(e.id, 'chunklist'))) continue;
      let list;
      try {
        list = decodeChunkList(await db.readTyped(e.id, 'chunklist'), e.id);
      } catch (err) {
        problem(codeKind(err), e.id, (err as Error).message);
        continue;
      }
      objectsChecked++;
      if (list.size !== e.size)
        problem('size-mismatch', e.id, `chunk list adds up to ${list.size} bytes, the tree says ${e.size}`);
      for (const c of list.chunks) {
        link(c.id, e.id, '');
        if (seen.has(c.id)) continue;
        seen.add(c.id);
        if (!(await expect(c.id, 'chunk', isChunkPart))) continue;
        objectsChecked++;
        const loc = db.locate(c.id);
        if (loc && loc.entry.rawLength !== c.size)
          problem('size-mismatch', c.id, `chunk has ${loc.entry.rawLength} bytes, the list says ${c.size}`);
        dataToRead.push({ id: c.id, size: c.size });
      }
    }
  };

  const cut = await shallowSnapshots(vault.fs, vault.vaultDir);
  const queue = [...roots];
  while (queue.length) {
    const id = queue.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    snapIds.add(id);
    if (!(await expect(id, 'snapshot'))) continue;
    let snap;
    try {
      snap = decodeSnapshot(await db.readTyped(id, 'snapshot'), id);
    } catch (e) {
      problem(codeKind(e), id, (e as Error).message);
      continue;
    }
    snapshots++;
    objectsChecked++;
    link(snap.tree, id, '');
    await walkTree(snap.tree);
    if (snap.attachments) {
      link(snap.attachments, id, '(attachments)');
      await walkTree(snap.attachments);
    }
    // a shallow clone holds no parents beyond its boundary: that is not damage
    if (!cut.has(id)) for (const p of snap.parents) queue.push(p);
  }

  if (opts.readData) {
    for (const { id } of dataToRead) {
      if (opts.subset && parseInt(id.slice(0, 8), 16) % opts.subset.m !== opts.subset.n - 1) continue;
      try {
        const o = await db.read(id);
        bytesRead += o.body.length;
      } catch (e) {
        problem(codeKind(e), id, (e as Error).message);
      }
      opts.onProgress?.({ objects: objectsChecked, bytes: bytesRead });
    }
  }

  // which snapshots and paths each problem damages: walk up the content links
  const problems: Problem[] = raw.map((p) => {
    const snaps = new Set<string>();
    const paths = new Set<string>();
    if (snapIds.has(p.id)) snaps.add(p.id);
    const up = (id: string, suffix: string, depth: number) => {
      if (depth > 256 || paths.size >= 20) return;
      for (const { parent, name } of parents.get(id) ?? []) {
        if (parent.startsWith('refs/')) continue;
        const path = name && suffix ? `${name}/${suffix}` : name || suffix;
        if (snapIds.has(parent)) {
          snaps.add(parent);
          if (path) paths.add(path);
        } else up(parent, path, depth + 1);
      }
    };
    up(p.id, '', 0);
    return { ...p, snapshots: [...snaps], paths: [...paths] };
  });
  return { snapshots, trees, files, objectsChecked, bytesRead, problems };
}
