import { hostname } from 'node:os';
import { RemoteProtocolError } from '../../plumbing/git/errors.js';
import { postReceivePack, type RefCommand } from '../../plumbing/git/http.js';
import { ZERO_OID } from '../../plumbing/git/objects.js';
import type { Vault } from '../openVault.js';
import { LockCache, type LockView } from './cache.js';
import { LockedByOtherError, type HeldLock } from './errors.js';
import { advertisedLocks, defaultSleep, MAX_ATTEMPTS, packOf, writableIfLockable } from './lock.js';
import type { ModeResult } from './modes.js';
import {
  breakObjects,
  breakRefOf,
  lockRefOf,
  normalizeLockPath,
  ownerOf,
  sameOwner,
  type BreakRecord,
  type GitObject,
} from './record.js';
import { lockRemote, type LockRemote, type RemoteOptions } from './remote.js';

export interface UnlockOptions extends RemoteOptions {
  /** project-relative paths */
  paths: readonly string[];
  /** break locks held by someone else (recorded on the remote: the owner is told) */
  force?: boolean;
  host?: string;
  sleep?: (ms: number) => Promise<void>;
}

export interface UnlockResult {
  readonly remote: string;
  /** this vault author's locks released */
  readonly unlocked: readonly LockView[];
  /** other people's locks broken with --force, and the record each break left */
  readonly broken: readonly (LockView & { readonly break: BreakRecord })[];
  /** paths that were not locked (unlock is idempotent: not an error) */
  readonly notLocked: readonly string[];
  /** file modes changed (unlocked lockable files become read-only) */
  readonly modes: ModeResult;
}

interface Planned {
  readonly path: string;
  readonly lock: LockView;
  /** the break record's objects (--force on someone else's lock) */
  readonly breakObjects?: GitObject[];
  readonly break?: BreakRecord;
}

/**
 * Release locks: each lock ref is deleted with "old value = the lock seen", so a lock someone took after
 * this one was released is never deleted by mistake. Without `force`, only the author's own locks are
 * released (ELOCKEDBYOTHER otherwise). With it, another person's lock is deleted and a break record
 * (`refs/vault/lock-breaks/<lock commit>`, naming who broke it and when) is created in the same request;
 * the owner is told on their next fetch. A path that is not locked
 * is not an error, so an unlock can be run again after a network failure.
 */
export async function unlock(opts: UnlockOptions): Promise<UnlockResult> {
  const { vault } = opts;
  const remote = await lockRemote(opts);
  const me = ownerOf(vault.author);
  const sleep = opts.sleep ?? defaultSleep;
  const cache = await LockCache.load(vault.fs, vault.vaultDir);
  let pending = [...new Set(opts.paths.map(normalizeLockPath))];
  const unlocked: LockView[] = [];
  const broken: (LockView & { break: BreakRecord })[] = [];
  const notLocked: string[] = [];
  const held: HeldLock[] = [];
  let lastReasons: string[] = [];
  for (let attempt = 1; pending.length; attempt++) {
    if (attempt > MAX_ATTEMPTS)
      throw new RemoteProtocolError(remote.url, `the lock refs kept changing (${lastReasons.join('; ')})`);
    if (attempt > 1) await sleep(20 * 2 ** attempt + Math.random() * 50);
    const { refs, capabilities } = await advertisedLocks(vault, remote, cache);
    const planned: Planned[] = [];
    for (const path of pending) {
      const ref = lockRefOf(path);
      const oid = refs.locks.get(ref);
      if (!oid) {
        notLocked.push(path);
        cache.setLock(remote.name, ref, null);
        continue;
      }
      const record = cache.recordOf(oid);
      const lock: LockView = { remote: remote.name, ref, oid, record, mine: !!record && sameOwner(record.owner, me) };
      if (lock.mine) planned.push({ path, lock });
      else if (!opts.force) held.push({ path, record });
      else planned.push({ path, lock, ...breakOf(vault, lock, path, opts.host) });
    }
    pending = [];
    if (!planned.length) break;
    const rejected = await send(remote, planned, capabilities);
    lastReasons = [...rejected.values()];
    for (const p of planned) {
      if (rejected.has(p.lock.ref)) {
        pending.push(p.path); // it changed since it was listed: look again
        continue;
      }
      cache.setLock(remote.name, p.lock.ref, null);
      if (p.break) broken.push({ ...p.lock, break: p.break });
      else unlocked.push(p.lock);
    }
  }
  await cache.save();
  const modes = await writableIfLockable(vault, [...unlocked, ...broken], false);
  if (held.length)
    throw new LockedByOtherError(
      'unlock',
      held,
      vault.clock(),
      [...unlocked, ...broken].map((l) => l.record?.path ?? l.ref),
    );
  return { remote: remote.name, unlocked, broken, notLocked, modes };
}

function breakOf(vault: Vault, lock: LockView, path: string, host?: string): Pick<Planned, 'break' | 'breakObjects'> {
  const b: BreakRecord = {
    path,
    lock: lock.oid,
    owner: lock.record?.owner ?? { name: 'unknown', email: 'unknown' },
    lockTime: lock.record?.time ?? 0,
    brokenBy: ownerOf(vault.author),
    host: host ?? hostname(),
    time: vault.clock(),
  };
  return { break: b, breakObjects: breakObjects(b) };
}

/**
 * One receive-pack request: the deletions, and the break records with their pack. Returns the lock refs the
 * server refused, with why. A break record whose deletion was refused (the lock changed since it was listed)
 * is deleted again, so no break stays recorded for a lock that was not broken.
 */
async function send(
  remote: LockRemote,
  planned: readonly Planned[],
  capabilities: Set<string>,
): Promise<Map<string, string>> {
  const commands: RefCommand[] = planned.map((p) => ({ ref: p.lock.ref, old: p.lock.oid, new: ZERO_OID }));
  const breaks = planned.filter((p) => p.breakObjects);
  for (const p of breaks) commands.push({ ref: breakRefOf(p.lock.oid), old: ZERO_OID, new: p.breakObjects![0]!.oid });
  const report = await postReceivePack({
    url: remote.url,
    creds: remote.creds,
    commands,
    capabilities,
    writePack: breaks.length ? packOf(breaks.flatMap((p) => p.breakObjects!)) : undefined,
  });
  const rejected = new Map<string, string>();
  for (const r of report.rejected) rejected.set(r.ref, r.reason);
  const orphans: RefCommand[] = breaks
    .filter((p) => rejected.has(p.lock.ref) && !rejected.has(breakRefOf(p.lock.oid)))
    .map((p) => ({ ref: breakRefOf(p.lock.oid), old: p.breakObjects![0]!.oid, new: ZERO_OID }));
  if (orphans.length)
    await postReceivePack({ url: remote.url, creds: remote.creds, commands: orphans, capabilities }).catch(() => {});
  return new Map([...rejected].filter(([ref]) => planned.some((p) => p.lock.ref === ref)));
}
