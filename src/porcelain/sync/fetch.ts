import git from 'isomorphic-git';
import { UncommittedChangesError, VaultError } from '../../errors.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import type { ObjectId } from '../../objects/types.js';
import { joinPath, writeAll } from '../../plumbing/fs.js';
import { RemoteAuthError, RemoteProtocolError, RemoteUnreachableError } from '../../plumbing/git/errors.js';
import { RemoteAuth } from '../../plumbing/git/credentials.js';
import { authHeader, isoHttpClient, repoUrl, type Credentials } from '../../plumbing/git/http.js';
import { PackFileReader } from '../../plumbing/git/packReader.js';
import { fetchPack, type Deepen, type ShallowUpdate } from '../../plumbing/git/uploadPack.js';
import { nodeCrypto } from '../../builtins.js';
import type { GitOid } from '../../plumbing/git/objects.js';
import { acquireLock } from '../../plumbing/lock.js';
import { flattenTree } from '../../plumbing/trees.js';
import { listRefs, readHead, readRef, updateRef } from '../../refs/refs.js';
import type { Vault } from '../openVault.js';
import { restore, type RestoreResult } from '../restore.js';
import { status } from '../status.js';
import { DivergedError, gitRefOf, isAncestor, vaultRefOf, type SyncProgress } from './common.js';
import { mergeNotes } from '../mergeNotes.js';
import { exportSnapshot } from './exportSnapshot.js';
import { GitReader } from './gitReader.js';
import { importCommits } from './importCommits.js';
import { readShallow, writeShallow } from './shallow.js';
import { checkExpansion, packLimits, type SyncLimits } from './limits.js';
import type { MergeResult } from '../merge/merge.js';
import { followsRewrite, pullMerge, type PullMergeOptions } from './pullMerge.js';
import { goneHere, pruneGone, trackDeletions, trackReplaced } from './prune.js';
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
  /** shallow: only the newest `depth` snapshots of each ref (and what they need); see shallow.ts */
  depth?: number;
  /** shallow: only the snapshots made since this time (ms since the epoch) */
  since?: number;
  /** a shallow vault: fetch `deepen` more snapshots back from where its history stops */
  deepen?: number;
  /** delete local tags and milestones the remote deleted (only those that came from it: see prune.ts) */
  prune?: boolean;
}

export interface FetchResult {
  readonly remote: string;
  /** the remote's refs (vault names) and the snapshots they name */
  readonly refs: Record<string, ObjectId>;
  /** snapshots new to this vault */
  readonly imported: number;
  /**
   * milestones and tags created locally, or moved to where the remote moved them when they still named here
   * what the remote had before (and record refs, refs/notes/*, created, moved forward or merged)
   */
  readonly created: string[];
  /** milestones and tags that name another snapshot here: the local one is kept */
  readonly conflicts: { ref: string; local: ObjectId; remote: ObjectId }[];
  /** remote refs whose commits could not be imported (EIMPORT, saying why): left alone */
  readonly skipped: { ref: string; reason: string }[];
  /** Git LFS pointer files imported as they are (the pointers, not the files they name) */
  readonly lfsPointers?: number;
  /** snapshots this vault holds without their parents (0: the whole history is here) */
  readonly shallow?: number;
  /** the remote's default branch (from its HEAD), when it says */
  readonly defaultBranch?: string;
  /** branches deleted on the remote since the last fetch: their remote-tracking refs were dropped */
  readonly deletedBranches: string[];
  /** tags and milestones deleted on the remote that this vault still has (`--prune` deletes them) */
  readonly gone: string[];
  /** with `prune`: the local tags and milestones deleted */
  readonly pruned: string[];
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
 * Download what the remote has and this vault lacks, turn it into Vault objects, and remember the remote's refs.
 * Only the ref listing comes from isomorphic-git (listServerRefs); the pack is asked for by Vault's own upload-pack
 * client (plumbing/git/uploadPack.ts: wants, haves, shallow boundaries), streamed to a temporary file under
 * `.vault/git`, read from there by PackFileReader and deleted. Creates milestones and tags that are missing here;
 * never moves a branch (pull does).
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
    git
      .listServerRefs({ http, url, headers: authHeader(c), protocolVersion: 1, symrefs: true, peelTags: true })
      .catch((e) => {
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
  // annotated tags (made with git): the tag object the remote's ref names, besides the commit it peels to
  const tagObjects = new Map<string, GitOid>();
  let defaultBranch: string | undefined;
  for (const r of server) {
    if (r.ref === 'HEAD' && r.target?.startsWith('refs/heads/')) defaultBranch = r.target;
    const v = vaultRefOf(r.ref);
    // an annotated tag (made with git) names the commit it peels to
    if (v) wanted.set(v, r.peeled ?? r.oid);
    if (v && r.peeled && r.peeled !== r.oid) tagObjects.set(v, r.oid);
  }
  const boundary = await readShallow(fs, vault.vaultDir);
  const deepen = shallowRequest(opts, boundary.size > 0);
  const have = async (oid: GitOid) => {
    const s = state.snapshotsByCommit.get(oid);
    return !!s && (await vault.db.has(s));
  };
  const wants: GitOid[] = [];
  // deepening asks for the tips again: the server counts from them
  for (const oid of new Set(wanted.values())) if (opts.deepen || !(await have(oid))) wants.push(oid);
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
  let update: ShallowUpdate = { shallow: [], unshallow: [] };
  if (wants.length) {
    await fs.mkdir(gitdir, { recursive: true });
    packPath = joinPath(gitdir, `incoming-${nodeCrypto().randomBytes(8).toString('hex')}.pack`);
    const fh = await fs.open(packPath, 'wx');
    let received = 0;
    try {
      update = await fetchPack({
        url: remote.url,
        creds,
        wants,
        haves: [...haves],
        shallow: [...boundary.keys()],
        deepen,
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
  let lfsPointers = 0;
  let deletedBranches: string[] = [];
  let pruned: string[] = [];
  let gone: string[] = [];
  try {
    const writer = vault.db.writer();
    try {
      progress({ phase: 'import', objects: 0, objectsTotal: wanted.size, bytes: 0, bytesTotal: 0 });
      if (pack) {
        const r = await importPack({
          vault,
          state,
          writer,
          reader: new GitReader(pack, opts.signal),
          wanted,
          boundary,
          update,
          indexFrom: [...haves].map((c) => state.snapshotsByCommit.get(c)).filter((x) => x !== undefined),
          have,
        });
        imported.push(...r.imported);
        skipped.push(...r.skipped);
        lfsPointers = r.lfsPointers;
      }
      await writer.flush();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    await state.save();
    const before = rstate.refs;
    rstate.refs = {};
    for (const [ref, oid] of wanted) {
      const snap = state.snapshotsByCommit.get(oid);
      if (!snap || skipped.some((x) => x.ref === ref)) continue;
      refs[ref] = snap;
      rstate.refs[ref.startsWith('refs/milestones/') ? `refs/tags/milestones/${ref.slice(16)}` : ref] = {
        snapshot: snap,
        commit: oid,
        ...(tagObjects.has(ref) ? { advertised: tagObjects.get(ref) } : {}),
      };
    }
    deletedBranches = trackDeletions(before, rstate, new Set(server.map((r) => r.ref))).branches;
    await trackReplaced(vault, before, rstate);
    if (opts.prune) pruned = await pruneGone(vault, name, rstate);
    gone = (await goneHere(vault, rstate)).map((g) => g.ref);
    // what the remote holds now includes every object of these commits
    for (const s of new Set([...imported, ...Object.values(refs)]))
      for (const r of (await exportSnapshot(vault.db, state, s)).objects) known.add(r.oid);
    await state.save();
    if (update.shallow.length || update.unshallow.length) {
      for (const c of update.unshallow) boundary.delete(c);
      for (const c of update.shallow) {
        const snap = state.snapshotsByCommit.get(c);
        if (snap && (await vault.db.has(snap))) boundary.set(c, snap);
      }
      await writeShallow(fs, vault.vaultDir, boundary);
    }
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
      } else if (local !== snap && before[gitRefOf(ref)!]?.snapshot === local) {
        // moved on the remote (a forced push) and not here since: it follows the remote (see prune.ts)
        await updateRef({
          ...vault.refs,
          ref,
          value: snap,
          expected: local,
          message: `fetch: moved on ${name}`,
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
  return {
    remote: name,
    refs,
    imported: imported.length,
    created,
    conflicts,
    skipped,
    defaultBranch,
    lfsPointers,
    shallow: boundary.size,
    deletedBranches,
    gone,
    pruned,
  };
}

/** What git's shallow protocol is asked for (see shallow.ts), or undefined for a plain fetch. */
function shallowRequest(opts: FetchOptions, isShallow: boolean): Deepen | undefined {
  const count = (n: number | undefined, what: string) => {
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 1))
      throw new VaultError('EUSAGE', `${what} must be a whole number above 0`, { [what]: n });
    return n;
  };
  const depth = count(opts.depth, 'depth');
  const deepen = count(opts.deepen, 'deepen');
  if (deepen !== undefined) {
    if (!isShallow)
      throw new VaultError('EUSAGE', 'this vault holds its whole history: there is nothing to deepen', {
        deepen,
      });
    return { depth: deepen, relative: true };
  }
  if (depth === undefined && opts.since === undefined) return undefined;
  if (opts.since !== undefined && !Number.isFinite(opts.since))
    throw new VaultError('EUSAGE', 'since must be a date', { since: opts.since });
  return { depth, since: opts.since === undefined ? undefined : Math.floor(opts.since / 1000) };
}

/**
 * Import the commits of a downloaded pack: the refs one at a time, so a ref that cannot be imported is
 * skipped (and reported) while the rest come in; first, when a shallow vault was deepened, the history
 * behind its old boundary.
 */
async function importPack(o: {
  vault: Vault;
  state: SyncState;
  writer: ReturnType<Vault['db']['writer']>;
  reader: GitReader;
  wanted: Map<string, GitOid>;
  boundary: Map<GitOid, ObjectId>;
  update: ShallowUpdate;
  indexFrom: ObjectId[];
  have: (oid: GitOid) => Promise<boolean>;
}): Promise<{ imported: ObjectId[]; skipped: { ref: string; reason: string }[]; lfsPointers: number }> {
  const { vault, state, writer, reader } = o;
  const shallow = new Set([
    ...o.update.shallow,
    ...[...o.boundary.keys()].filter((c) => !o.update.unshallow.includes(c)),
  ]);
  const cache = { index: new Map(), lfs: new Set<GitOid>() };
  const run = (tips: GitOid[]) =>
    importCommits({ vault, state, reader, writer, tips, shallow, indexFrom: o.indexFrom, cache });
  const imported: ObjectId[] = [];
  const skipped: { ref: string; reason: string }[] = [];
  // the parents of the old boundary: its snapshots named them (or their commits) when they came in
  const behind: GitOid[] = [];
  for (const c of o.update.unshallow) {
    const snap = o.boundary.get(c);
    if (!snap || !(await vault.db.has(snap))) continue;
    for (const p of decodeSnapshot(await vault.db.readTyped(snap, 'snapshot'), snap).parents) {
      const pc = state.commits.get(p);
      if (pc && reader.has(pc)) behind.push(pc);
    }
  }
  if (behind.length) imported.push(...(await run(behind)).imported);
  for (const [ref, oid] of o.wanted) {
    if (!reader.has(oid) || (await o.have(oid))) continue;
    try {
      imported.push(...(await run([oid])).imported);
    } catch (e) {
      if ((e as VaultError).code !== 'EIMPORT') throw e;
      skipped.push({ ref, reason: (e as Error).message });
    }
  }
  return { imported, skipped, lfsPointers: cache.lfs.size };
}

export interface PullOptions extends FetchOptions, PullMergeOptions {
  /** git's --ff-only: diverged histories are not merged (EDIVERGED, nothing changes here) */
  ffOnly?: boolean;
}

export interface PullResult extends FetchResult {
  readonly branch: string;
  readonly from: ObjectId | null;
  readonly to: ObjectId | null;
  /**
   * 'up-to-date', 'fast-forward', 'new-branch', 'ahead' (local has more: push it), 'no-remote-branch';
   * diverged histories: 'merged' (a merge snapshot, push it), 'conflicts' (resolve, commit, push), 'stopped'
   * (the merge could not write some paths: see merge.notDone), 'rewritten' (the remote replaced its history
   * and this branch had nothing new: it follows the remote)
   */
  readonly outcome:
    | 'up-to-date'
    | 'fast-forward'
    | 'new-branch'
    | 'ahead'
    | 'no-remote-branch'
    | 'merged'
    | 'conflicts'
    | 'stopped'
    | 'rewritten';
  /** what the working folder's checkout did not restore (skipped, failed); null when nothing was checked out */
  readonly checkout: Pick<RestoreResult, 'skipped' | 'failures'> | null;
  /** the merge of diverged histories (outcomes merged, conflicts, stopped) */
  readonly merge: MergeResult | null;
}

/**
 * Fetch, then bring the current branch and the working folder up to the remote's: a fast-forward when
 * this branch is behind; when both sides have snapshots the other lacks, the three-way merge of `vault
 * merge` (pullMerge.ts): a merge snapshot with both parents, or conflicts that wait for `vault resolve`
 * and `vault commit`. The working folder must be clean (committed) first.
 */
export async function pull(opts: PullOptions): Promise<PullResult> {
  const { vault } = opts;
  const f = await fetch(opts);
  const head = await readHead(vault.refs);
  const branch = head.ref ?? 'refs/heads/main';
  const theirs = f.refs[branch] ?? null;
  const base = { ...f, branch, from: head.id, to: theirs, checkout: null, merge: null };
  if (!theirs) return { ...base, to: head.id, outcome: 'no-remote-branch' };
  if (head.id === theirs) return { ...base, outcome: 'up-to-date' };
  if (head.id && (await isAncestor(vault, theirs, head.id))) return { ...base, to: head.id, outcome: 'ahead' };
  let outcome: PullResult['outcome'] = head.id ? 'fast-forward' : 'new-branch';
  if (head.id && !(await isAncestor(vault, head.id, theirs))) {
    const diverged = { vault, remote: f.remote, branch, ours: head.id, theirs };
    if (!(await followsRewrite(diverged))) {
      if (opts.ffOnly)
        throw new DivergedError(branch, head.id, theirs, f.remote, 'both sides have snapshots the other lacks');
      opts.signal?.throwIfAborted();
      const m = await pullMerge(diverged, opts);
      const merged = m.outcome === 'merged' || m.outcome === 'fast-forward' ? 'merged' : m.outcome;
      if (merged === 'up-to-date') return { ...base, to: head.id, outcome: 'ahead' };
      return { ...base, to: m.id ?? head.id, outcome: merged, merge: m };
    }
    outcome = 'rewritten';
  }
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
    message: `pull: ${outcome === 'rewritten' ? 'follow the rewritten history of' : 'fast-forward from'} ${f.remote}`,
    author: vault.author,
    time: vault.clock(),
  });
  const { skipped, failures } = restored;
  return { ...base, outcome, checkout: { skipped, failures } };
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
