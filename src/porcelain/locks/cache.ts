import { isNotFound, joinPath, writeFileAtomic, type FsPromises } from '../../plumbing/fs.js';
import type { GitOid } from '../../plumbing/git/objects.js';
import type { BreakRecord, LockOwner, LockRecord } from './record.js';
import { sameOwner } from './record.js';
import type { LockRefs } from './remote.js';

/**
 * `.vault/locks.json`: the lock state of each remote as last seen (by `vault locks`, lock, unlock, fetch, pull,
 * clone and push), so status, commit and an offline `vault locks` can say who holds what without the network.
 * Records are kept by commit id (a lock commit never changes). All of it can be rebuilt from the remote.
 */
interface RemoteLocks {
  /** ms since the epoch when the remote's lock refs were listed */
  fetchedAt: number;
  /** lock ref -> commit */
  locks: Record<string, GitOid>;
  /** lock-break ref -> commit */
  breaks: Record<string, GitOid>;
}

interface CacheData {
  version: 1;
  remotes: Record<string, RemoteLocks>;
  /** lock commit -> record (null: the commit holds no readable record) */
  records: Record<GitOid, LockRecord | null>;
  breakRecords: Record<GitOid, BreakRecord | null>;
  /** break commits already reported to this vault's user */
  seenBreaks: GitOid[];
}

/** One lock as the cache (or the remote) knows it. */
export interface LockView {
  readonly remote: string;
  readonly ref: string;
  readonly oid: GitOid;
  /** null when the lock commit holds no readable record (made by something other than Vault) */
  readonly record: LockRecord | null;
  /** held by this vault's author */
  readonly mine: boolean;
}

function empty(): CacheData {
  return { version: 1, remotes: {}, records: {}, breakRecords: {}, seenBreaks: [] };
}

export class LockCache {
  private constructor(
    private readonly fs: FsPromises,
    private readonly path: string,
    private data: CacheData,
  ) {}

  static pathOf(vaultDir: string): string {
    return joinPath(vaultDir, 'locks.json');
  }

  /** The cache; an absent or unreadable file is an empty cache (it only costs a look at the remote). */
  static async load(fs: FsPromises, vaultDir: string): Promise<LockCache> {
    const path = LockCache.pathOf(vaultDir);
    let data = empty();
    try {
      const j = JSON.parse(String(await fs.readFile(path, 'utf8'))) as CacheData;
      if (j?.version === 1 && j.remotes && j.records) data = { ...empty(), ...j };
    } catch (e) {
      if (!isNotFound(e) && !(e instanceof SyntaxError)) throw e;
    }
    return new LockCache(fs, path, data);
  }

  async save(): Promise<void> {
    // records no remote refers to any more are dropped
    const live = new Set<GitOid>();
    for (const r of Object.values(this.data.remotes)) {
      for (const oid of Object.values(r.locks)) live.add(oid);
      for (const oid of Object.values(r.breaks)) live.add(oid);
    }
    for (const oid of Object.keys(this.data.records)) if (!live.has(oid)) delete this.data.records[oid];
    for (const oid of Object.keys(this.data.breakRecords)) if (!live.has(oid)) delete this.data.breakRecords[oid];
    this.data.seenBreaks = this.data.seenBreaks.filter((oid) => live.has(oid));
    await writeFileAtomic(this.fs, this.path, `${JSON.stringify(this.data, null, 1)}\n`, { durable: false });
  }

  remotes(): string[] {
    return Object.keys(this.data.remotes).sort();
  }

  fetchedAt(remote: string): number | null {
    return this.data.remotes[remote]?.fetchedAt ?? null;
  }

  hasRecord(oid: GitOid): boolean {
    return Object.hasOwn(this.data.records, oid);
  }

  hasBreakRecord(oid: GitOid): boolean {
    return Object.hasOwn(this.data.breakRecords, oid);
  }

  recordOf(oid: GitOid): LockRecord | null {
    return this.data.records[oid] ?? null;
  }

  setRecord(oid: GitOid, r: LockRecord | null): void {
    this.data.records[oid] = r;
  }

  setBreakRecord(oid: GitOid, r: BreakRecord | null): void {
    this.data.breakRecords[oid] = r;
  }

  /** Everything the remote holds now, listed at `at`. */
  setRemote(remote: string, refs: LockRefs, at: number): void {
    this.data.remotes[remote] = {
      fetchedAt: at,
      locks: Object.fromEntries(refs.locks),
      breaks: Object.fromEntries(refs.breaks),
    };
  }

  /** The remote's lock refs, listed at `at` (its break refs as they were). */
  setRemoteLocks(remote: string, locks: ReadonlyMap<string, GitOid>, at: number): void {
    const breaks = this.data.remotes[remote]?.breaks ?? {};
    this.data.remotes[remote] = { fetchedAt: at, locks: Object.fromEntries(locks), breaks };
  }

  /** One lock ref as this command left it (null: deleted). */
  setLock(remote: string, ref: string, oid: GitOid | null): void {
    const r = (this.data.remotes[remote] ??= { fetchedAt: 0, locks: {}, breaks: {} });
    if (oid) r.locks[ref] = oid;
    else delete r.locks[ref];
  }

  /** The locks of one remote (or of every remote), as last seen. */
  locks(me: LockOwner, remote?: string): LockView[] {
    const out: LockView[] = [];
    for (const name of remote ? [remote] : this.remotes()) {
      for (const [ref, oid] of Object.entries(this.data.remotes[name]?.locks ?? {})) {
        const record = this.data.records[oid] ?? null;
        out.push({ remote: name, ref, oid, record, mine: !!record && sameOwner(record.owner, me) });
      }
    }
    return out.sort((a, b) => (a.record?.path ?? a.ref).localeCompare(b.record?.path ?? b.ref));
  }

  /** Break records of `me`'s locks on `remote` not reported yet; they are marked reported. */
  takeNewBreaks(me: LockOwner, remote: string): BreakRecord[] {
    const out: BreakRecord[] = [];
    for (const oid of Object.values(this.data.remotes[remote]?.breaks ?? {})) {
      const b = this.data.breakRecords[oid];
      if (!b || this.data.seenBreaks.includes(oid) || !sameOwner(b.owner, me)) continue;
      this.data.seenBreaks.push(oid);
      out.push(b);
    }
    return out.sort((a, b) => a.time - b.time);
  }
}
