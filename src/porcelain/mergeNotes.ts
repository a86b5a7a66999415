import { decodeSnapshot, encodeSnapshot } from '../objects/snapshot.js';
import { hashObject } from '../objects/hashObject.js';
import type { ObjectId } from '../objects/types.js';
import type { ObjectSink } from '../plumbing/storeFile.js';
import { flattenTree, writeTrees, type FlatEntry } from '../plumbing/trees.js';
import type { Vault } from './openVault.js';

/**
 * Union merge of two records snapshots of a refs/notes/* ref (records kept
 * beside the history, like git notes' "union" strategy): every path of either
 * side is kept; a path both sides changed differently keeps the local version,
 * except JSON Lines files (`*.jsonl`, one record per line with an "id"), whose
 * lines are united by id. Records are keyed by ids derived from their content,
 * so two machines adding records never lose one. The merge snapshot has both
 * sides as parents, so the remote's becomes an ancestor (push moves on).
 * The caller holds the vault lock and moves the ref.
 */
export async function mergeNotes(vault: Vault, sink: ObjectSink, local: ObjectId, remote: ObjectId): Promise<ObjectId> {
  const [ls, rs] = [
    decodeSnapshot(await vault.db.readTyped(local, 'snapshot'), local),
    decodeSnapshot(await vault.db.readTyped(remote, 'snapshot'), remote),
  ];
  const files = (m: Map<string, FlatEntry>) => new Map([...m].filter(([, e]) => e.kind !== 'dir'));
  const [lt, rt] = [files(await flattenTree(vault.db, ls.tree)), files(await flattenTree(vault.db, rs.tree))];
  const out = new Map(lt);
  for (const [p, e] of rt) {
    const mine = lt.get(p);
    if (!mine) out.set(p, e);
    else if (mine.id !== e.id && p.endsWith('.jsonl') && mine.obj === 'blob' && e.obj === 'blob') {
      const lines = new Map<string, string>();
      for (const id of [e.id, mine.id]) {
        for (const line of (await vault.db.readTyped(id, 'blob')).toString('utf8').split('\n')) {
          if (!line) continue;
          let key = line;
          try {
            key = String((JSON.parse(line) as { id?: unknown }).id ?? line);
          } catch {
            /* a line that is not JSON is kept as it is */
          }
          lines.set(key, line); // local (read last) wins on the same id
        }
      }
      const body = Buffer.from(
        [...lines]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([, l]) => `${l}\n`)
          .join(''),
        'utf8',
      );
      const id = hashObject('blob', body);
      if (!(await sink.known(id))) await sink.put('blob', body, { id, compress: true });
      out.set(p, { ...mine, size: body.length, id });
    }
  }
  const tree = await writeTrees(out.values(), sink);
  const body = encodeSnapshot({
    tree,
    parents: [local, remote],
    author: vault.author,
    time: vault.clock(),
    message: 'merge records',
    meta: { ...rs.meta, ...ls.meta },
  });
  const id = hashObject('snapshot', body);
  await sink.put('snapshot', body, { id, compress: true });
  return id;
}
