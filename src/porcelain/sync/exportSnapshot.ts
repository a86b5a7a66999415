import { MalformedObjectError, VaultError } from '../../errors.js';
import { decodeChunkList, isChunkPart } from '../../objects/chunkList.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import { decodeTree } from '../../objects/tree.js';
import type { EntryKind, ObjectId, Snapshot, TreeEntry } from '../../objects/types.js';
import type { ObjectDatabase } from '../../plumbing/ObjectDatabase.js';
import {
  decodeGitTree,
  encodeGitCommit,
  encodeGitTree,
  gitOid,
  personFromAuthor,
  type GitMode,
  type GitOid,
  type GitTreeEntry,
  type GitType,
} from '../../plumbing/git/objects.js';
import type { SyncState } from './state.js';

/**
 * How to produce one git object's body when it is packed: either the bytes
 * themselves (trees, commits, manifests: small) or the vault object whose raw
 * content is the blob (files and chunks: read again when sent).
 */
export interface GitRecipe {
  readonly oid: GitOid;
  readonly type: GitType;
  readonly size: number;
  readonly body?: Buffer;
  readonly vault?: ObjectId;
}

export interface ExportHooks {
  /** told the git id of each folder, file and large-file manifest the snapshot's files become (the root too) */
  onEntry?: (oid: GitOid, entry: Pick<TreeEntry, 'kind' | 'obj' | 'id' | 'size'>) => void;
}

export interface ExportedSnapshot {
  readonly commit: GitOid;
  /** every object of the commit's tree and the commit itself; blobs first, then trees, the commit last */
  readonly objects: GitRecipe[];
}

export const MANIFEST_MAGIC = 'vault-large-file v1';

/** Meta of a snapshot imported from a git commit Vault did not make (see foreign.ts): the commit's id, */
export const GIT_COMMIT = 'git.commit';
/** its header lines after tree and parents (author, committer, ...) as they were, */
export const GIT_HEADERS = 'git.headers';
/** and the `.vault` folder its root held beside the project's files (carried along from a vault branch). */
export const GIT_VAULT = 'git.vault';

/** The readable pointer a large file becomes in git. */
export function encodeManifest(
  chunklistId: ObjectId,
  size: number,
  chunks: { id: ObjectId; size: number; oid: GitOid }[],
): Buffer {
  const lines = [
    MANIFEST_MAGIC,
    `# This file is stored by Vault in ${chunks.length} chunk(s); each is a git blob under .vault/chunks/<first 2 hex>/<chunk id>.`,
    `# Restore it with vault (vault clone URL), or concatenate the chunk blobs in this order.`,
    `size ${size}`,
    `chunklist ${chunklistId}`,
    `chunks ${chunks.length}`,
    ...chunks.map((c) => `chunk ${c.id} ${c.size} ${c.oid}`),
  ];
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

export function decodeManifest(
  body: Buffer,
): { size: number; chunklist: ObjectId; chunks: { id: ObjectId; size: number; oid: GitOid }[] } | null {
  const text = body.toString('utf8');
  if (!text.startsWith(`${MANIFEST_MAGIC}\n`)) return null;
  let size = -1;
  let chunklist = '';
  const chunks: { id: ObjectId; size: number; oid: GitOid }[] = [];
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^size (\d+)$/.exec(line))) size = Number(m[1]);
    else if ((m = /^chunklist ([0-9a-f]{64})$/.exec(line))) [, chunklist = ''] = m;
    else if ((m = /^chunk ([0-9a-f]{64}) (\d+) ([0-9a-f]{40})$/.exec(line))) {
      const [, id = '', n, oid = ''] = m; // every group takes part in a match
      chunks.push({ id, size: Number(n), oid });
    }
  }
  return size >= 0 && chunklist ? { size, chunklist, chunks } : null;
}

const MODE: Record<EntryKind, GitMode> = { file: '100644', exec: '100755', symlink: '120000', dir: '40000' };

/** A fan-out folder: `ab/<name>` for each name, one subtree per 2-hex prefix. */
function fanOut(items: Map<string, GitOid>, add: (r: GitRecipe) => void): GitOid {
  const groups = new Map<string, GitTreeEntry[]>();
  for (const [name, oid] of items) {
    const k = name.slice(0, 2);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push({ name, mode: '100644', oid });
  }
  const top: GitTreeEntry[] = [];
  for (const [k, entries] of groups) top.push({ name: k, mode: '40000', oid: tree(entries, add) });
  return tree(top, add);
}

function tree(entries: GitTreeEntry[], add: (r: GitRecipe) => void): GitOid {
  const body = encodeGitTree(entries);
  const oid = gitOid('tree', body);
  add({ oid, type: 'tree', size: body.length, body });
  return oid;
}

/**
 * Turn one snapshot into a git commit (deterministically: the same snapshot
 * gives the same commit on every machine). Parents must be exported first.
 * The commit's tree is the snapshot's files (large files as manifests) plus
 * `.vault/`: `snapshot.json` (the canonical snapshot bytes), `trees/ab/<id>`
 * (each canonical vault tree), `chunks/ab/<id>` (each chunk, raw) and, when
 * the snapshot has attachments, `attachments/` (their files, like the project's).
 */
export async function exportSnapshot(
  db: ObjectDatabase,
  state: SyncState,
  snapshotId: ObjectId,
  hooks: ExportHooks = {},
): Promise<ExportedSnapshot> {
  const snapBody = await db.readTyped(snapshotId, 'snapshot');
  const snap = decodeSnapshot(snapBody, snapshotId);
  const blobs = new Map<GitOid, GitRecipe>();
  const trees = new Map<GitOid, GitRecipe>();
  const add = (r: GitRecipe) => (r.type === 'blob' ? blobs : trees).set(r.oid, r);
  const vaultTrees = new Map<string, GitOid>();
  const chunks = new Map<string, GitOid>();

  const blobOid = async (id: ObjectId, type: 'blob' | 'chunk'): Promise<GitRecipe> => {
    let oid = state.oids.get(id);
    let size: number;
    const loc = db.locate(id);
    if (oid && loc) size = loc.entry.rawLength;
    else {
      const o = await db.read(id);
      // a chunk list may name blobs (FILETYPE-v3): what matters is that the bytes are content
      if (type === 'chunk' ? !isChunkPart(o.type) : o.type !== type)
        throw new MalformedObjectError(type, `object is a ${o.type}, not a ${type}`, id);
      const body = o.body;
      size = body.length;
      if (!oid) {
        oid = gitOid('blob', body);
        state.setOid(id, oid);
      }
    }
    return { oid, type: 'blob', size, vault: id };
  };

  // a folder reused in several places (or at every level of a hostile tree) is walked once
  const walked = new Map<ObjectId, GitOid>();
  const walk = async (treeId: ObjectId): Promise<GitOid> => {
    const seen = walked.get(treeId);
    if (seen) return seen;
    const body = await db.readTyped(treeId, 'tree');
    const t = decodeTree(body, treeId);
    const treeBlob = gitOid('blob', body);
    vaultTrees.set(treeId, treeBlob);
    add({ oid: treeBlob, type: 'blob', size: body.length, body });
    const entries: GitTreeEntry[] = [];
    for (const e of t.entries) {
      if (e.kind === 'dir') {
        const oid = await walk(e.id);
        hooks.onEntry?.(oid, e);
        entries.push({ name: e.name, mode: '40000', oid });
      } else if (e.obj === 'blob') {
        const r = await blobOid(e.id, 'blob');
        add(r);
        hooks.onEntry?.(r.oid, e);
        entries.push({ name: e.name, mode: MODE[e.kind], oid: r.oid });
      } else {
        const list = decodeChunkList(await db.readTyped(e.id, 'chunklist'), e.id);
        const parts: { id: ObjectId; size: number; oid: GitOid }[] = [];
        for (const c of list.chunks) {
          const r = await blobOid(c.id, 'chunk');
          add(r);
          chunks.set(c.id, r.oid);
          parts.push({ id: c.id, size: c.size, oid: r.oid });
        }
        const manifest = encodeManifest(e.id, list.size, parts);
        const oid = gitOid('blob', manifest);
        add({ oid, type: 'blob', size: manifest.length, body: manifest });
        hooks.onEntry?.(oid, e);
        entries.push({ name: e.name, mode: MODE[e.kind], oid });
      }
    }
    const oid = tree(entries, add);
    walked.set(treeId, oid);
    return oid;
  };

  await db.ready();
  const root = await walk(snap.tree);
  hooks.onEntry?.(root, { kind: 'dir', obj: 'tree', id: snap.tree, size: 0 });
  // a snapshot imported from a commit Vault did not make becomes that very commit again (see foreign.ts)
  if (snap.meta[GIT_COMMIT]) {
    const commit = foreignCommit(snapshotId, snap, decodeGitTree(trees.get(root)!.body!), add, state);
    return { commit: commit.oid, objects: [...blobs.values(), ...trees.values(), commit] };
  }
  // derived data (thumbnails, reference graph, workspace files) travels as a browsable git tree;
  // walked before the trees/ fan-out is made, which must list its vault trees too
  const attached = snap.attachments ? await walk(snap.attachments) : null;
  const rootEntries = decodeGitTree(trees.get(root)!.body!);
  const snapBlob = gitOid('blob', snapBody);
  add({ oid: snapBlob, type: 'blob', size: snapBody.length, body: snapBody });
  const dotVault: GitTreeEntry[] = [
    { name: 'snapshot.json', mode: '100644', oid: snapBlob },
    { name: 'trees', mode: '40000', oid: fanOut(vaultTrees, add) },
  ];
  if (attached) dotVault.push({ name: 'attachments', mode: '40000', oid: attached });
  if (chunks.size) dotVault.push({ name: 'chunks', mode: '40000', oid: fanOut(chunks, add) });
  const commitTree = tree([...rootEntries, { name: '.vault', mode: '40000', oid: tree(dotVault, add) }], add);

  const commitBody = encodeGitCommit({
    tree: commitTree,
    parents: parentCommits(snapshotId, snap, state),
    author: personFromAuthor(snap.author, snap.time),
    message: vaultCommitMessage(snapshotId, snap),
  });
  const commit = gitOid('commit', commitBody);
  state.mapCommit(snapshotId, commit);
  return {
    commit,
    objects: [
      ...blobs.values(),
      ...trees.values(),
      { oid: commit, type: 'commit', size: commitBody.length, body: commitBody },
    ],
  };
}

/** The very commit a snapshot imported from git came from, made again from the snapshot (see foreign.ts). */
function foreignCommit(
  snapshotId: ObjectId,
  snap: Snapshot,
  rootEntries: GitTreeEntry[],
  add: (r: GitRecipe) => void,
  state: SyncState,
): GitRecipe {
  const meta = snap.meta;
  const entries = meta[GIT_VAULT]
    ? [...rootEntries, { name: '.vault', mode: '40000', oid: meta[GIT_VAULT] } as const]
    : rootEntries;
  const head = [`tree ${tree(entries, add)}`, ...parentCommits(snapshotId, snap, state).map((p) => `parent ${p}`)];
  const body = Buffer.from(`${[...head, meta[GIT_HEADERS] ?? ''].join('\n')}\n\n${snap.message}`, 'utf8');
  const oid = gitOid('commit', body);
  if (oid !== meta[GIT_COMMIT])
    throw new VaultError(
      'EIMPORT',
      `snapshot ${snapshotId.slice(0, 12)} was imported from git commit ${meta[GIT_COMMIT]}, but makes ${oid}`,
      { snapshot: snapshotId, commit: meta[GIT_COMMIT], made: oid },
    );
  state.mapCommit(snapshotId, oid);
  return { oid, type: 'commit', size: body.length, body };
}

/** The git commits of a snapshot's parents (exported or imported before it). */
export function parentCommits(snapshotId: ObjectId, snap: Snapshot, state: SyncState): GitOid[] {
  return snap.parents.map((p) => {
    const c = state.commits.get(p);
    if (!c) throw new Error(`exportSnapshot: parent ${p} of ${snapshotId} is not exported yet`);
    return c;
  });
}

/** The message of the commit Vault makes for a snapshot: its message, then trailers for people and web UIs. */
export function vaultCommitMessage(snapshotId: ObjectId, snap: Snapshot): string {
  // trailers are for people and web UIs; .vault/snapshot.json is what Vault reads back
  const trailers = [`Vault-Snapshot: ${snapshotId}`];
  const meta = snap.meta;
  if (meta['vault.annotation'] === 'milestone' && meta['milestone.name']) {
    trailers.push(
      `Vault-Milestone: ${meta['milestone.name']}${meta['milestone.type'] ? ` (${meta['milestone.type']})` : ''}`.replace(
        /[\r\n]/g,
        ' ',
      ),
    );
  }
  for (const [k, v] of Object.entries(meta)) {
    if (!/[\r\n]/.test(v) && v.length <= 200) trailers.push(`Vault-Meta-${k.replace(/[^A-Za-z0-9-]/g, '-')}: ${v}`);
  }
  return `${snap.message.replace(/\s+$/, '') || '(no message)'}\n\n${trailers.join('\n')}\n`;
}
