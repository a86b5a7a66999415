/**
 * Crafted input for the hostile suites: trees stored exactly as given (any
 * names, no sorting or checks), snapshots whose workspace manifest says
 * anything, and git remotes holding such snapshots (loose git objects written
 * straight into a bare repository, as an attacker's server would serve them).
 *
 *   { 'ok.txt': 'fine', '.git': { config: '[core]\n\tfsmonitor = touch /tmp/pwned\n' }, evil: link('/outside') }
 */
import { deflateSync } from 'node:zlib';
import { mkdir, writeFile } from 'node:fs/promises';
import { hashObject } from '../../src/objects/hashObject.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { compareNames } from '../../src/objects/tree.js';
import type { ObjectId } from '../../src/objects/types.js';
import {
  encodeGitCommit,
  encodeGitTree,
  gitHeader,
  gitOid,
  personFromAuthor,
  type GitOid,
  type GitTreeEntry,
  type GitType,
} from '../../src/plumbing/git/objects.js';
import type { Vault } from '../../src/porcelain/openVault.js';
import { readHead } from '../../src/refs/refs.js';

export class Link {
  constructor(readonly target: string) {}
}
export const link = (target: string) => new Link(target);
export interface Spec {
  readonly [name: string]: string | Buffer | Link | Spec;
}

interface RawEntry {
  name: string;
  kind: 'file' | 'symlink' | 'dir';
  size: number;
  mtime: number;
  obj: 'blob' | 'tree';
  id: ObjectId;
}

/** The objects of a crafted tree, handed to a sink (a vault's loose objects, or a git repository). */
interface Sink {
  blob(body: Buffer, mode: '100644' | '120000'): Promise<GitOid | null>;
  tree(id: ObjectId, body: Buffer, git: GitTreeEntry[]): Promise<GitOid | null>;
}

async function build(spec: Spec, sink: Sink): Promise<{ id: ObjectId; git: GitOid | null; entries: GitTreeEntry[] }> {
  const entries: RawEntry[] = [];
  const git: GitTreeEntry[] = [];
  for (const name of Object.keys(spec).sort(compareNames)) {
    const node = spec[name]!;
    if (typeof node === 'string' || Buffer.isBuffer(node) || node instanceof Link) {
      const isLink = node instanceof Link;
      const body = Buffer.from(isLink ? node.target : node);
      const oid = await sink.blob(body, isLink ? '120000' : '100644');
      const id = hashObject('blob', body);
      entries.push({ name, kind: isLink ? 'symlink' : 'file', size: body.length, mtime: 0, obj: 'blob', id });
      if (oid) git.push({ name, mode: isLink ? '120000' : '100644', oid });
    } else {
      const sub = await build(node as Spec, sink);
      entries.push({ name, kind: 'dir', size: 0, mtime: 0, obj: 'tree', id: sub.id });
      if (sub.git) git.push({ name, mode: '40000', oid: sub.git });
    }
  }
  const body = Buffer.from(JSON.stringify({ entries }), 'utf8');
  const id = hashObject('tree', body);
  return { id, git: await sink.tree(id, body, git), entries: git };
}

/** Store a crafted tree in a vault (loose objects, no checks) and return its id. */
export async function craftTree(v: Vault, spec: Spec): Promise<ObjectId> {
  const sink: Sink = {
    blob: async (body) => (await v.db.writeLoose('blob', body), null),
    tree: async (_id, body) => (await v.db.writeLoose('tree', body), null),
  };
  return (await build(spec, sink)).id;
}

/** A snapshot on top of HEAD (same project tree unless given) with crafted attachments. */
export async function craftSnapshot(
  v: Vault,
  opts: { tree?: Spec; attachments?: Spec; message?: string },
): Promise<ObjectId> {
  const head = await readHead(v.refs);
  const tree = opts.tree ? await craftTree(v, opts.tree) : await craftTree(v, {});
  const attachments = opts.attachments ? await craftTree(v, opts.attachments) : undefined;
  const body = encodeSnapshot({
    tree,
    parents: head.id ? [head.id] : [],
    author: 'Mallory <mallory@example.org>',
    time: 1_700_000_000_000,
    message: opts.message ?? 'crafted',
    meta: {},
    ...(attachments ? { attachments } : {}),
  });
  return v.db.writeLoose('snapshot', body);
}

/** A workspace attachment holding `manifest` (any shape) and the given files (paths under files/). */
export function workspaceAttachment(manifest: unknown, files: Spec = {}): Spec {
  return { workspace: { 'manifest.json': `${JSON.stringify(manifest)}\n`, files } };
}

/** An item of a workspace manifest. */
export function item(rel: string, kind: 'file' | 'dir' | 'symlink', extra: Record<string, unknown> = {}) {
  return { rel, kind, size: 0, mode: kind === 'dir' ? 0o755 : 0o644, mtime: 0, ...extra };
}

/**
 * Plant a snapshot of `spec` in a bare git repository the way Vault's push lays
 * it out (the files, plus `.vault/snapshot.json` and `.vault/trees/ab/<id>`),
 * without any of push's checks, and point `ref` at it.
 */
export async function plantSnapshot(
  bare: string,
  spec: Spec,
  opts: { parent?: { commit: GitOid; snapshot: ObjectId }; ref?: string; time?: number } = {},
): Promise<{ commit: GitOid; snapshot: ObjectId }> {
  const put = async (type: GitType, body: Buffer): Promise<GitOid> => {
    const oid = gitOid(type, body);
    await mkdir(`${bare}/objects/${oid.slice(0, 2)}`, { recursive: true });
    await writeFile(
      `${bare}/objects/${oid.slice(0, 2)}/${oid.slice(2)}`,
      deflateSync(Buffer.concat([gitHeader(type, body.length), body])),
    );
    return oid;
  };
  const vaultTrees = new Map<ObjectId, GitOid>();
  const sink: Sink = {
    blob: (body) => put('blob', body),
    tree: async (id, body, git) => {
      vaultTrees.set(id, await put('blob', body));
      return put('tree', encodeGitTree(git));
    },
  };
  const root = await build(spec, sink);
  const fan = new Map<string, GitTreeEntry[]>();
  for (const [id, oid] of vaultTrees) {
    const k = id.slice(0, 2);
    if (!fan.has(k)) fan.set(k, []);
    fan.get(k)!.push({ name: id, mode: '100644', oid });
  }
  const fanTop: GitTreeEntry[] = [];
  for (const [k, entries] of fan)
    fanTop.push({ name: k, mode: '40000', oid: await put('tree', encodeGitTree(entries)) });
  const time = opts.time ?? 1_700_000_000_000;
  const snapBody = encodeSnapshot({
    tree: root.id,
    parents: opts.parent ? [opts.parent.snapshot] : [],
    author: 'Mallory <mallory@example.org>',
    time,
    message: 'planted',
    meta: {},
  });
  const dotVault = await put(
    'tree',
    encodeGitTree([
      { name: 'snapshot.json', mode: '100644', oid: await put('blob', snapBody) },
      { name: 'trees', mode: '40000', oid: await put('tree', encodeGitTree(fanTop)) },
    ]),
  );
  const tree = await put('tree', encodeGitTree([...root.entries, { name: '.vault', mode: '40000', oid: dotVault }]));
  const commit = await put(
    'commit',
    encodeGitCommit({
      tree,
      parents: opts.parent ? [opts.parent.commit] : [],
      author: personFromAuthor('Mallory <mallory@example.org>', time),
      message: `planted\n\nVault-Snapshot: ${hashObject('snapshot', snapBody)}\n`,
    }),
  );
  const ref = opts.ref ?? 'refs/heads/main';
  await mkdir(`${bare}/${ref.slice(0, ref.lastIndexOf('/'))}`, { recursive: true });
  await writeFile(`${bare}/${ref}`, `${commit}\n`);
  return { commit, snapshot: hashObject('snapshot', snapBody) };
}
