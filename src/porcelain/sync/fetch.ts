import git from 'isomorphic-git';
import { CorruptObjectError, UncommittedChangesError, VaultError } from '../../errors.js';
import { encodeChunkList } from '../../objects/chunkList.js';
import { hashObject } from '../../objects/hashObject.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import { decodeTree } from '../../objects/tree.js';
import type { ObjectId } from '../../objects/types.js';
import { joinPath, writeAll } from '../../plumbing/fs.js';
import { RemoteAuthError, RemoteProtocolError, RemoteUnreachableError } from '../../plumbing/git/errors.js';
import { RemoteAuth } from '../../plumbing/git/credentials.js';
import { authHeader, isoHttpClient, repoUrl, type Credentials } from '../../plumbing/git/http.js';
import { PackFileReader } from '../../plumbing/git/packReader.js';
import { fetchPack } from '../../plumbing/git/uploadPack.js';
import { randomBytes } from 'node:crypto';
import { decodeGitTree, type GitOid, type GitTreeEntry } from '../../plumbing/git/objects.js';
import { acquireLock } from '../../plumbing/lock.js';
import type { ObjectWriter } from '../../plumbing/ObjectWriter.js';
import { flattenTree } from '../../plumbing/trees.js';
import { listRefs, readHead, readRef, updateRef } from '../../refs/refs.js';
import type { Vault } from '../openVault.js';
import { restore, type RestoreResult } from '../restore.js';
import { status } from '../status.js';
import { DivergedError, isAncestor, BrokenRemoteHistoryError, vaultRefOf, type SyncProgress } from './common.js';
import { mergeNotes } from '../mergeNotes.js';
import { decodeManifest, exportSnapshot } from './exportSnapshot.js';
import { checkExpansion, packLimits, type SyncLimits } from './limits.js';
import { getRemote, SyncState } from './state.js';

export interface FetchOptions {
  vault: Vault;
  remote?: string;
  env?: NodeJS.ProcessEnv;
  /** overrides the URL's and the environment's (e.g. typed at a prompt) */
  credentials?: Credentials;
  /** hand given credentials to git's credential helper once the server took them (see credentials.ts) */
  saveCredentials?: boolean;
  onProgress?: (p: SyncProgress) => void;
  onMessage?: (line: string) => void;
  lockWait?: number;
  /** how far the download may expand (see limits.ts); unset: what the remote sent decides */
  limits?: SyncLimits;
  /** stops the fetch at its next step; what it started is removed (the signal's reason is thrown) */
  signal?: AbortSignal;
}

export interface FetchResult {
  readonly remote: string;
  /** the remote's refs (vault names) and the snapshots they name */
  readonly refs: Record<string, ObjectId>;
  /** snapshots new to this vault */
  readonly imported: number;
  /** milestones and tags created locally (and record refs, refs/notes/*, created, moved forward or merged) */
  readonly created: string[];
  /** milestones and tags that name another snapshot here: the local one is kept */
  readonly conflicts: { ref: string; local: ObjectId; remote: ObjectId }[];
  /** remote refs whose commits were not made by Vault: left alone */
  readonly skipped: { ref: string; reason: string }[];
  /** the remote's default branch (from its HEAD), when it says */
  readonly defaultBranch?: string;
}

function mapGitError(url: string, e: unknown): Error {
  if (e instanceof VaultError) return e;
  const err = e as { code?: string; data?: { statusCode?: number }; message?: string };
  if (err?.code === 'HttpError') {
    const s = err.data?.statusCode ?? 0;
    if (s === 401 || s === 403) return new RemoteAuthError(url, s);
    return new RemoteProtocolError(url, `HTTP ${s}`);
  }
  if (err?.code === 'ECONNREFUSED' || err?.code === 'ECONNRESET' || err?.code === 'EPIPE')
    return new RemoteUnreachableError(url, err.code);
  return new RemoteProtocolError(url, String(err?.message ?? e));
}

/**
 * Reads the git objects of a downloaded pack, with a small cache of trees. An object whose size the
 * snapshot declares (`expect`) is checked against it before it is inflated.
 */
class GitReader {
  private readonly trees = new Map<GitOid, GitTreeEntry[]>();
  constructor(
    private readonly pack: PackFileReader,
    readonly signal?: AbortSignal,
  ) {}

  async raw(oid: GitOid, type: string, expect?: { size: number; what: string }): Promise<Buffer> {
    const st = this.pack.stat(oid);
    if (!st) throw new CorruptObjectError(oid, 'the server did not send this git object', 'the downloaded pack');
    if (st.type !== type)
      throw new CorruptObjectError(oid, `git object is a ${st.type}, not a ${type}`, 'the downloaded pack');
    if (expect && st.size !== expect.size)
      throw new CorruptObjectError(
        oid,
        `${expect.what} is ${expect.size} bytes by the snapshot, but its git object has ${st.size}`,
        'the downloaded pack',
      );
    return (await this.pack.read(oid))!.body;
  }

  async tree(oid: GitOid): Promise<GitTreeEntry[]> {
    let t = this.trees.get(oid);
    if (!t) {
      this.signal?.throwIfAborted();
      t = decodeGitTree(await this.raw(oid, 'tree'), oid);
      if (this.trees.size > 4096) this.trees.clear();
      this.trees.set(oid, t);
    }
    return t;
  }

  async entry(treeOid: GitOid, name: string): Promise<GitTreeEntry> {
    const e = (await this.tree(treeOid)).find((x) => x.name === name);
    if (!e) throw new CorruptObjectError(treeOid, `git tree has no entry '${name}'`, '.vault/git');
    return e;
  }
}

/** Turn git commits made by Vault back into the very same Vault objects (same ids), parents first. */
export async function importCommits(
  vault: Vault,
  state: SyncState,
  reader: GitReader,
  writer: ObjectWriter,
  tips: GitOid[],
): Promise<{ imported: ObjectId[] }> {
  const imported: ObjectId[] = [];
  const done = async (oid: GitOid) => {
    const s = state.snapshotsByCommit.get(oid);
    return !!s && ((await writer.known(s)) || (await vault.db.has(s)));
  };
  const order: GitOid[] = [];
  const visited = new Set<GitOid>();
  for (const tip of tips) {
    const stack: { oid: GitOid; expanded: boolean }[] = [{ oid: tip, expanded: false }];
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.expanded) {
        stack.pop();
        order.push(top.oid);
        continue;
      }
      if (visited.has(top.oid) || (await done(top.oid))) {
        stack.pop();
        continue;
      }
      visited.add(top.oid);
      top.expanded = true;
      const body = (await reader.raw(top.oid, 'commit')).toString('utf8');
      for (const m of body.slice(0, body.indexOf('\n\n')).matchAll(/^parent ([0-9a-f]{40})$/gm))
        if (!visited.has(m[1])) stack.push({ oid: m[1], expanded: false });
    }
  }

  for (const commitOid of order) {
    reader.signal?.throwIfAborted();
    const body = (await reader.raw(commitOid, 'commit')).toString('utf8');
    const rootOid = /^tree ([0-9a-f]{40})$/m.exec(body)?.[1];
    if (!rootOid) throw new CorruptObjectError(commitOid, 'git commit has no tree', '.vault/git');
    const dot = await reader.entry(rootOid, '.vault').catch(() => {
      throw new VaultError(
        'ENOTVAULTCOMMIT',
        `git commit ${commitOid} was not made by Vault (no .vault/snapshot.json)`,
        { commit: commitOid },
        'a Vault remote must only receive pushes from Vault',
      );
    });
    const snapBody = await reader.raw((await reader.entry(dot.oid, 'snapshot.json')).oid, 'blob');
    const snapId = hashObject('snapshot', snapBody);
    const snap = decodeSnapshot(snapBody, snapId);
    if (!(await writer.known(snapId))) {
      const treesDir = await reader.entry(dot.oid, 'trees');
      // git trees are looked up only when a content is missing here: a folder whose files are all
      // known may differ from the last fetched one only by mtimes, and then its git tree (unchanged)
      // was not sent again
      const importTree = async (treeId: ObjectId, gitTree: () => Promise<GitOid>): Promise<void> => {
        if (await writer.known(treeId)) return;
        const fan = await reader.entry(treesDir.oid, treeId.slice(0, 2));
        const tbody = await reader.raw((await reader.entry(fan.oid, treeId)).oid, 'blob');
        if (hashObject('tree', tbody) !== treeId)
          throw new CorruptObjectError(treeId, 'the tree stored in git does not match its id', `commit ${commitOid}`);
        const t = decodeTree(tbody, treeId);
        let mine: GitOid | undefined;
        const entryOid = async (name: string) => (await reader.entry((mine ??= await gitTree()), name)).oid;
        for (const e of t.entries) {
          if (e.kind === 'dir') await importTree(e.id, () => entryOid(e.name));
          else if (e.obj === 'blob') {
            if (await writer.known(e.id)) continue;
            const oid = await entryOid(e.name);
            state.setOid(e.id, oid);
            const data = await reader.raw(oid, 'blob', { size: e.size, what: `'${e.name}'` });
            if (hashObject('blob', data) !== e.id)
              throw new CorruptObjectError(e.id, 'the file stored in git does not match its id', `commit ${commitOid}`);
            await writer.put('blob', data, { id: e.id, compress: true });
          } else {
            if (await writer.known(e.id)) continue;
            const m = decodeManifest(await reader.raw(await entryOid(e.name), 'blob'));
            if (!m)
              throw new CorruptObjectError(e.id, `the manifest of '${e.name}' is unreadable`, `commit ${commitOid}`);
            if (m.size !== e.size)
              throw new CorruptObjectError(
                e.id,
                `the manifest of '${e.name}' says ${m.size} bytes, its tree says ${e.size}`,
                `commit ${commitOid}`,
              );
            for (const [i, c] of m.chunks.entries()) {
              state.setOid(c.id, c.oid);
              if (await writer.known(c.id)) continue;
              const data = await reader.raw(c.oid, 'blob', { size: c.size, what: `chunk ${i} of '${e.name}'` });
              // a chunk, or (FILETYPE-v3) the blob of a small file inside a build
              const type = hashObject('chunk', data) === c.id ? 'chunk' : 'blob';
              if (type === 'blob' && hashObject('blob', data) !== c.id)
                throw new CorruptObjectError(
                  c.id,
                  'the chunk stored in git does not match its id',
                  `commit ${commitOid}`,
                );
              await writer.put(type, data, { id: c.id, compress: true });
            }
            const list = encodeChunkList({ size: m.size, chunks: m.chunks.map((c) => ({ id: c.id, size: c.size })) });
            if (hashObject('chunklist', list) !== e.id)
              throw new CorruptObjectError(e.id, 'the manifest does not rebuild its chunk list', `commit ${commitOid}`);
            await writer.put('chunklist', list, { id: e.id, compress: true });
          }
        }
        await writer.put('tree', tbody, { id: treeId, compress: true });
      };
      await importTree(snap.tree, async () => rootOid);
      if (snap.attachments)
        await importTree(snap.attachments, async () => (await reader.entry(dot.oid, 'attachments')).oid);
      // its parents came first (they are the commit's parents): one that did not is a broken history
      for (const p of snap.parents)
        if (!(await writer.known(p)) && !(await vault.db.has(p)))
          throw new BrokenRemoteHistoryError(snapId, p, commitOid);
      await writer.put('snapshot', snapBody, { id: snapId, compress: true });
      imported.push(snapId);
    }
    state.mapCommit(snapId, commitOid);
  }
  return { imported };
}

/**
 * Download what the remote has and this vault lacks (isomorphic-git fetch into
 * the staging repository `.vault/git`), turn it into Vault objects, and
 * remember the remote's refs. Creates milestones and tags that are missing
 * here; never moves a branch (pull does).
 */
export async function fetch(opts: FetchOptions): Promise<FetchResult> {
  const { vault } = opts;
  const name = opts.remote ?? 'origin';
  const remote = await getRemote(vault.fs, vault.vaultDir, name);
  const auth = new RemoteAuth(remote.url, opts);
  const url = repoUrl(remote.url);
  const http = isoHttpClient(opts.signal);
  const fs = vault.fs;
  const gitdir = joinPath(vault.vaultDir, 'git');
  const progress = (p: SyncProgress) => opts.onProgress?.(p);
  progress({ phase: 'connect', objects: 0, objectsTotal: 0, bytes: 0, bytesTotal: 0 });

  const server = await auth.first((c) =>
    git.listServerRefs({ http, url, headers: authHeader(c), protocolVersion: 1, symrefs: true }).catch((e) => {
      opts.signal?.throwIfAborted();
      throw mapGitError(url, e);
    }),
  );
  const creds = auth.credentials;
  opts.signal?.throwIfAborted();
  const limits = opts.limits ?? {};
  const state = await SyncState.load(fs, vault.vaultDir);
  const rstate = await state.loadRemoteState(name);
  const known = await state.loadKnown(name);

  const wanted = new Map<string, GitOid>();
  let defaultBranch: string | undefined;
  for (const r of server) {
    if (r.ref === 'HEAD' && r.target?.startsWith('refs/heads/')) defaultBranch = r.target;
    const v = vaultRefOf(r.ref);
    if (v) wanted.set(v, r.oid);
  }
  const have = async (oid: GitOid) => {
    const s = state.snapshotsByCommit.get(oid);
    return !!s && (await vault.db.has(s));
  };
  const wants: GitOid[] = [];
  for (const oid of new Set(wanted.values())) if (!(await have(oid))) wants.push(oid);
  // offer what we hold of the remote's history, so the server sends only what is new
  const haves = new Set<GitOid>();
  for (const seen of Object.values(rstate.refs)) if (await have(seen.commit)) haves.add(seen.commit);
  for (const [, id] of await listRefs(vault.refs, 'refs/')) {
    const c = state.commits.get(id);
    if (c) haves.add(c);
  }

  // the pack is streamed to a file under .vault/git, read from there, and deleted: memory stays small
  let packPath: string | null = null;
  let pack: PackFileReader | null = null;
  if (wants.length) {
    await fs.mkdir(gitdir, { recursive: true });
    packPath = joinPath(gitdir, `incoming-${randomBytes(8).toString('hex')}.pack`);
    const fh = await fs.open(packPath, 'wx');
    let received = 0;
    try {
      await fetchPack({
        url: remote.url,
        creds,
        wants,
        haves: [...haves],
        onMessage: opts.onMessage,
        signal: opts.signal,
        onBytes: (n) => {
          received += n;
          progress({ phase: 'download', objects: 0, objectsTotal: 0, bytes: received, bytesTotal: 0 });
        },
        maxBytes: limits.maxBytes,
        sink: (b) => writeAll(fh, b),
      });
      await fh.close();
      pack = await PackFileReader.open(
        fs,
        packPath,
        (done, total) =>
          progress({ phase: 'download', objects: done, objectsTotal: total, bytes: received, bytesTotal: received }),
        packLimits(limits, received, opts.signal),
      );
    } catch (e) {
      await fh.close().catch(() => {});
      await fs.unlink(packPath).catch(() => {});
      throw e;
    }
  }

  const release = await acquireLock({
    fs,
    path: vault.db.paths.lock,
    command: 'fetch',
    wait: opts.lockWait,
    clock: vault.clock,
  }).catch(async (e) => {
    await pack?.close();
    if (packPath) await fs.unlink(packPath).catch(() => {});
    throw e;
  });
  const created: string[] = [];
  const conflicts: FetchResult['conflicts'] = [];
  const refs: Record<string, ObjectId> = {};
  const imported: ObjectId[] = [];
  const skipped: { ref: string; reason: string }[] = [];
  try {
    const writer = vault.db.writer();
    try {
      progress({ phase: 'import', objects: 0, objectsTotal: wanted.size, bytes: 0, bytesTotal: 0 });
      if (pack) {
        const reader = new GitReader(pack, opts.signal);
        // one ref at a time, so a ref someone filled with plain git commits is skipped, not fatal
        for (const [ref, oid] of wanted) {
          if (!wants.includes(oid) || (await have(oid))) continue;
          try {
            imported.push(...(await importCommits(vault, state, reader, writer, [oid])).imported);
          } catch (e) {
            if ((e as VaultError).code !== 'ENOTVAULTCOMMIT') throw e;
            skipped.push({ ref, reason: (e as Error).message });
          }
        }
      }
      await writer.flush();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    await state.save();
    rstate.refs = {};
    for (const [ref, oid] of wanted) {
      const snap = state.snapshotsByCommit.get(oid);
      if (!snap || skipped.some((x) => x.ref === ref)) continue;
      refs[ref] = snap;
      rstate.refs[ref.startsWith('refs/milestones/') ? `refs/tags/milestones/${ref.slice(16)}` : ref] = {
        snapshot: snap,
        commit: oid,
      };
    }
    // what the remote holds now includes every object of these commits
    for (const s of new Set([...imported, ...Object.values(refs)]))
      for (const r of (await exportSnapshot(vault.db, state, s)).objects) known.add(r.oid);
    await state.save();
    await state.saveKnown(name, known);
    await state.saveRemoteState(name, rstate);
    for (const [ref, snap] of Object.entries(refs)) {
      if (ref.startsWith('refs/heads/')) continue;
      const local = await readRef(vault.refs, ref);
      if (local === null) {
        await updateRef({
          ...vault.refs,
          ref,
          value: snap,
          expected: null,
          message: `fetch: from ${name}`,
          author: vault.author,
          time: vault.clock(),
        });
        created.push(ref);
      } else if (local !== snap && ref.startsWith('refs/notes/')) {
        // records kept beside the history: move forward like a branch; records added on both sides are united
        if (await isAncestor(vault, snap, local)) continue;
        let value = snap;
        if (!(await isAncestor(vault, local, snap))) {
          const w = vault.db.writer();
          try {
            value = await mergeNotes(vault, w, local, snap);
            await w.flush();
          } catch (e) {
            await w.abort();
            throw e;
          }
        }
        await updateRef({
          ...vault.refs,
          ref,
          value,
          expected: local,
          message: `fetch: from ${name} (${value === snap ? 'fast-forward' : 'merge'})`,
          author: vault.author,
          time: vault.clock(),
        });
        created.push(ref);
      } else if (local !== snap) conflicts.push({ ref, local, remote: snap });
    }
  } finally {
    await release();
    await pack?.close();
    if (packPath) await fs.unlink(packPath).catch(() => {});
  }
  progress({ phase: 'done', objects: imported.length, objectsTotal: imported.length, bytes: 0, bytesTotal: 0 });
  return { remote: name, refs, imported: imported.length, created, conflicts, skipped, defaultBranch };
}

export interface PullResult extends FetchResult {
  readonly branch: string;
  readonly from: ObjectId | null;
  readonly to: ObjectId | null;
  /** 'up-to-date', 'fast-forward', 'new-branch', 'ahead' (local has more: push it), 'no-remote-branch' */
  readonly outcome: 'up-to-date' | 'fast-forward' | 'new-branch' | 'ahead' | 'no-remote-branch';
  /** what the working folder's checkout did not restore (skipped, failed); null when nothing was checked out */
  readonly checkout: Pick<RestoreResult, 'skipped' | 'failures'> | null;
}

/**
 * Fetch, then fast-forward the current branch and the working folder to the
 * remote's. Histories that diverged are not merged: EDIVERGED, with both sides
 * kept (the remote's snapshots are in the vault, its tip in the error's data).
 * The working folder must be clean (committed) first.
 */
export async function pull(opts: FetchOptions): Promise<PullResult> {
  const { vault } = opts;
  const f = await fetch(opts);
  const head = await readHead(vault.refs);
  const branch = head.ref ?? 'refs/heads/main';
  const theirs = f.refs[branch] ?? null;
  const base = { ...f, branch, from: head.id, to: theirs, checkout: null };
  if (!theirs) return { ...base, to: head.id, outcome: 'no-remote-branch' };
  if (head.id === theirs) return { ...base, outcome: 'up-to-date' };
  if (head.id && (await isAncestor(vault, theirs, head.id))) return { ...base, to: head.id, outcome: 'ahead' };
  if (head.id && !(await isAncestor(vault, head.id, theirs)))
    throw new DivergedError(branch, head.id, theirs, f.remote, 'both sides have snapshots the other lacks');
  const st = await status({ vault });
  if (!st.clean)
    throw new UncommittedChangesError(
      [...st.added, ...st.modified, ...st.deleted, ...st.renamed].map((c) => c.path).sort(),
    );
  opts.signal?.throwIfAborted();
  const restored = await checkout(vault, head.id, theirs, undefined, { limits: opts.limits });
  await updateRef({
    ...vault.refs,
    ref: branch,
    value: theirs,
    expected: head.id,
    message: `pull: fast-forward from ${f.remote}`,
    author: vault.author,
    time: vault.clock(),
  });
  const { skipped, failures } = restored;
  return { ...base, outcome: head.id ? 'fast-forward' : 'new-branch', checkout: { skipped, failures } };
}

/**
 * Make a clean working folder match `to` (files of `from` that `to` lacks are removed). A snapshot that
 * would expand past the limits is refused before anything is written. `signal` stops it between files
 * (clone uses it: the half-made folder goes as a whole; pull does not, so a pull is never half-applied).
 * Returns what restore reports: entries it skipped or could not restore mean the folder does not match `to`.
 */
export async function checkout(
  vault: Vault,
  from: ObjectId | null,
  to: ObjectId,
  onProgress?: (p: SyncProgress) => void,
  opts: { limits?: SyncLimits; signal?: AbortSignal } = {},
): Promise<RestoreResult> {
  const newTree = decodeSnapshot(await vault.db.readTyped(to, 'snapshot'), to).tree;
  await checkExpansion(vault.db, newTree, opts.limits);
  opts.signal?.throwIfAborted();
  if (from) {
    const oldFiles = await flattenTree(vault.db, decodeSnapshot(await vault.db.readTyped(from, 'snapshot'), from).tree);
    const newFiles = await flattenTree(vault.db, newTree);
    const gone = [...oldFiles.values()].filter((e) => !newFiles.has(e.path)).sort((a, b) => (a.path < b.path ? 1 : -1));
    for (const e of gone) {
      const abs = joinPath(vault.workTree, e.path);
      if (e.kind === 'dir') await vault.fs.rmdir(abs).catch(() => {});
      else await vault.fs.unlink(abs).catch(() => {});
    }
  }
  return restore({
    vault,
    snapshot: to,
    force: true,
    onProgress: (p) => {
      opts.signal?.throwIfAborted();
      onProgress?.({
        phase: 'checkout',
        objects: p.files,
        objectsTotal: p.filesTotal,
        bytes: p.bytes,
        bytesTotal: p.bytesTotal,
      });
    },
  });
}
