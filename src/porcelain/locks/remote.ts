import { nodeCrypto } from '../../builtins.js';
import { joinPath, writeAll } from '../../plumbing/fs.js';
import { RemoteAuthError, RemoteProtocolError } from '../../plumbing/git/errors.js';
import { RemoteAuth } from '../../plumbing/git/credentials.js';
import { authHeader, request, type Credentials } from '../../plumbing/git/http.js';
import { decodeGitTree, type GitOid } from '../../plumbing/git/objects.js';
import { PackFileReader } from '../../plumbing/git/packReader.js';
import { parsePkts } from '../../plumbing/git/pktline.js';
import { fetchPack } from '../../plumbing/git/uploadPack.js';
import type { Vault } from '../openVault.js';
import { getRemote } from '../sync/state.js';
import { BREAK_PREFIX } from './record.js';

/** A remote as the lock commands talk to it. */
export interface LockRemote {
  readonly name: string;
  readonly url: string;
  /**
   * The command's credentials: the caller's, the URL's or the environment's; with none, git's credential
   * helper is asked when the first request is refused (as push and fetch do). Every request goes through
   * `auth.run`.
   */
  readonly auth: RemoteAuth;
  /** the credentials that worked (or will be tried) */
  readonly creds?: Credentials;
}

export interface RemoteOptions {
  vault: Vault;
  /** remote name (default origin) */
  remote?: string;
  env?: NodeJS.ProcessEnv;
  /** overrides the URL's and the environment's (e.g. typed at a prompt) */
  credentials?: Credentials;
}

export async function lockRemote(opts: RemoteOptions): Promise<LockRemote> {
  const name = opts.remote ?? 'origin';
  const r = await getRemote(opts.vault.fs, opts.vault.vaultDir, name);
  const auth = new RemoteAuth(r.url, { credentials: opts.credentials, env: opts.env });
  return {
    name,
    url: r.url,
    auth,
    get creds() {
      return auth.credentials;
    },
  };
}

/** The lock and lock-break refs a remote holds now. */
export interface LockRefs {
  readonly locks: Map<string, GitOid>;
  readonly breaks: Map<string, GitOid>;
}

export function lockRefsOf(refs: ReadonlyMap<string, GitOid>): LockRefs {
  const locks = new Map<string, GitOid>();
  const breaks = new Map<string, GitOid>();
  for (const [ref, oid] of refs) {
    if (/^refs\/vault\/locks\/[0-9a-f]{64}$/.test(ref)) locks.set(ref, oid);
    else if (ref.startsWith(BREAK_PREFIX) && /^[0-9a-f]{40}$/.test(ref.slice(BREAK_PREFIX.length)))
      breaks.set(ref, oid);
  }
  return { locks, breaks };
}

/**
 * The remote's lock refs from its upload-pack advertisement (what a fetch sees, so a member who may only
 * read the repository can list locks too).
 */
export async function listLockRefs(remote: LockRemote): Promise<LockRefs> {
  const base = new URL(remote.url);
  base.username = '';
  base.password = '';
  const r = await remote.auth.run(async (creds) => {
    const got = await request({
      url: `${base.toString().replace(/\/+$/, '')}/info/refs?service=git-upload-pack`,
      method: 'GET',
      headers: authHeader(creds),
    });
    if (got.status === 401 || got.status === 403) throw new RemoteAuthError(remote.url, got.status);
    return got;
  });
  if (r.status !== 200) throw new RemoteProtocolError(remote.url, `HTTP ${r.status} on info/refs`);
  if (!String(r.headers['content-type'] ?? '').includes('git-upload-pack-advertisement'))
    throw new RemoteProtocolError(remote.url, 'not a smart-HTTP git server (dumb HTTP is not supported)');
  const refs = new Map<string, GitOid>();
  let lines: (Buffer | null)[];
  try {
    lines = parsePkts(r.body);
  } catch (e) {
    throw new RemoteProtocolError(remote.url, `malformed ref advertisement (${(e as Error).message})`);
  }
  for (const line of lines) {
    if (!line) continue;
    const s = line.toString('utf8').replace(/\n$/, '').split('\0')[0]!;
    const [oid, name] = s.split(' ');
    if (oid && name && /^[0-9a-f]{40}$/.test(oid) && name.startsWith('refs/vault/')) refs.set(name, oid);
  }
  return lockRefsOf(refs);
}

/** Most bytes the records of one request may take on the wire (a record is well under 1 KiB). */
const MAX_PACK_BYTES = 16 * 1024 * 1024;

/**
 * Download record commits (lock or lock-break) and return, for each, the named file of its tree
 * (`lock.json`, `break.json`); null where the commit does not hold one. Packs go through a temp file in
 * `.vault/git/` and are read with the bounded pack reader, like a fetch's. A commit the server no longer
 * advertises (unlocked meanwhile) fails the request: the caller lists the refs again.
 */
export async function readRecordFiles(
  vault: Vault,
  remote: LockRemote,
  wants: readonly GitOid[],
  file: 'lock.json' | 'break.json',
): Promise<Map<GitOid, Buffer | null>> {
  const out = new Map<GitOid, Buffer | null>();
  if (!wants.length) return out;
  const dir = joinPath(vault.vaultDir, 'git');
  await vault.fs.mkdir(dir, { recursive: true });
  const path = joinPath(dir, `locks-${nodeCrypto().randomBytes(8).toString('hex')}.pack`);
  const fh = await vault.fs.open(path, 'wx');
  let pack: PackFileReader | null = null;
  try {
    try {
      await fetchPack({
        url: remote.url,
        creds: remote.creds,
        wants: [...new Set(wants)],
        haves: [],
        maxBytes: MAX_PACK_BYTES,
        sink: (b) => writeAll(fh, b),
      });
    } finally {
      await fh.close();
    }
    pack = await PackFileReader.open(vault.fs, path, undefined, {
      maxObjectBytes: 1024 * 1024,
      maxTotalBytes: 4 * MAX_PACK_BYTES,
    });
    for (const oid of wants) out.set(oid, await fileOf(pack, oid, file));
  } finally {
    await pack?.close();
    await vault.fs.unlink(path).catch(() => {});
  }
  return out;
}

async function fileOf(pack: PackFileReader, commit: GitOid, file: string): Promise<Buffer | null> {
  const c = await pack.read(commit);
  if (!c || c.type !== 'commit') return null;
  const tree = /^tree ([0-9a-f]{40})$/m.exec(c.body.toString('latin1'))?.[1];
  const t = tree ? await pack.read(tree) : null;
  if (!t || t.type !== 'tree') return null;
  let entry;
  try {
    entry = decodeGitTree(t.body, tree).find((e) => e.name === file && e.mode === '100644');
  } catch {
    return null;
  }
  const b = entry ? await pack.read(entry.oid) : null;
  return b && b.type === 'blob' ? b.body : null;
}
