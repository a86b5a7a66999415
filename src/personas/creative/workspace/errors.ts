import { VaultError } from '../../../errors.js';

export class UnknownWorkspaceError extends VaultError {
  constructor(name: string, known: readonly string[]) {
    super(
      'ENOWORKSPACE',
      `no workspace path named '${name}'`,
      { name, known },
      known.length ? `known names: ${known.join(', ')}` : "add one with 'vault workspace add PATH'",
    );
  }
}

export class WorkspaceExistsError extends VaultError {
  constructor(name: string, path: string) {
    super(
      'EEXIST',
      `workspace '${name}' is already declared (${path})`,
      { name, path },
      'pick another --name, or remove it first',
    );
  }
}

export class NoWorkspaceStateError extends VaultError {
  constructor(snapshot: string) {
    super(
      'ENOWORKSPACE',
      `snapshot ${snapshot.slice(0, 12)} holds no workspace state`,
      { snapshot },
      "declare paths with 'vault workspace add PATH'; the next commit captures them",
    );
  }
}

/** Restoring would replace files that differ from the snapshot's, and nobody said yes. */
export class WorkspaceOverwriteError extends VaultError {
  constructor(paths: readonly string[]) {
    super(
      'EOVERWRITE',
      `restoring the workspace would overwrite ${paths.length} file(s): ` +
        `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', ...' : ''}`,
      { paths },
      'pass --yes to overwrite them (nothing was written)',
    );
  }
}

export class WorkspaceRestoreCancelledError extends VaultError {
  constructor(paths: readonly string[]) {
    super('ECANCELED', 'workspace restore cancelled; nothing was written', { paths });
  }
}

/**
 * The snapshot's workspace paths are not declared in this vault (a cloned or foreign vault): writing there needs a yes.
 */
export class UndeclaredWorkspaceError extends VaultError {
  constructor(paths: readonly string[]) {
    super(
      'EUNDECLARED',
      `the snapshot's workspace path(s) ${paths.join(', ')} are not declared in this vault; restoring writes there`,
      { paths },
      "check the paths, then pass --yes (or declare them first with 'vault workspace add PATH'); nothing was written",
    );
  }
}
