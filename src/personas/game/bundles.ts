import { nodeCrypto } from '../../builtins.js';
import ignore from 'ignore';
import type { ObjectId } from '../../objects/types.js';
import type { FlatEntry } from '../../plumbing/trees.js';
import type { Vault } from '../../porcelain/openVault.js';
import { UsageError } from '../../errors.js';
import { MissingGameConfigError } from './errors.js';
import {
  GAME_CONFIG_PATH,
  readGameConfig,
  snapshotFiles,
  type BundleDecl,
  type SnapshotFiles,
} from './projectConfig.js';
import { byCodeUnits } from '../../compare.js';

/**
 * Asset bundles: named sets of project files (what players download as one
 * piece), declared in vault-game.yaml with include/exclude patterns in
 * .gitignore syntax (the `ignore` package: `Assets/Core/` is a folder and all
 * under it, `*.png` matches at any depth, `**` crosses folders, `!x` re-includes).
 * Per snapshot each bundle has a file count, a total size and a content hash
 * (SHA-256 over its sorted `path NUL object-id` lines): the same hash means
 * players download nothing new.
 */
export interface BundleStats {
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  readonly hash: string;
}

export interface BundlesReport {
  readonly snapshot: ObjectId;
  readonly bundles: readonly BundleStats[];
  /** project files in no bundle (vault-game.yaml itself left out) */
  readonly unbundled: { readonly files: number; readonly bytes: number; readonly paths: readonly string[] };
}

export type Matcher = (path: string) => boolean;

export function bundleMatcher(decl: BundleDecl): Matcher {
  const inc = ignore().add([...decl.include]);
  const exc = ignore().add([...decl.exclude]);
  return (p) => inc.ignores(p) && !exc.ignores(p);
}

export function bundleMatchers(bundles: Readonly<Record<string, BundleDecl>>): Map<string, Matcher> {
  return new Map(
    Object.keys(bundles)
      .sort()
      .map((n) => [n, bundleMatcher(bundles[n]!)]), // n is one of its keys
  );
}

export function contentHash(entries: readonly FlatEntry[]): string {
  const h = nodeCrypto().createHash('sha256');
  for (const e of [...entries].sort((a, b) => byCodeUnits(a.path, b.path))) h.update(`${e.path}\0${e.id}\n`);
  return h.digest('hex');
}

async function declared(vault: Vault, snap: SnapshotFiles): Promise<Map<string, Matcher>> {
  const cfg = await readGameConfig(vault, snap);
  if (!cfg.bundles) throw new MissingGameConfigError(GAME_CONFIG_PATH, 'bundles', snap.id);
  return bundleMatchers(cfg.bundles);
}

/** Each bundle's members in a snapshot. */
function members(snap: SnapshotFiles, matchers: Map<string, Matcher>): Map<string, FlatEntry[]> {
  const out = new Map<string, FlatEntry[]>([...matchers.keys()].map((n) => [n, []]));
  for (const e of snap.files.values()) for (const [n, m] of matchers) if (m(e.path)) out.get(n)!.push(e);
  return out;
}

function stats(name: string, entries: readonly FlatEntry[]): BundleStats {
  return { name, files: entries.length, bytes: entries.reduce((s, e) => s + e.size, 0), hash: contentHash(entries) };
}

/** Bundle stats of a snapshot (default HEAD), and the files in no bundle. */
export async function bundles(opts: { vault: Vault; snapshot?: string }): Promise<BundlesReport> {
  const snap = await snapshotFiles(opts.vault, opts.snapshot ?? 'HEAD');
  const matchers = await declared(opts.vault, snap);
  const m = members(snap, matchers);
  const inSome = new Set<string>();
  for (const list of m.values()) for (const e of list) inSome.add(e.path);
  const loose = [...snap.files.values()]
    .filter((e) => !inSome.has(e.path) && e.path !== GAME_CONFIG_PATH)
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    snapshot: snap.id,
    bundles: [...m].map(([n, list]) => stats(n, list)),
    unbundled: { files: loose.length, bytes: loose.reduce((s, e) => s + e.size, 0), paths: loose.map((e) => e.path) },
  };
}

export interface BundleFileChange {
  readonly path: string;
  readonly kind: 'added' | 'modified' | 'deleted';
  readonly oldSize: number | null;
  readonly newSize: number | null;
}

export interface BundleDelta {
  readonly name: string;
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly a: BundleStats | null;
  readonly b: BundleStats | null;
  /** b.bytes - a.bytes */
  readonly sizeDelta: number;
  /** bytes of files added or changed in B: what a player holding A downloads */
  readonly download: number;
  readonly changes: readonly BundleFileChange[];
}

export interface BundlesDiff {
  readonly a: ObjectId;
  readonly b: ObjectId;
  readonly bundles: readonly BundleDelta[];
  /** bundles whose declaration differs between A and B */
  readonly redeclared: readonly string[];
}

/** Compare two bundle sets of files (each side's members by its own declarations). */
export function diffBundleMembers(
  name: string,
  a: readonly FlatEntry[] | null,
  b: readonly FlatEntry[] | null,
): BundleDelta {
  const am = new Map((a ?? []).map((e) => [e.path, e]));
  const bm = new Map((b ?? []).map((e) => [e.path, e]));
  const changes: BundleFileChange[] = [];
  for (const [p, e] of bm) {
    const old = am.get(p);
    if (!old) changes.push({ path: p, kind: 'added', oldSize: null, newSize: e.size });
    else if (old.id !== e.id || old.kind !== e.kind)
      changes.push({ path: p, kind: 'modified', oldSize: old.size, newSize: e.size });
  }
  for (const [p, e] of am) if (!bm.has(p)) changes.push({ path: p, kind: 'deleted', oldSize: e.size, newSize: null });
  changes.sort((x, y) => (x.path < y.path ? -1 : 1));
  const sa = a ? stats(name, a) : null;
  const sb = b ? stats(name, b) : null;
  let status: BundleDelta['status'] = 'changed';
  if (!sa) status = 'added';
  else if (!sb) status = 'removed';
  else if (sa.hash === sb.hash) status = 'unchanged';
  const download = changes.filter((c) => c.kind !== 'deleted').reduce((s, c) => s + (c.newSize ?? 0), 0);
  return { name, status, a: sa, b: sb, sizeDelta: (sb?.bytes ?? 0) - (sa?.bytes ?? 0), download, changes };
}

/** Which bundles changed from A to B, by how much, and the files that changed them. */
export async function bundlesDiff(opts: { vault: Vault; a: string; b?: string }): Promise<BundlesDiff> {
  const [sa, sb] = [await snapshotFiles(opts.vault, opts.a), await snapshotFiles(opts.vault, opts.b ?? 'HEAD')];
  const [ca, cb] = [await readGameConfig(opts.vault, sa), await readGameConfig(opts.vault, sb)];
  if (!ca.bundles && !cb.bundles) throw new MissingGameConfigError(GAME_CONFIG_PATH, 'bundles', sb.id);
  const ma = members(sa, bundleMatchers(ca.bundles ?? {}));
  const mb = members(sb, bundleMatchers(cb.bundles ?? {}));
  const names = [...new Set([...ma.keys(), ...mb.keys()])].sort();
  const redeclared = names.filter(
    (n) => ca.bundles?.[n] && cb.bundles?.[n] && JSON.stringify(ca.bundles[n]) !== JSON.stringify(cb.bundles[n]),
  );
  return {
    a: sa.id,
    b: sb.id,
    bundles: names.map((n) => diffBundleMembers(n, ma.get(n) ?? null, mb.get(n) ?? null)),
    redeclared,
  };
}

export interface WhichResult {
  readonly snapshot: ObjectId;
  readonly path: string;
  /** whether the snapshot holds a file at that path */
  readonly exists: boolean;
  readonly bundles: readonly string[];
}

/** Which bundles (by the snapshot's declarations) contain a path. */
export async function bundlesWhich(opts: { vault: Vault; path: string; snapshot?: string }): Promise<WhichResult> {
  const snap = await snapshotFiles(opts.vault, opts.snapshot ?? 'HEAD');
  const matchers = await declared(opts.vault, snap);
  const path = opts.path
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  if (!path || path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '.' || p === '')) {
    throw new UsageError(
      `'${opts.path}' is not a path inside the project`,
      'name it relative to the project folder, e.g. Assets/Textures/hero.png',
    );
  }
  return {
    snapshot: snap.id,
    path,
    exists: snap.files.has(path),
    bundles: [...matchers].filter(([, m]) => m(path)).map(([n]) => n),
  };
}

/** The bundles each path belongs to, by a snapshot's declarations (for grouping changes). */
export async function bundlesOfPaths(
  vault: Vault,
  snap: SnapshotFiles,
  paths: readonly string[],
): Promise<Map<string, string[]>> {
  const cfg = await readGameConfig(vault, snap);
  const matchers = bundleMatchers(cfg.bundles ?? {});
  return new Map(paths.map((p) => [p, [...matchers].filter(([, m]) => m(p)).map(([n]) => n)]));
}
