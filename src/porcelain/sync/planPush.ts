import { UsageError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { ZERO_OID, type GitOid } from '../../plumbing/git/objects.js';
import { refCandidates } from '../../refs/revParse.js';
import { listRefs } from '../../refs/refs.js';
import type { Vault } from '../openVault.js';
import { readSnapshot } from '../readSnapshot.js';
import { gitRefOf, isAncestor, vaultRefOf } from './common.js';
import type { RejectedRef } from './rejected.js';
import type { RemoteState, SyncState } from './state.js';

/**
 * git's `--force-with-lease[=REF[:EXPECTED]]`: REF (a short or full name) is replaced whatever its history,
 * but only while the remote still has EXPECTED there: by default what this vault last saw there (the
 * remote-tracking ref, from the last fetch or push); `''` means "the remote must not have it"; else a
 * snapshot (any revision) or a git commit id.
 */
export interface LeaseSpec {
  readonly ref: string;
  readonly expected?: string;
}

export interface PlannedUpdate {
  readonly ref: string;
  readonly gitRef: string;
  readonly snapshot: ObjectId;
  /** the remote's commit now (ZERO_OID: it has none): the server moves the ref only if it is still there */
  readonly old: GitOid;
  /** replaced without a fast-forward check, under a lease */
  readonly forced: boolean;
}

export interface PlannedDelete {
  readonly ref: string;
  readonly gitRef: string;
  readonly old: GitOid;
}

export interface PushPlan {
  readonly rejected: RejectedRef[];
  readonly upToDate: string[];
  readonly toPush: PlannedUpdate[];
  readonly deletes: PlannedDelete[];
}

export interface PlanPushOptions {
  vault: Vault;
  remote: string;
  /** the remote's refs now (git names) */
  adv: ReadonlyMap<string, GitOid>;
  state: SyncState;
  rstate: RemoteState;
  forceWithLease?: boolean | readonly LeaseSpec[];
  /** refs to delete on the remote: then nothing else is pushed */
  delete?: readonly string[];
}

/** The vault ref a name given on the command line means, among the local refs and the remote's. */
export function resolvePushRef(name: string, known: ReadonlySet<string>): string | null {
  const full = name.startsWith('refs/tags/milestones/') ? vaultRefOf(name)! : name;
  const found = refCandidates(full).filter((r) => known.has(r));
  if (found.length > 1)
    throw new UsageError(`'${name}' is ambiguous: ${found.join(', ')}`, 'name the ref in full (refs/heads/...)');
  return found[0] ?? null;
}

/**
 * The snapshot a remote ref's value names: a commit this vault knows, or an annotated tag object (made with
 * git) that the last fetch saw there and peeled to a commit.
 */
function remoteSnapshotOf(
  state: SyncState,
  seen: { snapshot: ObjectId; advertised?: GitOid } | undefined,
  oid: GitOid,
): ObjectId | null {
  return state.snapshotsByCommit.get(oid) ?? (seen?.advertised === oid ? seen.snapshot : null);
}

/** Tags and milestones: a name someone deleted on the remote is not brought back by a push from another clone. */
const guardsDeletion = (ref: string) => ref.startsWith('refs/tags/') || ref.startsWith('refs/milestones/');

/**
 * Decide, ref by ref, what a push does: send it (a fast-forward, a new ref, or a replacement under a lease),
 * leave it (up to date), refuse it (with why), or delete it (`--delete`). Nothing is sent here.
 */
export async function planPush(o: PlanPushOptions): Promise<PushPlan> {
  const { vault, adv, state, rstate, remote } = o;
  const local = await listRefs(vault.refs, 'refs/');
  const known = new Set<string>(local.keys());
  for (const g of adv.keys()) {
    const v = vaultRefOf(g);
    if (v) known.add(v);
  }
  const lease = leaseChecker(o, known);
  if (o.delete?.length) return planDeletes(o, o.delete, known, lease);
  const rejected: RejectedRef[] = [];
  const upToDate: string[] = [];
  const toPush: PlannedUpdate[] = [];
  const fresh = adv.size === 0; // an empty (or recreated) repository: nothing was deleted there
  for (const [ref, snapshot] of local) {
    const gitRef = gitRefOf(ref);
    if (!gitRef) {
      rejected.push({
        ref,
        why: 'reserved',
        reason: 'tags named milestones/... are reserved for milestones on git remotes',
      });
      continue;
    }
    const old = adv.get(gitRef) ?? ZERO_OID;
    const remoteSnap = old === ZERO_OID ? null : remoteSnapshotOf(state, rstate.refs[gitRef], old);
    if (old !== ZERO_OID && remoteSnap === snapshot) {
      upToDate.push(ref);
      continue;
    }
    if (lease.leased(ref)) {
      const broken = await lease.broken(ref, gitRef, old);
      if (broken) rejected.push({ ref, why: 'stale', reason: broken });
      else toPush.push({ ref, gitRef, snapshot, old, forced: true });
      continue;
    }
    if (old === ZERO_OID) {
      const was = rstate.refs[gitRef] ?? rstate.gone?.[gitRef];
      if (!fresh && guardsDeletion(ref) && was?.snapshot === snapshot) {
        rejected.push({ ref, why: 'deleted', reason: `deleted on ${remote} since this vault last saw it there` });
        continue;
      }
      toPush.push({ ref, gitRef, snapshot, old, forced: false });
      continue;
    }
    if (ref.startsWith('refs/heads/')) {
      if (!remoteSnap) {
        rejected.push({
          ref,
          why: 'fetch-first',
          reason: `fetch first: ${remote} has snapshots this vault has not fetched`,
        });
        continue;
      }
      if (!(await isAncestor(vault, remoteSnap, snapshot))) {
        const behind = await isAncestor(vault, snapshot, remoteSnap);
        rejected.push({
          ref,
          why: 'non-fast-forward',
          reason: behind
            ? `non-fast-forward: ${remote} is ahead of this vault (pull to catch up)`
            : 'non-fast-forward: both sides have snapshots the other lacks',
        });
        continue;
      }
    } else if (ref.startsWith('refs/notes/')) {
      // records move forward like a branch; records added on both sides are not overwritten
      if (!remoteSnap || !(await isAncestor(vault, remoteSnap, snapshot))) {
        rejected.push({
          ref,
          why: 'fetch-first',
          reason: `fetch first: ${remote} has records this vault lacks (fetch unites them with these)`,
        });
        continue;
      }
    } else {
      rejected.push({ ref, why: 'exists', reason: `already names another snapshot on ${remote}` });
      continue;
    }
    toPush.push({ ref, gitRef, snapshot, old, forced: false });
  }
  return { rejected, upToDate, toPush, deletes: [] };
}

interface Lease {
  leased(ref: string): boolean;
  /** null when the remote still has what the lease expects; else why not */
  broken(ref: string, gitRef: string, now: GitOid): Promise<string | null>;
}

/** The lease: which refs it covers, and the commit each must still be at on the remote. */
function leaseChecker(o: PlanPushOptions, known: ReadonlySet<string>): Lease {
  const { vault, state, rstate, remote } = o;
  const leases = new Map<string, LeaseSpec>();
  const all = o.forceWithLease === true;
  if (Array.isArray(o.forceWithLease))
    for (const spec of o.forceWithLease as readonly LeaseSpec[]) {
      const ref = resolvePushRef(spec.ref, known);
      if (!ref) throw new UsageError(`--force-with-lease: no ref '${spec.ref}' here or on ${remote}`);
      leases.set(ref, spec);
    }
  return {
    leased: (ref) => all || leases.has(ref),
    async broken(ref, gitRef, now) {
      const spec = leases.get(ref);
      const at = now === ZERO_OID ? 'has no such ref' : `is at ${now.slice(0, 12)}`;
      if (spec?.expected === undefined) {
        const seen = rstate.refs[gitRef];
        const expected = seen?.advertised ?? seen?.commit ?? ZERO_OID;
        if (expected === now) return null;
        const saw = expected === ZERO_OID ? 'no such ref' : expected.slice(0, 12);
        return `stale info: ${remote} ${at}, but this vault last saw ${saw} there (the remote moved since the last fetch)`;
      }
      if (spec.expected === '') return now === ZERO_OID ? null : `stale info: ${remote} ${at}, expected none`;
      if (/^[0-9a-f]{40}$/.test(spec.expected)) {
        if (spec.expected === now) return null;
      } else {
        const want = (await readSnapshot(vault, spec.expected)).id;
        if (now !== ZERO_OID && state.snapshotsByCommit.get(now) === want) return null;
      }
      return `stale info: ${remote} ${at}, expected ${spec.expected}`;
    },
  };
}

/** `--delete`: only these refs, each one the remote has (and, under a lease, still where it was seen). */
async function planDeletes(
  o: PlanPushOptions,
  names: readonly string[],
  known: ReadonlySet<string>,
  lease: Lease,
): Promise<PushPlan> {
  const rejected: RejectedRef[] = [];
  const deletes: PlannedDelete[] = [];
  for (const name of names) {
    const ref = resolvePushRef(name, known) ?? (name.startsWith('refs/') ? name : `refs/heads/${name}`);
    const gitRef = gitRefOf(ref);
    const old = gitRef ? (o.adv.get(gitRef) ?? ZERO_OID) : ZERO_OID;
    if (!gitRef || old === ZERO_OID) {
      rejected.push({ ref, why: 'no-such-ref', reason: `${o.remote} has no ${ref}` });
      continue;
    }
    const broken = lease.leased(ref) ? await lease.broken(ref, gitRef, old) : null;
    if (broken) rejected.push({ ref, why: 'stale', reason: broken });
    else deletes.push({ ref, gitRef, old });
  }
  return { rejected, upToDate: [], toPush: [], deletes };
}
