import { nodeCrypto } from '../../builtins.js';
import { MalformedObjectError, UsageError, fsError } from '../../errors.js';
import { hashObject } from '../../objects/hashObject.js';
import { decodeSnapshot, encodeSnapshot } from '../../objects/snapshot.js';
import { badEntryName } from '../../objects/tree.js';
import type { ObjectId } from '../../objects/types.js';
import { chunkerFromConfig, planFile } from '../../plumbing/chunkers/index.js';
import { acquireLock } from '../../plumbing/lock.js';
import type { ObjectWriter } from '../../plumbing/ObjectWriter.js';
import { ReadBuffer, storeFile } from '../../plumbing/storeFile.js';
import { flattenTree, writeTrees, type FlatEntry } from '../../plumbing/trees.js';
import { autoGc } from '../../porcelain/gc.js';
import type { Vault } from '../../porcelain/openVault.js';
import { readRef, updateRef } from '../../refs/refs.js';
import { byCodeUnits } from '../../compare.js';

/**
 * Game records: builds, playtest feedback and playtest sessions, kept in the
 * vault as objects, like git notes. Each kind has one ref
 * (`refs/notes/game/builds`, `.../feedback`, `.../playtests`) pointing at a
 * records snapshot: its tree holds one folder per record, `<id>/record.json`
 * plus the record's files under `<id>/files/...` (build artifacts, session
 * recordings: stored streamed and chunked like project files, so they dedup
 * against the project and earlier builds). Records without files that come
 * in thousands (feedback) are grouped instead: one JSON Lines file per group
 * (`<group>.jsonl`, a line per record, sorted by id), so reading them all
 * costs a read per group, not per record. Its parents are the previous
 * records snapshot and the project snapshot(s) the new records refer to, so
 * verify, gc and prune keep every record and the snapshots they name. Its meta
 * says `vault.annotation=game-records`. `vault log` walks HEAD's history only,
 * so records never show up there.
 */
export const RECORD_KINDS = ['builds', 'feedback', 'playtests'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function recordRef(kind: RecordKind): string {
  return `refs/notes/game/${kind}`;
}

/** A file to store with a record: `path` inside the record's files/ folder, `abs` where it is on disk. */
export interface RecordFileSource {
  readonly path: string;
  readonly abs: string;
}

export interface NewRecord<T> {
  readonly id: string;
  readonly data: T;
  readonly files?: readonly RecordFileSource[];
}

/** A stored file of a record (`path` relative to its files/ folder). */
export type RecordFile = FlatEntry;

export interface StoredRecord<T> {
  readonly id: string;
  readonly data: T;
  readonly files: readonly RecordFile[];
}

/** A short stable id for a record: the first 12 hex digits of SHA-256 over its identifying JSON. */
export function recordId(identity: unknown): string {
  return nodeCrypto().createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 12);
}

/** Why a path cannot name a record's file (null when it can): each part must be a name a tree may hold. */
export function badRecordPath(p: string): string | null {
  if (typeof p !== 'string' || !p) return 'empty path';
  const parts = p.split('/');
  for (let i = 0; i < parts.length; i++) {
    const why = badEntryName(parts[i]!, i === parts.length - 1 ? 'file' : 'dir');
    if (why) return `'${parts[i]}' ${why}`;
  }
  return null;
}

/** Checks a path for a record's files: forward slashes, no empty, `.`, `..`, `.vault` or `.git` parts. */
export function checkRecordPath(p: string): string {
  const why = badRecordPath(p);
  if (why)
    throw new UsageError(
      `'${p}' cannot be stored in a record: ${why}`,
      'name files inside the project or give plain file names',
    );
  return p;
}

export interface AddRecordsResult {
  /** ids stored now */
  readonly added: readonly string[];
  /** ids that were stored already (same identity): left as they were */
  readonly existing: readonly string[];
  /** the new records snapshot (null when nothing was added) */
  readonly snapshot: ObjectId | null;
  /** bytes of record files read */
  readonly bytes: number;
  /** objects this write stored that the vault did not have, their raw size and their size on disk */
  readonly newObjects: number;
  readonly newBytesRaw: number;
  readonly newBytesStored: number;
}

export interface AddRecordsOptions<T> {
  vault: Vault;
  kind: RecordKind;
  records: readonly NewRecord<T>[];
  /** store records (without files) as lines of `<group>.jsonl` instead of `<id>/record.json` */
  group?: (data: T) => string;
  /** project snapshots the records refer to: kept as parents so gc/prune keep them */
  keep?: readonly ObjectId[];
  message: string;
  /** seconds to wait for the vault lock */
  lockWait?: number;
  /** bytes of record files read so far */
  onBytes?: (n: number) => void;
}

/**
 * Store records under the vault lock: write their files and JSON, a new
 * records tree and snapshot, then move the kind's ref with compare-and-swap.
 * Records whose id is already stored are skipped (import is idempotent).
 * Nothing is referenced until the ref moves, so a failure leaves the records
 * as they were.
 */
export async function addRecords<T>(opts: AddRecordsOptions<T>): Promise<AddRecordsResult> {
  const { vault, kind } = opts;
  const ref = recordRef(kind);
  const release = await acquireLock({
    fs: vault.fs,
    path: vault.db.paths.lock,
    command: `game ${kind}`,
    wait: opts.lockWait,
    clock: vault.clock,
  });
  let writer: ObjectWriter | null = null;
  try {
    const old = await readRef(vault.refs, ref);
    const entries = new Map<string, FlatEntry>();
    if (old) {
      const snap = decodeSnapshot(await vault.db.readTyped(old, 'snapshot'), old);
      for (const [p, e] of await flattenTree(vault.db, snap.tree)) if (e.kind !== 'dir') entries.set(p, e);
    }
    const added: string[] = [];
    const existing: string[] = [];
    writer = vault.db.writer();
    const chunker = chunkerFromConfig(vault.config.chunker);
    const buffer = new ReadBuffer(4 * 1024 * 1024);
    let bytes = 0;
    /** grouped records: the lines of each group file touched, by id */
    const groups = new Map<string, Map<string, string>>();
    const groupOf = async (g: string): Promise<Map<string, string>> => {
      let m = groups.get(g);
      if (m) return m;
      m = new Map();
      const e = entries.get(`${g}.jsonl`);
      if (e && e.obj === 'blob')
        for (const line of (await vault.db.readTyped(e.id, 'blob')).toString('utf8').split('\n'))
          if (line) m.set(String(JSON.parse(line).id), line);
      groups.set(g, m);
      return m;
    };
    for (const r of opts.records) {
      if (!NAME.test(r.id)) throw new UsageError(`bad record id '${r.id}'`);
      if (opts.group) {
        const g = opts.group(r.data);
        if (!NAME.test(g)) throw new UsageError(`bad record group '${g}'`);
        if (r.files?.length) throw new UsageError('grouped records cannot have files');
        const m = await groupOf(g);
        if (m.has(r.id)) existing.push(r.id);
        else {
          m.set(r.id, JSON.stringify({ ...r.data, id: r.id }));
          added.push(r.id);
        }
        continue;
      }
      if (entries.has(`${r.id}/record.json`) || added.includes(r.id)) {
        existing.push(r.id);
        continue;
      }
      for (const f of r.files ?? []) {
        const path = `${r.id}/files/${checkRecordPath(f.path)}`;
        const st = await vault.fs.lstat(f.abs).catch((e) => {
          throw fsError(e, 'stat', f.abs);
        });
        if (!st.isFile())
          throw new UsageError(
            `${f.abs} is not a regular file`,
            'name files (folders are walked; symlinks are not followed)',
          );
        const stored = await storeFile({
          fs: vault.fs,
          path: f.abs,
          plan: (size, head) => planFile(chunker, f.path, size, head),
          sink: writer,
          buffer,
          onBytes: (n) => {
            bytes += n;
            opts.onBytes?.(bytes);
          },
        });
        entries.set(path, {
          path,
          kind: 'file',
          size: stored.size,
          mtime: Math.floor(Number(st.mtimeMs)),
          obj: stored.obj,
          id: stored.id,
        });
      }
      const json = Buffer.from(`${JSON.stringify(r.data, null, 2)}\n`, 'utf8');
      const id = hashObject('blob', json);
      if (!(await writer.known(id))) await writer.put('blob', json, { id, compress: true });
      entries.set(`${r.id}/record.json`, {
        path: `${r.id}/record.json`,
        kind: 'file',
        size: json.length,
        mtime: 0,
        obj: 'blob',
        id,
      });
      added.push(r.id);
    }
    if (!added.length) {
      await writer.abort();
      return { added, existing, snapshot: null, bytes, newObjects: 0, newBytesRaw: 0, newBytesStored: 0 };
    }
    for (const [g, m] of groups) {
      const body = Buffer.from(
        [...m]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([, line]) => `${line}\n`)
          .join(''),
        'utf8',
      );
      const id = hashObject('blob', body);
      if (!(await writer.known(id))) await writer.put('blob', body, { id, compress: true });
      entries.set(`${g}.jsonl`, { path: `${g}.jsonl`, kind: 'file', size: body.length, mtime: 0, obj: 'blob', id });
    }
    const tree = await writeTrees(entries.values(), writer);
    const parents = [...new Set([...(old ? [old] : []), ...(opts.keep ?? [])])];
    const time = vault.clock();
    const body = encodeSnapshot({
      tree,
      parents,
      author: vault.author,
      time,
      message: opts.message,
      meta: { 'vault.annotation': 'game-records', 'game.records': kind },
    });
    const snapshot = hashObject('snapshot', body);
    await writer.put('snapshot', body, { id: snapshot, compress: true });
    const stats = await writer.flush();
    writer = null;
    await updateRef({
      ...vault.refs,
      ref,
      value: snapshot,
      expected: old,
      message: opts.message,
      author: vault.author,
      time,
    });
    await autoGc(vault); // small packs pile up with many small record writes; never fails the write
    const news = { newObjects: stats.objects, newBytesRaw: stats.rawBytes, newBytesStored: stats.storedBytes };
    return { added, existing, snapshot, bytes, ...news };
  } catch (e) {
    await writer?.abort();
    throw e;
  } finally {
    await release();
  }
}

/** Every record of a kind, in id order. A record whose JSON does not parse is reported as malformed. */
export async function readRecords<T>(vault: Vault, kind: RecordKind): Promise<StoredRecord<T>[]> {
  const head = await readRef(vault.refs, recordRef(kind));
  if (!head) return [];
  const snap = decodeSnapshot(await vault.db.readTyped(head, 'snapshot'), head);
  const files = new Map<string, RecordFile[]>();
  const json = new Map<string, FlatEntry>();
  const out: StoredRecord<T>[] = [];
  for (const [p, e] of await flattenTree(vault.db, snap.tree)) {
    if (e.kind === 'dir') continue;
    if (!p.includes('/') && p.endsWith('.jsonl') && e.obj === 'blob') {
      const lines = (await vault.db.readTyped(e.id, 'blob')).toString('utf8').split('\n');
      lines.forEach((line, n) => {
        if (!line) return;
        let data: T & { id?: unknown };
        try {
          data = JSON.parse(line) as T & { id?: unknown };
        } catch (err) {
          throw new MalformedObjectError('game record', `${kind} ${p} line ${n + 1}: ${(err as Error).message}`, e.id);
        }
        out.push({ id: String(data.id), data, files: [] });
      });
      continue;
    }
    const i = p.indexOf('/');
    const id = p.slice(0, i);
    const rest = p.slice(i + 1);
    if (rest === 'record.json') json.set(id, e);
    else if (rest.startsWith('files/')) {
      const list = files.get(id) ?? [];
      list.push({ ...e, path: rest.slice('files/'.length) });
      files.set(id, list);
    }
  }
  for (const [id, e] of json) {
    if (e.obj !== 'blob') throw new MalformedObjectError('game record', `${id}/record.json is not a blob`, e.id);
    let data: T;
    try {
      data = JSON.parse((await vault.db.readTyped(e.id, 'blob')).toString('utf8')) as T;
    } catch (err) {
      throw new MalformedObjectError('game record', `${kind} ${id}: ${(err as Error).message}`, e.id);
    }
    out.push({ id, data, files: files.get(id) ?? [] });
  }
  return out.sort((a, b) => byCodeUnits(a.id, b.id));
}
