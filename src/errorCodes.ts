/**
 * Every `code` a VaultError can carry, in one registry, with what it means. Codes are stable: scripts and tests
 * match on them, never on message text. test/meta/errorCodes.test.ts checks that every code thrown in src/ is here
 * and that the README's error table lists each of them. A few codes keep a POSIX name because they mean what
 * POSIX means (ENOSPC, EACCES, EIO, EEXIST, ENOTDIR, ENOENT, EISDIR, ENAMETOOLONG, ELOOP, ECANCELED); a raw Node error
 * is never passed through with its own code (src/errors.ts fsError wraps it).
 */
export const ERROR_CODES = {
  // the vault and its objects
  ENOTVAULT: 'no vault here or in any parent folder',
  EALREADYVAULT: 'init where a vault already exists',
  ENOOBJECT: 'an object the vault should hold is missing',
  ECORRUPT: 'an object does not match its id or cannot be read back',
  EMALFORMED: 'an object decodes to something that is not a valid tree, snapshot, chunk list or pack index',
  ECOMPRESS: 'zstd failed (a damaged or lying frame)',
  ECONFIG: 'a configuration file (.vault/config, vault-game.yaml, a persona setting) is invalid',
  EDAMAGED: 'a maintenance command refuses to delete anything from a damaged vault',
  EBUSY: 'refs kept changing while prune ran; nothing was deleted',
  ELOCKED: 'another command holds the vault lock',
  EWORKER: 'a worker thread died',
  // names, refs and revisions
  EUNKNOWNREV: 'no snapshot, ref or id prefix matches the name',
  EAMBIGUOUS: 'an id prefix or name matches more than one thing',
  EBADREF: 'a ref name or ref file is invalid',
  ENOREF: 'a tag, milestone or ref does not exist',
  EEXIST: 'a tag, milestone or workspace path of that name already exists',
  EREFCONFLICT: 'a ref moved underneath the command (compare-and-swap failed)',
  EPROTECTED: 'a milestone is protected (delete it with --force)',
  ECURRENT: 'the branch is the one checked out (switch to another first)',
  EUNMERGED: 'a branch to delete has snapshots no other branch has (delete it with -D)',
  // merging
  EMERGING: 'a merge is in progress (finish it with commit, or merge --abort)',
  ECONFLICT: 'merge conflicts are not resolved yet',
  ENOMERGE: 'no merge is in progress',
  EUNRELATED: 'the two histories share no snapshot',
  // the working folder and restore targets
  ENOPATH: 'a path is not in the snapshot, tree or folder named',
  EOUTSIDE: 'a path is outside the project',
  EUNSAFEPATH: 'an entry name or path could escape its folder or write through a symlink',
  ETARGETINVAULT: 'a restore target is inside the vault store',
  EDIRTY: 'restore, merge or switch would overwrite uncommitted changes',
  ENOTDIR: 'a folder was expected (the project or --to path is a file)',
  EVANISHED: 'a file vanished while it was read',
  ECHANGED: 'a file changed while it was read or edited',
  // the machine (a file-system call no command gave a better meaning keeps its errno name where it has one here)
  ENOENT: 'a path does not exist',
  EISDIR: 'a file was expected, the path is a folder',
  ENAMETOOLONG: 'a name or path is too long for the file system',
  ELOOP: 'a path goes round in symlinks',
  ENOSPC: 'no space left on the device',
  EACCES: 'permission denied',
  EIO: 'a read or write failed',
  // the command line
  EUSAGE: 'the command line is wrong (exit code 2)',
  ECANCELED: 'the user answered no',
  // remotes
  ENOREMOTE: 'no remote of that name',
  EREMOTE: 'the remote answered something Vault cannot use',
  EAUTH: 'the remote refused the credentials',
  ENETWORK: 'the remote cannot be reached',
  EDIVERGED: 'the local and remote histories diverged',
  EIMPORT: 'a git commit cannot be imported as a snapshot (a submodule, an edited large-file manifest...)',
  ESHALLOW: 'a snapshot is older than what this shallow clone fetched',
  EREJECTED: 'a push left one or more refs as they were on the remote (each named, with why)',
  ELIMIT: 'a remote would expand past a size, file-count or depth limit (--max-size, --max-files)',
  EINTERRUPTED: 'the command was stopped by SIGINT or SIGTERM and cleaned up (exit 130 or 143)',
  // locks
  ELOCKEDBYOTHER: 'a file is locked by someone else (vault lock, vault unlock without --force, vault push)',
  // creative persona
  EDECODE: 'an image, model or document cannot be decoded',
  EUNSUPPORTED: 'a file format or feature is not supported for this operation',
  ETOOBIG: 'a file is over the size a decoder accepts',
  ENOELEMENT: 'no element (layer, node, mesh, key) of that name',
  EAMBIGUOUSELEMENT: 'more than one element has that name (use kind:name)',
  ENOPARENT: "a parent is missing: a remote snapshot's parent snapshot, or an element's parent in the current file",
  ENOUNDO: 'the undo snapshot of an element restore cannot be made',
  ENOWORKSPACE: 'the snapshot has no workspace state',
  EOVERWRITE: 'a workspace restore would overwrite files (confirm or pass --yes)',
  EUNDECLARED: 'a workspace path of the snapshot is not declared in this vault',
  // game persona
  ENOBUILD: 'no build of that id, version or version@platform',
  ENOCONFIG: 'vault-game.yaml is missing or declares nothing for this',
  ENOPLATFORM: 'no platform of that name',
  ENOSESSION: 'no playtest session of that id',
  EBADFEEDBACK: 'a feedback entry or row is invalid',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
