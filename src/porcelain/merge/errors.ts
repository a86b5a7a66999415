import { VaultError } from '../../errors.js';

/** A merge is already in progress: finish it (resolve, commit) or abort it first. */
export class MergeInProgressError extends VaultError {
  constructor(theirs: string, what: string) {
    super(
      'EMERGING',
      `cannot ${what}: a merge of ${theirs} is in progress`,
      { theirs },
      "resolve the conflicts and 'vault commit', or undo the merge with 'vault merge --abort'",
    );
  }
}

/** `vault commit` during a merge while conflicts are unresolved. */
export class UnresolvedConflictsError extends VaultError {
  constructor(paths: readonly string[]) {
    const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? `, and ${paths.length - 5} more` : '');
    super(
      'ECONFLICT',
      `${paths.length} merge conflict(s) not resolved: ${shown}`,
      { paths },
      "resolve each with 'vault resolve PATH --ours|--theirs|--both' (or edit it, then 'vault resolve PATH')",
    );
  }
}

/** resolve, --abort or --continue with no merge in progress. */
export class NoMergeError extends VaultError {
  constructor(what: string) {
    super('ENOMERGE', `cannot ${what}: no merge is in progress`, {}, "start one with 'vault merge REV'");
  }
}

/** The two snapshots have no common ancestor. */
export class UnrelatedHistoriesError extends VaultError {
  constructor(ours: string, theirs: string) {
    super(
      'EUNRELATED',
      `refusing to merge unrelated histories: ${ours.slice(0, 12)} and ${theirs.slice(0, 12)} share no snapshot`,
      { ours, theirs },
      'pass --allow-unrelated to merge them as if they started from an empty folder',
    );
  }
}

/** A merge or switch would overwrite uncommitted work (Vault has no staging area: the folder must be clean). */
export class DirtyFolderError extends VaultError {
  constructor(what: string, paths: readonly string[]) {
    const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? `, and ${paths.length - 5} more` : '');
    super(
      'EDIRTY',
      `cannot ${what}: ${paths.length} path(s) have uncommitted changes or are not in HEAD: ${shown}`,
      { paths },
      "commit them first (or put them back with 'vault restore HEAD PATH --force'), then run it again",
    );
  }
}

/** The path named in `vault resolve` is not a conflict of the merge in progress. */
export class NotAConflictError extends VaultError {
  constructor(path: string) {
    super(
      'ENOPATH',
      `'${path}' is not a conflict of the merge in progress`,
      { path },
      "run 'vault status' to list them",
    );
  }
}
