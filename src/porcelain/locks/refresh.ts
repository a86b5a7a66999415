import type { VaultError } from '../../errors.js';
import type { Vault } from '../openVault.js';
import { LockCache, type LockView } from './cache.js';
import { decodeBreakRecord, decodeLockRecord, ownerOf, type BreakRecord } from './record.js';
import {
  listLockRefs,
  lockRemote,
  readRecordFiles,
  type LockRefs,
  type LockRemote,
  type RemoteOptions,
} from './remote.js';

/** Read the records of lock and break commits the cache does not hold yet into the cache. */
export async function readRecords(vault: Vault, remote: LockRemote, cache: LockCache, refs: LockRefs): Promise<void> {
  const lockWants = [...refs.locks].filter(([, oid]) => !cache.hasRecord(oid));
  const breakWants = [...refs.breaks.values()].filter((oid) => !cache.hasBreakRecord(oid));
  if (lockWants.length) {
    const files = await readRecordFiles(
      vault,
      remote,
      lockWants.map(([, oid]) => oid),
      'lock.json',
    );
    for (const [ref, oid] of lockWants) {
      const body = files.get(oid);
      cache.setRecord(oid, body ? decodeLockRecord(body, ref) : null);
    }
  }
  if (breakWants.length) {
    const files = await readRecordFiles(vault, remote, breakWants, 'break.json');
    for (const [ref, oid] of refs.breaks) {
      if (!breakWants.includes(oid)) continue;
      const body = files.get(oid);
      cache.setBreakRecord(oid, body ? decodeBreakRecord(body, ref.slice(ref.lastIndexOf('/') + 1)) : null);
    }
  }
}

/**
 * The remote's lock refs with their records (fetched once per lock; cached). A lock removed between the
 * listing and the download makes the server refuse the request: the refs are listed again (3 tries).
 */
export async function currentLocks(vault: Vault, remote: LockRemote, cache: LockCache): Promise<LockRefs> {
  for (let attempt = 1; ; attempt++) {
    const refs = await listLockRefs(remote);
    try {
      await readRecords(vault, remote, cache, refs);
      return refs;
    } catch (e) {
      if (attempt >= 3 || (e as VaultError).code !== 'EREMOTE') throw e;
    }
  }
}

export interface RefreshResult {
  readonly remote: string;
  /** the remote's locks, sorted by path */
  readonly locks: readonly LockView[];
  /** when the state was read from the remote (ms since the epoch; null: never) */
  readonly fetchedAt: number | null;
  /** this vault author's locks someone broke (with --force) since last reported; reported once */
  readonly brokenLocks: readonly BreakRecord[];
}

/** Read the remote's locks and remember them in `.vault/locks.json`. */
export async function refreshLocks(opts: RemoteOptions): Promise<RefreshResult> {
  const { vault } = opts;
  const remote = await lockRemote(opts);
  const cache = await LockCache.load(vault.fs, vault.vaultDir);
  const refs = await currentLocks(vault, remote, cache);
  const at = vault.clock();
  cache.setRemote(remote.name, refs, at);
  const me = ownerOf(vault.author);
  const brokenLocks = cache.takeNewBreaks(me, remote.name);
  await cache.save();
  return { remote: remote.name, locks: cache.locks(me, remote.name), fetchedAt: at, brokenLocks };
}

export interface ListLocksOptions extends RemoteOptions {
  /** only the cached state: no network */
  offline?: boolean;
}

export interface ListLocksResult extends RefreshResult {
  /** the remote could not be reached (or `offline` was asked): the locks are the cached state */
  readonly cached: boolean;
  /** why the remote was not read */
  readonly error?: VaultError;
}

/** `vault locks`: the remote's locks now, or, when it cannot be reached, as last seen (and how old that is). */
export async function listLocks(opts: ListLocksOptions): Promise<ListLocksResult> {
  const { vault } = opts;
  const cachedState = async (error?: VaultError): Promise<ListLocksResult> => {
    const remote = await lockRemote(opts);
    const cache = await LockCache.load(vault.fs, vault.vaultDir);
    const me = ownerOf(vault.author);
    return {
      remote: remote.name,
      locks: cache.locks(me, remote.name),
      fetchedAt: cache.fetchedAt(remote.name),
      brokenLocks: [],
      cached: true,
      error,
    };
  };
  if (opts.offline) return cachedState();
  try {
    return { ...(await refreshLocks(opts)), cached: false };
  } catch (e) {
    if ((e as VaultError).code !== 'ENETWORK') throw e;
    return cachedState(e as VaultError);
  }
}

/** The cached locks of every remote, by lock ref (no network): what status and commit tell. */
export async function cachedLocks(vault: Vault): Promise<Map<string, LockView>> {
  const cache = await LockCache.load(vault.fs, vault.vaultDir);
  const locks = new Map<string, LockView>();
  for (const l of cache.locks(ownerOf(vault.author))) {
    // a lock someone else holds wins over one of mine on another remote: it is the one to be told about
    const had = locks.get(l.ref);
    if (!had || (had.mine && !l.mine)) locks.set(l.ref, l);
  }
  return locks;
}
