import { useEffect, useState } from 'react';
import { cachedLocks } from '../porcelain/locks/refresh.js';
import { lock } from '../porcelain/locks/lock.js';
import type { Vault } from '../porcelain/openVault.js';

/** What a file's lock badge says: who holds it (you, or their name). */
export interface LockBadge {
  readonly mine: boolean;
  readonly owner: string;
}

export interface Locks {
  /** project-relative path -> badge, from the cached lock state (`.vault/locks.json`: no network) */
  readonly badges: ReadonlyMap<string, LockBadge>;
  /** take the lock on one file on the remote (origin), then show it; resolves to what to tell the user */
  lockFile(path: string): Promise<string>;
}

async function badgesOf(vault: Vault): Promise<Map<string, LockBadge>> {
  const out = new Map<string, LockBadge>();
  for (const l of (await cachedLocks(vault)).values())
    if (l.record) out.set(l.record.path, { mine: l.mine, owner: l.record.owner.name });
  return out;
}

/** The lock badges of the Diff view's files, and the L key's lock. */
export function useLocks(vault: Vault): Locks {
  const [badges, setBadges] = useState<ReadonlyMap<string, LockBadge>>(new Map());
  useEffect(() => {
    let live = true;
    badgesOf(vault).then(
      (b) => live && setBadges(b),
      () => {}, // no lock state: no badges
    );
    return () => {
      live = false;
    };
  }, [vault]);
  const lockFile = async (path: string) => {
    const r = await lock({ vault, paths: [path] }).finally(async () => setBadges(await badgesOf(vault)));
    return r.locked.length ? `locked ${path} on ${r.remote}` : `${path} was already locked by you`;
  };
  return { badges, lockFile };
}
