import { posix } from 'node:path';
import { MalformedObjectError } from '../../../errors.js';
import { badEntryName } from '../../../objects/tree.js';

/**
 * What a snapshot holds of the workspace (attachment `workspace`):
 *
 *   manifest.json           per workspace path: where it was, what kind, and per item its
 *                           relative path, kind, size, mode, mtime (and a symlink's target)
 *   files/NAME/REL/PATH     a workspace folder's files, stored like project files (chunked, deduplicated)
 *   files/NAME              a workspace path that is a single file
 */
export type ItemKind = 'file' | 'dir' | 'symlink';
const ITEM_KINDS: readonly ItemKind[] = ['file', 'dir', 'symlink'];
const WORKSPACE_KINDS: readonly CapturedWorkspace['kind'][] = ['dir', 'file', 'symlink', 'missing'];

/** A workspace path's short name: [A-Za-z0-9._-], unique in the vault. */
export const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface WorkspaceItem {
  /** path relative to the workspace path ('' for a workspace that is one file) */
  readonly rel: string;
  readonly kind: ItemKind;
  readonly size: number;
  /** permission bits */
  readonly mode: number;
  /** ms since the epoch; kept from an earlier capture while the content is the same */
  readonly mtime: number;
  /** symlink: where it points (never followed) */
  readonly target?: string;
}

export interface CapturedWorkspace {
  readonly name: string;
  readonly path: string;
  /** 'missing': declared but absent at commit time */
  readonly kind: 'dir' | 'file' | 'symlink' | 'missing';
  readonly items: readonly WorkspaceItem[];
}

export interface Manifest {
  readonly v: 1;
  readonly workspaces: readonly CapturedWorkspace[];
}

export const MANIFEST = 'manifest.json';

export function attachedPath(name: string, rel: string): string {
  return rel ? `files/${name}/${rel}` : `files/${name}`;
}

export function encodeManifest(m: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(m, null, 1)}\n`);
}

const HINT =
  "the snapshot's workspace state was damaged or crafted; nothing was written. Restore another snapshot's " +
  "workspace, or only the project ('vault restore')";

function malformed(reason: string): MalformedObjectError {
  return new MalformedObjectError('workspace manifest', reason, undefined, HINT);
}

/** Why a workspace path (absolute, where the files go back) cannot be used, or null. */
function badRoot(path: unknown): string | null {
  if (typeof path !== 'string' || !posix.isAbsolute(path)) return 'is not an absolute path';
  if (path === '/' || posix.normalize(path) !== path || path.endsWith('/')) return 'is not a plain absolute path';
  for (const part of path.slice(1).split('/')) {
    const why = badEntryName(part, 'dir');
    if (why) return `has a part '${part}' that ${why}`;
  }
  return null;
}

/** Why an item's path is not a clean relative path under its workspace path, or null. */
function badRel(rel: string, kind: ItemKind): string | null {
  const parts = rel.split('/');
  for (let i = 0; i < parts.length; i++) {
    const why = badEntryName(parts[i]!, i === parts.length - 1 ? kind : 'dir');
    if (why) return `'${parts[i]}' ${why}`;
  }
  return null;
}

function checkItem(it: WorkspaceItem, w: CapturedWorkspace): void {
  const where = `item ${JSON.stringify(it?.rel)} of '${w.name}'`;
  if (typeof it !== 'object' || it === null || typeof it.rel !== 'string') throw malformed(`bad item in '${w.name}'`);
  if (!ITEM_KINDS.includes(it.kind)) throw malformed(`${where}: unknown kind ${JSON.stringify(it.kind)}`);
  if (!Number.isSafeInteger(it.mode) || it.mode < 0 || it.mode > 0o7777) throw malformed(`${where}: bad mode`);
  if (it.kind === 'symlink' && (typeof it.target !== 'string' || !it.target || it.target.includes('\0')))
    throw malformed(`${where}: bad symlink target`);
  if (w.kind !== 'dir') {
    if (it.rel !== '' || it.kind !== w.kind) throw malformed(`${where}: a ${w.kind} workspace holds one ${w.kind}`);
    return;
  }
  const bad = it.rel === '' ? 'is empty' : badRel(it.rel, it.kind);
  if (bad) throw malformed(`${where}: unsafe path: ${bad}`);
}

/**
 * Every item of a folder workspace must sit under real folders of its own:
 * no duplicates, and nothing below an item that is a file or a symlink (a
 * symlink item `evil -> /outside` then `evil/pwned.txt` would write outside).
 */
function checkNesting(w: CapturedWorkspace): void {
  const kinds = new Map<string, ItemKind>();
  for (const it of w.items) {
    if (kinds.has(it.rel)) throw malformed(`item '${it.rel}' of '${w.name}' is listed twice`);
    kinds.set(it.rel, it.kind);
  }
  for (const it of w.items) {
    for (let i = it.rel.indexOf('/'); i > 0; i = it.rel.indexOf('/', i + 1)) {
      const up = kinds.get(it.rel.slice(0, i));
      if (up && up !== 'dir')
        throw malformed(`item '${it.rel}' of '${w.name}' is below '${it.rel.slice(0, i)}', which is a ${up}`);
    }
  }
}

function checkWorkspace(w: CapturedWorkspace): void {
  if (typeof w !== 'object' || w === null || !Array.isArray(w.items)) throw malformed('bad workspace entry');
  if (typeof w.name !== 'string' || !WORKSPACE_NAME.test(w.name))
    throw malformed(`bad workspace name ${JSON.stringify(w.name)}`);
  const root = badRoot(w.path);
  if (root) throw malformed(`workspace '${w.name}': ${JSON.stringify(w.path)} ${root}`);
  if (!WORKSPACE_KINDS.includes(w.kind)) throw malformed(`workspace '${w.name}': unknown kind`);
  if (w.kind === 'missing' && w.items.length) throw malformed(`workspace '${w.name}' was missing but holds items`);
  if (w.kind !== 'dir' && w.items.length > 1) throw malformed(`a ${w.kind} workspace '${w.name}' holds several items`);
  for (const it of w.items) checkItem(it, w);
  checkNesting(w);
}

/**
 * Read a manifest, refusing anything restore could be led astray by: item
 * paths that are not clean relative paths under their workspace path (`..`,
 * absolute, NUL, `.vault`, names git refuses), items below a file or symlink
 * item, duplicates, workspace paths that are not plain absolute paths.
 */
export function decodeManifest(body: Buffer): Manifest {
  let v: Manifest;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw malformed((e as Error).message);
  }
  if (v?.v !== 1 || !Array.isArray(v.workspaces)) throw malformed('not a version 1 manifest');
  const names = new Set<string>();
  for (const w of v.workspaces) {
    checkWorkspace(w);
    if (names.has(w.name)) throw malformed(`workspace '${w.name}' is listed twice`);
    names.add(w.name);
  }
  return v;
}
