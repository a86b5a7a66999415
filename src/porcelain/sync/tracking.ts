import type { ObjectId } from '../../objects/types.js';
import { isNotFound, joinPath, type FsPromises } from '../../plumbing/fs.js';
import { listRemotes } from './state.js';

/** A remote's branches as this vault last saw them (fetch or push): branch name -> snapshot. */
export async function trackingBranches(
  fs: FsPromises,
  vaultDir: string,
  remote: string,
): Promise<Map<string, ObjectId>> {
  const out = new Map<string, ObjectId>();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(remote)) return out;
  let text: string;
  try {
    text = (await fs.readFile(joinPath(vaultDir, 'sync', 'remotes', `${remote}.json`), 'utf8')) as string;
  } catch (e) {
    if (isNotFound(e)) return out;
    throw e;
  }
  let refs: Record<string, { snapshot?: unknown }> = {};
  try {
    refs = (JSON.parse(text) as { refs?: typeof refs }).refs ?? {};
  } catch {
    return out; // an unreadable state is rebuilt by the next fetch
  }
  for (const [ref, v] of Object.entries(refs))
    if (ref.startsWith('refs/heads/') && typeof v?.snapshot === 'string' && /^[0-9a-f]{64}$/.test(v.snapshot))
      out.set(ref.slice('refs/heads/'.length), v.snapshot);
  return out;
}

/**
 * `REMOTE/BRANCH` (`origin/feature`): the snapshot that branch named on that remote at the last fetch or
 * push, as git's remote-tracking branches; null when there is no such remote or branch.
 */
export async function trackingSnapshot(fs: FsPromises, vaultDir: string, name: string): Promise<ObjectId | null> {
  const slash = name.indexOf('/');
  if (slash <= 0) return null;
  return (await trackingBranches(fs, vaultDir, name.slice(0, slash))).get(name.slice(slash + 1)) ?? null;
}

/** Every remote's branches as last seen (remote name -> branch name -> snapshot), remotes in their listed order. */
export async function allTracking(fs: FsPromises, vaultDir: string): Promise<Map<string, Map<string, ObjectId>>> {
  const out = new Map<string, Map<string, ObjectId>>();
  for (const r of await listRemotes(fs, vaultDir)) out.set(r.name, await trackingBranches(fs, vaultDir, r.name));
  return out;
}
