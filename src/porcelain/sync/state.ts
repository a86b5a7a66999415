import { VaultError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { isNotFound, joinPath, writeFileAtomic, type FsPromises } from '../../plumbing/fs.js';
import { hasPassword, urlWithoutPassword } from '../../plumbing/git/credentials.js';
import type { GitOid } from '../../plumbing/git/objects.js';

/**
 * What Vault remembers about git, under `.vault/sync/`. All of it can be
 * rebuilt (export is deterministic; a lost `known` set only means resending):
 *
 * - `oids`: vault blob/chunk id -> git blob id (52-byte records), so a
 *   content is read and SHA-1 hashed once, not on every push;
 * - `commits`: lines `<vault snapshot id> <git commit id>`;
 * - `remotes/<name>.known`: git ids the remote is known to hold (20-byte
 *   records), added only after the server confirmed "unpack ok";
 * - `remotes/<name>.json`: the remote's refs as last seen, and this vault's
 *   upload ref name.
 */
export class SyncState {
  readonly oids = new Map<ObjectId, GitOid>();
  readonly commits = new Map<ObjectId, GitOid>();
  readonly snapshotsByCommit = new Map<GitOid, ObjectId>();
  private dirtyOids = false;
  private dirtyCommits = false;

  private constructor(
    readonly fs: FsPromises,
    readonly dir: string,
  ) {}

  static async load(fs: FsPromises, vaultDir: string): Promise<SyncState> {
    const s = new SyncState(fs, joinPath(vaultDir, 'sync'));
    const oids = await readOptional(fs, joinPath(s.dir, 'oids'));
    if (oids) {
      for (let o = 0; o + 52 <= oids.length; o += 52)
        s.oids.set(oids.toString('hex', o, o + 32), oids.toString('hex', o + 32, o + 52));
    }
    const commits = await readOptional(fs, joinPath(s.dir, 'commits'));
    if (commits) {
      for (const line of commits.toString('utf8').split('\n')) {
        const [, id, oid] = /^([0-9a-f]{64}) ([0-9a-f]{40})$/.exec(line) ?? [];
        if (id && oid) s.mapCommit(id, oid, false);
      }
    }
    return s;
  }

  setOid(vaultId: ObjectId, oid: GitOid): void {
    if (this.oids.get(vaultId) === oid) return;
    this.oids.set(vaultId, oid);
    this.dirtyOids = true;
  }

  mapCommit(snapshot: ObjectId, commit: GitOid, dirty = true): void {
    if (this.commits.get(snapshot) === commit) return;
    this.commits.set(snapshot, commit);
    this.snapshotsByCommit.set(commit, snapshot);
    if (dirty) this.dirtyCommits = true;
  }

  async save(): Promise<void> {
    await this.fs.mkdir(this.dir, { recursive: true });
    if (this.dirtyOids) {
      const buf = Buffer.alloc(this.oids.size * 52);
      let o = 0;
      for (const [v, g] of this.oids) {
        buf.write(v, o, 32, 'hex');
        buf.write(g, o + 32, 20, 'hex');
        o += 52;
      }
      await writeFileAtomic(this.fs, joinPath(this.dir, 'oids'), buf);
      this.dirtyOids = false;
    }
    if (this.dirtyCommits) {
      const text = [...this.commits].map(([v, g]) => `${v} ${g}\n`).join('');
      await writeFileAtomic(this.fs, joinPath(this.dir, 'commits'), text);
      this.dirtyCommits = false;
    }
  }

  knownPath(remote: string): string {
    return joinPath(this.dir, 'remotes', `${remote}.known`);
  }

  async loadKnown(remote: string): Promise<Set<GitOid>> {
    const buf = await readOptional(this.fs, this.knownPath(remote));
    const out = new Set<GitOid>();
    if (buf) for (let o = 0; o + 20 <= buf.length; o += 20) out.add(buf.toString('hex', o, o + 20));
    return out;
  }

  async saveKnown(remote: string, known: Set<GitOid>): Promise<void> {
    const buf = Buffer.alloc(known.size * 20);
    let o = 0;
    for (const k of known) {
      buf.write(k, o, 20, 'hex');
      o += 20;
    }
    await this.fs.mkdir(joinPath(this.dir, 'remotes'), { recursive: true });
    await writeFileAtomic(this.fs, this.knownPath(remote), buf);
  }

  async loadRemoteState(remote: string): Promise<RemoteState> {
    const buf = await readOptional(this.fs, joinPath(this.dir, 'remotes', `${remote}.json`));
    if (!buf) return { refs: {} };
    try {
      return JSON.parse(buf.toString('utf8')) as RemoteState;
    } catch {
      return { refs: {} };
    }
  }

  async saveRemoteState(remote: string, st: RemoteState): Promise<void> {
    await this.fs.mkdir(joinPath(this.dir, 'remotes'), { recursive: true });
    await writeFileAtomic(this.fs, joinPath(this.dir, 'remotes', `${remote}.json`), JSON.stringify(st, null, 2) + '\n');
  }

  async forgetRemote(remote: string): Promise<void> {
    for (const f of [`${remote}.known`, `${remote}.json`])
      await this.fs.unlink(joinPath(this.dir, 'remotes', f)).catch(() => {});
  }
}

export interface RemoteState {
  /**
   * vault ref name -> { snapshot, commit } as last seen on the remote; `advertised`: the annotated tag object
   * (made with git) the remote's ref names, when it is not the commit itself
   */
  refs: Record<string, { snapshot: ObjectId; commit: GitOid; advertised?: GitOid }>;
  /**
   * tags and milestones (git names) seen on the remote before and deleted there since: push does not bring
   * them back, `fetch --prune` deletes the local ones that still name the same snapshot (see prune.ts)
   */
  gone?: Record<string, { snapshot: ObjectId; commit: GitOid }>;
  /** branches (git names) the remote replaced by a forced push: the tips seen there before (see prune.ts) */
  replaced?: Record<string, ObjectId[]>;
  /** the hidden ref this vault uses for partial uploads */
  uploadRef?: string;
}

async function readOptional(fs: FsPromises, path: string): Promise<Buffer | null> {
  try {
    return (await fs.readFile(path)) as Buffer;
  } catch (e) {
    if (isNotFound(e)) return null;
    throw e;
  }
}

// ---- remotes: .vault/remotes (JSON: { name: { url } }, mode 0600, never a password) ----

export interface RemoteConfig {
  readonly name: string;
  /** as stored: a user name is kept, a password never is */
  readonly url: string;
}

export class NoSuchRemoteError extends VaultError {
  constructor(name: string) {
    super(
      'ENOREMOTE',
      `no remote named '${name}'`,
      { name },
      "list remotes with 'vault remote -v'; add one with 'vault remote add NAME URL'",
    );
  }
}

export function badRemoteName(name: string): string | null {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.endsWith('.lock'))
    return 'use letters, digits, . _ - (starting with a letter or digit)';
  return null;
}

function remotesPath(vaultDir: string): string {
  return joinPath(vaultDir, 'remotes');
}

export async function listRemotes(fs: FsPromises, vaultDir: string): Promise<RemoteConfig[]> {
  const buf = await readOptional(fs, remotesPath(vaultDir));
  if (!buf) return [];
  let parsed: Record<string, { url?: unknown }>;
  try {
    parsed = JSON.parse(buf.toString('utf8'));
  } catch {
    throw new VaultError(
      'ECONFIG',
      `${remotesPath(vaultDir)} is not valid JSON`,
      { path: remotesPath(vaultDir) },
      'fix or remove the file',
    );
  }
  const list = Object.entries(parsed)
    .filter(([, v]) => typeof v?.url === 'string')
    .map(([name, v]) => ({ name, url: v.url as string }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  // written by an older Vault with a password in a URL: it is still used, but no longer readable by others
  // (the next change to the remotes drops it)
  if (list.some((r) => hasPassword(r.url))) await fs.chmod(remotesPath(vaultDir), 0o600).catch(() => {});
  return list;
}

/** Write the remotes, without any password, readable by the owner only (a URL can hold a token as its user). */
async function writeRemotes(fs: FsPromises, vaultDir: string, list: RemoteConfig[]): Promise<void> {
  const obj: Record<string, { url: string }> = {};
  for (const r of list) obj[r.name] = { url: urlWithoutPassword(r.url) };
  await writeFileAtomic(fs, remotesPath(vaultDir), JSON.stringify(obj, null, 2) + '\n', { mode: 0o600 });
}

export async function getRemote(fs: FsPromises, vaultDir: string, name: string): Promise<RemoteConfig> {
  const r = (await listRemotes(fs, vaultDir)).find((x) => x.name === name);
  if (!r) throw new NoSuchRemoteError(name);
  return r;
}

/**
 * Add a remote. A password in `url` is not stored (the caller may use it for the command that is running:
 * see credentials.ts); the user name is.
 */
export async function addRemote(fs: FsPromises, vaultDir: string, name: string, url: string): Promise<RemoteConfig> {
  const bad = badRemoteName(name);
  if (bad) throw new VaultError('EUSAGE', `invalid remote name '${name}': ${bad}`, { name });
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new VaultError(
      'EUSAGE',
      `'${url}' is not an http(s) URL`,
      { url },
      'Vault speaks git smart HTTP: use https://host/owner/repo.git',
    );
  }
  const list = await listRemotes(fs, vaultDir);
  if (list.some((r) => r.name === name))
    throw new VaultError(
      'EEXIST',
      `remote '${name}' already exists`,
      { name },
      `remove it first with 'vault remote remove ${name}'`,
    );
  const stored = urlWithoutPassword(url);
  await writeRemotes(fs, vaultDir, [...list, { name, url: stored }]);
  return { name, url: stored };
}

export async function removeRemote(fs: FsPromises, vaultDir: string, name: string): Promise<void> {
  const list = await listRemotes(fs, vaultDir);
  if (!list.some((r) => r.name === name)) throw new NoSuchRemoteError(name);
  await writeRemotes(
    fs,
    vaultDir,
    list.filter((r) => r.name !== name),
  );
  await (await SyncState.load(fs, vaultDir)).forgetRemote(name);
}
