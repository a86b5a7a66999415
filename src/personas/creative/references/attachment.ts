import {
  readAttachedFile,
  type AttachedFile,
  type AttachmentContext,
  type CommitAttachment,
} from '../../../porcelain/attachments.js';
import type { FlatEntry } from '../../../plumbing/trees.js';
import { fileReferences } from './fileReferences.js';
import {
  ATTACHMENT,
  GRAPH_VERSION,
  INDEX,
  encodeShard,
  indexVersion,
  providesMap,
  readShard,
  shardEmpty,
  shardFolder,
  shardPath,
  type Shard,
} from './graph.js';
import { godotRoots, parserFor } from './parseReferences.js';
import { checkReferences } from './queries.js';
import { folderOf } from './resolveReference.js';
import type { Provided, Reference } from './types.js';

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

/** The shards of a commit being built, and the files they came from. */
interface Building {
  readonly ctx: AttachmentContext;
  readonly exists: (p: string) => boolean;
  readonly resRoot: (from: string) => string;
  /** shards re-made by this commit, by folder */
  readonly shards: Map<string, Shard>;
  /** shards of untouched folders, carried forward as they are */
  readonly carried: Map<string, AttachedFile>;
}

async function parseInto(b: Building, e: FlatEntry): Promise<void> {
  const r = await fileReferences(b.ctx.vault, e, b.exists, b.resRoot(e.path));
  if (r.note) b.ctx.warn(`${e.path}: ${r.note}`);
  const folder = folderOf(e.path);
  let s = b.shards.get(folder);
  if (!s) b.shards.set(folder, (s = { folder, files: new Map(), provides: new Map() }));
  const name = baseOf(e.path);
  if (r.refs.length) s.files.set(name, r.refs);
  else s.files.delete(name);
  if (r.provides?.length) s.provides.set(name, r.provides);
  else s.provides.delete(name);
}

/** Did the previous snapshot keep a graph of the current version (else: parse everything again)? */
async function previousComplete(ctx: AttachmentContext): Promise<boolean> {
  const f = ctx.previous.get(INDEX);
  return !!f && indexVersion(await readAttachedFile(ctx.vault, f)) >= GRAPH_VERSION;
}

/** Incremental: re-read the shards of touched folders, drop what went away, parse what changed. */
async function update(b: Building): Promise<{ before: Map<string, Reference[]>; lostNames: Map<string, string> }> {
  const { changes, entries, previous } = b.ctx;
  const gone = [...changes.deleted.map((c) => c.path), ...changes.renamed.map((c) => c.from!)].filter((p) =>
    parserFor(p),
  );
  const fresh = [...changes.added, ...changes.modified, ...changes.renamed]
    .map((c) => c.path)
    .filter((p) => parserFor(p));
  const touched = new Set([...gone, ...fresh].map(folderOf));
  for (const [p, f] of previous) {
    const folder = shardFolder(p);
    if (folder === null) continue;
    if (!touched.has(folder)) b.carried.set(folder, f);
    else b.shards.set(folder, await readShard(b.ctx.vault, f));
  }
  // what the changed files referenced before (a renamed file: under its old name)
  const oldOf = new Map(changes.renamed.map((c) => [c.path, c.from!]));
  const before = new Map<string, Reference[]>();
  for (const p of fresh) {
    const old = oldOf.get(p) ?? p;
    before.set(p, b.shards.get(folderOf(old))?.files.get(baseOf(old)) ?? []);
  }
  // names declared by files that went away (a deleted scene's uid), and the file they stood for
  const lostNames = new Map<string, string>();
  for (const p of gone) {
    const s = b.shards.get(folderOf(p));
    for (const d of s?.provides.get(baseOf(p)) ?? []) lostNames.set(d.name, d.target);
    s?.files.delete(baseOf(p));
    s?.provides.delete(baseOf(p));
  }
  for (const p of fresh) {
    const e = entries.get(p);
    if (e) await parseInto(b, e);
  }
  return { before, lostNames };
}

/** Every reference and declaration of the new graph (reads the carried shards). */
async function wholeGraph(b: Building): Promise<{ refs: Reference[]; provides: Map<string, string> }> {
  const refs: Reference[] = [];
  const decl: Provided[] = [];
  const add = (s: Shard) => {
    for (const r of s.files.values()) refs.push(...r);
    for (const d of s.provides.values()) decl.push(...d);
  };
  for (const s of b.shards.values()) add(s);
  for (const f of b.carried.values()) add(await readShard(b.ctx.vault, f));
  return { refs, provides: providesMap(decl) };
}

async function buildGraph(ctx: AttachmentContext): Promise<AttachedFile[]> {
  const { entries } = ctx;
  const b: Building = {
    ctx,
    exists: (p) => entries.has(p) && entries.get(p)!.kind !== 'dir',
    resRoot: godotRoots(entries.keys()),
    shards: new Map(),
    carried: new Map(),
  };
  let before = new Map<string, Reference[]>();
  let lostNames = new Map<string, string>();
  if (!(await previousComplete(ctx))) {
    // first graph of this history (the persona was switched on later, or the graph is an older version)
    for (const e of entries.values()) if (parserFor(e.path)) await parseInto(b, e);
  } else ({ before, lostNames } = await update(b));

  const out: AttachedFile[] = [...b.carried].map(([folder, f]) => ({ ...f, path: shardPath(folder) }));
  for (const s of b.shards.values())
    if (!shardEmpty(s)) out.push(await ctx.putBytes(shardPath(s.folder), encodeShard(s)));
  await warnBroken(b, before, lostNames);
  out.push(await ctx.putBytes(INDEX, Buffer.from(`${JSON.stringify({ v: GRAPH_VERSION })}\n`)));
  return out;
}

/**
 * Did this commit break a reference? A file that still names a file this commit deletes or renames (by
 * path, or by a uid only the deleted file declared), and a changed file that now names a missing file.
 */
async function warnBroken(
  b: Building,
  before: ReadonlyMap<string, Reference[]>,
  lostNames: ReadonlyMap<string, string>,
): Promise<void> {
  const { changes, entries } = b.ctx;
  const lost = new Map<string, string | null>([
    ...changes.deleted.map((c) => [c.path, null] as const),
    ...changes.renamed.map((c) => [c.from!, c.path] as const),
  ]);
  const freshRefs = [...before.keys()].flatMap((p) => b.shards.get(folderOf(p))?.files.get(baseOf(p)) ?? []);
  const suspicious = freshRefs.some((r) => (r.target && !b.exists(r.target)) || r.uid);
  if (!lost.size && !suspicious) return;
  let warned = 0;
  const say = (m: string) => {
    if (++warned <= MAX_WARNINGS) b.ctx.warn(m);
  };
  const whole = await wholeGraph(b);
  const graph = { files: entries, provides: whole.provides };
  const how = (r: Reference) => {
    if (r.line) return ` (line ${r.line}: ${r.raw})`;
    return r.raw !== r.target ? ` ("${r.raw}")` : '';
  };
  for (const r of checkReferences(graph, whole.refs)) {
    const unknownGuid = r.kind === 'guid' && r.status === 'outside';
    if (r.status !== 'missing' && !unknownGuid) continue;
    const name = r.target && lost.has(r.target) ? r.target : r.uid && lostNames.get(r.uid);
    if (!name) continue;
    const to = lost.get(name);
    say(`${r.from} still uses ${name}, which this commit ${to ? `renames to ${to}` : 'deletes'}${how(r)}`);
  }
  // a changed or new file that now names a missing file (it did not before)
  for (const [p, old] of before) {
    const had = new Set(old.map((r) => r.target ?? r.uid));
    const now = checkReferences(graph, b.shards.get(folderOf(p))?.files.get(baseOf(p)) ?? []);
    for (const r of now) {
      const name = r.target ?? r.uid;
      if (r.status !== 'missing' || !name || lost.has(name) || lostNames.has(name) || had.has(name)) continue;
      say(`${r.from} uses ${name}, which is not in this snapshot${how(r)}`);
    }
  }
  if (warned > MAX_WARNINGS)
    b.ctx.warn(`... and ${warned - MAX_WARNINGS} more broken reference(s): run 'vault refs --broken'`);
}
