/**
 * The content step of a merge: files both sides changed. A file merger (a persona's element-aware
 * merge of PSD, glTF, OBJ, .tscn...) gets the first try, then text files are merged line by line;
 * what is left is a conflict (text with markers, or a binary file whose two versions are both kept).
 */
import { nodeCrypto } from '../../builtins.js';
import type { EntryKind, ObjectId } from '../../objects/types.js';
import { chunkerFromConfig, planFile } from '../../plumbing/chunkers/index.js';
import { joinPath } from '../../plumbing/fs.js';
import { ReadBuffer, storeFile, type ObjectSink } from '../../plumbing/storeFile.js';
import { readStoredBytes } from '../../plumbing/storedContent.js';
import type { FlatEntry } from '../../plumbing/trees.js';
import type { Vault } from '../openVault.js';
import type { ContentMerge } from './mergeTrees.js';
import { TEXT_MERGE_MAX_BYTES, looksLikeText, mergeText, type TextMergeLabels } from './mergeText.js';

export interface FileMergeInput {
  /** the file's project path (its name picks the format) */
  readonly path: string;
  /** null when both sides added the file */
  readonly base: Uint8Array | null;
  readonly ours: Uint8Array;
  readonly theirs: Uint8Array;
}

export interface FileMergeOutput {
  /** the merged file, or null when the merger found a conflict it cannot settle */
  readonly data: Uint8Array | null;
  /** for the user: which element came from which side, or why it could not merge */
  readonly report: readonly string[];
}

/**
 * A hook that merges one kind of file better than lines can (a persona's element-aware merge).
 * Porcelain knows no format: the CLI passes the persona's merger in.
 */
export interface FileMerger {
  /** whether to try this file (by name; `size` is the largest of the versions): cheap, nothing read yet */
  handles(path: string, size: number): boolean;
  /** null: not this merger's business after all (the file is merged as text or is a conflict) */
  merge(input: FileMergeInput): Promise<FileMergeOutput | null>;
}

export type ContentHow = 'text' | 'file-merger' | 'conflict';

export interface ContentOutcome {
  readonly merge: ContentMerge;
  /** clean: the merged file; text conflict: the file with markers; binary conflict: null */
  readonly entry: FlatEntry | null;
  readonly clean: boolean;
  readonly how: ContentHow;
  /** true when `entry` holds conflict markers */
  readonly markers: boolean;
  readonly report: readonly string[];
}

export interface MergeContentsOptions {
  readonly vault: Vault;
  readonly merges: readonly ContentMerge[];
  readonly sink: ObjectSink;
  readonly mergeFile?: FileMerger;
  readonly labels: TextMergeLabels;
}

type Versions = { base: Buffer | null; ours: Buffer; theirs: Buffer };

async function readVersions(vault: Vault, m: ContentMerge): Promise<Versions> {
  const read = (e: FlatEntry) => readStoredBytes(vault.db, e.obj, e.id);
  return { base: m.base ? await read(m.base) : null, ours: await read(m.ours), theirs: await read(m.theirs) };
}

/** Merge the content of every file both sides changed; results in the order given. */
export async function mergeContents(opts: MergeContentsOptions): Promise<ContentOutcome[]> {
  const out: ContentOutcome[] = [];
  for (const m of opts.merges) out.push(await mergeOne(opts, m));
  return out;
}

async function mergeOne(opts: MergeContentsOptions, m: ContentMerge): Promise<ContentOutcome> {
  const { vault } = opts;
  const size = Math.max(m.base?.size ?? 0, m.ours.size, m.theirs.size);
  const report: string[] = [];
  const conflict = (entry: FlatEntry | null, markers: boolean): ContentOutcome => ({
    merge: m,
    entry,
    clean: false,
    how: 'conflict',
    markers,
    report,
  });
  if ([m.base?.kind, m.ours.kind, m.theirs.kind].includes('symlink')) return conflict(null, false);
  let v: Versions | null = null;
  if (opts.mergeFile?.handles(m.path, size)) {
    v = await readVersions(vault, m);
    const r = await opts.mergeFile
      .merge({ path: m.path, base: v.base, ours: v.ours, theirs: v.theirs })
      .catch((e: Error) => ({ data: null, report: [`the file merger failed: ${e.message}`] }));
    if (r) report.push(...r.report);
    if (r?.data) {
      const entry = await storeBytes(vault, opts.sink, m.path, r.data, m.kind);
      return { merge: m, entry, clean: true, how: 'file-merger', markers: false, report };
    }
  }
  if (size > TEXT_MERGE_MAX_BYTES) return conflict(null, false);
  v ??= await readVersions(vault, m);
  if (![v.base, v.ours, v.theirs].every((b) => b === null || looksLikeText(b))) return conflict(null, false);
  // latin1 maps every byte to one character and back: lines merge byte for byte, whatever the encoding
  const latin = (b: Buffer | null) => (b ? b.toString('latin1') : '');
  const label = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const r = mergeText(latin(v.base), latin(v.ours), latin(v.theirs), {
    ours: label(opts.labels.ours),
    theirs: label(opts.labels.theirs),
  });
  const entry = await storeBytes(vault, opts.sink, m.path, Buffer.from(r.text, 'latin1'), m.kind);
  if (r.conflicts) {
    report.push(`${r.conflicts} conflicting region(s) between markers`);
    return conflict(entry, true);
  }
  return { merge: m, entry, clean: true, how: 'text', markers: false, report };
}

/**
 * Store bytes made by the merge as a file of the project would be stored (same chunking, so the
 * commit that follows finds the same ids). They go through a temp file in the vault folder.
 */
export async function storeBytes(
  vault: Vault,
  sink: ObjectSink,
  path: string,
  data: Uint8Array,
  kind: EntryKind,
): Promise<FlatEntry> {
  const tmp = joinPath(vault.vaultDir, `merge-${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}.tmp`);
  const chunker = chunkerFromConfig(vault.config.chunker);
  await vault.fs.writeFile(tmp, data);
  try {
    const r = await storeFile({
      fs: vault.fs,
      path: tmp,
      plan: (size, head) => planFile(chunker, path, size, head),
      sink,
      buffer: new ReadBuffer(1024 * 1024),
    });
    const id: ObjectId = r.id;
    return { path, kind, size: r.size, mtime: Math.trunc(vault.clock()), obj: r.obj as FlatEntry['obj'], id };
  } finally {
    await vault.fs.unlink(tmp).catch(() => {});
  }
}
