import { nodeCrypto } from '../../builtins.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import type { ObjectId } from '../../objects/types.js';
import { RemoteProtocolError } from '../../plumbing/git/errors.js';
import { RemoteAuth } from '../../plumbing/git/credentials.js';
import { type Credentials, discoverReceivePack, postReceivePack, type RefCommand } from '../../plumbing/git/http.js';
import {
  encodeGitCommit,
  encodeGitTree,
  gitOid,
  ZERO_OID,
  type GitOid,
  type GitTreeEntry,
} from '../../plumbing/git/objects.js';
import { PackStreamWriter } from '../../plumbing/git/pack.js';
import { checkPushLocks, type PushLocksResult } from '../locks/pushLocks.js';
import type { Vault } from '../openVault.js';
import { type SyncProgress } from './common.js';
import { exportSnapshot, type GitRecipe } from './exportSnapshot.js';
import { planPush, type LeaseSpec } from './planPush.js';
import { classifyServerReason, type RejectedRef } from './rejected.js';
import { getRemote, SyncState } from './state.js';

export interface PushOptions {
  vault: Vault;
  /** remote name (default origin) */
  remote?: string;
  /** raw bytes per request before a partial upload is sealed (default 64 MiB) */
  batchBytes?: number;
  env?: NodeJS.ProcessEnv;
  /** overrides the URL's and the environment's (e.g. typed at a prompt) */
  credentials?: Credentials;
  /** hand given credentials to git's credential helper once the server took them (see credentials.ts) */
  saveCredentials?: boolean;
  onProgress?: (p: SyncProgress) => void;
  /** forget what the remote is believed to hold and send everything the refs need */
  resend?: boolean;
  /** progress lines from the server */
  onMessage?: (line: string) => void;
  /** push snapshots that change files someone else locked (see locks/pushLocks.ts) */
  ignoreLocks?: boolean;
  /**
   * git's --force-with-lease: `true` for every ref pushed, or the refs named: each is replaced whatever its
   * history, while the remote still has what this vault last saw there (or the spec's `expected`); else it is
   * rejected as `stale`. See planPush.ts.
   */
  forceWithLease?: boolean | readonly LeaseSpec[];
  /** delete these refs (branches, tags, milestones; short or full names) on the remote, and push nothing else */
  delete?: readonly string[];
}

export interface PushResult {
  readonly remote: string;
  readonly updated: { ref: string; gitRef: string; snapshot: ObjectId; commit: GitOid }[];
  readonly upToDate: string[];
  /** refs deleted on the remote (--delete) */
  readonly deleted: string[];
  /**
   * refs the remote did not take, each with why (see rejected.ts): anything here means the push is not done
   * (the CLI exits 1 with EREJECTED)
   */
  readonly rejected: RejectedRef[];
  /** snapshots turned into git commits by this push (already exported ones are reused) */
  readonly exported: number;
  readonly objectsSent: number;
  /** request bytes (ref commands and packs) of every receive-pack request */
  readonly bytesSent: number;
  readonly requests: number;
  /** locked files the pushed snapshots change: the pusher's own, and (with ignoreLocks) other people's */
  readonly locks: PushLocksResult;
}

/**
 * Send every snapshot, branch, milestone and tag the remote lacks. Objects the
 * remote is known to hold are never sent again; the rest go in bounded
 * batches (streamed packs, one object in memory at a time). A batch that is
 * not the last moves a hidden ref (refs/vault/upload/<id>) so the server keeps
 * it; the last one moves the real refs and deletes that ref. Local state
 * changes only after the server confirmed a batch, so an interrupted push
 * loses nothing and the retry sends only what is still missing.
 */
export async function push(opts: PushOptions): Promise<PushResult> {
  const { vault } = opts;
  const name = opts.remote ?? 'origin';
  const remote = await getRemote(vault.fs, vault.vaultDir, name);
  const auth = new RemoteAuth(remote.url, opts);
  const batchBytes = opts.batchBytes ?? 64 * 1024 * 1024;
  const progress = (p: SyncProgress) => opts.onProgress?.(p);
  progress({ phase: 'connect', objects: 0, objectsTotal: 0, bytes: 0, bytesTotal: 0 });
  const adv = await auth.first((c) => discoverReceivePack(remote.url, c));
  const creds = auth.credentials;
  const state = await SyncState.load(vault.fs, vault.vaultDir);
  const known = await state.loadKnown(name);
  const rstate = await state.loadRemoteState(name);
  if (adv.refs.size === 0 || opts.resend) known.clear(); // an empty (or recreated) repository holds nothing we sent before
  rstate.uploadRef ??= `refs/vault/upload/${nodeCrypto().randomBytes(6).toString('hex')}`;

  // what the remote holds already: objects of advertised commits we know
  for (const oid of adv.refs.values()) {
    const snap = state.snapshotsByCommit.get(oid);
    if (snap && !known.has(oid) && (await vault.db.has(snap)))
      for (const r of (await exportSnapshot(vault.db, state, snap)).objects) known.add(r.oid);
  }

  const plan = await planPush({
    vault,
    remote: name,
    adv: adv.refs,
    state,
    rstate,
    forceWithLease: opts.forceWithLease,
    delete: opts.delete,
  });
  const { rejected, upToDate, toPush, deletes } = plan;

  // snapshots to export, parents first (iterative post-order; stops at what the remote holds)
  const order: ObjectId[] = [];
  const visited = new Set<ObjectId>();
  for (const t of toPush) {
    const stack: { id: ObjectId; expanded: boolean }[] = [{ id: t.snapshot, expanded: false }];
    for (let top = stack.at(-1); top; top = stack.at(-1)) {
      if (top.expanded) {
        stack.pop();
        order.push(top.id);
        continue;
      }
      if (visited.has(top.id)) {
        stack.pop();
        continue;
      }
      visited.add(top.id);
      top.expanded = true;
      const c = state.commits.get(top.id);
      if (c && known.has(c)) {
        stack.pop();
        continue;
      }
      for (const p of decodeSnapshot(await vault.db.readTyped(top.id, 'snapshot'), top.id).parents)
        if (!visited.has(p)) stack.push({ id: p, expanded: false });
    }
  }

  const locks = await checkPushLocks({
    vault,
    remote: name,
    env: opts.env,
    credentials: creds,
    snapshots: order,
    refs: adv.refs,
    ignoreLocks: opts.ignoreLocks,
  });
  const todo: GitRecipe[] = [];
  const planned = new Set<GitOid>();
  let bytesTotal = 0;
  const commits = new Map<ObjectId, GitOid>();
  for (const [i, id] of order.entries()) {
    progress({ phase: 'prepare', objects: i, objectsTotal: order.length, bytes: 0, bytesTotal: 0 });
    const ex = await exportSnapshot(vault.db, state, id);
    commits.set(id, ex.commit);
    if (known.has(ex.commit)) continue;
    for (const r of ex.objects) {
      if (known.has(r.oid) || planned.has(r.oid)) continue;
      planned.add(r.oid);
      todo.push(r);
      bytesTotal += r.size;
    }
  }
  await state.save();
  for (const t of toPush) if (!commits.has(t.snapshot)) commits.set(t.snapshot, state.commits.get(t.snapshot)!);

  let bytesSent = 0;
  let requests = 0;
  let objectsSent = 0;
  let bytesDone = 0;
  let uploadOld = adv.refs.get(rstate.uploadRef) ?? ZERO_OID;

  const send = async (objects: GitRecipe[], commands: RefCommand[]) => {
    const needsPack = commands.some((c) => c.new !== ZERO_OID);
    const report = await postReceivePack({
      url: remote.url,
      creds,
      commands,
      capabilities: adv.capabilities,
      onMessage: opts.onMessage,
      writePack: needsPack
        ? async (out) => {
            const pack = new PackStreamWriter(objects.length, out);
            await pack.start();
            for (const r of objects) {
              const body = r.body ?? (await vault.db.read(r.vault!)).body;
              await pack.add(r.type, body, r.vault ? vault.db.storedRatio(r.vault) : undefined);
              bytesDone += r.size;
              objectsSent++;
              progress({
                phase: 'upload',
                objects: objectsSent,
                objectsTotal: todo.length,
                bytes: bytesDone,
                bytesTotal,
              });
            }
            await pack.finish();
          }
        : undefined,
    });
    requests++;
    bytesSent += report.sent;
    for (const r of objects) known.add(r.oid);
    await state.saveKnown(name, known);
    return report.rejected;
  };

  // every batch but the last: seal it with a commit on the hidden upload ref
  let batch: GitRecipe[] = [];
  let batchSize = 0;
  const sealBatch = async () => {
    const entries = new Map<string, GitTreeEntry[]>();
    const extra: GitRecipe[] = [];
    const batchCommits = batch.filter((r) => r.type === 'commit').map((r) => r.oid);
    const parentsOfBatch = new Set<GitOid>();
    for (const r of batch) {
      if (r.type === 'commit')
        for (const [, parent = ''] of r.body!.toString('latin1').matchAll(/^parent ([0-9a-f]{40})$/gm))
          parentsOfBatch.add(parent);
      else {
        const k = r.oid.slice(0, 2);
        if (!entries.has(k)) entries.set(k, []);
        entries.get(k)!.push({ name: r.oid, mode: r.type === 'tree' ? '40000' : '100644', oid: r.oid });
      }
    }
    const top: GitTreeEntry[] = [];
    for (const [k, list] of entries) {
      const body = encodeGitTree(list);
      const oid = gitOid('tree', body);
      extra.push({ oid, type: 'tree', size: body.length, body });
      top.push({ name: k, mode: '40000', oid });
    }
    const topBody = encodeGitTree(top);
    const topOid = gitOid('tree', topBody);
    extra.push({ oid: topOid, type: 'tree', size: topBody.length, body: topBody });
    const parents = [
      ...(uploadOld !== ZERO_OID ? [uploadOld] : []),
      ...batchCommits.filter((c) => !parentsOfBatch.has(c)),
    ];
    const body = encodeGitCommit({
      tree: topOid,
      parents,
      author: { name: 'Vault', email: 'vault@localhost', time: Math.floor(vault.clock() / 1000) },
      message: 'vault: partial upload (kept until the push completes)\n',
    });
    const commit = gitOid('commit', body);
    extra.push({ oid: commit, type: 'commit', size: body.length, body });
    await send([...batch, ...extra], [{ ref: rstate.uploadRef!, old: uploadOld, new: commit }]);
    uploadOld = commit;
    batch = [];
    batchSize = 0;
  };
  await state.saveRemoteState(name, rstate); // the upload ref's name, before anything refers to it
  for (const r of todo) {
    if (batchSize > 0 && batchSize + r.size > batchBytes) await sealBatch();
    batch.push(r);
    batchSize += r.size;
  }
  const commands: RefCommand[] = toPush.map((t) => ({ ref: t.gitRef, old: t.old, new: commits.get(t.snapshot)! }));
  for (const d of deletes) commands.push({ ref: d.gitRef, old: d.old, new: ZERO_OID });
  if (uploadOld !== ZERO_OID) commands.push({ ref: rstate.uploadRef, old: uploadOld, new: ZERO_OID });
  if (commands.length) {
    const ng = await send(batch, commands);
    for (const n of ng) {
      const t = toPush.find((x) => x.gitRef === n.ref) ?? deletes.find((x) => x.gitRef === n.ref);
      if (t) rejected.push({ ref: t.ref, why: classifyServerReason(n.reason), reason: n.reason });
      else if (n.ref !== rstate.uploadRef) throw new RemoteProtocolError(remote.url, `${n.ref}: ${n.reason}`);
    }
  }
  // the server lost objects we believed it had (history rewritten and collected there): start again, sending all
  if (!opts.resend && rejected.some((r) => /missing necessary objects|missing object|connectivity/i.test(r.reason))) {
    await state.saveKnown(name, new Set());
    return push({ ...opts, resend: true });
  }
  // the remote-tracking refs move only for the refs this push moved: what else the remote holds is
  // known from a fetch only (--force-with-lease compares with it)
  const ok = toPush.filter((t) => !rejected.some((r) => r.ref === t.ref));
  for (const t of ok) rstate.refs[t.gitRef] = { snapshot: t.snapshot, commit: commits.get(t.snapshot)! };
  const deleted = deletes.filter((d) => !rejected.some((r) => r.ref === d.ref));
  for (const d of deleted) {
    delete rstate.refs[d.gitRef];
    // a tag or milestone this vault still has is not pushed again ('deleted'); 'fetch --prune' deletes it here
    const snapshot = state.snapshotsByCommit.get(d.old);
    if (snapshot && !d.ref.startsWith('refs/heads/')) (rstate.gone ??= {})[d.gitRef] = { snapshot, commit: d.old };
  }
  await state.saveRemoteState(name, rstate);
  progress({ phase: 'done', objects: objectsSent, objectsTotal: todo.length, bytes: bytesDone, bytesTotal });
  return {
    remote: name,
    updated: ok.map((t) => ({ ref: t.ref, gitRef: t.gitRef, snapshot: t.snapshot, commit: commits.get(t.snapshot)! })),
    upToDate,
    deleted: deleted.map((d) => d.ref),
    rejected,
    exported: order.length,
    objectsSent,
    bytesSent,
    requests,
    locks,
  };
}
