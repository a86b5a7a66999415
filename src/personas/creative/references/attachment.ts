import type { AttachedFile, AttachmentContext, CommitAttachment } from '../../../porcelain/attachments.js';
import type { FlatEntry } from '../../../plumbing/trees.js';
import { fileReferences } from './fileReferences.js';
import { ATTACHMENT, INDEX, encodeShard, readShard, shardFolder, shardPath, type Shard } from './graph.js';
import { godotRoots, parserFor } from './parseReferences.js';
import { folderOf } from './resolveReference.js';
import type { Reference } from './types.js';

function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * The asset reference graph, kept with each snapshot (see graph.ts for the
 * layout). Only files that changed since the parent snapshot are parsed; the
 * shards of untouched folders are carried forward. A commit that deletes or
 * renames a file other files still point at is reported through ctx.warn,
 * naming the referencing file and the file it lost.
 */
export function referencesAttachment(): CommitAttachment {
  return { name: ATTACHMENT, run: buildGraph };
}

async function buildGraph(ctx: AttachmentContext): Promise<AttachedFile[]> {
  const { vault, entries, changes } = ctx;
  const exists = (p: string) => entries.has(p) && entries.get(p)!.kind !== 'dir';
  const shards = new Map<string, Shard>();
  const carried = new Map<string, AttachedFile>();
  const full = !ctx.previous.has(INDEX);
  const resRoot = godotRoots(entries.keys());

  const parseInto = async (e: FlatEntry) => {
    const r = await fileReferences(vault, e, exists, resRoot(e.path));
    if (r.note) ctx.warn(`${e.path}: ${r.note}`);
    const folder = folderOf(e.path);
    let s = shards.get(folder);
    if (!s) shards.set(folder, (s = { folder, files: new Map() }));
    if (r.refs.length) s.files.set(baseOf(e.path), r.refs);
    else s.files.delete(baseOf(e.path));
  };

  if (full) {
    // first graph of this history (or the persona was switched on later): parse every file
    for (const e of entries.values()) if (parserFor(e.path)) await parseInto(e);
  } else {
    const gone = [...changes.deleted.map((c) => c.path), ...changes.renamed.map((c) => c.from!)].filter((p) => parserFor(p));
    const fresh = [...changes.added, ...changes.modified, ...changes.renamed].map((c) => c.path).filter((p) => parserFor(p));
    const touched = new Set([...gone, ...fresh].map(folderOf));
    for (const [p, f] of ctx.previous) {
      const folder = shardFolder(p);
      if (folder === null) continue;
      if (!touched.has(folder)) carried.set(folder, f);
      else shards.set(folder, await readShard(vault, f));
    }
    for (const p of gone) shards.get(folderOf(p))?.files.delete(baseOf(p));
    for (const p of fresh) {
      const e = entries.get(p);
      if (e) await parseInto(e);
    }
  }

  const out: AttachedFile[] = [...[...carried].map(([folder, f]) => ({ ...f, path: shardPath(folder) }))];
  for (const s of shards.values()) {
    if (![...s.files.values()].some((r) => r.length)) continue;
    out.push(await ctx.putBytes(shardPath(s.folder), encodeShard(s)));
  }
  // did this commit break a reference? (needs every shard: read only when files went away)
  const lost = new Map<string, string | null>([...changes.deleted.map((c) => [c.path, null] as const), ...changes.renamed.map((c) => [c.from!, c.path] as const)]);
  const all: Reference[] = [];
  for (const s of shards.values()) for (const r of s.files.values()) all.push(...r);
  if (lost.size) for (const f of carried.values()) for (const r of (await readShard(vault, f)).files.values()) all.push(...r);
  for (const r of all) {
    if (!r.target || exists(r.target) || !lost.has(r.target)) continue;
    const to = lost.get(r.target);
    ctx.warn(`${r.from} still uses ${r.target}, which this commit ${to ? `renames to ${to}` : 'deletes'}${r.line ? ` (line ${r.line}: ${r.raw})` : r.raw !== r.target ? ` ("${r.raw}")` : ''}`);
  }
  out.push(await ctx.putBytes(INDEX, Buffer.from(`${JSON.stringify({ v: 1 })}\n`)));
  return out;
}
