import { UsageError, VaultError } from '../../errors.js';
import { encodeSnapshot } from '../../objects/snapshot.js';
import type { ObjectId, Snapshot } from '../../objects/types.js';
import { revParse, suggestRef } from '../../refs/revParse.js';
import { listRefs, readRef, updateRef } from '../../refs/refs.js';
import type { Vault } from '../../porcelain/openVault.js';
import { readSnapshot } from '../../porcelain/readSnapshot.js';

/**
 * Milestones: named, typed, protected points in a project's history
 * (`refs/milestones/NAME`). Like git's annotated tags, the ref points at a
 * small annotation snapshot: same tree as the marked snapshot, that snapshot as
 * its only parent, and meta `vault.annotation=milestone`, `milestone.name`,
 * `milestone.type`, with the milestone's message, author and time. So a
 * milestone is verified, synced and restorable like any snapshot, and keeps
 * who marked it, when and why. Retention never removes milestones; deleting
 * one needs force.
 */
export const MILESTONE_TYPES = [
  'prototype',
  'development',
  'alpha',
  'beta',
  'release-candidate',
  'release',
  'patch',
  'hotfix',
] as const;
export type MilestoneType = (typeof MILESTONE_TYPES)[number];

export interface Milestone {
  readonly name: string;
  readonly type: MilestoneType;
  readonly message: string;
  /** the snapshot it marks */
  readonly snapshot: ObjectId;
  /** the annotation snapshot the ref points at */
  readonly annotation: ObjectId;
  readonly author: string;
  readonly time: number;
}

export class MilestoneExistsError extends VaultError {
  constructor(name: string, at: string) {
    super(
      'EEXIST',
      `milestone '${name}' already exists (it marks ${at.slice(0, 12)})`,
      { name, at },
      'pick another name, or delete it first with --force',
    );
  }
}

/** Is this snapshot a milestone annotation? Then it marks its first parent. */
export function annotationTarget(s: Snapshot): ObjectId | null {
  const [target] = s.parents;
  return s.meta['vault.annotation'] === 'milestone' && s.parents.length === 1 && target ? target : null;
}

export async function createMilestone(opts: {
  vault: Vault;
  name: string;
  type?: MilestoneType;
  message?: string;
  snapshot?: string;
}): Promise<Milestone> {
  const { vault } = opts;
  const type = opts.type ?? 'development';
  if (!MILESTONE_TYPES.includes(type))
    throw new UsageError(`unknown milestone type '${type}'`, `use one of: ${MILESTONE_TYPES.join(', ')}`);
  const ref = `refs/milestones/${opts.name}`;
  const existing = await readRef(vault.refs, ref);
  if (existing) throw new MilestoneExistsError(opts.name, existing);
  const target = await readSnapshot(vault, opts.snapshot ?? 'HEAD');
  // marking a milestone marks the snapshot, never another annotation
  const marked = annotationTarget(target) ? await readSnapshot(vault, annotationTarget(target)!) : target;
  const time = vault.clock();
  const body = encodeSnapshot({
    tree: marked.tree,
    parents: [marked.id],
    author: vault.author,
    time,
    message: opts.message ?? `${type} milestone ${opts.name}`,
    meta: { 'vault.annotation': 'milestone', 'milestone.name': opts.name, 'milestone.type': type },
  });
  const annotation = await vault.db.writeLoose('snapshot', body);
  await updateRef({
    ...vault.refs,
    ref,
    value: annotation,
    expected: null,
    message: `milestone: ${opts.name} (${type})`,
    author: vault.author,
    time,
  });
  return {
    name: opts.name,
    type,
    message: opts.message ?? `${type} milestone ${opts.name}`,
    snapshot: marked.id,
    annotation,
    author: vault.author,
    time,
  };
}

export async function listMilestones(opts: { vault: Vault; type?: MilestoneType }): Promise<Milestone[]> {
  const out: Milestone[] = [];
  for (const [ref, id] of await listRefs(opts.vault.refs, 'refs/milestones/', () => {})) {
    const name = ref.slice('refs/milestones/'.length);
    const s = await readSnapshot(opts.vault, id);
    const target = annotationTarget(s);
    // a bare ref (made with update-ref) is a milestone of unknown type on that snapshot
    const m: Milestone = target
      ? {
          name,
          type: (s.meta['milestone.type'] as MilestoneType) ?? 'development',
          message: s.message,
          snapshot: target,
          annotation: id,
          author: s.author,
          time: s.time,
        }
      : { name, type: 'development', message: s.message, snapshot: id, annotation: id, author: s.author, time: s.time };
    if (!opts.type || m.type === opts.type) out.push(m);
  }
  return out.sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : 1));
}

export async function deleteMilestone(opts: { vault: Vault; name: string; force?: boolean }): Promise<void> {
  const { vault } = opts;
  const ref = `refs/milestones/${opts.name}`;
  const id = await readRef(vault.refs, ref);
  if (!id) {
    const near = await suggestRef(vault.refs, opts.name, ['refs/milestones/']);
    throw new VaultError('ENOREF', `no milestone named '${opts.name}'`, { ref }, near ?? "run 'vault milestone list'");
  }
  if (!opts.force)
    throw new VaultError('EPROTECTED', `milestone '${opts.name}' is protected`, { ref }, 'pass --force to delete it');
  await updateRef({
    ...vault.refs,
    ref,
    value: null,
    expected: id,
    message: `milestone: delete ${opts.name}`,
    author: vault.author,
    time: vault.clock(),
  });
}

/** The snapshot a name means, seeing through milestone annotations (for code that wants the marked snapshot itself). */
export async function resolveMarked(vault: Vault, rev: string): Promise<ObjectId> {
  const id = await revParse({ ...vault.refs, db: vault.db }, rev);
  const s = await readSnapshot(vault, id);
  return annotationTarget(s) ?? id;
}
