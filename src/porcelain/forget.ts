import { InvalidRefError, UsageError } from '../errors.js';
import { hashObject } from '../objects/hashObject.js';
import { decodeSnapshot, encodeSnapshot } from '../objects/snapshot.js';
import type { ObjectId, Snapshot } from '../objects/types.js';
import { acquireLock } from '../plumbing/lock.js';
import { refCandidates } from '../refs/revParse.js';
import { listRefs, readHead, readRef, updateRef } from '../refs/refs.js';
import type { Vault } from './openVault.js';
import { shallowSnapshots } from './sync/shallow.js';

/** restic's retention policy. Counts are snapshots to keep; `withinMs` keeps everything that recent. */
export interface KeepPolicy {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** keep every snapshot younger than this (ms), counted back from the newest snapshot */
  withinMs?: number;
}

export interface ForgetOptions {
  vault: Vault;
  policy: KeepPolicy;
  /** the branch to thin out (default: the branch HEAD is on) */
  ref?: string;
  /** only report what would happen */
  dryRun?: boolean;
  /** milestones or tags (short or full names) whose protection is lifted: the refs are deleted */
  dropRefs?: readonly string[];
  lockWait?: number;
}

export interface ForgetEntry {
  readonly id: ObjectId;
  readonly time: number;
  readonly message: string;
  readonly keep: boolean;
  /** why it is kept: "last", "daily 2024-05-01", "milestone alpha", "branch tip"... */
  readonly reasons: string[];
}

export interface ForgetResult {
  readonly ref: string;
  readonly oldTip: ObjectId | null;
  readonly newTip: ObjectId | null;
  /** every snapshot on the branch's first-parent chain, newest first */
  readonly snapshots: ForgetEntry[];
  readonly kept: number;
  readonly forgotten: number;
  /** kept snapshots that were re-written onto the thinned chain (old id -> new id) */
  readonly rewritten: { old: ObjectId; new: ObjectId }[];
  /** milestones/tags moved to the rewritten copy of their snapshot */
  readonly movedRefs: { ref: string; old: ObjectId; new: ObjectId }[];
  readonly droppedRefs: string[];
  readonly dryRun: boolean;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** ISO-8601 week of a UTC date, as "YYYY-Www". */
function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y0 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((t.getTime() - y0.getTime()) / 86400e3 + 1) / 7);
  return `${t.getUTCFullYear()}-W${pad(week)}`;
}

const BUCKETS: [keyof KeepPolicy, string, (d: Date) => string][] = [
  [
    'hourly',
    'hourly',
    (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}`,
  ],
  ['daily', 'daily', (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`],
  ['weekly', 'weekly', isoWeek],
  ['monthly', 'monthly', (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`],
  ['yearly', 'yearly', (d) => `${d.getUTCFullYear()}`],
];

export function policyIsEmpty(p: KeepPolicy): boolean {
  return p.last === undefined && p.withinMs === undefined && BUCKETS.every(([k]) => p[k] === undefined);
}

/**
 * restic's rules, on snapshots sorted newest first: --keep-last N keeps the N
 * newest; --keep-daily N keeps the newest snapshot of each of the N most
 * recent days that have one (likewise hourly/weekly/monthly/yearly, UTC
 * calendar); --keep-within D keeps everything within D of the newest snapshot.
 * A snapshot is kept when any rule keeps it. Returns the reasons per index.
 */
export function applyPolicy(snaps: readonly { time: number }[], policy: KeepPolicy): string[][] {
  const rows = snaps.map((s) => ({ time: s.time, reasons: [] as string[] }));
  if (policy.last !== undefined) for (const r of rows.slice(0, Math.max(0, policy.last))) r.reasons.push('last');
  for (const [key, label, bucket] of BUCKETS) {
    let left = policy[key] as number | undefined;
    if (left === undefined) continue;
    let lastBucket: string | null = null;
    for (const r of rows) {
      if (left <= 0) break;
      const b = bucket(new Date(r.time));
      if (b === lastBucket) continue;
      lastBucket = b;
      r.reasons.push(`${label} ${b}`);
      left--;
    }
  }
  const { withinMs } = policy;
  if (withinMs !== undefined && rows.length) {
    const newest = Math.max(...rows.map((r) => r.time));
    for (const r of rows) if (newest - r.time <= withinMs) r.reasons.push('within');
  }
  return rows.map((r) => r.reasons);
}

/**
 * Thin out a branch's history. Snapshots form a parent chain, so forgetting
 * one in the middle means re-writing the chain: every kept snapshot newer than
 * the oldest forgotten one is written again with the same tree, author, time,
 * message and meta, plus `meta.original` (the id it had first), parented on
 * the previous kept one; kept snapshots below the first gap keep their ids.
 * The new snapshots are durable before the branch moves (compare-and-swap);
 * milestones and tags on the chain are always kept and then moved to their
 * rewritten copy. Nothing is deleted here: `vault prune` removes what no ref
 * (and no recent reflog entry) reaches any more.
 */
export async function forget(opts: ForgetOptions): Promise<ForgetResult> {
  const { vault } = opts;
  if (policyIsEmpty(opts.policy))
    throw new UsageError(
      'no policy given: nothing would be kept, so nothing is forgotten',
      'pass at least one of --keep-last, --keep-hourly, --keep-daily, ' +
        '--keep-weekly, --keep-monthly, --keep-yearly, --keep-within',
    );
  const release = opts.dryRun
    ? null
    : await acquireLock({
        fs: vault.fs,
        path: vault.db.paths.lock,
        command: 'forget',
        wait: opts.lockWait,
        clock: vault.clock,
      });
  try {
    const named = opts.ref && (opts.ref.startsWith('refs/') ? opts.ref : `refs/heads/${opts.ref}`);
    const ref = named || (await readHead(vault.refs)).ref;
    if (!ref || !ref.startsWith('refs/heads/'))
      throw new InvalidRefError(ref ?? 'HEAD', 'forget works on a branch (refs/heads/NAME); HEAD is detached');
    const tip = await readRef(vault.refs, ref);
    const empty: ForgetResult = {
      ref,
      oldTip: tip,
      newTip: tip,
      snapshots: [],
      kept: 0,
      forgotten: 0,
      rewritten: [],
      movedRefs: [],
      droppedRefs: [],
      dryRun: !!opts.dryRun,
    };
    if (!tip) return empty;

    // refs whose protection is lifted
    const dropped: string[] = [];
    const allRefs = await listRefs(vault.refs, 'refs/');
    for (const name of opts.dropRefs ?? []) {
      const full = refCandidates(name).find(
        (r) => (r.startsWith('refs/milestones/') || r.startsWith('refs/tags/')) && allRefs.has(r),
      );
      if (!full) throw new InvalidRefError(name, 'no such milestone or tag (only those can be dropped)');
      dropped.push(full);
    }

    // the first-parent chain, newest first; in a shallow clone it ends at the boundary (the parents beyond
    // were never fetched), and the boundary snapshot is kept: forgetting it would cut the branch off from
    // the history a later `fetch --deepen` brings
    const boundary = await shallowSnapshots(vault.fs, vault.vaultDir);
    const chain: { id: ObjectId; snap: Snapshot }[] = [];
    const onChain = new Set<string>();
    for (let id: ObjectId | undefined = tip; id && !onChain.has(id);) {
      const snap = decodeSnapshot(await vault.db.readTyped(id, 'snapshot'), id);
      chain.push({ id, snap });
      onChain.add(id);
      id = boundary.has(id) ? undefined : snap.parents[0];
    }
    const reasons = applyPolicy(
      chain.map((c) => ({ time: c.snap.time })),
      opts.policy,
    );
    // one list of reasons per snapshot of the chain, which starts at the tip
    const entries = chain.map((c, i) => ({ ...c, reasons: reasons[i] ?? [] }));
    entries[0]?.reasons.push('branch tip');
    const protectedRefs = [...allRefs].filter(
      ([r, id]) =>
        (r.startsWith('refs/milestones/') || r.startsWith('refs/tags/')) && onChain.has(id) && !dropped.includes(r),
    );
    for (const e of entries) if (boundary.has(e.id)) e.reasons.push('shallow boundary');
    for (const e of entries)
      for (const [r, id] of protectedRefs)
        if (id === e.id)
          e.reasons.push(`${r.split('/')[1] === 'tags' ? 'tag' : 'milestone'} ${r.split('/').slice(2).join('/')}`);
    const snapshots: ForgetEntry[] = entries.map((e) => ({
      id: e.id,
      time: e.snap.time,
      message: e.snap.message,
      keep: e.reasons.length > 0,
      reasons: e.reasons,
    }));
    const kept = snapshots.filter((s) => s.keep).length;
    const result = { ...empty, snapshots, kept, forgotten: snapshots.length - kept, droppedRefs: dropped };

    // the re-written chain, oldest first
    const rewritten: { old: ObjectId; new: ObjectId }[] = [];
    const bodies: { id: ObjectId; body: Buffer }[] = [];
    let prev: ObjectId | null = null;
    for (const { id, snap, reasons: why } of [...entries].reverse()) {
      if (!why.length) continue; // forgotten
      // the shallow boundary (always kept, always the oldest here) keeps the parents this vault never fetched
      let parents = prev ? [prev, ...snap.parents.slice(1)] : snap.parents.slice(1);
      if (boundary.has(id)) parents = [...snap.parents];
      if (parents.length === snap.parents.length && parents.every((p, k) => p === snap.parents[k])) {
        prev = id;
        continue;
      }
      const body = encodeSnapshot({ ...snap, parents, meta: { ...snap.meta, original: snap.meta.original ?? id } });
      const nid = hashObject('snapshot', body);
      bodies.push({ id: nid, body });
      rewritten.push({ old: id, new: nid });
      prev = nid;
    }
    const newTip = prev;
    const map = new Map(rewritten.map((r) => [r.old, r.new]));
    const movedRefs = protectedRefs
      .filter(([, id]) => map.has(id))
      .map(([r, id]) => ({ ref: r, old: id, new: map.get(id)! }));
    if (opts.dryRun || (newTip === tip && !dropped.length))
      return { ...result, newTip, rewritten, movedRefs, dryRun: !!opts.dryRun };

    // durable first, then the refs
    const writer = vault.db.writer();
    try {
      for (const b of bodies) await writer.put('snapshot', b.body, { id: b.id });
      await writer.flush();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    const base = { ...vault.refs, author: vault.author, time: vault.clock() };
    const msg = `forget: kept ${kept} of ${snapshots.length} snapshots`;
    for (const r of dropped)
      await updateRef({
        ...base,
        ref: r,
        value: null,
        expected: allRefs.get(r)!,
        message: `forget: protection lifted`,
      });
    if (newTip !== tip) await updateRef({ ...base, ref, value: newTip, expected: tip, message: msg });
    for (const m of movedRefs)
      await updateRef({
        ...base,
        ref: m.ref,
        value: m.new,
        expected: m.old,
        message: `${msg} (moved to the rewritten snapshot)`,
      });
    return { ...result, newTip, rewritten, movedRefs };
  } finally {
    await release?.();
  }
}
