import { commit, type CommitOptions, type CommitResult } from '../commit.js';
import { NoMergeError, UnresolvedConflictsError } from './errors.js';
import { clearMergeState, readMergeState, unresolved } from './state.js';

export interface CommitMergeOptions extends Omit<CommitOptions, 'message' | 'parents' | 'expectHead'> {
  /** default: the message the merge was started with */
  message?: string;
}

/**
 * `vault commit` during a merge: once every conflict is resolved, record the folder as a snapshot
 * whose parents are HEAD (as it was when the merge started) and the merged snapshot, with the
 * commit's attachments (thumbnails, references) made as for any commit, and end the merge. Refuses
 * (ECONFLICT, naming them) while conflicts remain, and (EREFCONFLICT) when HEAD moved meanwhile.
 */
export async function commitMerge(opts: CommitMergeOptions): Promise<CommitResult> {
  const state = await readMergeState(opts.vault);
  if (!state) throw new NoMergeError('commit a merge');
  const open = unresolved(state).map((c) => c.path);
  if (open.length) throw new UnresolvedConflictsError(open);
  const r = await commit({
    ...opts,
    message: opts.message ?? state.message,
    parents: [state.theirs],
    expectHead: state.ours,
  });
  await clearMergeState(opts.vault);
  return r;
}
