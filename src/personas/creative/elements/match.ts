import { AmbiguousElementError, UnknownElementError } from './errors.js';
import type { ElementInfo } from './types.js';

function base(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Edit distance (Levenshtein), for close names in errors. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Up to `n` names of `all` closest to `query` (substring matches first, then by edit distance). */
export function closeNames(query: string, all: readonly string[], n = 5): string[] {
  const q = query.toLowerCase();
  const scored = [...new Set(all)].map((name) => {
    const l = name.toLowerCase();
    const d = Math.min(distance(q, l), distance(q, base(l)));
    return { name, score: l.includes(q) || q.includes(base(l)) ? d / 100 : d };
  });
  const limit = Math.max(3, Math.ceil(query.length / 2));
  return scored
    .filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : 1))
    .slice(0, n)
    .map((s) => s.name);
}

/**
 * The element `query` names among `elements`: its full name, `kind:name`, or
 * its last path segment when that is unique.
 */
export function pickElement(
  elements: readonly ElementInfo[],
  query: string,
  ctx: { path: string; where: string },
): ElementInfo {
  let pool = elements;
  let q = query;
  const colon = query.indexOf(':');
  if (colon > 0) {
    const kind = query.slice(0, colon);
    if (elements.some((e) => e.kind === kind)) {
      pool = elements.filter((e) => e.kind === kind);
      q = query.slice(colon + 1);
    }
  }
  const exact = pool.filter((e) => e.name === q);
  if (exact.length === 1) return exact[0]!;
  if (exact.length > 1)
    throw new AmbiguousElementError(
      query,
      ctx.path,
      exact.map((e) => `${e.kind}:${e.name}`),
    );
  const byBase = pool.filter((e) => base(e.name) === q);
  if (byBase.length === 1) return byBase[0]!;
  if (byBase.length > 1)
    throw new AmbiguousElementError(
      query,
      ctx.path,
      byBase.map((e) => `${e.kind}:${e.name}`),
    );
  throw new UnknownElementError(
    query,
    ctx.path,
    ctx.where,
    closeNames(
      q,
      elements.map((e) => e.name),
    ),
  );
}

/** `name`, or `name#2`, `name#3`... for the second and later siblings of the same name. */
export function siblingNamer(): (name: string) => string {
  const seen = new Map<string, number>();
  return (name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n > 1 ? `${name}#${n}` : name;
  };
}
