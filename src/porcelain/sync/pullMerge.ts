import type { ObjectId } from '../../objects/types.js';
import type { AttachmentWarning, CommitAttachment } from '../attachments.js';
import type { CommitOptions } from '../commit.js';
import type { Progress } from '../hashWorktree.js';
import { merge, type MergeResult } from '../merge/merge.js';
import type { FileMerger } from '../merge/mergeContent.js';
import type { Vault } from '../openVault.js';
import { isAncestor } from './common.js';
import { SyncState } from './state.js';

/** What `vault pull` hands the merge when the histories diverged (the same as `vault merge` gets). */
export interface PullMergeOptions {
  /** a persona's merger for files both sides changed (element-aware PSD, glTF...) */
  mergeFile?: FileMerger;
  /** what commit keeps with the merge snapshot (thumbnails, references) */
  attachments?: readonly CommitAttachment[];
  onWarning?: (w: AttachmentWarning) => void;
  onSkip?: CommitOptions['onSkip'];
  onMergeProgress?: (p: Progress) => void;
}

export interface DivergedPull {
  vault: Vault;
  remote: string;
  branch: string;
  ours: ObjectId;
  theirs: ObjectId;
}

/**
 * The remote replaced its history (`push --force-with-lease`, e.g. after `vault forget`), and this branch
 * holds nothing that was not on the remote: its tip is one the remote's branch had (or is behind one) before
 * it was replaced (fetch records those: prune.ts `trackReplaced`). Pull then follows the remote, like a
 * fast-forward, instead of merging the old history back in. A tip that never was the remote's (work made
 * here, or the loser of a push race) is merged as usual.
 */
export async function followsRewrite(p: DivergedPull): Promise<boolean> {
  const state = await SyncState.load(p.vault.fs, p.vault.vaultDir);
  const tips = (await state.loadRemoteState(p.remote)).replaced?.[p.branch] ?? [];
  for (const tip of tips) if (await isAncestor(p.vault, p.ours, tip)) return true;
  return false;
}

/**
 * Histories that diverged: the three-way merge of `vault merge` (src/porcelain/merge), the remote's tip as
 * "theirs", named `REMOTE/BRANCH` in conflict markers and the merge snapshot's message. No conflict: a merge
 * snapshot with both parents; conflicts: the folder holds the merge and waits for `vault resolve` and
 * `vault commit` (or `vault merge --abort`).
 */
export async function pullMerge(p: DivergedPull, o: PullMergeOptions): Promise<MergeResult> {
  const short = p.branch.replace(/^refs\/heads\//, '');
  const theirsName = `${p.remote}/${short}`;
  return merge({
    vault: p.vault,
    theirs: p.theirs,
    theirsName,
    message: `merge ${theirsName} into ${short}`,
    mergeFile: o.mergeFile,
    attachments: o.attachments,
    onWarning: o.onWarning,
    onSkip: o.onSkip,
    onProgress: o.onMergeProgress,
  });
}
