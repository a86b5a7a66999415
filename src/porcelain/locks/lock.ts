import { hostname } from 'node:os';
import { RemoteProtocolError } from '../../plumbing/git/errors.js';
import { discoverReceivePack, postReceivePack } from '../../plumbing/git/http.js';
import { ZERO_OID } from '../../plumbing/git/objects.js';
import { PackStreamWriter } from '../../plumbing/git/pack.js';
import type { Vault } from '../openVault.js';
import { LockCache, type LockView } from './cache.js';
import { LockedByOtherError, type HeldLock } from './errors.js';
import { loadLockable } from './lockable.js';
import { setWritable, type ModeResult } from './modes.js';
import {
  lockObjects,
  lockRefOf,
  normalizeLockPath,
  ownerOf,
  sameOwner,
  type GitObject,
  type LockRecord,
} from './record.js';
import { readRecords } from './refresh.js';
import { lockRefsOf, lockRemote, type LockRefs, type LockRemote, type RemoteOptions } from './remote.js';

/** How often a lock or unlock looks again when the server refused a ref that then was not there. */
export const MAX_ATTEMPTS = 6;

export interface LockOptions extends RemoteOptions {
  /** project-relative paths */
  paths: readonly string[];
  message?: string;
  /** the machine named in the record (default: this host's name) */
  host?: string;
  /** waits between attempts (tests pass a fast one) */
  sleep?: (ms: number) => Promise<void>;
}

export interface LockResult {
  readonly remote: string;
  /** locks taken now */
  readonly locked: readonly LockView[];
  /** locks this vault's author held already (a retry, or another clone of theirs): not an error */
  readonly alreadyHeld: readonly LockView[];
  /** file modes changed (locked files become writable) */
  readonly modes: ModeResult;
}

export const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Write `objects` as one pack to a receive-pack request. */
export function packOf(objects: readonly GitObject[]): (send: (b: Buffer) => Promise<void>) => Promise<void> {
  return async (send) => {
    const pack = new PackStreamWriter(objects.length, send);
    await pack.start();
    for (const o of objects) await pack.add(o.type, o.body);
    await pack.finish();
  };
}

/** The remote's lock refs as receive-pack advertises them now, with their records read into `cache`. */
export async function advertisedLocks(
  vault: Vault,
  remote: LockRemote,
  cache: LockCache,
): Promise<{ refs: LockRefs; capabilities: Set<string> }> {
  for (let attempt = 1; ; attempt++) {
    const adv = await remote.auth.run((c) => discoverReceivePack(remote.url, c));
    const refs = lockRefsOf(adv.refs);
    try {
      await readRecords(vault, remote, cache, { locks: refs.locks, breaks: new Map() });
      return { refs, capabilities: adv.capabilities };
    } catch (e) {
      // a lock deleted between the listing and the download: list again
      if (attempt >= 3 || (e as { code?: string }).code !== 'EREMOTE') throw e;
    }
  }
}

/**
 * Take locks on the remote: for each path, one ref created with "old value = zero id" in one receive-pack
 * request, so the server refuses it when the ref exists and of two people locking at once exactly one wins,
 * on any git server. The pack and the ref update are applied by the server as a whole, so a killed lock
 * leaves either no lock or a complete one. A lock this vault's author already holds is not an error (a
 * retry after a network failure finds its own lock). A refused create is looked at again: the winner's
 * record is read and named; a ref that is not there (the server refused because another update of it was
 * in progress) is tried again. Throws LockedByOtherError (ELOCKEDBYOTHER) when a path is held by someone
 * else, after taking the others.
 */
export async function lock(opts: LockOptions): Promise<LockResult> {
  const { vault } = opts;
  const remote = await lockRemote(opts);
  const me = ownerOf(vault.author);
  const host = opts.host ?? hostname();
  const sleep = opts.sleep ?? defaultSleep;
  const cache = await LockCache.load(vault.fs, vault.vaultDir);
  let pending = [...new Set(opts.paths.map(normalizeLockPath))];
  const locked: LockView[] = [];
  const alreadyHeld: LockView[] = [];
  const held: HeldLock[] = [];
  const view = (ref: string, oid: string, record: LockRecord | null): LockView => ({
    remote: remote.name,
    ref,
    oid,
    record,
    mine: !!record && sameOwner(record.owner, me),
  });
  let lastReasons: string[] = [];
  for (let attempt = 1; pending.length; attempt++) {
    if (attempt > MAX_ATTEMPTS)
      throw new RemoteProtocolError(remote.url, `the lock refs kept changing (${lastReasons.join('; ')})`);
    if (attempt > 1) await sleep(20 * 2 ** attempt + Math.random() * 50);
    const { refs, capabilities } = await advertisedLocks(vault, remote, cache);
    const fresh: { path: string; ref: string; objects: GitObject[]; record: LockRecord }[] = [];
    for (const path of pending) {
      const ref = lockRefOf(path);
      const oid = refs.locks.get(ref);
      if (!oid) {
        const record: LockRecord = { path, owner: me, host, time: vault.clock(), message: opts.message ?? '' };
        fresh.push({ path, ref, objects: lockObjects(record), record });
        continue;
      }
      const v = view(ref, oid, cache.recordOf(oid));
      cache.setLock(remote.name, ref, oid);
      if (v.mine) alreadyHeld.push(v);
      else held.push({ path, record: v.record });
    }
    pending = [];
    if (!fresh.length) break;
    const report = await postReceivePack({
      url: remote.url,
      creds: remote.creds,
      commands: fresh.map((f) => ({ ref: f.ref, old: ZERO_OID, new: f.objects[0]!.oid })),
      capabilities,
      writePack: packOf(fresh.flatMap((f) => f.objects)),
    });
    lastReasons = report.rejected.map((r) => r.reason);
    for (const f of fresh) {
      if (report.rejected.some((r) => r.ref === f.ref)) {
        pending.push(f.path); // someone else's create, or one in progress: look again
        continue;
      }
      const oid = f.objects[0]!.oid;
      cache.setRecord(oid, f.record);
      cache.setLock(remote.name, f.ref, oid);
      locked.push(view(f.ref, oid, f.record));
    }
  }
  await cache.save();
  const modes = await writableIfLockable(vault, [...locked, ...alreadyHeld], true);
  if (held.length)
    throw new LockedByOtherError(
      'lock',
      held,
      vault.clock(),
      [...locked, ...alreadyHeld].map((l) => l.record!.path),
    );
  return { remote: remote.name, locked, alreadyHeld, modes };
}

/** Locked files become writable; unlocked lockable files read-only (in a vault with `.vaultlockable`). */
export async function writableIfLockable(
  vault: Vault,
  locks: readonly LockView[],
  writable: boolean,
): Promise<ModeResult> {
  const paths = locks.map((l) => l.record?.path).filter((p): p is string => !!p);
  if (writable)
    return setWritable(
      vault,
      paths.map((path) => ({ path, writable })),
    );
  const rules = await loadLockable(vault.fs, vault.workTree);
  return setWritable(
    vault,
    paths.filter((p) => rules.lockable(p)).map((path) => ({ path, writable })),
  );
}
