import { CorruptObjectError } from '../../errors.js';
import { encodeChunkList } from '../../objects/chunkList.js';
import { hashObject } from '../../objects/hashObject.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import { decodeTree } from '../../objects/tree.js';
import type { ObjectId } from '../../objects/types.js';
import type { GitOid } from '../../plumbing/git/objects.js';
import type { ObjectWriter } from '../../plumbing/ObjectWriter.js';
import type { Vault } from '../openVault.js';
import { BrokenRemoteHistoryError } from './common.js';
import { decodeManifest } from './exportSnapshot.js';
import { importForeign, isStale, type ForeignContext, type ImportedEntry } from './foreign.js';
import { parseGitCommit, type GitReader } from './gitReader.js';
import { ShallowForeignError } from './shallow.js';
import type { SyncState } from './state.js';

export interface ImportCommitsOptions {
  vault: Vault;
  state: SyncState;
  reader: GitReader;
  writer: ObjectWriter;
  tips: GitOid[];
  /** commits whose parents the server did not send (a shallow fetch): imported without them */
  shallow?: ReadonlySet<GitOid>;
  /** snapshots held here whose git objects the server may have left out (see foreign.ts) */
  indexFrom?: ObjectId[];
  /** shared by the calls of one fetch: what foreign commits already made, Git LFS pointers seen */
  cache?: { index: Map<GitOid, ImportedEntry>; lfs: Set<GitOid> };
}

/**
 * Turn git commits into snapshots, parents first. Commits made by Vault become the very same Vault
 * objects (same ids) from their `.vault/`; any other commit is imported from its tree (foreign.ts).
 */
export async function importCommits(opts: ImportCommitsOptions): Promise<{ imported: ObjectId[] }> {
  const { vault, state, reader, writer } = opts;
  const shallow = opts.shallow ?? new Set<GitOid>();
  const cache = opts.cache ?? { index: new Map(), lfs: new Set() };
  const foreign: ForeignContext = {
    vault,
    state,
    reader,
    writer,
    index: cache.index,
    lfs: cache.lfs,
    indexFrom: opts.indexFrom ?? [],
  };
  const imported: ObjectId[] = [];
  const done = async (oid: GitOid) => {
    const s = state.snapshotsByCommit.get(oid);
    return !!s && ((await writer.known(s)) || (await vault.db.has(s)));
  };
  const order: GitOid[] = [];
  const visited = new Set<GitOid>();
  for (const tip of opts.tips) {
    const stack: { oid: GitOid; expanded: boolean }[] = [{ oid: tip, expanded: false }];
    for (let top = stack.at(-1); top; top = stack.at(-1)) {
      if (top.expanded) {
        stack.pop();
        order.push(top.oid);
        continue;
      }
      if (visited.has(top.oid) || (await done(top.oid))) {
        stack.pop();
        continue;
      }
      visited.add(top.oid);
      top.expanded = true;
      if (shallow.has(top.oid)) continue;
      const body = (await reader.raw(top.oid, 'commit')).toString('utf8');
      for (const [, parent = ''] of body.slice(0, body.indexOf('\n\n')).matchAll(/^parent ([0-9a-f]{40})$/gm))
        if (!visited.has(parent)) stack.push({ oid: parent, expanded: false });
    }
  }

  for (const commitOid of order) {
    reader.signal?.throwIfAborted();
    const body = await reader.raw(commitOid, 'commit');
    const commit = parseGitCommit(body, commitOid);
    const rootOid = commit.tree;
    // a commit made by Vault carries its snapshot in a `.vault/` folder of its own; a checkout of a vault
    // branch carries its parent's along (unchanged, so the server may not even send it)
    const dot = reader.has(rootOid) ? (await reader.tree(rootOid)).find((e) => e.name === '.vault') : undefined;
    const json =
      dot && dot.mode === '40000' && reader.has(dot.oid)
        ? (await reader.tree(dot.oid)).find((e) => e.name === 'snapshot.json')
        : undefined;
    const snapBody = json && reader.has(json.oid) ? await reader.raw(json.oid, 'blob') : null;
    const snapId = snapBody ? hashObject('snapshot', snapBody) : null;
    if (!snapBody || !snapId || isStale(state, commitOid, commit.parents, snapId)) {
      if (shallow.has(commitOid) && commit.parents.length) throw new ShallowForeignError(commitOid);
      imported.push(await importForeign(foreign, commitOid, body, commit));
      continue;
    }
    const snap = decodeSnapshot(snapBody, snapId);
    if (!(await writer.known(snapId))) {
      const treesDir = await reader.entry(dot!.oid, 'trees');
      // git trees are looked up only when a content is missing here: a folder whose files are all
      // known may differ from the last fetched one only by mtimes, and then its git tree (unchanged)
      // was not sent again
      const importTree = async (treeId: ObjectId, gitTree: () => Promise<GitOid>): Promise<void> => {
        if (await writer.known(treeId)) return;
        const fan = await reader.entry(treesDir.oid, treeId.slice(0, 2));
        const tbody = await reader.raw((await reader.entry(fan.oid, treeId)).oid, 'blob');
        if (hashObject('tree', tbody) !== treeId)
          throw new CorruptObjectError(treeId, 'the tree stored in git does not match its id', `commit ${commitOid}`);
        const t = decodeTree(tbody, treeId);
        let mine: GitOid | undefined;
        const entryOid = async (name: string) => (await reader.entry((mine ??= await gitTree()), name)).oid;
        for (const e of t.entries) {
          if (e.kind === 'dir') await importTree(e.id, () => entryOid(e.name));
          else if (e.obj === 'blob') {
            if (await writer.known(e.id)) continue;
            const oid = await entryOid(e.name);
            state.setOid(e.id, oid);
            const data = await reader.raw(oid, 'blob', { size: e.size, what: `'${e.name}'` });
            if (hashObject('blob', data) !== e.id)
              throw new CorruptObjectError(e.id, 'the file stored in git does not match its id', `commit ${commitOid}`);
            await writer.put('blob', data, { id: e.id, compress: true });
          } else {
            if (await writer.known(e.id)) continue;
            const m = decodeManifest(await reader.raw(await entryOid(e.name), 'blob'));
            if (!m)
              throw new CorruptObjectError(e.id, `the manifest of '${e.name}' is unreadable`, `commit ${commitOid}`);
            if (m.size !== e.size)
              throw new CorruptObjectError(
                e.id,
                `the manifest of '${e.name}' says ${m.size} bytes, its tree says ${e.size}`,
                `commit ${commitOid}`,
              );
            for (const [i, c] of m.chunks.entries()) {
              state.setOid(c.id, c.oid);
              if (await writer.known(c.id)) continue;
              const data = await reader.raw(c.oid, 'blob', { size: c.size, what: `chunk ${i} of '${e.name}'` });
              // a chunk, or (FILETYPE-v3) the blob of a small file inside a build
              const type = hashObject('chunk', data) === c.id ? 'chunk' : 'blob';
              if (type === 'blob' && hashObject('blob', data) !== c.id)
                throw new CorruptObjectError(
                  c.id,
                  'the chunk stored in git does not match its id',
                  `commit ${commitOid}`,
                );
              await writer.put(type, data, { id: c.id, compress: true });
            }
            const list = encodeChunkList({ size: m.size, chunks: m.chunks.map((c) => ({ id: c.id, size: c.size })) });
            if (hashObject('chunklist', list) !== e.id)
              throw new CorruptObjectError(e.id, 'the manifest does not rebuild its chunk list', `commit ${commitOid}`);
            await writer.put('chunklist', list, { id: e.id, compress: true });
          }
        }
        await writer.put('tree', tbody, { id: treeId, compress: true });
      };
      await importTree(snap.tree, async () => rootOid);
      if (snap.attachments)
        await importTree(snap.attachments, async () => (await reader.entry(dot!.oid, 'attachments')).oid);
      if (shallow.has(commitOid)) {
        // the parents are not here: name their commits, so what is made on top exports the same way
        mapParents(state, snap.parents, commit.parents);
      } else {
        // its parents came first (they are the commit's parents): one that did not is a broken history
        for (const p of snap.parents)
          if (!(await writer.known(p)) && !(await vault.db.has(p)))
            throw new BrokenRemoteHistoryError(snapId, p, commitOid);
      }
      await writer.put('snapshot', snapBody, { id: snapId, compress: true });
      imported.push(snapId);
    }
    state.mapCommit(snapId, commitOid);
  }
  return { imported };
}

/** Remember which commit each parent snapshot is, when both lists pair up (the same number, in order). */
function mapParents(state: SyncState, snapshots: readonly ObjectId[], commits: readonly GitOid[]): void {
  if (snapshots.length !== commits.length) return;
  for (const [i, snapshot] of snapshots.entries()) {
    const commit = commits[i];
    if (commit) state.mapCommit(snapshot, commit);
  }
}
