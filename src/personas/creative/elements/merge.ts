/**
 * Element-aware three-way merge of one file (PSD, glTF/GLB, OBJ, Godot .tscn): when two people
 * changed different elements (layers, nodes, meshes, materials, objects, scene nodes) of the same
 * file since a common base, the result has both sets of changes, element by element. The same
 * element changed differently on both sides is a conflict, and so is a change outside the elements
 * (canvas size, connections, animations) that only their side made; then nothing is merged.
 *
 * Library function for `vault merge-file --element-aware` and for the sync merge: it takes bytes and
 * returns bytes; the caller reads and writes the files.
 */
import { VaultError } from '../../../errors.js';
import { elementFormatOf } from './formats.js';
import type { ElementFormat, ElementPrint, Fingerprint, ReadRelated } from './types.js';

export type MergeSide = 'ours' | 'theirs' | 'both';

/** What happened to one element. */
export interface MergedElement {
  readonly name: string;
  readonly kind: string;
  /** changed, added or removed (against the base) */
  readonly change: 'changed' | 'added' | 'removed';
  /** whose version is in the result ('both': the two sides made the same change) */
  readonly from: MergeSide;
}

export interface MergeConflict {
  readonly name: string;
  readonly kind: string;
  readonly why: string;
}

export interface ElementMergeResult {
  readonly path: string;
  readonly format: string;
  /** the merged file; null when there are conflicts */
  readonly data: Uint8Array | null;
  /** separate files of the merged file (a .gltf's .bin and images), by path relative to its folder */
  readonly related: ReadonlyMap<string, Uint8Array>;
  /** every element that differs from the base on either side, and whose version the result has */
  readonly elements: readonly MergedElement[];
  readonly conflicts: readonly MergeConflict[];
  readonly notes: readonly string[];
}

export interface ElementMergeOptions {
  /** the file's project path (its extension picks the format; messages name it) */
  path: string;
  base: Uint8Array;
  ours: Uint8Array;
  theirs: Uint8Array;
  /** files each version references (a .gltf's .bin and images), relative to its folder */
  baseRelated?: ReadRelated;
  oursRelated?: ReadRelated;
  theirsRelated?: ReadRelated;
}

/** A file format with no element merge (EUNSUPPORTED). */
export class MergeUnsupportedError extends VaultError {
  constructor(path: string) {
    super(
      'EUNSUPPORTED',
      `${path}: element-aware merge handles PSD, glTF/GLB, OBJ and Godot .tscn files`,
      { path, supported: ['psd', 'gltf', 'glb', 'obj', 'tscn'] },
      'merge other files as text, or pick one side',
    );
  }
}

interface Plan {
  elements: MergedElement[];
  conflicts: MergeConflict[];
  /** theirs' versions to put in (restore), then theirs' removals */
  take: ElementPrint[];
  drop: ElementPrint[];
}

function changeOf(b: ElementPrint | undefined, x: ElementPrint | undefined): MergedElement['change'] {
  if (!b) return 'added';
  return x ? 'changed' : 'removed';
}

/** Compare the three fingerprints element by element. */
function plan(base: Fingerprint, ours: Fingerprint, theirs: Fingerprint, nested: boolean): Plan {
  const p: Plan = { elements: [], conflicts: [], take: [], drop: [] };
  const keys = new Set([...base.elements.keys(), ...ours.elements.keys(), ...theirs.elements.keys()]);
  const changedOurs = new Set<string>();
  for (const k of keys) {
    const [b, o, t] = [base.elements.get(k), ours.elements.get(k), theirs.elements.get(k)];
    const oChanged = o?.sig !== b?.sig;
    const tChanged = t?.sig !== b?.sig;
    const e = (o ?? t ?? b)!;
    if (oChanged) changedOurs.add(k);
    if (!oChanged && !tChanged) continue;
    if (oChanged && tChanged) {
      if (o?.sig === t?.sig) p.elements.push({ name: e.name, kind: e.kind, change: changeOf(b, o), from: 'both' });
      else p.conflicts.push({ name: e.name, kind: e.kind, why: `changed on both sides (${bothWays(b, o, t)})` });
      continue;
    }
    if (oChanged) {
      p.elements.push({ name: e.name, kind: e.kind, change: changeOf(b, o), from: 'ours' });
      continue;
    }
    p.elements.push({ name: e.name, kind: e.kind, change: changeOf(b, t), from: 'theirs' });
    if (t) p.take.push(t);
    else p.drop.push(b!);
  }
  // taking an element whole (a PSD group, an OBJ object) would undo our changes inside it
  if (nested)
    for (const t of p.take) {
      const inside = [...changedOurs].filter((k) => isInside(k, `${t.kind}:${t.name}`, ours, theirs));
      for (const k of inside) {
        const x = (ours.elements.get(k) ?? theirs.elements.get(k))!;
        p.conflicts.push({
          name: t.name,
          kind: t.kind,
          why: `changed on their side, and ${x.kind} ${x.name} inside it on ours`,
        });
      }
    }
  if (theirs.rest !== base.rest && ours.rest !== theirs.rest)
    p.conflicts.push({
      name: '(the file itself)',
      kind: 'file',
      why:
        ours.rest === base.rest
          ? 'their side changed what is not an element (canvas, connections, animations...): merge it by hand'
          : 'both sides changed what is not an element (canvas, connections, animations...)',
    });
  return p;
}

function bothWays(b?: ElementPrint, o?: ElementPrint, t?: ElementPrint): string {
  const word = (x?: ElementPrint) => {
    if (!x) return 'removed';
    return b ? 'changed' : 'added';
  };
  return `ours ${word(o)}, theirs ${word(t)}`;
}

/** Whether element `k` sits (at any depth) inside element `outer`, on either side. */
function isInside(k: string, outer: string, ...sides: Fingerprint[]): boolean {
  for (const side of sides) {
    for (let at = side.elements.get(k)?.parent; at; at = side.elements.get(at)?.parent) if (at === outer) return true;
  }
  return false;
}

/** Depth of an element on a side (parents first when taking, children first when dropping). */
function depth(e: ElementPrint, side: Fingerprint): number {
  let n = 0;
  for (let at = e.parent; at && n < 1000; at = side.elements.get(at)?.parent) n++;
  return n;
}

async function apply(
  format: ElementFormat,
  opts: ElementMergeOptions,
  p: Plan,
  theirs: Fingerprint,
  base: Fingerprint,
): Promise<{ data: Uint8Array; related: Map<string, Uint8Array>; notes: string[] }> {
  let data = opts.ours;
  const related = new Map<string, Uint8Array>();
  const notes: string[] = [];
  // what earlier steps wrote beside the file is what later steps see
  const current: ReadRelated = async (rel) => related.get(rel) ?? (opts.oursRelated ? opts.oursRelated(rel) : null);
  const take = [...p.take].sort((a, b) => depth(a, theirs) - depth(b, theirs));
  for (const t of take) {
    if (format.nested && take.some((x) => x !== t && isInside(`${t.kind}:${t.name}`, `${x.kind}:${x.name}`, theirs)))
      continue; // it came with the element it is in
    const r = await format.restore({
      current: data,
      old: opts.theirs,
      element: `${t.kind}:${t.name}`,
      path: opts.path,
      oldWhere: 'their version',
      currentRelated: current,
      oldRelated: opts.theirsRelated,
    });
    data = r.data;
    for (const [k, v] of r.related ?? []) related.set(k, v);
    notes.push(...r.notes.map((n) => `${t.kind} ${t.name}: ${n}`));
  }
  const drop = [...p.drop].sort((a, b) => depth(b, base) - depth(a, base));
  for (const d of drop) {
    if (!format.remove) throw new MergeUnsupportedError(opts.path);
    const present = (await format.fingerprint!(data, { path: opts.path, where: 'the merge' }, current)).elements;
    if (!present.has(`${d.kind}:${d.name}`)) continue; // went with its parent
    const r = await format.remove({
      current: data,
      element: `${d.kind}:${d.name}`,
      path: opts.path,
      currentRelated: current,
    });
    data = r.data;
    for (const [k, v] of r.related ?? []) related.set(k, v);
  }
  return { data, related, notes: [...new Set(notes)] };
}

/** Merge three versions of one file element by element; see the module comment. */
export async function mergeElements(opts: ElementMergeOptions): Promise<ElementMergeResult> {
  const format = await elementFormatOf(opts.path).catch(() => null);
  if (!format?.fingerprint) throw new MergeUnsupportedError(opts.path);
  const print = (bytes: Uint8Array, where: string, rel?: ReadRelated) =>
    Promise.resolve(format.fingerprint!(bytes, { path: opts.path, where }, rel));
  const base = await print(opts.base, 'the base version', opts.baseRelated);
  const ours = await print(opts.ours, 'our version', opts.oursRelated);
  const theirs = await print(opts.theirs, 'their version', opts.theirsRelated);
  const p = plan(base, ours, theirs, !!format.nested);
  const result = { path: opts.path, format: format.format, elements: p.elements };
  if (p.conflicts.length) return { ...result, data: null, related: new Map(), conflicts: p.conflicts, notes: [] };
  const merged = await apply(format, opts, p, theirs, base);
  return { ...result, data: merged.data, related: merged.related, conflicts: [], notes: merged.notes };
}
