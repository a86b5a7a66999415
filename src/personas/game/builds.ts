import { UsageError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import type { Vault } from '../../porcelain/openVault.js';
import { AmbiguousBuildError, UnknownBuildError } from './errors.js';
import { resolveMarked } from './milestones.js';
import { addRecords, readRecords, recordId, type RecordFile, type StoredRecord } from './records.js';
import { filesFromPaths } from './sourceFiles.js';

/**
 * Builds: a game build (version + platform) linked to the project snapshot it
 * was made from, with optional artifacts (.pck, .zip, .exe...) stored
 * deduplicated: container-aware chunking makes a build committed after its
 * project cost almost nothing new.
 */
export interface BuildRecord {
  readonly id: string;
  readonly version: string;
  readonly platform: string;
  /** the project snapshot the build was made from */
  readonly snapshot: ObjectId;
  readonly time: number;
  readonly author: string;
  readonly notes?: string;
  readonly artifacts: readonly { readonly path: string; readonly size: number }[];
}

export interface Build extends BuildRecord {
  /** stored artifact files (path relative to the build's artifacts) */
  readonly files: readonly RecordFile[];
}

/** A build just recorded, with what recording it stored (after dedup and compression). */
export interface RecordedBuild extends Build {
  readonly stored: {
    /** bytes of artifacts read */
    readonly read: number;
    /** objects the vault did not have */
    readonly objects: number;
    readonly raw: number;
    /** bytes added on disk */
    readonly bytes: number;
  };
}

export interface RecordBuildOptions {
  vault: Vault;
  version: string;
  platform: string;
  /** snapshot the build was made from (default HEAD) */
  snapshot?: string;
  /** artifact files or folders (absolute, or relative to the project folder) */
  artifacts?: readonly string[];
  notes?: string;
  lockWait?: number;
  onBytes?: (n: number) => void;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export async function recordBuild(opts: RecordBuildOptions): Promise<RecordedBuild> {
  const { vault } = opts;
  if (!NAME.test(opts.version))
    throw new UsageError(`bad build version '${opts.version}'`, 'use letters, digits and . _ + - (e.g. 0.4.2)');
  if (!NAME.test(opts.platform))
    throw new UsageError(`bad platform '${opts.platform}'`, 'use letters, digits and . _ + - (e.g. windows)');
  const snapshot = await resolveMarked(vault, opts.snapshot ?? 'HEAD');
  const files = await filesFromPaths(vault, opts.artifacts ?? [], { keepProjectPaths: false });
  const time = vault.clock();
  const id = recordId({
    kind: 'build',
    version: opts.version,
    platform: opts.platform,
    snapshot,
    time,
    author: vault.author,
  });
  const data: BuildRecord = {
    id,
    version: opts.version,
    platform: opts.platform,
    snapshot,
    time,
    author: vault.author,
    ...(opts.notes ? { notes: opts.notes } : {}),
    artifacts: files.map((f) => ({ path: f.path, size: f.size })),
  };
  const r = await addRecords({
    vault,
    kind: 'builds',
    records: [{ id, data, files }],
    keep: [snapshot],
    message: `build ${opts.version} (${opts.platform})`,
    lockWait: opts.lockWait,
    onBytes: opts.onBytes,
  });
  const stored = { read: r.bytes, objects: r.newObjects, raw: r.newBytesRaw, bytes: r.newBytesStored };
  return { ...(await findBuild(vault, id))!, stored };
}

function toBuild(r: StoredRecord<BuildRecord>): Build {
  return { ...r.data, id: r.id, files: r.files };
}

/** Every build, oldest first (by build time, then id). */
export async function listBuilds(opts: { vault: Vault; platform?: string; version?: string }): Promise<Build[]> {
  const all = (await readRecords<BuildRecord>(opts.vault, 'builds')).map(toBuild);
  return all
    .filter((b) => (!opts.platform || b.platform === opts.platform) && (!opts.version || b.version === opts.version))
    .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
}

async function findBuild(vault: Vault, id: string): Promise<Build | null> {
  return (await listBuilds({ vault })).find((b) => b.id === id) ?? null;
}

/**
 * A build by id, unique id prefix (4+ hex), version (when one build has it),
 * or VERSION@PLATFORM (the latest such build).
 */
export function pickBuild(builds: readonly Build[], ref: string): Build {
  const exact = builds.find((b) => b.id === ref);
  if (exact) return exact;
  const at = ref.lastIndexOf('@');
  if (at > 0) {
    const [version, platform] = [ref.slice(0, at), ref.slice(at + 1)];
    const hits = builds.filter((b) => b.version === version && b.platform === platform);
    const latest = hits.at(-1);
    if (latest) return latest;
    throw new UnknownBuildError(ref);
  }
  if (/^[0-9a-f]{4,}$/.test(ref)) {
    const hits = builds.filter((b) => b.id.startsWith(ref));
    const [hit, ...others] = hits;
    if (hit && !others.length) return hit;
    if (hits.length > 1)
      throw new AmbiguousBuildError(
        ref,
        hits.map((b) => b.id),
      );
  }
  const byVersion = builds.filter((b) => b.version === ref);
  const [only, ...more] = byVersion;
  if (only && !more.length) return only;
  if (byVersion.length > 1)
    throw new AmbiguousBuildError(
      ref,
      byVersion.map((b) => `${b.id} (${b.version}@${b.platform})`),
    );
  throw new UnknownBuildError(ref);
}

export async function resolveBuild(vault: Vault, ref: string): Promise<Build> {
  return pickBuild(await listBuilds({ vault }), ref);
}
