import { MalformedObjectError } from '../../../errors.js';

/**
 * What a snapshot holds of the workspace (attachment `workspace`):
 *
 *   manifest.json           per workspace path: where it was, what kind, and per item its
 *                           relative path, kind, size, mode, mtime (and a symlink's target)
 *   files/NAME/REL/PATH     a workspace folder's files, stored like project files (chunked, deduplicated)
 *   files/NAME              a workspace path that is a single file
 */
export type ItemKind = 'file' | 'dir' | 'symlink';

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

export function decodeManifest(body: Buffer): Manifest {
  let v: Manifest;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new MalformedObjectError('workspace manifest', (e as Error).message);
  }
  if (v?.v !== 1 || !Array.isArray(v.workspaces))
    throw new MalformedObjectError('workspace manifest', 'not a version 1 manifest');
  for (const w of v.workspaces) {
    if (typeof w?.name !== 'string' || typeof w.path !== 'string' || !w.path.startsWith('/') || !Array.isArray(w.items))
      throw new MalformedObjectError('workspace manifest', 'bad workspace entry');
    for (const it of w.items) {
      if (
        typeof it?.rel !== 'string' ||
        it.rel.split('/').some((p: string) => p === '..' || p === '.' || (p === '' && it.rel !== '')) ||
        it.rel.startsWith('/')
      ) {
        throw new MalformedObjectError('workspace manifest', `unsafe item path '${String(it?.rel)}' in ${w.name}`);
      }
    }
  }
  return v;
}
