import type { ObjectId } from '../../objects/types.js';
import { readHead } from '../../refs/refs.js';
import { SnapshotReader } from '../merge/mergeBase.js';
import type { Vault } from '../openVault.js';
import { shallowSnapshots } from './shallow.js';
import { allTracking } from './tracking.js';

/** Walks stop counting here: a status never reads a whole long history to say "many". */
export const UPSTREAM_COUNT_LIMIT = 1000;

/** The current branch against one remote's branch of the same name, as last fetched or pushed (git's "ahead by"). */
export interface Upstream {
  readonly remote: string;
  readonly branch: string;
  /** what the remote's branch named at the last fetch or push; null: the remote did not have this branch */
  readonly snapshot: ObjectId | null;
  /** snapshots here that the remote's branch lacks (not backed up there yet); capped at UPSTREAM_COUNT_LIMIT */
  readonly ahead: number;
  /** snapshots on the remote's branch that this branch lacks (`vault pull` brings them) */
  readonly behind: number;
}

/**
 * The current branch's state against every remote (as of the last fetch or push: no network). Nothing when
 * HEAD is detached or there are no remotes. A remote that never had the branch counts every snapshot of it
 * as ahead.
 */
export async function upstreams(vault: Vault): Promise<Upstream[]> {
  const head = await readHead(vault.refs);
  if (!head.ref?.startsWith('refs/heads/')) return [];
  const branch = head.ref.slice('refs/heads/'.length);
  const remotes = await allTracking(vault.fs, vault.vaultDir);
  if (!remotes.size) return [];
  const reader = new SnapshotReader(vault.db, await shallowSnapshots(vault.fs, vault.vaultDir));
  const out: Upstream[] = [];
  for (const [remote, heads] of remotes) {
    const there = heads.get(branch) ?? null;
    const base = { remote, branch, snapshot: there };
    if (there === head.id) {
      out.push({ ...base, ahead: 0, behind: 0 });
      continue;
    }
    try {
      const known = there && (await vault.db.has(there)) ? there : null;
      out.push({ ...base, ...(await aheadBehind(reader, head.id, known)) });
    } catch {
      // a history that cannot be walked (damage is verify's to report): no counts for this remote
    }
  }
  return out;
}

const MINE = 1;
const THEIRS = 2;
const COMMON = 4;

/**
 * How many snapshots only `mine` reaches and how many only `theirs` reaches (git's `rev-list --count
 * --left-right A...B`): both histories are walked together, newest first, and what both reach is common, as
 * is everything below it; the walk ends when only common snapshots are left. Capped at UPSTREAM_COUNT_LIMIT.
 */
export async function aheadBehind(
  reader: SnapshotReader,
  mine: ObjectId | null,
  theirs: ObjectId | null,
): Promise<{ ahead: number; behind: number }> {
  const flags = new Map<ObjectId, number>();
  const queue: { id: ObjectId; time: number }[] = [];
  const add = async (id: ObjectId, f: number) => {
    const had = flags.get(id);
    flags.set(id, (had ?? 0) | f);
    if (had === undefined) queue.push({ id, time: (await reader.read(id)).time });
  };
  if (mine) await add(mine, MINE);
  if (theirs) await add(theirs, THEIRS);
  let ahead = 0;
  let behind = 0;
  while (queue.some((q) => !((flags.get(q.id) ?? 0) & COMMON)) && ahead + behind < UPSTREAM_COUNT_LIMIT) {
    queue.sort((x, y) => y.time - x.time || (x.id < y.id ? -1 : 1));
    const { id } = queue.shift()!;
    let f = flags.get(id) ?? 0;
    if ((f & (MINE | THEIRS)) === (MINE | THEIRS)) f |= COMMON;
    if (!(f & COMMON)) {
      if (f & MINE) ahead++;
      else behind++;
    }
    flags.set(id, f);
    for (const p of (await reader.read(id)).parents) if (((flags.get(p) ?? 0) & f) !== f) await add(p, f);
  }
  return { ahead, behind };
}
