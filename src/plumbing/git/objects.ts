import { nodeCrypto } from '../../builtins.js';
import { CorruptObjectError } from '../../errors.js';

/** Git's object kinds that Vault writes (no annotated tags). */
export type GitType = 'blob' | 'tree' | 'commit';

/** A git object id: 40-hex SHA-1 of `"<type> <len>\0" + body`. */
export type GitOid = string;

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
export const ZERO_OID = '0'.repeat(40);

export function gitHeader(type: GitType, length: number): Buffer {
  return Buffer.from(`${type} ${length}\0`, 'latin1');
}

export function gitOid(type: GitType, body: Uint8Array): GitOid {
  return nodeCrypto().createHash('sha1').update(gitHeader(type, body.length)).update(body).digest('hex');
}

export type GitMode = '100644' | '100755' | '120000' | '40000';

export interface GitTreeEntry {
  readonly name: string;
  readonly mode: GitMode;
  readonly oid: GitOid;
}

/** Git's tree order: byte order of names, folders compared as if they ended in '/'. */
function sortKey(e: GitTreeEntry): Buffer {
  return Buffer.from(e.mode === '40000' ? `${e.name}/` : e.name, 'utf8');
}

export function encodeGitTree(entries: readonly GitTreeEntry[]): Buffer {
  const sorted = [...entries].map((e) => ({ e, k: sortKey(e) })).sort((a, b) => Buffer.compare(a.k, b.k));
  const parts: Buffer[] = [];
  for (const { e } of sorted) {
    parts.push(Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

export function decodeGitTree(body: Uint8Array, oid = '(git tree)'): GitTreeEntry[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const out: GitTreeEntry[] = [];
  let o = 0;
  while (o < buf.length) {
    const sp = buf.indexOf(0x20, o);
    const nul = buf.indexOf(0, sp);
    if (sp < 0 || nul < 0 || nul + 21 > buf.length) throw new CorruptObjectError(oid, 'malformed git tree');
    const mode = buf.toString('latin1', o, sp);
    out.push({
      mode: (mode === '040000' ? '40000' : mode) as GitMode,
      name: buf.toString('utf8', sp + 1, nul),
      oid: buf.toString('hex', nul + 1, nul + 21),
    });
    o = nul + 21;
  }
  return out;
}

export interface GitPerson {
  readonly name: string;
  readonly email: string;
  /** seconds since the epoch */
  readonly time: number;
}

/** "Name <email>" when the author string has that shape; otherwise the whole string as the name. */
export function personFromAuthor(author: string, timeMs: number): GitPerson {
  const clean = (s: string) => s.replace(/[<>\n\r\0]/g, '').trim();
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(author);
  let name = author;
  let email = author.includes('@') ? author : '';
  if (m) [, name = '', email = ''] = m; // both groups take part in a match
  return {
    name: clean(name) || 'unknown',
    email: clean(email) || 'unknown',
    time: Math.max(0, Math.floor(timeMs / 1000)),
  };
}

export function encodeGitCommit(c: {
  tree: GitOid;
  parents: readonly GitOid[];
  author: GitPerson;
  message: string;
}): Buffer {
  const who = `${c.author.name} <${c.author.email}> ${c.author.time} +0000`;
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${who}`, `committer ${who}`];
  return Buffer.from(`${lines.join('\n')}\n\n${c.message}`, 'utf8');
}

export function commitTreeOf(body: Uint8Array): { tree: GitOid; parents: GitOid[] } {
  const text = Buffer.from(body).toString('utf8');
  const head = text.slice(0, text.indexOf('\n\n') < 0 ? text.length : text.indexOf('\n\n'));
  let tree = '';
  const parents: string[] = [];
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree = line.slice(5);
    else if (line.startsWith('parent ')) parents.push(line.slice(7));
  }
  return { tree, parents };
}
