import { VaultError } from '../../errors.js';

/** Errors of the game persona's records and project config. Codes are stable. */
export class UnknownBuildError extends VaultError {
  constructor(ref: string) {
    super(
      'ENOBUILD',
      `no build matches '${ref}'`,
      { ref },
      "run 'vault build list' to see build ids, versions and platforms (VERSION@PLATFORM picks one)",
    );
  }
}
export class AmbiguousBuildError extends VaultError {
  constructor(ref: string, candidates: string[]) {
    super(
      'EAMBIGUOUS',
      `build '${ref}' is ambiguous (${candidates.length} builds match: ${candidates.slice(0, 5).join(', ')})`,
      { ref, candidates },
      'use the build id, or VERSION@PLATFORM',
    );
  }
}
export class UnknownSessionError extends VaultError {
  constructor(ref: string) {
    super(
      'ENOSESSION',
      `no playtest session matches '${ref}'`,
      { ref },
      "run 'vault playtest list' to see session ids",
    );
  }
}
export class GameConfigError extends VaultError {
  constructor(path: string, reason: string, snapshot?: string) {
    super(
      'ECONFIG',
      `${path}${snapshot ? ` in ${snapshot.slice(0, 12)}` : ''} is invalid: ${reason}`,
      { path, reason, snapshot },
      `fix ${path} (see docs/game-workflow.md) and commit it`,
    );
  }
}
export class MissingGameConfigError extends VaultError {
  constructor(path: string, what: string, snapshot: string) {
    super(
      'ENOCONFIG',
      `snapshot ${snapshot.slice(0, 12)} declares no ${what} (no ${path}, or no '${what}' section in it)`,
      { path, what, snapshot },
      what === 'platforms'
        ? `declare them in ${path} at the project root, or commit a Godot ` +
            `project.godot or Unity ProjectSettings/ (see docs/game-workflow.md)`
        : `declare them in ${path} at the project root and commit it (see docs/game-workflow.md)`,
    );
  }
}
export class UnknownPlatformError extends VaultError {
  constructor(platform: string, known: string[]) {
    super(
      'ENOPLATFORM',
      `platform '${platform}' is not declared`,
      { platform, known },
      `declared platforms: ${known.join(', ') || '(none)'}`,
    );
  }
}
export class SessionOverwriteError extends VaultError {
  constructor(paths: string[]) {
    super(
      'EDIRTY',
      `restoring would overwrite ${paths.length} different file(s): ` +
        `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', ...' : ''}`,
      { paths },
      'restore with --to DIR, or pass --force to overwrite',
    );
  }
}
