/**
 * Hostile Vault remotes built object by object in a bare repository (git plumbing, no Vault push): a
 * commit laid out the way exportSnapshot lays it out (project files, `.vault/snapshot.json`,
 * `.vault/trees/ab/<id>`, `.vault/chunks/ab/<id>`), but with whatever sizes, parents and shapes a test
 * wants. A folder object reused in the spec is one tree in git and in Vault (that is how the exponential
 * tree is made: one subtree at every level).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, deflateRawSync } from 'node:zlib';
import { hashObject } from '../../src/objects/hashObject.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { encodeTree } from '../../src/objects/tree.js';
import type { EntryKind, ObjectId, TreeEntry } from '../../src/objects/types.js';
import { encodeGitCommit, encodeGitTree, type GitTreeEntry } from '../../src/plumbing/git/objects.js';
import { encodeManifest } from '../../src/porcelain/sync/exportSnapshot.js';
import { run } from './gitServer.js';
import { must } from '../helpers/must.js';

/** `git hash-object -w` of a body. */
export function gitObject(repo: string, type: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn('git', ['-C', repo, 'hash-object', '-w', '--literally', '-t', type, '--stdin'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`hash-object: ${err}`))));
    c.stdin.end(body);
  });
}

/**
 * A blob of `size` zero bytes stored in a pack of its own (`git index-pack`), so the server sends it from
 * there without compressing it again: a zip bomb of about size/1000 bytes on the wire. Returns its id.
 */
export async function zeroBlob(repo: string, size: number): Promise<string> {
  const oid = createHash('sha1').update(`blob ${size}\0`);
  const MIB = 1 << 20;
  const piece = Buffer.alloc(MIB);
  for (let left = size; left > 0; left -= MIB) oid.update(left >= MIB ? piece : piece.subarray(0, left));
  // a zlib stream made of one fully flushed deflate segment of 1 MiB of zeros, repeated (a full flush
  // resets the compressor, so every copy is the same bytes), the rest, an empty final block, adler32
  const segment = deflateRawSync(piece, { finishFlush: constants.Z_FULL_FLUSH });
  const rest = deflateRawSync(Buffer.alloc(size % MIB), { finishFlush: constants.Z_FULL_FLUSH });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((size % 65521) << 16) | 1) >>> 0);
  const compressed = [
    Buffer.from([0x78, 0x9c]),
    ...Array.from({ length: Math.floor(size / MIB) }, () => segment),
    rest,
    Buffer.from([0x03, 0x00]),
    adler,
  ];
  const head: number[] = [];
  let byte = (3 << 4) | (size % 16);
  for (let rest = Math.floor(size / 16); rest > 0; rest = Math.floor(rest / 128)) {
    head.push(byte | 0x80);
    byte = rest % 128;
  }
  head.push(byte);
  const body = Buffer.concat([Buffer.from('PACK\0\0\0\x02\0\0\0\x01', 'latin1'), Buffer.from(head), ...compressed]);
  const pack = Buffer.concat([body, createHash('sha1').update(body).digest()]);
  await new Promise<void>((resolve, reject) => {
    const c = spawn('git', ['-C', repo, 'index-pack', '--stdin'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`index-pack: ${err}`))));
    c.stdin.end(pack);
  });
  return oid.digest('hex');
}

export const gitTree = (repo: string, entries: GitTreeEntry[]) => gitObject(repo, 'tree', encodeGitTree(entries));

/** A file of a hostile snapshot: its git blob and what the Vault tree says about it. */
export interface HostileFile {
  /** the git blob (a file's bytes, or a manifest for a chunked file) */
  readonly oid: string;
  /** what the Vault tree declares */
  readonly size: number;
  readonly id: ObjectId;
  readonly obj?: 'blob' | 'chunklist';
  readonly kind?: Exclude<EntryKind, 'dir'>;
}

/** A folder: files and subfolders by name (reuse one Folder object to reuse its tree). */
export interface Folder {
  readonly [name: string]: HostileFile | Folder;
}

const GIT_MODE = { file: '100644', exec: '100755', symlink: '120000' } as const;

const isFile = (x: HostileFile | Folder): x is HostileFile => typeof (x as HostileFile).oid === 'string';

/** A small file stored whole (git blob = its bytes, Vault blob id = hash of them). */
export async function smallFile(repo: string, bytes: Buffer): Promise<HostileFile> {
  return { oid: await gitObject(repo, 'blob', bytes), size: bytes.length, id: hashObject('blob', bytes) };
}

/** A chunked file whose manifest lists `chunks` (each a git blob with a declared size). */
export async function chunkedFile(
  repo: string,
  chunks: { oid: string; size: number; id?: ObjectId }[],
  declared?: number,
): Promise<HostileFile & { chunks: { id: ObjectId; size: number; oid: string }[] }> {
  const parts = chunks.map((c, i) => ({ id: c.id ?? hashObject('chunk', Buffer.from(`chunk ${i}`)), ...c }));
  const size = parts.reduce((s, c) => s + c.size, 0);
  const listId = hashObject('chunklist', Buffer.from(`list ${size}`));
  const manifest = encodeManifest(listId, size, parts);
  return {
    oid: await gitObject(repo, 'blob', manifest),
    size: declared ?? size,
    id: listId,
    obj: 'chunklist',
    chunks: parts,
  };
}

/** Write the commit of one hostile snapshot; returns its git commit id and Vault snapshot id. */
export async function hostileCommit(
  repo: string,
  root: Folder,
  opts: { parents?: ObjectId[]; gitParents?: string[]; message?: string } = {},
): Promise<{ commit: string; snapshot: ObjectId }> {
  const vaultTrees = new Map<ObjectId, string>();
  const chunks = new Map<ObjectId, string>();
  const done = new Map<Folder, { id: ObjectId; git: string }>();
  const walk = async (f: Folder): Promise<{ id: ObjectId; git: string }> => {
    const hit = done.get(f);
    if (hit) return hit;
    const entries: TreeEntry[] = [];
    const git: GitTreeEntry[] = [];
    for (const [name, x] of Object.entries(f)) {
      if (isFile(x)) {
        const kind = x.kind ?? 'file';
        entries.push({ name, kind, size: x.size, mtime: 1_700_000_000_000, obj: x.obj ?? 'blob', id: x.id });
        git.push({ name, mode: GIT_MODE[kind], oid: x.oid });
        for (const c of (x as { chunks?: { id: ObjectId; oid: string }[] }).chunks ?? []) chunks.set(c.id, c.oid);
      } else {
        const sub = await walk(x);
        entries.push({ name, kind: 'dir', size: 0, mtime: 1_700_000_000_000, obj: 'tree', id: sub.id });
        git.push({ name, mode: '40000', oid: sub.git });
      }
    }
    const body = encodeTree({ entries });
    const id = hashObject('tree', body);
    vaultTrees.set(id, await gitObject(repo, 'blob', body));
    const r = { id, git: await gitTree(repo, git) };
    done.set(f, r);
    return r;
  };
  const top = await walk(root);
  const fanOut = async (items: Map<string, string>) => {
    const groups = new Map<string, GitTreeEntry[]>();
    for (const [name, oid] of items) {
      const g = groups.get(name.slice(0, 2)) ?? [];
      g.push({ name, mode: '100644', oid });
      groups.set(name.slice(0, 2), g);
    }
    const entries: GitTreeEntry[] = [];
    for (const [k, g] of groups) entries.push({ name: k, mode: '40000', oid: await gitTree(repo, g) });
    return gitTree(repo, entries);
  };
  const snapBody = encodeSnapshot({
    tree: top.id,
    parents: opts.parents ?? [],
    author: 'Mallory <m@example.org>',
    time: 1_700_000_000_000,
    message: opts.message ?? 'hostile',
    meta: {},
  });
  const dot: GitTreeEntry[] = [
    { name: 'snapshot.json', mode: '100644', oid: await gitObject(repo, 'blob', snapBody) },
    { name: 'trees', mode: '40000', oid: await fanOut(vaultTrees) },
  ];
  if (chunks.size) dot.push({ name: 'chunks', mode: '40000', oid: await fanOut(chunks) });
  const rootEntries = (await run('git', ['-C', repo, 'ls-tree', top.git], { encoding: 'utf8' })).stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [meta, name] = l.split('\t');
      const [mode, , oid] = must(meta, `mode, type and id in '${l}'`).split(' ');
      return {
        name: must(name, `a name in '${l}'`),
        mode: (mode === '040000' ? '40000' : must(mode, `a mode in '${l}'`)) as GitTreeEntry['mode'],
        oid: must(oid, `an id in '${l}'`),
      };
    });
  const tree = await gitTree(repo, [...rootEntries, { name: '.vault', mode: '40000', oid: await gitTree(repo, dot) }]);
  const body = encodeGitCommit({
    tree,
    parents: opts.gitParents ?? [],
    author: { name: 'Mallory', email: 'm@example.org', time: 1_700_000_000 },
    message: `${opts.message ?? 'hostile'}\n`,
  });
  return { commit: await gitObject(repo, 'commit', body), snapshot: hashObject('snapshot', snapBody) };
}

export async function setBranch(repo: string, commit: string, branch = 'main'): Promise<void> {
  await run('git', ['-C', repo, 'update-ref', `refs/heads/${branch}`, commit]);
}
