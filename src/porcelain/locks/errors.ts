import { VaultError } from '../../errors.js';
import { showOwner, type LockRecord } from './record.js';

/** "3 min ago", "2 h ago", "4 days ago": how old a lock is, for messages. */
export function ageOf(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 360) / 10} h`;
  return `${Math.round(s / 86400)} days`;
}

/** A lock as an error or a warning names it: "Bo <bo@studio> (on bo-pc, 2 h ago: "sky")". */
export function describeHolder(r: LockRecord | null, now: number): string {
  if (!r) return 'someone (the lock record is unreadable: it was not made by Vault)';
  const first = r.message.split('\n')[0];
  return (
    `${showOwner(r.owner)} (${r.host ? `on ${r.host}, ` : ''}${ageOf(now - r.time)} ` +
    `ago${first ? `: "${first}"` : ''})`
  );
}

export interface HeldLock {
  readonly path: string;
  readonly record: LockRecord | null;
}

export type LockAction = 'lock' | 'unlock' | 'push';

const HINTS: Record<LockAction, string> = {
  lock:
    "ask them to run 'vault unlock' when they are done; if they are " +
    "gone, 'vault unlock --force PATH' breaks the lock (they are told)",
  unlock:
    "only the owner unlocks a file; 'vault unlock --force PATH' " +
    'breaks the lock and records who broke it (the owner is told)',
  push:
    'the owner may be changing the same file: pull their work when ' +
    "they unlock it, or push anyway with 'vault push --ignore-locks'",
};

/**
 * A file is locked by someone else: `vault lock` could not take it, `vault unlock` (without --force) may not
 * release it, or `vault push` would send changes to it. Names the owner and the lock's age.
 */
export class LockedByOtherError extends VaultError {
  constructor(action: LockAction, held: readonly HeldLock[], now: number, done: readonly string[] = []) {
    const first = held[0]!;
    const more = held.length > 1 ? ` (and ${held.length - 1} more file(s))` : '';
    const what = action === 'push' ? 'cannot push changes to' : `cannot ${action}`;
    super(
      'ELOCKEDBYOTHER',
      `${what} ${first.path}: it is locked by ` +
        `${describeHolder(first.record, now)}${more}${done.length ? `; ${action}ed: ${done.join(', ')}` : ''}`,
      {
        action,
        held: held.map((h) => ({
          path: h.path,
          owner: h.record?.owner ?? null,
          host: h.record?.host ?? null,
          time: h.record ? new Date(h.record.time).toISOString() : null,
          ageSeconds: h.record ? Math.max(0, Math.round((now - h.record.time) / 1000)) : null,
          message: h.record?.message ?? null,
        })),
        done,
      },
      HINTS[action],
    );
  }
}
