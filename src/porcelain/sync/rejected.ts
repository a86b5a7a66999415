import { VaultError } from '../../errors.js';

/**
 * Why a push left a ref as it was on the remote (git's `! [rejected]` reasons):
 * - `non-fast-forward`: the remote's snapshot is one this vault holds, but not in the pushed history
 *   (both sides have snapshots the other lacks, or the remote is ahead);
 * - `fetch-first`: the remote holds a snapshot this vault has not fetched (someone pushed meanwhile; also the
 *   loser of two pushes at the same moment, and records both sides added);
 * - `stale`: `--force-with-lease` and the remote moved since the last fetch;
 * - `exists`: a milestone or tag that names another snapshot on the remote;
 * - `deleted`: a milestone or tag someone deleted on the remote since this vault last saw it there;
 * - `no-such-ref`: `--delete` of a ref the remote does not have;
 * - `reserved`: a local name that cannot be pushed (a tag named `milestones/...`);
 * - `server`: the server refused it (a hook, a permission, a protected branch).
 */
export type RejectedWhy =
  'non-fast-forward' | 'fetch-first' | 'stale' | 'exists' | 'deleted' | 'no-such-ref' | 'reserved' | 'server';

export interface RejectedRef {
  /** the vault ref (refs/heads/main, refs/milestones/alpha, refs/tags/v1, refs/notes/...) */
  readonly ref: string;
  readonly why: RejectedWhy;
  /** in words, as git or the server said it */
  readonly reason: string;
}

/** What a reason the server gave (`ng REF REASON`) means. */
export function classifyServerReason(reason: string): RejectedWhy {
  if (/stale info/i.test(reason)) return 'stale';
  if (/non-fast-forward/i.test(reason)) return 'non-fast-forward';
  // a ref that moved between our advertisement and our update: someone else pushed at the same moment
  if (/fetch first|failed to lock|cannot lock ref|is at [0-9a-f]+ but expected|failed to update ref/i.test(reason))
    return 'fetch-first';
  return 'server';
}

const HINTS: Record<RejectedWhy, (remote: string) => string> = {
  'non-fast-forward': (r) =>
    `'vault pull ${r}' merges the remote's snapshots into yours, then 'vault push ${r}'; or replace the remote's history with 'vault push ${r} --force-with-lease'`,
  'fetch-first': (r) =>
    `someone pushed to ${r} meanwhile: 'vault pull ${r}' (records: 'vault fetch ${r}') brings it in, then push again`,
  stale: (r) =>
    `${r} moved since you last fetched: 'vault fetch ${r}', look at what is there ('vault log'), then decide again`,
  exists: (r) => `the name is taken on ${r}: tag under another name, or replace it with --force-with-lease`,
  deleted: (r) => `'vault fetch ${r} --prune' deletes it here too; to keep it, tag it again under another name`,
  'no-such-ref': (r) => `'vault fetch ${r}' lists what the remote has`,
  reserved: () => 'rename the tag: names under milestones/ are taken by milestones on git remotes',
  server: (r) => `the server of ${r} refused it (a hook, a permission or a protected branch): ask its admin`,
};

/** A push that left one or more refs as they were on the remote: exit 1, each ref named with why. */
export class PushRejectedError extends VaultError {
  constructor(
    remote: string,
    rejected: readonly RejectedRef[],
    extra: { updated?: readonly { ref: string; snapshot?: string | null }[] } = {},
  ) {
    const list = rejected.map((r) => `${r.ref} (${r.why}: ${r.reason})`).join('; ');
    const kinds = [...new Set(rejected.map((r) => r.why))];
    super(
      'EREJECTED',
      `${rejected.length} ref(s) not updated on ${remote}: ${list}`,
      { remote, rejected, updated: extra.updated ?? [] },
      kinds.map((k) => HINTS[k](remote)).join('; '),
    );
  }
}
