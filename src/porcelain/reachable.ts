import { DamagedVaultError, fsError } from '../errors.js';
import { decodeChunkList } from '../objects/chunkList.js';
import { decodeSnapshot } from '../objects/snapshot.js';
import { decodeTree } from '../objects/tree.js';
import type { ObjectId } from '../objects/types.js';
import { isNotFound, joinPath } from '../plumbing/fs.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import { listRefs, readHead, readReflog } from '../refs/refs.js';
import { readMergeHead } from './merge/state.js';
import type { Vault } from './openVault.js';
import { shallowSnapshots } from './sync/shallow.js';

export interface Roots {
  /** snapshots named by HEAD and every ref: must be complete */
  readonly refs: Set<ObjectId>;
  /** snapshots named by reflog entries inside the protected window: kept if still there */
  readonly reflog: Set<ObjectId>;
  /** a shallow clone's boundary: snapshots whose parents were never fetched (not followed) */
  readonly boundary?: ReadonlySet<ObjectId>;
  /** a digest of everything read, to notice a ref that moved meanwhile */
  readonly fingerprint: string;
}

/** Every reflog file under logs/ (relative ref names). A listing failure is an error. */
async function reflogNames(vault: Vault): Promise<string[]> {
  const out: string[] = [];
  const base = joinPath(vault.vaultDir, 'logs');
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await vault.fs.readdir(joinPath(base, rel))) as string[];
    } catch (e) {
      if (isNotFound(e)) return;
      throw fsError(e, 'list', joinPath(base, rel));
    }
    for (const n of names.sort()) {
      const child = rel ? `${rel}/${n}` : n;
      const st = await vault.fs.stat(joinPath(base, child)).catch((e) => {
        throw fsError(e, 'stat', child);
      });
      if (st.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk('');
  return out;
}

/**
 * What prune must keep: HEAD, every ref, a merge's MERGE_HEAD, and every snapshot a reflog entry
 * younger than `protectMs` names (old and new side). An unreadable ref or
 * reflog is an error, never "nothing to keep".
 */
export async function collectRoots(vault: Vault, protectMs: number, now: number): Promise<Roots> {
  const refs = new Set<ObjectId>();
  const reflog = new Set<ObjectId>();
  const seen: string[] = [];
  const head = await readHead(vault.refs).catch((e: Error) => {
    throw new DamagedVaultError('prune', `HEAD is unreadable (${e.message})`);
  });
  if (head.id) refs.add(head.id);
  seen.push(`HEAD ${head.ref} ${head.id}`);
  // a merge in progress: the snapshot being merged (resolve --theirs reads its files) stays
  const merging = await readMergeHead(vault);
  if (merging) refs.add(merging);
  seen.push(`MERGE_HEAD ${merging}`);
  const all = await listRefs(vault.refs, 'refs/', (ref, e) => {
    throw new DamagedVaultError('prune', `ref ${ref} is unreadable (${e.message})`);
  }).catch((e) => {
    throw fsError(e, 'list', 'refs');
  });
  for (const [ref, id] of all) {
    refs.add(id);
    seen.push(`${ref} ${id}`);
  }
  for (const name of await reflogNames(vault)) {
    const entries = await readReflog(vault.refs, name).catch((e) => {
      throw fsError(e, 'read', `logs/${name}`);
    });
    seen.push(`log ${name} ${entries.length}`);
    for (const e of entries) {
      if (now - e.time > protectMs) continue;
      for (const id of [e.old, e.value]) if (id && !refs.has(id)) reflog.add(id);
    }
  }
  const boundary = await shallowSnapshots(vault.fs, vault.vaultDir).catch((e) => {
    throw fsError(e, 'read', 'shallow');
  });
  seen.push(`shallow ${[...boundary].sort().join(' ')}`);
  return { refs, reflog, boundary, fingerprint: seen.join('\n') };
}

/**
 * Every object reachable from the roots: snapshots (all parents), trees,
 * chunk lists and chunks/blobs. An object reachable from a ref that is missing
 * or unreadable is an error (DamagedVaultError): what lies under it cannot be
 * listed, so nothing may be deleted. Reflog-only roots may be gone already.
 */
export async function reachableObjects(db: ObjectDatabase, roots: Roots, what = 'prune'): Promise<Set<ObjectId>> {
  await db.ready();
  const live = new Set<ObjectId>();
  const walk = async (start: ObjectId, strict: boolean): Promise<void> => {
    const stack: ObjectId[] = [start];
    const read = async (id: ObjectId, type: 'snapshot' | 'tree' | 'chunklist'): Promise<Buffer | null> => {
      try {
        return await db.readTyped(id, type);
      } catch (e) {
        if (!strict && (e as { code?: string }).code === 'ENOOBJECT') return null;
        throw new DamagedVaultError(what, `${type} ${id} cannot be read (${(e as Error).message})`);
      }
    };
    // snapshots are walked iteratively (history can be long); trees recursively (they are shallow)
    const tree = async (id: ObjectId): Promise<void> => {
      if (live.has(id)) return;
      const body = await read(id, 'tree');
      if (!body) return;
      live.add(id);
      for (const e of decodeTree(body, id).entries) {
        if (e.obj === 'tree') await tree(e.id);
        else if (e.obj === 'blob') {
          if (strict && !(await db.has(e.id))) throw new DamagedVaultError(what, `blob ${e.id} is missing`);
          live.add(e.id);
        } else if (!live.has(e.id)) {
          const list = await read(e.id, 'chunklist');
          if (!list) continue;
          live.add(e.id);
          for (const c of decodeChunkList(list, e.id).chunks) {
            if (live.has(c.id)) continue;
            if (strict && !(await db.has(c.id))) throw new DamagedVaultError(what, `chunk ${c.id} is missing`);
            live.add(c.id);
          }
        }
      }
    };
    while (stack.length) {
      const id = stack.pop()!;
      if (live.has(id)) continue;
      const body = await read(id, 'snapshot');
      if (!body) continue;
      live.add(id);
      const snap = decodeSnapshot(body, id);
      await tree(snap.tree);
      if (snap.attachments) await tree(snap.attachments);
      // a shallow clone's boundary: its parents were never fetched, which is not damage
      if (roots.boundary?.has(id)) continue;
      for (const p of snap.parents) stack.push(p);
    }
  };
  for (const id of roots.refs) await walk(id, true);
  for (const id of roots.reflog) await walk(id, false);
  return live;
}

/** Parse a duration: "14d", "2w", "36h", "1y6m" (m = 30 days), "90m" is months; "0" is zero. */
export function parseDuration(s: string): number {
  const t = s.trim();
  if (t === '0') return 0;
  const re = /(\d+)\s*(y|m|w|d|h)/gy;
  const unit: Record<string, number> = { y: 365 * 86400e3, m: 30 * 86400e3, w: 7 * 86400e3, d: 86400e3, h: 3600e3 };
  let total = 0;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(t))) {
    const [, n, u = ''] = m;
    total += Number(n) * (unit[u] ?? NaN);
    end = re.lastIndex;
  }
  if (end === 0 || end !== t.length) return NaN;
  return total;
}
