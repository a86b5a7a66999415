import { CorruptObjectError, VaultError } from '../../errors.js';
import { encodeChunkList } from '../../objects/chunkList.js';
import { hashObject } from '../../objects/hashObject.js';
import { encodeSnapshot } from '../../objects/snapshot.js';
import { badEntryName, decodeTree, encodeTree } from '../../objects/tree.js';
import type { EntryKind, ObjectId, TreeEntry } from '../../objects/types.js';
import { decodeGitTree, encodeGitTree, type GitOid } from '../../plumbing/git/objects.js';
import type { ObjectWriter } from '../../plumbing/ObjectWriter.js';
import type { Vault } from '../openVault.js';
import {
  decodeManifest,
  encodeManifest,
  exportSnapshot,
  GIT_COMMIT,
  GIT_HEADERS,
  GIT_VAULT,
  MANIFEST_MAGIC,
} from './exportSnapshot.js';
import type { GitCommit, GitReader } from './gitReader.js';
import type { SyncState } from './state.js';

/**
 * Importing commits Vault did not make: a web-UI edit on a vault branch, a `git commit` in a plain
 * checkout, or the whole history of an ordinary git repository. Each becomes a snapshot whose files
 * are the commit's tree (small files as they are; Vault's manifests of large files resolved to their
 * chunks), with the commit's author, time and message. Its meta names the commit and keeps what
 * exportSnapshot needs to make that very commit again (`git.commit`, `git.headers`, and `git.vault`:
 * the `.vault` folder a checkout of a vault branch carries along, stale, which is not a project file),
 * so a snapshot made on top of it is a git commit on top of the foreign one.
 *
 * Git keeps no modification times: every entry imported from git has mtime 0 (restore then leaves the
 * file's time alone), so a git tree always becomes the same vault tree, on every machine and in every
 * fetch, whichever commit brings it in.
 *
 * What cannot be made again byte for byte is refused with EIMPORT naming the commit and the path
 * (a submodule, a tree git itself would not write, a manifest that was edited), never skipped.
 */

/** The entry a git object stands for in a vault tree. */
export interface ImportedEntry {
  readonly obj: 'blob' | 'chunklist' | 'tree';
  readonly id: ObjectId;
  readonly size: number;
  /** a root folder: the `.vault` folder it held beside the project's files */
  readonly vault?: GitOid;
  /** a folder of a snapshot Vault made (real mtimes): imported as its copy with git's mtimes (0) */
  readonly local?: boolean;
}

/** The mtime of every entry imported from git (see above). */
export const GIT_MTIME = 0;

export interface ForeignContext {
  readonly vault: Vault;
  readonly state: SyncState;
  readonly reader: GitReader;
  readonly writer: ObjectWriter;
  /** git object -> vault entry: what this import made, and (on demand) what `indexFrom` holds */
  readonly index: Map<GitOid, ImportedEntry>;
  /** snapshots held here whose git objects the server may have left out (it knows we have them) */
  readonly indexFrom: ObjectId[];
  indexed?: boolean;
  /** git blobs that are Git LFS pointers */
  readonly lfs: Set<GitOid>;
}

export class ImportError extends VaultError {
  constructor(commit: GitOid, what: string, hint?: string) {
    super(
      'EIMPORT',
      `cannot import git commit ${commit.slice(0, 12)}: ${what}`,
      { commit, what },
      hint ?? 'nothing of this branch was imported; fix the commit with git (or push a new one on top) and fetch again',
    );
  }
}

const LFS_MAGIC = 'version https://git-lfs.github.com/spec/v1\n';

/** Whether a git commit was made by Vault: its `.vault/snapshot.json` is new, not carried along from a parent. */
export function isStale(state: SyncState, commit: GitOid, parents: readonly GitOid[], snapshot: ObjectId): boolean {
  if (parents.some((p) => state.snapshotsByCommit.get(p) === snapshot)) return true;
  const mapped = state.commits.get(snapshot);
  return mapped !== undefined && mapped !== commit;
}

/**
 * Import one foreign commit (its parents are imported already, or listed in `missingParents` for a
 * shallow fetch) and return its snapshot id.
 */
export async function importForeign(ctx: ForeignContext, oid: GitOid, body: Buffer, c: GitCommit): Promise<ObjectId> {
  const { state, writer, vault } = ctx;
  const rebuilt = Buffer.from(
    `${[`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), c.headers].join('\n')}\n\n${c.message}`,
    'utf8',
  );
  if (!rebuilt.equals(body))
    throw new ImportError(oid, 'its header or message is not in a form Vault can keep exactly (not UTF-8?)');
  const parents: ObjectId[] = [];
  for (const p of c.parents) {
    const s = state.snapshotsByCommit.get(p);
    if (!s || !((await writer.known(s)) || (await vault.db.has(s))))
      throw new ImportError(oid, `its parent ${p.slice(0, 12)} was not imported`);
    parents.push(s);
  }
  const author = /^author (.*) <([^<>]*)> (\d+) ([+-]\d{4})$/m.exec(c.headers);
  if (!author) throw new ImportError(oid, 'it has no author line git would accept');
  const time = Number(author[3]) * 1000;
  if (!Number.isSafeInteger(time)) throw new ImportError(oid, 'its author time is out of range');

  let vaultDir: GitOid | undefined;
  const tree = await importTree(ctx, oid, c.tree, '', (e) => (vaultDir = e));
  const meta: Record<string, string> = { [GIT_COMMIT]: oid, [GIT_HEADERS]: c.headers };
  if (vaultDir) meta[GIT_VAULT] = vaultDir;
  const snapBody = encodeSnapshot({
    tree,
    parents,
    author: `${author[1]} <${author[2]}>`,
    time,
    message: c.message,
    meta,
  });
  const id = hashObject('snapshot', snapBody);
  await writer.put('snapshot', snapBody, { id, compress: true });
  state.mapCommit(id, oid);
  return id;
}

const KIND: Record<string, EntryKind | undefined> = { '100644': 'file', '100755': 'exec', '120000': 'symlink' };

async function importTree(
  ctx: ForeignContext,
  commit: GitOid,
  oid: GitOid,
  path: string,
  onVaultDir?: (oid: GitOid) => void,
): Promise<ObjectId> {
  const known = await lookup(ctx, oid);
  if (known && (onVaultDir || !known.vault)) {
    if (known.obj !== 'tree') throw new ImportError(commit, `'${path}' is a folder in git but a file here`);
    if (known.vault) onVaultDir?.(known.vault);
    if (!known.local) return known.id;
    const id = await withGitTimes(ctx, known.id);
    ctx.index.set(oid, { obj: 'tree', id, size: 0 });
    return id;
  }
  if (!ctx.reader.has(oid)) throw notSent(commit, path || '(the root folder)', oid);
  ctx.reader.signal?.throwIfAborted();
  const body = await ctx.reader.raw(oid, 'tree');
  const git = decodeGitTree(body, oid);
  if (!encodeGitTree(git).equals(body))
    throw new ImportError(commit, `the git tree of '${path || '/'}' is not in git's own form (a mode, order or name)`);
  const entries: TreeEntry[] = [];
  let skippedVault: GitOid | undefined;
  for (const g of git) {
    const p = path ? `${path}/${g.name}` : g.name;
    if (onVaultDir && g.name === '.vault' && g.mode === '40000') {
      // Vault's own data, carried along by a checkout of a vault branch: not a project file
      onVaultDir(g.oid);
      skippedVault = g.oid;
      continue;
    }
    const kind = g.mode === '40000' ? 'dir' : KIND[g.mode];
    if (!kind)
      throw new ImportError(
        commit,
        `'${p}' has git mode ${g.mode}${(g.mode as string) === '160000' ? ' (a submodule)' : ''}, which Vault does not keep`,
      );
    const bad = badEntryName(g.name, kind);
    if (bad) throw new ImportError(commit, `'${p}' cannot be a name in Vault: ${bad}`);
    if (kind === 'dir') {
      const id = await importTree(ctx, commit, g.oid, p);
      entries.push({ name: g.name, kind, size: 0, mtime: GIT_MTIME, obj: 'tree', id });
    } else {
      const f = await importBlob(ctx, commit, g.oid, p);
      if (f.obj === 'chunklist' && kind === 'symlink')
        throw new ImportError(commit, `symlink '${p}' holds a large-file manifest`);
      entries.push({ name: g.name, kind, size: f.size, mtime: GIT_MTIME, obj: f.obj, id: f.id });
    }
  }
  const tbody = encodeTree({ entries });
  const id = hashObject('tree', tbody);
  if (!(await ctx.writer.known(id))) await ctx.writer.put('tree', tbody, { id, compress: true });
  ctx.index.set(oid, { obj: 'tree', id, size: 0, ...(skippedVault ? { vault: skippedVault } : {}) });
  return id;
}

async function importBlob(ctx: ForeignContext, commit: GitOid, oid: GitOid, path: string): Promise<ImportedEntry> {
  const known = await lookup(ctx, oid);
  if (known) {
    if (known.obj === 'tree') throw new ImportError(commit, `'${path}' is a file in git but a folder here`);
    return known;
  }
  if (!ctx.reader.has(oid)) throw notSent(commit, path, oid);
  const { state, writer } = ctx;
  const data = await ctx.reader.raw(oid, 'blob');
  let entry: ImportedEntry;
  if (data.subarray(0, MANIFEST_MAGIC.length + 1).toString('latin1') === `${MANIFEST_MAGIC}\n`)
    entry = await importManifest(ctx, commit, data, path);
  else {
    if (data.subarray(0, LFS_MAGIC.length).toString('latin1') === LFS_MAGIC) ctx.lfs.add(oid);
    const id = hashObject('blob', data);
    state.setOid(id, oid);
    if (!(await writer.known(id))) await writer.put('blob', data, { id, compress: true });
    entry = { obj: 'blob', id, size: data.length };
  }
  ctx.index.set(oid, entry);
  return entry;
}

/** A Vault manifest of a large file: its chunks (sent by the server, or here already) and its chunk list. */
async function importManifest(ctx: ForeignContext, commit: GitOid, data: Buffer, path: string): Promise<ImportedEntry> {
  const { state, writer, vault } = ctx;
  const m = decodeManifest(data);
  const edited = (why: string) =>
    new ImportError(
      commit,
      `'${path}' starts like a Vault large-file manifest but ${why}`,
      `restore '${path}' from an earlier snapshot (or delete it) with git, commit, and fetch again`,
    );
  if (!m || !encodeManifest(m.chunklist, m.size, m.chunks).equals(data)) throw edited('was edited');
  let list: Buffer;
  try {
    list = encodeChunkList({ size: m.size, chunks: m.chunks.map((c) => ({ id: c.id, size: c.size })) });
  } catch {
    throw edited('its chunk sizes do not add up');
  }
  if (hashObject('chunklist', list) !== m.chunklist) throw edited('its chunks do not make its chunk list');
  for (const [i, c] of m.chunks.entries()) {
    state.setOid(c.id, c.oid);
    if ((await writer.known(c.id)) || (await vault.db.has(c.id))) continue;
    if (!ctx.reader.has(c.oid)) throw edited(`chunk ${i} (${c.oid.slice(0, 12)}) is not on the remote`);
    const body = await ctx.reader.raw(c.oid, 'blob', { size: c.size, what: `chunk ${i} of '${path}'` });
    // a chunk, or (FILETYPE-v3) the blob of a small file inside a build
    const type = hashObject('chunk', body) === c.id ? 'chunk' : 'blob';
    if (type === 'blob' && hashObject('blob', body) !== c.id)
      throw new CorruptObjectError(c.id, `chunk ${i} of '${path}' does not match its id`, `commit ${commit}`);
    await writer.put(type, body, { id: c.id, compress: true });
  }
  if (!(await writer.known(m.chunklist))) await writer.put('chunklist', list, { id: m.chunklist, compress: true });
  return { obj: 'chunklist', id: m.chunklist, size: m.size };
}

/** What a git object stands for: made by this import, or part of a snapshot held here (indexed once, on the first miss). */
async function lookup(ctx: ForeignContext, oid: GitOid): Promise<ImportedEntry | undefined> {
  const hit = ctx.index.get(oid);
  if (hit || ctx.reader.has(oid) || ctx.indexed) return hit;
  ctx.indexed = true;
  for (const s of ctx.indexFrom) {
    if (!(await ctx.vault.db.has(s))) continue;
    await exportSnapshot(ctx.vault.db, ctx.state, s, {
      onEntry: (o, e) => {
        if (!ctx.index.has(o)) ctx.index.set(o, { obj: e.obj, id: e.id, size: e.size, local: e.obj === 'tree' });
      },
    });
  }
  return ctx.index.get(oid);
}

/** A folder of a snapshot held here, as git would give it back: the same files, mtimes 0. */
async function withGitTimes(ctx: ForeignContext, treeId: ObjectId): Promise<ObjectId> {
  const t = decodeTree(await ctx.vault.db.readTyped(treeId, 'tree'), treeId);
  const entries: TreeEntry[] = [];
  for (const e of t.entries)
    entries.push({ ...e, mtime: GIT_MTIME, ...(e.kind === 'dir' ? { id: await withGitTimes(ctx, e.id) } : {}) });
  const body = encodeTree({ entries });
  const id = hashObject('tree', body);
  if (!(await ctx.writer.known(id)) && !(await ctx.vault.db.has(id)))
    await ctx.writer.put('tree', body, { id, compress: true });
  return id;
}

function notSent(commit: GitOid, path: string, oid: GitOid): ImportError {
  return new ImportError(
    commit,
    `'${path}' (git object ${oid.slice(0, 12)}) was not sent by the remote and is not here`,
    'the remote may be damaged; check it with git fsck',
  );
}
