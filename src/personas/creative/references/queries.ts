import { PathNotFoundError } from '../../../errors.js';
import type { ObjectId } from '../../../objects/types.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { normalizeRel } from '../../../porcelain/restore.js';
import { loadReferenceGraph, type ReferenceGraph } from './graph.js';
import type { CheckedReference, Reference } from './types.js';

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

/** Each reference with its status against the snapshot's files. */
export function checkReferences(graph: Pick<ReferenceGraph, 'files'>, refs: readonly Reference[]): CheckedReference[] {
  let lower: Map<string, string> | undefined;
  return refs.map((r) => {
    if (!r.target) return { ...r, status: 'outside' as const };
    if (graph.files.has(r.target)) return { ...r, status: 'ok' as const };
    lower ??= new Map([...graph.files.keys()].map((p) => [p.toLowerCase(), p]));
    const near = lower.get(r.target.toLowerCase());
    return { ...r, status: 'missing' as const, ...(near ? { suggestion: near } : {}) };
  });
}

function order(a: Reference, b: Reference): number {
  return a.from < b.from ? -1 : a.from > b.from ? 1 : (a.line ?? 0) - (b.line ?? 0);
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
  const out: Reference[] = [];
  const seen = new Set<string>([path]);
  const queue = [path];
  while (queue.length) {
    const p = queue.shift()!;
    for (const r of (byFrom.get(p) ?? []).sort(order)) {
      out.push(r);
      if (opts.recursive && r.target && !seen.has(r.target)) {
        seen.add(r.target);
        queue.push(r.target);
      }
    }
  }
  return { snapshot: g.snapshot, stored: g.stored, path, references: checkReferences(g, out) };
}

/** What uses a file (or anything under a folder), across the whole project. The file need not exist. */
export async function usedBy(opts: ReferenceQuery & { path: string }): Promise<ReferenceReport & { path: string }> {
  const g = await loadReferenceGraph(opts);
  const path = normalizeRel(opts.path);
  const hit = (t: string | null) => t !== null && (t === path || t.startsWith(`${path}/`));
  return {
    snapshot: g.snapshot,
    stored: g.stored,
    path,
    references: checkReferences(g, g.references.filter((r) => hit(r.target)).sort(order)),
  };
}

/** References to files the snapshot does not have (`references`), and those that leave the project (`outside`). */
export async function brokenReferences(
  opts: ReferenceQuery,
): Promise<ReferenceReport & { outside: readonly CheckedReference[] }> {
  const g = await loadReferenceGraph(opts);
  const checked = checkReferences(g, [...g.references].sort(order));
  return {
    snapshot: g.snapshot,
    stored: g.stored,
    references: checked.filter((r) => r.status === 'missing'),
    outside: checked.filter((r) => r.status === 'outside'),
  };
}
