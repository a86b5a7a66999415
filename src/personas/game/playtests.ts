import { posix } from 'node:path';
import { UnsafePathError, UsageError, fsError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import { chunkerFromConfig, planFile } from '../../plumbing/chunkers/index.js';
import { isNotFound } from '../../plumbing/fs.js';
import { ReadBuffer, storeFile } from '../../plumbing/storeFile.js';
import type { Vault } from '../../porcelain/openVault.js';
import { resolveBuild } from './builds.js';
import { SessionOverwriteError, UnknownSessionError } from './errors.js';
import { writeStoredFileAtomic } from '../../plumbing/storedContent.js';
import { realFolders } from '../../plumbing/realFolders.js';
import { addRecords, badRecordPath, readRecords, recordId, type RecordFile, type StoredRecord } from './records.js';
import { filesFromPaths } from './sourceFiles.js';

/**
 * Playtest sessions: the recordings, logs, save files, screenshots and
 * telemetry of one tester's session with one build, stored with that build
 * and its snapshot (refs/notes/game/playtests). Files inside the project keep
 * their project paths (restore puts them back there), files from elsewhere
 * keep their names. Large recordings are streamed and chunked like any file.
 */
export interface SessionRecord {
  readonly id: string;
  /** build id */
  readonly build: string;
  readonly version: string;
  readonly platform: string;
  /** the build's project snapshot */
  readonly snapshot: ObjectId;
  readonly tester: string;
  readonly time: number;
  readonly author: string;
  readonly notes?: string;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

export interface Session extends SessionRecord {
  readonly stored: readonly RecordFile[];
}

export interface SavePlaytestOptions {
  vault: Vault;
  build: string;
  tester: string;
  /** files or folders (absolute, or relative to the project folder) */
  paths: readonly string[];
  notes?: string;
  lockWait?: number;
  onBytes?: (n: number) => void;
  onSkip?: (path: string, why: string) => void;
}

export async function savePlaytest(opts: SavePlaytestOptions): Promise<Session & { bytesRead: number }> {
  const { vault } = opts;
  if (!opts.tester?.trim()) throw new UsageError('a playtest session needs a tester', 'pass --tester NAME');
  if (!opts.paths.length)
    throw new UsageError('a playtest session needs files', 'name the recordings, logs, saves... to keep');
  const build = await resolveBuild(vault, opts.build);
  const files = await filesFromPaths(vault, opts.paths, { keepProjectPaths: true, onSkip: opts.onSkip });
  if (!files.length) throw new UsageError('no files found in the paths given');
  const time = vault.clock();
  const id = recordId({ kind: 'playtest', build: build.id, tester: opts.tester, time, author: vault.author });
  const data: SessionRecord = {
    id,
    build: build.id,
    version: build.version,
    platform: build.platform,
    snapshot: build.snapshot,
    tester: opts.tester.trim(),
    time,
    author: vault.author,
    ...(opts.notes ? { notes: opts.notes } : {}),
    files: files.map((f) => ({ path: f.path, size: f.size })),
  };
  const r = await addRecords({
    vault,
    kind: 'playtests',
    records: [{ id, data, files }],
    keep: [build.snapshot],
    message: `playtest ${build.version}@${build.platform} by ${data.tester}`,
    lockWait: opts.lockWait,
    onBytes: opts.onBytes,
  });
  const s = await findSession(vault, id);
  return { ...s, bytesRead: r.bytes };
}

function toSession(r: StoredRecord<SessionRecord>): Session {
  return { ...r.data, id: r.id, stored: r.files };
}

export async function listPlaytests(opts: { vault: Vault; build?: string; tester?: string }): Promise<Session[]> {
  const build = opts.build ? (await resolveBuild(opts.vault, opts.build)).id : null;
  return (await readRecords<SessionRecord>(opts.vault, 'playtests'))
    .map(toSession)
    .filter((s) => (!build || s.build === build) && (!opts.tester || s.tester === opts.tester))
    .sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1));
}

/** A session by id or unique id prefix. */
export async function findSession(vault: Vault, ref: string): Promise<Session> {
  const all = await listPlaytests({ vault });
  const hits = all.filter((s) => s.id === ref || (ref.length >= 4 && s.id.startsWith(ref)));
  const [hit, ...others] = hits;
  if (hit && !others.length) return hit;
  if (hits.length > 1)
    throw new UsageError(
      `playtest session '${ref}' is ambiguous (${hits.length} match)`,
      'type more characters of the id',
    );
  throw new UnknownSessionError(ref);
}

export interface RestorePlaytestOptions {
  vault: Vault;
  session: string;
  /** target folder (default: the project folder, files at their saved paths) */
  to?: string;
  /** overwrite files that differ */
  force?: boolean;
}

export interface RestorePlaytestResult {
  readonly session: string;
  readonly target: string;
  readonly files: number;
  readonly bytes: number;
  /** files already identical, left alone */
  readonly unchanged: number;
}

const parentOf = (rel: string) => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');

/**
 * Write a session's files back, byte-identical, streamed. Every path is
 * checked again (each part a name a tree may hold: no `..`, `.vault`, `.git`
 * or its aliases), every folder on the way below the target is lstat'ed (a
 * symlink or a file there refuses the restore) and made one at a time, never
 * followed; files that exist with other content are refused (before anything
 * is written) unless forced.
 */
export async function restorePlaytest(opts: RestorePlaytestOptions): Promise<RestorePlaytestResult> {
  const { vault } = opts;
  const { fs } = vault;
  const s = await findSession(vault, opts.session);
  let to = vault.workTree;
  if (opts.to) to = posix.isAbsolute(opts.to) ? opts.to : posix.join(vault.workTree, opts.to);
  const target = posix.normalize(to);
  const chunker = chunkerFromConfig(vault.config.chunker);
  const buffer = new ReadBuffer(4 * 1024 * 1024);
  const plan: { e: RecordFile; abs: string; same: boolean }[] = [];
  const conflicts: string[] = [];
  /** each folder on the way must be a real folder (or missing); with create, missing ones are made */
  const checkDirs = async (rel: string, create: boolean) => {
    const p = await realFolders(fs, target, parentOf(rel), { create });
    if (p) throw new UnsafePathError(rel, `${p.path} ${p.why}`);
  };
  for (const e of s.stored) {
    const bad = badRecordPath(e.path);
    if (bad) throw new UnsafePathError(e.path, bad);
    await checkDirs(e.path, false);
    const abs = posix.join(target, e.path);
    const st = await fs.lstat(abs).catch((err) => {
      if (isNotFound(err)) return null;
      throw fsError(err, 'stat', abs);
    });
    let same = false;
    if (st) {
      if (!st.isFile()) throw new UnsafePathError(e.path, 'something other than a file is in the way');
      if (Number(st.size) === e.size) {
        const h = await storeFile({
          fs,
          path: abs,
          plan: (size, head) => planFile(chunker, e.path, size, head),
          sink: null,
          buffer,
        });
        same = h.id === e.id;
      }
      if (!same) conflicts.push(e.path);
    }
    plan.push({ e, abs, same });
  }
  if (conflicts.length && !opts.force) throw new SessionOverwriteError(conflicts);
  let bytes = 0;
  let unchanged = 0;
  if (plan.some((p) => !p.same))
    await fs.mkdir(target, { recursive: true }).catch((e) => {
      throw fsError(e, 'mkdir', target);
    });
  for (const p of plan) {
    if (p.same) {
      unchanged++;
      continue;
    }
    await checkDirs(p.e.path, true);
    bytes += await writeStoredFileAtomic(vault.fs, vault.db, p.e, p.abs);
  }
  return { session: s.id, target, files: plan.length, bytes, unchanged };
}
