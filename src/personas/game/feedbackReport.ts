import { VaultError } from '../../errors.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import type { ObjectId } from '../../objects/types.js';
import { diff } from '../../porcelain/diff.js';
import type { Change } from '../../porcelain/diffTrees.js';
import type { Vault } from '../../porcelain/openVault.js';
import { readRef } from '../../refs/refs.js';
import { bundlesOfPaths } from './bundles.js';
import { listBuilds, type Build } from './builds.js';
import { changeRows, type ChangeRow } from './changeRows.js';
import { listFeedback, type Feedback } from './feedback.js';
import { annotationTarget } from './milestones.js';
import { snapshotFiles } from './projectConfig.js';

/**
 * The feedback report: per build, the rating average and spread (population
 * standard deviation) and tag counts; and for each build whose average
 * rating dropped or whose crash-tagged feedback rose against the previous
 * build of the same platform (in history order: by the depth of the build's
 * snapshot, then build time; among builds with feedback),
 * what changed between the two builds' snapshots, grouped by top-level folder
 * and by bundle: the candidates to look at first.
 */
export interface BuildStats {
  readonly build: string;
  readonly version: string;
  readonly platform: string;
  readonly snapshot: ObjectId;
  readonly time: number;
  readonly count: number;
  /** null without feedback */
  readonly average: number | null;
  readonly stddev: number | null;
  readonly tags: Readonly<Record<string, number>>;
  /** feedback tagged crash */
  readonly crashes: number;
}

export interface ChangedFile {
  readonly path: string;
  readonly kind: Change['kind'];
  readonly from?: string;
  readonly oldSize?: number;
  readonly newSize?: number;
  readonly bundles: readonly string[];
}

export interface ChangeGroup {
  readonly name: string;
  readonly files: number;
  /** size of the new versions of added/modified/renamed files */
  readonly bytes: number;
  readonly paths: readonly string[];
}

export interface Regression {
  readonly build: string;
  readonly previous: string;
  readonly label: string;
  readonly previousLabel: string;
  readonly reasons: readonly string[];
  readonly ratingDelta: number;
  readonly crashDelta: number;
  /** every changed file (the same list as a recursive diff of the two snapshots) */
  readonly changes: readonly ChangedFile[];
  /** the changes as rows: sidecars (.import, .uid, .meta) with their file, scripts and scenes first */
  readonly rows: readonly ChangeRow[];
  readonly byFolder: readonly ChangeGroup[];
  /** by the newer snapshot's bundle declarations; files in no bundle under "(no bundle)" */
  readonly byBundle: readonly ChangeGroup[];
}

export interface FeedbackReport {
  readonly since: { readonly milestone: string; readonly snapshot: ObjectId } | null;
  readonly builds: readonly BuildStats[];
  readonly regressions: readonly Regression[];
}

const round = (x: number) => Math.round(x * 100) / 100;

export function buildStats(b: Build, fb: readonly Feedback[]): BuildStats {
  const ratings = fb.map((f) => f.rating);
  const n = ratings.length;
  const avg = n ? ratings.reduce((s, r) => s + r, 0) / n : null;
  const sd = n && avg !== null ? Math.sqrt(ratings.reduce((s, r) => s + (r - avg) ** 2, 0) / n) : null;
  const tags: Record<string, number> = {};
  for (const f of fb) for (const t of f.tags) tags[t] = (tags[t] ?? 0) + 1;
  return {
    build: b.id,
    version: b.version,
    platform: b.platform,
    snapshot: b.snapshot,
    time: b.time,
    count: n,
    average: avg === null ? null : round(avg),
    stddev: sd === null ? null : round(sd),
    tags: Object.fromEntries(Object.entries(tags).sort(([a], [c]) => (a < c ? -1 : 1))),
    crashes: tags.crash ?? 0,
  };
}

/** Is `ancestor` the snapshot `id` or reachable from it through parents? */
async function descends(
  vault: Vault,
  id: ObjectId,
  ancestor: ObjectId,
  cache: Map<ObjectId, boolean>,
): Promise<boolean> {
  const stack = [id];
  const seen = new Set<ObjectId>();
  while (stack.length) {
    const x = stack.pop()!;
    if (x === ancestor) return true;
    if (seen.has(x)) continue;
    seen.add(x);
    if (cache.has(x)) {
      if (cache.get(x)) return true;
      continue;
    }
    const s = decodeSnapshot(await vault.db.readTyped(x, 'snapshot'), x);
    stack.push(...s.parents);
  }
  for (const x of seen) cache.set(x, false);
  return false;
}

/** Each snapshot's first-parent depth (0 for a root), memoized along the way. */
async function generations(vault: Vault, ids: readonly ObjectId[]): Promise<Map<ObjectId, number>> {
  const depth = new Map<ObjectId, number>();
  for (const start of ids) {
    const chain: ObjectId[] = [];
    let x: ObjectId | undefined = start;
    while (x && !depth.has(x)) {
      chain.push(x);
      x = decodeSnapshot(await vault.db.readTyped(x, 'snapshot'), x).parents[0];
    }
    let d = x ? depth.get(x)! : -1;
    for (const id of chain.reverse()) depth.set(id, ++d);
  }
  return depth;
}

function groups(changes: readonly ChangedFile[], key: (c: ChangedFile) => string[]): ChangeGroup[] {
  const m = new Map<string, ChangedFile[]>();
  for (const c of changes) for (const k of key(c)) m.set(k, [...(m.get(k) ?? []), c]);
  return [...m]
    .map(([name, list]) => ({
      name,
      files: list.length,
      bytes: list.reduce((s, c) => s + (c.newSize ?? 0), 0),
      paths: list.map((c) => c.path),
    }))
    .sort((a, b) => b.files - a.files || (a.name < b.name ? -1 : 1));
}

async function changesBetween(
  vault: Vault,
  a: Build,
  b: Build,
): Promise<Pick<Regression, 'changes' | 'rows' | 'byFolder' | 'byBundle'>> {
  const d = await diff({ vault, a: { kind: 'snapshot', rev: a.snapshot }, b: { kind: 'snapshot', rev: b.snapshot } });
  const all = [...d.added, ...d.modified, ...d.deleted, ...d.renamed].sort((x, y) => (x.path < y.path ? -1 : 1));
  const bundleOf = await bundlesOfPaths(
    vault,
    await snapshotFiles(vault, b.snapshot),
    all.map((c) => c.path),
  );
  const changes: ChangedFile[] = all.map((c) => ({
    path: c.path,
    kind: c.kind,
    ...(c.from ? { from: c.from } : {}),
    ...(c.oldSize !== undefined ? { oldSize: c.oldSize } : {}),
    ...(c.newSize !== undefined ? { newSize: c.newSize } : {}),
    bundles: bundleOf.get(c.path) ?? [],
  }));
  return {
    changes,
    rows: changeRows(changes),
    byFolder: groups(changes, (c) => [
      c.path.includes('/') ? `${c.path.slice(0, c.path.indexOf('/'))}/` : '(project root)',
    ]),
    byBundle: groups(changes, (c) => (c.bundles.length ? [...c.bundles] : ['(no bundle)'])),
  };
}

export async function feedbackReport(opts: { vault: Vault; since?: string }): Promise<FeedbackReport> {
  const { vault } = opts;
  const builds = await listBuilds({ vault });
  const feedback = await listFeedback({ vault });
  const byBuild = new Map<string, Feedback[]>();
  for (const f of feedback) byBuild.set(f.build, [...(byBuild.get(f.build) ?? []), f]);
  let since: FeedbackReport['since'] = null;
  let inRange = (_b: Build) => Promise.resolve(true);
  if (opts.since) {
    const ref = `refs/milestones/${opts.since}`;
    const ann = await readRef(vault.refs, ref);
    if (!ann)
      throw new VaultError('ENOREF', `no milestone named '${opts.since}'`, { ref }, "run 'vault milestone list'");
    const s = decodeSnapshot(await vault.db.readTyped(ann, 'snapshot'), ann);
    const marked = annotationTarget(s) ?? ann;
    since = { milestone: opts.since, snapshot: marked };
    const cache = new Map<ObjectId, boolean>();
    // after the milestone: made from a snapshot that descends from it, and not the milestone's snapshot itself
    inRange = async (b) => b.snapshot !== marked && (await descends(vault, b.snapshot, marked, cache));
  }
  const stats: BuildStats[] = [];
  const regressions: Regression[] = [];
  const lastWithFeedback = new Map<string, { build: Build; stats: BuildStats }>();
  // history order, not clock order: a build made from later history comes later even when the clocks
  // of the machines that recorded them disagree (time breaks ties between builds of one snapshot)
  const gen = await generations(
    vault,
    builds.map((b) => b.snapshot),
  );
  const ordered = [...builds].sort(
    (a, b) => gen.get(a.snapshot)! - gen.get(b.snapshot)! || a.time - b.time || (a.id < b.id ? -1 : 1),
  );
  for (const b of ordered) {
    const st = buildStats(b, byBuild.get(b.id) ?? []);
    const wanted = await inRange(b);
    if (wanted) stats.push(st);
    if (!st.count) continue;
    const prev = lastWithFeedback.get(b.platform);
    lastWithFeedback.set(b.platform, { build: b, stats: st });
    if (!prev || !wanted) continue;
    const ratingDelta = round(st.average! - prev.stats.average!);
    const crashDelta = st.crashes - prev.stats.crashes;
    const reasons: string[] = [];
    if (ratingDelta < 0) reasons.push(`average rating ${prev.stats.average} -> ${st.average}`);
    if (crashDelta > 0) reasons.push(`crash reports ${prev.stats.crashes} -> ${st.crashes}`);
    if (!reasons.length) continue;
    regressions.push({
      build: b.id,
      previous: prev.build.id,
      label: `${b.version}@${b.platform}`,
      previousLabel: `${prev.build.version}@${prev.build.platform}`,
      reasons,
      ratingDelta,
      crashDelta,
      ...(await changesBetween(vault, prev.build, b)),
    });
  }
  return { since, builds: stats, regressions };
}
