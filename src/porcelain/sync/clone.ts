import { VaultError, fsError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { isNotFound, joinPath, type FsPromises } from '../../plumbing/fs.js';
import type { Codec } from '../../plumbing/codec.js';
import { updateRef, writeHead } from '../../refs/refs.js';
import { initVault, openVault, type Vault } from '../openVault.js';
import type { SyncProgress } from './common.js';
import { credentialsFor, hasPassword, type Credentials } from '../../plumbing/git/credentials.js';
import { safeUrl } from '../../plumbing/git/errors.js';
import { checkout, fetch, type FetchResult } from './fetch.js';
import type { RestoreResult } from '../restore.js';
import type { SyncLimits } from './limits.js';
import { addRemote } from './state.js';
import { applySettings, settingsAt, type TravellingSettings } from '../settings.js';

export interface CloneOptions {
  fs: FsPromises;
  url: string;
  /** the new project folder (must not exist, or be empty) */
  dir: string;
  remote?: string;
  env?: NodeJS.ProcessEnv;
  credentials?: Credentials;
  /** hand a password given in the URL (or `credentials`) to git's credential helper once the server took it */
  saveCredentials?: boolean;
  codec?: Codec;
  clock?: () => number;
  author?: string;
  threads?: number;
  onProgress?: (p: SyncProgress) => void;
  onMessage?: (line: string) => void;
  /** how far the download and the checkout may expand (see limits.ts) */
  limits?: SyncLimits;
  /** stops the clone at its next step; the new folder is removed (the signal's reason is thrown) */
  signal?: AbortSignal;
  /** a shallow clone: the newest `depth` snapshots of each ref (see shallow.ts) */
  depth?: number;
  /** a shallow clone: the snapshots made since this time (ms since the epoch) */
  since?: number;
}

export interface CloneResult extends FetchResult {
  readonly dir: string;
  readonly branch: string | null;
  readonly head: string | null;
  /** what the working folder's checkout did not restore (skipped, failed); null for an empty remote */
  readonly checkout: Pick<RestoreResult, 'skipped' | 'failures'> | null;
  /** the vault settings taken over from the branch's history (persona, chunker...: see settings.ts) */
  readonly settings: TravellingSettings;
  /** recorded settings this Vault did not take over (unknown, or not acceptable from a remote) */
  readonly settingsIgnored: string[];
}

/**
 * A new project folder with a full vault from a remote: every snapshot, branch,
 * milestone and tag; the working folder holds the remote default branch.
 */
export async function clone(opts: CloneOptions): Promise<CloneResult> {
  const { fs, dir } = opts;
  let existed = true;
  try {
    const names = (await fs.readdir(dir)) as string[];
    if (names.length)
      throw new VaultError(
        'EEXIST',
        `${dir} already exists and is not empty`,
        { dir },
        'clone into a new or empty folder',
      );
  } catch (e) {
    if (e instanceof VaultError) throw e;
    if (!isNotFound(e)) throw fsError(e, 'list', dir);
    existed = false;
  }
  try {
    return await cloneInto(opts, dir);
  } catch (e) {
    // a failed clone leaves nothing behind, so it can simply be run again
    if (existed)
      for (const n of (await fs.readdir(dir).catch(() => [])) as string[])
        await fs.rm(joinPath(dir, n), { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    else await fs.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    throw e;
  }
}

async function cloneInto(opts: CloneOptions, dir: string): Promise<CloneResult> {
  const { fs } = opts;
  await initVault({ fs, dir });
  const vault: Vault = await openVault({
    fs,
    cwd: dir,
    vaultDir: joinPath(dir, '.vault'),
    codec: opts.codec,
    clock: opts.clock,
    author: opts.author,
    threads: opts.threads,
  });
  try {
    const name = opts.remote ?? 'origin';
    await addRemote(fs, vault.vaultDir, name, opts.url);
    const f = await fetch({
      vault,
      remote: name,
      env: opts.env,
      // a password in the URL is used for this clone only: the stored remote has none
      credentials: opts.credentials ?? (hasPassword(opts.url) ? credentialsFor(opts.url, {}) : undefined),
      saveCredentials: opts.saveCredentials,
      onProgress: opts.onProgress,
      onMessage: opts.onMessage,
      limits: opts.limits,
      signal: opts.signal,
      depth: opts.depth,
      since: opts.since,
    });
    const branches = Object.entries(f.refs).filter(([r]) => r.startsWith('refs/heads/'));
    // the remote's default branch, else main, else the first one
    const picked = firstBranchOf(f.refs, [f.defaultBranch, 'refs/heads/main', branches[0]?.[0]]);
    if (!picked) {
      // a remote whose branches could not be imported is not an empty one
      if (f.skipped.length)
        throw new VaultError(
          'EIMPORT',
          `nothing could be cloned from ${safeUrl(opts.url)}: ${f.skipped.map((s) => s.reason).join('; ')}`,
          { skipped: f.skipped },
          'fix those commits with git (or push new ones on top), then clone again',
        );
      return { ...f, dir, branch: null, head: null, checkout: null, settings: {}, settingsIgnored: [] };
    }
    const { branch, head } = picked;
    for (const [b, id] of branches) {
      await updateRef({
        ...vault.refs,
        ref: b,
        value: id,
        expected: null,
        message: `clone: from ${name}`,
        author: vault.author,
        time: vault.clock(),
      });
    }
    await writeHead(vault.refs, branch);
    // the persona, chunker... the vault was committed with, before anything is checked out
    const travelled = await settingsAt(vault, head);
    if (Object.keys(travelled.settings).length) await applySettings(vault, travelled.settings);
    const { skipped, failures } = await checkout(vault, null, head, opts.onProgress, {
      limits: opts.limits,
      signal: opts.signal,
    });
    return {
      ...f,
      dir,
      branch,
      head,
      checkout: { skipped, failures },
      settings: travelled.settings,
      settingsIgnored: travelled.ignored,
    };
  } finally {
    await vault.close();
  }
}

/** The first of these branches the remote has, with its snapshot (the one a clone checks out); null for none. */
function firstBranchOf(
  refs: Readonly<Record<string, ObjectId>>,
  candidates: readonly (string | undefined)[],
): { branch: string; head: ObjectId } | null {
  for (const branch of candidates) {
    const head = branch === undefined ? undefined : refs[branch];
    if (branch && head) return { branch, head };
  }
  return null;
}
