import { nodeCrypto } from '../../builtins.js';
import { UnsafePathError } from '../../errors.js';
import {
  encodeGitCommit,
  encodeGitTree,
  gitOid,
  personFromAuthor,
  type GitOid,
  type GitType,
} from '../../plumbing/git/objects.js';

/** Where locks live on the remote: one ref per locked path, named by the SHA-256 of the path. */
export const LOCK_PREFIX = 'refs/vault/locks/';
/** Where a broken lock is recorded: one ref per broken lock commit. */
export const BREAK_PREFIX = 'refs/vault/lock-breaks/';

/** A person as a lock names them: from the vault's author ("Name <email>"). */
export interface LockOwner {
  readonly name: string;
  readonly email: string;
}

/** What a lock ref's commit holds (`lock.json` in its tree). */
export interface LockRecord {
  /** project-relative posix path, NFC */
  readonly path: string;
  readonly owner: LockOwner;
  readonly host: string;
  /** ms since the epoch */
  readonly time: number;
  readonly message: string;
}

/** What a lock-break ref's commit holds (`break.json`); its parent is the broken lock's commit. */
export interface BreakRecord {
  readonly path: string;
  /** the broken lock's commit and record */
  readonly lock: GitOid;
  readonly owner: LockOwner;
  readonly lockTime: number;
  readonly brokenBy: LockOwner;
  readonly host: string;
  readonly time: number;
}

/** A git object to send: its id, type and body. */
export interface GitObject {
  readonly oid: GitOid;
  readonly type: GitType;
  readonly body: Buffer;
}

/** The path a lock is taken on: project-relative, posix, no `.`/`..`/empty parts, NFC. */
export function normalizeLockPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new UnsafePathError(path, 'a lock path cannot leave the project folder');
    if (part.includes('\0')) throw new UnsafePathError(path, 'a path cannot hold NUL');
    parts.push(part);
  }
  if (!parts.length) throw new UnsafePathError(path, 'name a file to lock, not the project folder');
  if (parts[0] === '.vault') throw new UnsafePathError(path, "the vault's own store cannot be locked");
  return parts.join('/').normalize('NFC');
}

export function lockRefOf(path: string): string {
  return `${LOCK_PREFIX}${nodeCrypto().createHash('sha256').update(path, 'utf8').digest('hex')}`;
}

export function breakRefOf(lockCommit: GitOid): string {
  return `${BREAK_PREFIX}${lockCommit}`;
}

export function ownerOf(author: string): LockOwner {
  const p = personFromAuthor(author, 0);
  return { name: p.name, email: p.email };
}

/** The same person: by email (case-insensitive), or by name where an email is unknown. */
export function sameOwner(a: LockOwner, b: LockOwner): boolean {
  if (a.email !== 'unknown' && b.email !== 'unknown') return a.email.toLowerCase() === b.email.toLowerCase();
  return a.name === b.name;
}

export function showOwner(o: LockOwner): string {
  return o.email === 'unknown' || o.email === o.name ? o.name : `${o.name} <${o.email}>`;
}

/** A one-file commit (`name` holding `json`), authored by `who` at `time`, with `parents`. */
function recordCommit(
  name: string,
  json: unknown,
  who: LockOwner,
  time: number,
  parents: GitOid[],
  message: string,
): GitObject[] {
  const blob = Buffer.from(`${JSON.stringify(json, null, 2)}\n`, 'utf8');
  const blobOid = gitOid('blob', blob);
  const tree = encodeGitTree([{ name, mode: '100644', oid: blobOid }]);
  const treeOid = gitOid('tree', tree);
  const commit = encodeGitCommit({
    tree: treeOid,
    parents,
    author: { name: who.name, email: who.email, time: Math.max(0, Math.floor(time / 1000)) },
    message,
  });
  return [
    { oid: gitOid('commit', commit), type: 'commit', body: commit },
    { oid: treeOid, type: 'tree', body: tree },
    { oid: blobOid, type: 'blob', body: blob },
  ];
}

/** The objects of a lock: commit (first), tree, `lock.json`. */
export function lockObjects(r: LockRecord): GitObject[] {
  const json = { vault: 'lock', version: 1, ...r, time: new Date(r.time).toISOString() };
  const msg = `vault lock: ${JSON.stringify(r.path)}\n${r.message ? `\n${r.message}\n` : ''}`;
  return recordCommit('lock.json', json, r.owner, r.time, [], msg);
}

/** The objects of a lock-break record: commit (first, its parent the broken lock), tree, `break.json`. */
export function breakObjects(b: BreakRecord): GitObject[] {
  const json = {
    vault: 'lock-break',
    version: 1,
    ...b,
    lockTime: new Date(b.lockTime).toISOString(),
    time: new Date(b.time).toISOString(),
  };
  const msg = `vault lock broken: ${JSON.stringify(b.path)} (locked by ${showOwner(b.owner)})\n`;
  return recordCommit('break.json', json, b.brokenBy, b.time, [b.lock], msg);
}

// ---- reading records a remote sent: untrusted, so every field is checked and cleaned ----

/** Text from a remote, safe to show: no control characters but newlines (messages), bounded. */
function clean(v: unknown, max: number, newlines = false): string | null {
  if (typeof v !== 'string') return null;
  const s = v.replace(newlines ? /[\x00-\x09\x0b-\x1f\x7f]/g : /[\x00-\x1f\x7f]/g, '').slice(0, max);
  return s;
}

function owner(v: unknown): LockOwner | null {
  const o = v as { name?: unknown; email?: unknown } | null;
  const name = clean(o?.name, 200);
  const email = clean(o?.email, 200);
  return name && email ? { name, email } : null;
}

function when(v: unknown): number | null {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
}

/** A lock record from `lock.json`, or null when it is not one (or is for another ref than `ref`). */
export function decodeLockRecord(body: Buffer, ref: string): LockRecord | null {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (j?.vault !== 'lock' || typeof j.path !== 'string') return null;
  const path = j.path;
  const o = owner(j.owner);
  const time = when(j.time);
  if (!o || time === null || lockRefOf(path) !== ref) return null;
  return { path, owner: o, host: clean(j.host, 200) ?? '', time, message: clean(j.message, 2000, true) ?? '' };
}

/** A break record from `break.json`, or null. */
export function decodeBreakRecord(body: Buffer, lockCommit: GitOid): BreakRecord | null {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (j?.vault !== 'lock-break' || typeof j.path !== 'string' || j.lock !== lockCommit) return null;
  const o = owner(j.owner);
  const by = owner(j.brokenBy);
  const time = when(j.time);
  const lockTime = when(j.lockTime);
  if (!o || !by || time === null || lockTime === null) return null;
  return {
    path: j.path,
    lock: lockCommit,
    owner: o,
    lockTime,
    brokenBy: by,
    host: clean(j.host, 200) ?? '',
    time,
  };
}
