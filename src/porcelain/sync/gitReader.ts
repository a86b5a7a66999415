import { CorruptObjectError } from '../../errors.js';
import { decodeGitTree, type GitOid, type GitTreeEntry } from '../../plumbing/git/objects.js';
import type { PackFileReader } from '../../plumbing/git/packReader.js';

/**
 * Reads the git objects of a downloaded pack, with a small cache of trees. An object whose size the
 * snapshot declares (`expect`) is checked against it before it is inflated.
 */
export class GitReader {
  private readonly trees = new Map<GitOid, GitTreeEntry[]>();
  constructor(
    private readonly pack: PackFileReader,
    readonly signal?: AbortSignal,
  ) {}

  /** Whether the server sent this object. */
  has(oid: GitOid): boolean {
    return this.pack.stat(oid) !== null;
  }

  stat(oid: GitOid): { type: string; size: number } | null {
    return this.pack.stat(oid);
  }

  async raw(oid: GitOid, type: string, expect?: { size: number; what: string }): Promise<Buffer> {
    const st = this.pack.stat(oid);
    if (!st) throw new CorruptObjectError(oid, 'the server did not send this git object', 'the downloaded pack');
    if (st.type !== type)
      throw new CorruptObjectError(oid, `git object is a ${st.type}, not a ${type}`, 'the downloaded pack');
    if (expect && st.size !== expect.size)
      throw new CorruptObjectError(
        oid,
        `${expect.what} is ${expect.size} bytes by the snapshot, but its git object has ${st.size}`,
        'the downloaded pack',
      );
    return (await this.pack.read(oid))!.body;
  }

  async tree(oid: GitOid): Promise<GitTreeEntry[]> {
    let t = this.trees.get(oid);
    if (!t) {
      this.signal?.throwIfAborted();
      t = decodeGitTree(await this.raw(oid, 'tree'), oid);
      if (this.trees.size > 4096) this.trees.clear();
      this.trees.set(oid, t);
    }
    return t;
  }

  async entry(treeOid: GitOid, name: string): Promise<GitTreeEntry> {
    const e = (await this.tree(treeOid)).find((x) => x.name === name);
    if (!e) throw new CorruptObjectError(treeOid, `git tree has no entry '${name}'`, '.vault/git');
    return e;
  }
}

/** A git commit's header fields and message, split the way git writes them. */
export interface GitCommit {
  readonly tree: GitOid;
  readonly parents: GitOid[];
  /** the header lines after tree and parents (author, committer, encoding, gpgsig...), as they are */
  readonly headers: string;
  readonly message: string;
}

export function parseGitCommit(body: Buffer, oid: GitOid): GitCommit {
  const text = body.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text.replace(/\n$/, '') : text.slice(0, end);
  const [first = '', ...rest] = head.split('\n');
  const tree = /^tree ([0-9a-f]{40})$/.exec(first)?.[1];
  if (!tree) throw new CorruptObjectError(oid, 'git commit has no tree', 'the downloaded pack');
  const parents: GitOid[] = [];
  for (const line of rest) {
    const parent = /^parent ([0-9a-f]{40})$/.exec(line)?.[1];
    if (!parent) break;
    parents.push(parent);
  }
  const headers = rest.slice(parents.length).join('\n');
  return { tree, parents, headers, message: end < 0 ? '' : text.slice(end + 2) };
}
