import type { AttachedFile, AttachmentContext, CommitAttachment } from '../../../porcelain/attachments.js';
import type { FlatEntry } from '../../../plumbing/trees.js';
import { fileReferences } from './fileReferences.js';
import { ATTACHMENT, INDEX, encodeShard, readShard, shardFolder, shardPath, type Shard } from './graph.js';
import { godotRoots, parserFor } from './parseReferences.js';
import { folderOf } from './resolveReference.js';
import type { Reference } from './types.js';

/** Warnings per commit before the rest is summed up in one line. */
export const MAX_WARNINGS = 20;

function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * The asset reference graph, kept with each snapshot (see graph.ts for the
 * layout). Only files that changed since the parent snapshot are parsed; the
 * shards of untouched folders are carried forward. A commit that deletes or
 * renames a file other files still point at is reported through ctx.warn,
 * naming the referencing file and the file it lost; so is a changed or new
 * file that names a missing file (at most MAX_WARNINGS lines, then a count).
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
  /** incremental commits: the references each changed file had before */
  const before = new Map<string, Reference[]>();
  let warned = 0;
  const say = (m: string) => {
    if (++warned <= MAX_WARNINGS) ctx.warn(m);
  };

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
    const gone = [...changes.deleted.map((c) => c.path), ...changes.renamed.map((c) => c.from!)].filter((p) =>
      parserFor(p),
    );
    const fresh = [...changes.added, ...changes.modified, ...changes.renamed]
      .map((c) => c.path)
      .filter((p) => parserFor(p));
    const touched = new Set([...gone, ...fresh].map(folderOf));
    for (const [p, f] of ctx.previous) {
      const folder = shardFolder(p);
      if (folder === null) continue;
      if (!touched.has(folder)) carried.set(folder, f);
      else shards.set(folder, await readShard(vault, f));
    }
    // what the changed files referenced before (a renamed file: under its old name)
    const oldOf = new Map(changes.renamed.map((c) => [c.path, c.from!]));
    for (const p of fresh)
      before.set(p, shards.get(folderOf(oldOf.get(p) ?? p))?.files.get(baseOf(oldOf.get(p) ?? p)) ?? []);
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
  const lost = new Map<string, string | null>([
    ...changes.deleted.map((c) => [c.path, null] as const),
    ...changes.renamed.map((c) => [c.from!, c.path] as const),
  ]);
  const all: Reference[] = [];
  for (const s of shards.values()) for (const r of s.files.values()) all.push(...r);
  if (lost.size)
    for (const f of carried.values()) for (const r of (await readShard(vault, f)).files.values()) all.push(...r);
  const how = (r: Reference) => (r.line ? ` (line ${r.line}: ${r.raw})` : r.raw !== r.target ? ` ("${r.raw}")` : '');
  for (const r of all) {
    if (!r.target || exists(r.target) || !lost.has(r.target)) continue;
    const to = lost.get(r.target);
    say(`${r.from} still uses ${r.target}, which this commit ${to ? `renames to ${to}` : 'deletes'}${how(r)}`);
  }
  // a changed or new file that now names a missing file (it did not before)
  for (const [p, old] of before) {
    const had = new Set(old.map((r) => r.target));
    const now = shards.get(folderOf(p))?.files.get(baseOf(p)) ?? [];
    for (const r of now) {
      if (!r.target || exists(r.target) || lost.has(r.target) || had.has(r.target)) continue;
      say(`${r.from} uses ${r.target}, which is not in this snapshot${how(r)}`);
    }
  }
  if (warned > MAX_WARNINGS)
    ctx.warn(`... and ${warned - MAX_WARNINGS} more broken reference(s): run 'vault refs --broken'`);
  out.push(await ctx.putBytes(INDEX, Buffer.from(`${JSON.stringify({ v: 1 })}\n`)));
  return out;
}
