import { PathNotFoundError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { normalizeRel } from '../../../porcelain/restore.js';
import { loadReferenceGraph, type ReferenceGraph } from './graph.js';
import type { CheckedReference, Reference } from './types.js';
import { byCodeUnits } from '../../../compare.js';

export interface ReferenceQuery {
  vault: Vault;
  /** snapshot name (default HEAD) */
  snapshot?: string;
}

export interface ReferenceReport {
  readonly snapshot: ObjectId;
  /** false: the snapshot has no stored graph (made before the persona was on); computed from its tree */
  readonly stored: boolean;
  readonly references: readonly CheckedReference[];
}

/** Every folder holding a file of the snapshot. */
function foldersOf(files: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const p of files) for (let i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) out.add(p.slice(0, i));
  return out;
}

/**
 * Each reference with its status against the snapshot's files and declarations: a path that is a file (or a
 * folder of files), a uid/guid a file declares (a moved file is found by it), a file an import generates from
 * a source that is there; paths built at run time are unresolved.
 */
export function checkReferences(
  graph: Pick<ReferenceGraph, 'files'> & { readonly provides?: ReadonlyMap<string, string> },
  refs: readonly Reference[],
): CheckedReference[] {
  let lower: Map<string, string> | undefined;
  let folders: Set<string> | undefined;
  const provided = (name: string | undefined) => {
    const t = name ? graph.provides?.get(name) : undefined;
    return t && graph.files.has(t) ? t : undefined;
  };
  return refs.map((r): CheckedReference => {
    if (r.dynamic) return { ...r, status: 'unresolved' };
    if (r.target && graph.files.has(r.target)) return { ...r, status: 'ok' };
    const found = provided(r.uid) ?? provided(r.target ?? undefined);
    if (found) return { ...r, status: 'ok', resolved: found };
    // an unknown Unity GUID may be a package's asset (not kept in the project): not checked
    if (!r.target) return r.uid && r.kind !== 'guid' ? { ...r, status: 'missing' } : { ...r, status: 'outside' };
    folders ??= foldersOf(graph.files.keys());
    if (folders.has(r.target)) return { ...r, status: 'ok' };
    lower ??= new Map([...graph.files.keys()].map((p) => [p.toLowerCase(), p]));
    const near = lower.get(r.target.toLowerCase());
    return { ...r, status: 'missing', ...(near ? { suggestion: near } : {}) };
  });
}

function order(a: Reference, b: Reference): number {
  return byCodeUnits(a.from, b.from) || (a.line ?? 0) - (b.line ?? 0);
}

/**
 * What a file uses: its references (`recursive`: and theirs, e.g. an OBJ's
 * MTL's textures). Fails with ENOPATH when the file is not in the snapshot.
 */
export async function referencesOf(
  opts: ReferenceQuery & { path: string; recursive?: boolean },
): Promise<ReferenceReport & { path: string }> {
  const g = await loadReferenceGraph(opts);
  const path = normalizeRel(opts.path);
  if (!g.files.has(path)) throw new PathNotFoundError(path, `snapshot ${g.snapshot.slice(0, 12)}`);
  const byFrom = new Map<string, Reference[]>();
  for (const r of g.references) byFrom.set(r.from, [...(byFrom.get(r.from) ?? []), r]);
  const out: CheckedReference[] = [];
  const seen = new Set<string>([path]);
  const queue = [path];
  while (queue.length) {
    const p = queue.shift()!;
    for (const r of checkReferences(g, (byFrom.get(p) ?? []).sort(order))) {
      out.push(r);
      const next = r.resolved ?? r.target;
      if (opts.recursive && next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return { snapshot: g.snapshot, stored: g.stored, path, references: out };
}

/** What uses a file (or anything under a folder), across the whole project. The file need not exist. */
export async function usedBy(opts: ReferenceQuery & { path: string }): Promise<ReferenceReport & { path: string }> {
  const g = await loadReferenceGraph(opts);
  const path = normalizeRel(opts.path);
  const hit = (t: string | null | undefined) => !!t && (t === path || t.startsWith(`${path}/`));
  const maybe = g.references.filter((r) => hit(r.target) || r.uid || (r.target && g.provides.has(r.target)));
  return {
    snapshot: g.snapshot,
    stored: g.stored,
    path,
    references: checkReferences(g, [...maybe].sort(order)).filter((r) => hit(r.target) || hit(r.resolved)),
  };
}

/**
 * References to files the snapshot does not have (`references`), those that leave the project (`outside`)
 * and paths built at run time, which cannot be checked (`unresolved`).
 */
export async function brokenReferences(
  opts: ReferenceQuery,
): Promise<ReferenceReport & { outside: readonly CheckedReference[]; unresolved: readonly CheckedReference[] }> {
  const g = await loadReferenceGraph(opts);
  const checked = checkReferences(g, [...g.references].sort(order));
  return {
    snapshot: g.snapshot,
    stored: g.stored,
    references: checked.filter((r) => r.status === 'missing'),
    outside: checked.filter((r) => r.status === 'outside'),
    unresolved: checked.filter((r) => r.status === 'unresolved'),
  };
}
