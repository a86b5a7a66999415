import type { ObjectId } from '../../objects/types.js';
import { readRef, updateRef } from '../../refs/refs.js';
import type { Vault } from '../openVault.js';
import { isAncestor, vaultRefOf } from './common.js';
import type { RemoteState } from './state.js';

/**
 * Refs deleted on a remote, and `fetch --prune`.
 *
 * The remote-tracking refs (`.vault/sync/remotes/<name>.json`) are what the remote held at the last fetch (or
 * what a push put there). A fetch compares them with what the remote holds now:
 *
 * - a **branch** gone from the remote loses its remote-tracking ref (`origin/old` is no longer shown); a local
 *   branch is never deleted (git keeps them too);
 * - a **tag or milestone** gone from the remote is remembered as *gone* (`RemoteState.gone`) with the snapshot
 *   it named there. A push does not bring it back (EREJECTED, `deleted`), and `fetch --prune` deletes the local
 *   one if it still names that snapshot. That is how a tag is known to have come from that remote: the remote
 *   had it, naming the same snapshot, the last time this vault looked. A local-only tag (never on the remote,
 *   or moved here to another snapshot since) is never deleted: git's `--prune-tags` deletes every tag the remote
 *   lacks, which loses local-only ones.
 * - a **tag or milestone moved** on the remote (a forced push after `vault forget`) follows it on fetch when the
 *   local one still names what the remote had at the last look; one moved here too is kept (a conflict).
 */

/**
 * Called by fetch once `rstate.refs` holds what the remote has now: `before` is what it held at the last
 * look, `present` every git ref the remote advertises (also those fetch could not import: they were not
 * deleted). Updates `rstate.gone`.
 */
export function trackDeletions(
  before: RemoteState['refs'],
  rstate: RemoteState,
  present: ReadonlySet<string>,
): { branches: string[] } {
  const branches: string[] = [];
  for (const [gitRef, seen] of Object.entries(before)) {
    if (present.has(gitRef)) continue;
    if (gitRef.startsWith('refs/heads/')) branches.push(gitRef);
    else if (gitRef.startsWith('refs/tags/')) (rstate.gone ??= {})[gitRef] = seen;
  }
  if (rstate.gone) for (const gitRef of present) delete rstate.gone[gitRef];
  return { branches };
}

/** Tags and milestones gone from the remote that still name here what they named there. */
export async function goneHere(vault: Vault, rstate: RemoteState): Promise<{ ref: string; snapshot: ObjectId }[]> {
  const out: { ref: string; snapshot: ObjectId }[] = [];
  for (const [gitRef, seen] of Object.entries(rstate.gone ?? {})) {
    const ref = vaultRefOf(gitRef);
    if (ref && (await readRef(vault.refs, ref)) === seen.snapshot) out.push({ ref, snapshot: seen.snapshot });
  }
  return out.sort((a, b) => (a.ref < b.ref ? -1 : 1));
}

/**
 * `--prune`: delete the local tags and milestones that are gone from the remote (see above), and forget
 * every gone entry (what is left here names another snapshot: it is this vault's own now). Returns the refs
 * deleted. The caller holds the vault lock and saves `rstate`.
 */
export async function pruneGone(vault: Vault, remote: string, rstate: RemoteState): Promise<string[]> {
  const pruned: string[] = [];
  for (const { ref, snapshot } of await goneHere(vault, rstate)) {
    await updateRef({
      ...vault.refs,
      ref,
      value: null,
      expected: snapshot,
      message: `fetch --prune: deleted on ${remote}`,
      author: vault.author,
      time: vault.clock(),
    });
    pruned.push(ref);
  }
  rstate.gone = {};
  return pruned;
}

/**
 * Branches the remote replaced rather than moved forward (a forced push): the tip this vault saw there
 * before is kept in `rstate.replaced` (the last few per branch), so pull can tell "this branch holds nothing
 * that was not on the remote" (pullMerge.ts). Called by fetch with the tracking refs before and after.
 */
export async function trackReplaced(vault: Vault, before: RemoteState['refs'], rstate: RemoteState): Promise<void> {
  for (const [gitRef, now] of Object.entries(rstate.refs)) {
    const was = before[gitRef];
    if (!gitRef.startsWith('refs/heads/') || !was || was.snapshot === now.snapshot) continue;
    if (!(await vault.db.has(was.snapshot)) || (await isAncestor(vault, was.snapshot, now.snapshot))) continue;
    const list = ((rstate.replaced ??= {})[gitRef] ??= []);
    list.push(was.snapshot);
    if (list.length > 8) list.shift();
  }
}
