import type { ErrorCode } from './errorCodes.js';

export { ERROR_CODES, isErrorCode, type ErrorCode } from './errorCodes.js';

/**
 * Every error Vault raises on purpose is a VaultError with a stable `code` (registered in errorCodes.ts).
 * Tests and scripts match on `code`, never on message text. `data` carries the
 * facts (ids, paths) a caller may want; `hint` says what to do next.
 * `user` marks errors caused by input or environment (shown as one line); any
 * other exception escaping the CLI is a bug and is shown with its stack.
 */
export class VaultError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;
  readonly hint?: string;
  readonly user: boolean = true;
  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
    this.hint = hint;
  }
  toJSON() {
    return { name: this.name, code: this.code, message: this.message, hint: this.hint, data: this.data };
  }
}

export class NotAVaultError extends VaultError {
  constructor(dir: string) {
    super(
      'ENOTVAULT',
      `not a vault (or any parent up to /): ${dir}`,
      { dir },
      "run 'vault init' in your project folder first",
    );
  }
}
export class AlreadyAVaultError extends VaultError {
  constructor(dir: string) {
    super(
      'EALREADYVAULT',
      `a vault already exists at ${dir}`,
      { dir },
      'use the existing vault, or remove its .vault folder to start over',
    );
  }
}
export class ObjectNotFoundError extends VaultError {
  constructor(id: string, what = 'object') {
    super('ENOOBJECT', `${what} ${id} is missing from the vault`, { id }, "run 'vault verify' to see what it damages");
  }
}
export class CorruptObjectError extends VaultError {
  constructor(id: string, reason: string, where?: string) {
    super(
      'ECORRUPT',
      `object ${id} is corrupted: ${reason}${where ? ` (in ${where})` : ''}`,
      { id, reason, where },
      "run 'vault verify --read-data' to find every damaged snapshot",
    );
  }
}
export class MalformedObjectError extends VaultError {
  constructor(kind: string, reason: string, id?: string, hint?: string) {
    super('EMALFORMED', `malformed ${kind}${id ? ` ${id}` : ''}: ${reason}`, { kind, reason, id }, hint);
  }
}
export class UnknownRevisionError extends VaultError {
  constructor(
    rev: string,
    why = 'no snapshot, ref or id prefix matches it',
    hint = "run 'vault log' to list snapshots",
  ) {
    super('EUNKNOWNREV', `unknown snapshot '${rev}': ${why}`, { rev }, hint);
  }
}
export class AmbiguousRevisionError extends VaultError {
  constructor(rev: string, candidates: string[]) {
    super(
      'EAMBIGUOUS',
      `snapshot id prefix '${rev}' is ambiguous (${candidates.length} matches)`,
      { rev, candidates },
      'type more characters of the id',
    );
  }
}
export class InvalidRefError extends VaultError {
  constructor(ref: string, why: string) {
    super('EBADREF', `invalid ref '${ref.length > 120 ? `${ref.slice(0, 120)}...` : ref}': ${why}`, { ref, why });
  }
}
export class RefConflictError extends VaultError {
  constructor(ref: string, expected: string | null, actual: string | null) {
    super(
      'EREFCONFLICT',
      `ref ${ref} moved underneath us (expected ${expected ?? 'none'}, found ${actual ?? 'none'})`,
      { ref, expected, actual },
      'another command changed it; run yours again',
    );
  }
}
export class LockedError extends VaultError {
  constructor(path: string, holder: string) {
    super(
      'ELOCKED',
      `the vault is locked by ${holder}`,
      { path, holder },
      `wait for it to finish, or pass --lock-wait SECONDS; if no vault command is running, remove ${path}`,
    );
  }
}
export class PathOutsideError extends VaultError {
  constructor(path: string, root: string) {
    super(
      'EOUTSIDE',
      `path '${path}' is outside the project ${root}`,
      { path, root },
      'name a path inside the project folder',
    );
  }
}
export class PathNotFoundError extends VaultError {
  constructor(path: string, where: string) {
    super('ENOPATH', `path '${path}' is not in ${where}`, { path, where }, "run 'vault ls' to see what it holds");
  }
}
export class UnsafePathError extends VaultError {
  constructor(path: string, why: string) {
    super('EUNSAFEPATH', `refusing unsafe entry '${path}': ${why}`, { path, why });
  }
}
export class TargetInVaultError extends VaultError {
  constructor(target: string, vaultDir: string, entry?: string) {
    super(
      'ETARGETINVAULT',
      entry === undefined
        ? `refusing to restore into ${target}: it is inside the vault store ${vaultDir}`
        : `refusing to restore into ${target}: '${entry}' would be written inside the vault store ${vaultDir}`,
      { target, vaultDir, entry },
      'restore into a folder outside the vault store (--to DIR)',
    );
  }
}
export class UncommittedChangesError extends VaultError {
  constructor(paths: string[]) {
    super(
      'EDIRTY',
      `restore would overwrite uncommitted changes in ${paths.length} file(s): ` +
        `${paths.slice(0, 5).join(', ')}${paths.length > 5 ? ', ...' : ''}`,
      { paths },
      'commit them first, restore with --to DIR, or pass --force to overwrite',
    );
  }
}
export class DiskFullError extends VaultError {
  constructor(path: string) {
    super(
      'ENOSPC',
      `no space left on device while writing ${path}`,
      { path },
      'free some disk space and run the command again; nothing was half-written',
    );
  }
}
export class IOFailureError extends VaultError {
  constructor(op: string, path: string, cause: string) {
    super(
      'EIO',
      `${op} failed for ${path}: ${cause}`,
      { op, path, cause },
      'check the disk and permissions, then run the command again',
    );
  }
}
export class PermissionDeniedError extends VaultError {
  constructor(op: string, path: string, cause: string) {
    super(
      'EACCES',
      `${op} failed for ${path}: permission denied (${cause})`,
      { op, path, cause },
      'check the permissions of the file or folder (and the folders above it), then run the command again',
    );
  }
}
export class CompressionError extends VaultError {
  constructor(what: string, reason: string) {
    super('ECOMPRESS', `zstd ${what} failed: ${reason}`, { what, reason });
  }
}
export class UsageError extends VaultError {
  constructor(message: string, hint?: string) {
    super('EUSAGE', message, {}, hint);
  }
}
/** The command was stopped by a signal (Ctrl-C, SIGTERM); what it had started was cleaned up. */
export class InterruptedError extends VaultError {
  constructor(signal: string) {
    super(
      'EINTERRUPTED',
      `interrupted by ${signal}; nothing half-written was left behind`,
      { signal },
      'run the command again to finish it',
    );
  }
}
export class ConfigError extends VaultError {
  constructor(path: string, reason: string) {
    super('ECONFIG', `vault config ${path} is invalid: ${reason}`, { path, reason }, 'fix or restore the file');
  }
}

export class DamagedVaultError extends VaultError {
  constructor(what: string, reason: string) {
    super(
      'EDAMAGED',
      `refusing to ${what}: ${reason}`,
      { what, reason },
      "run 'vault verify' and 'vault repair' first; nothing was deleted",
    );
  }
}
export class BusyVaultError extends VaultError {
  constructor(what: string) {
    super(
      'EBUSY',
      `refs kept changing while ${what} ran; nothing was deleted`,
      { what },
      'run it again when no other vault command is running',
    );
  }
}

/** The errno names a FileSystemError keeps as its code (each registered in errorCodes.ts); others become EIO. */
const ERRNO_CODES = [
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'ENAMETOOLONG',
  'EEXIST',
  'ELOOP',
  'EACCES',
] as const satisfies ErrorCode[];

const FS_HINTS: Record<string, string> = {
  ENOENT: 'check the path: it does not exist',
  ENOTDIR: 'check the path: a part of it is a file, not a folder',
  EISDIR: 'name a file, not a folder',
  ENAMETOOLONG: 'use a shorter name or path',
  EEXIST: 'choose another name, or remove what is there',
  ELOOP: 'the path goes round in symlinks; name another one',
  EACCES: 'check the permissions of the path',
  EPERM: 'check the permissions of the path',
};

/**
 * A file-system call failed on a path the user gave (or one derived from it) and no command gave it a
 * better meaning: the errno code is the error's code (ENOENT, ENAMETOOLONG, EISDIR...).
 */
export class FileSystemError extends VaultError {
  constructor(errno: string, syscall: string, path: string, what: string) {
    const shown = path.length > 160 ? `${path.slice(0, 160)}...` : path;
    const code: ErrorCode = errno === 'EPERM' ? 'EACCES' : (ERRNO_CODES.find((c) => c === errno) ?? 'EIO');
    super(
      code,
      `cannot ${syscall} ${shown}: ${what}`,
      { syscall, path },
      FS_HINTS[errno] ?? 'check the path, the disk and the permissions',
    );
  }
}

/** Whether an error (node's or ours) says permission was denied. */
export function isPermissionDenied(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return code === 'EACCES' || code === 'EPERM';
}

/**
 * Map a node fs error to a VaultError where it has a user-level meaning. `path`
 * may be the bytes of a name that is not UTF-8 (shown decoded, for the message only).
 */
export function fsError(err: unknown, op: string, pathOrBytes: string | Uint8Array): Error {
  if (err instanceof VaultError) return err;
  const path = typeof pathOrBytes === 'string' ? pathOrBytes : Buffer.from(pathOrBytes).toString('utf8');
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new DiskFullError(path);
  if (code === 'EACCES' || code === 'EPERM') {
    return new PermissionDeniedError(op, path, `${code}: ${(err as Error).message}`);
  }
  if (code === 'EIO' || code === 'EROFS' || code === 'EMFILE') {
    return new IOFailureError(op, path, `${code}: ${(err as Error).message}`);
  }
  return err as Error;
}
