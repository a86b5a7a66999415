import { InvalidRefError, RefConflictError, fsError } from '../errors.js';
import { isObjectId } from '../objects/hashObject.js';
import type { ObjectId } from '../objects/types.js';
import { dirname, fsyncDir, isNotFound, joinPath, writeFileAtomic, type FsPromises } from '../plumbing/fs.js';

export interface RefOptions {
  fs: FsPromises;
  vaultDir: string;
  /**
   * `REMOTE/BRANCH` names (`origin/feature`): the snapshot a remote's branch named at the last fetch or
   * push (git's remote-tracking branches), given by the sync layer; revParse asks it when no ref matches.
   */
  tracking?: (name: string) => Promise<string | null>;
}

export const REF_PREFIXES = ['refs/heads/', 'refs/milestones/', 'refs/tags/'] as const;
/**
 * Refs for records kept beside the history, like git notes (the game persona's
 * builds, feedback and playtest sessions): valid names, listed, kept by
 * verify/gc/prune, but never matched by short names in revParse.
 */
export const NOTES_PREFIX = 'refs/notes/';

/** Why a full ref name is not acceptable (null when it is). Git's rules, simplified. */
export function badRefName(ref: string): string | null {
  if (ref === 'HEAD') return null;
  if (![...REF_PREFIXES, NOTES_PREFIX].some((p) => ref.startsWith(p) && ref.length > p.length))
    return 'must be refs/heads/NAME, refs/milestones/NAME, refs/tags/NAME or refs/notes/NAME';
  const name = ref.split('/').slice(2).join('/');
  if (!/^[A-Za-z0-9._\-/+@]+$/.test(name)) return 'only letters, digits and . _ - / + @ are allowed';
  if (name.split('/').some((c) => c === '' || c.startsWith('.') || c.endsWith('.lock')))
    return 'no empty parts, parts starting with a dot or ending in .lock';
  if (name.includes('..') || name.includes('@{')) return "no '..' or '@{'";
  // each part is a file or folder name under .vault/refs: file systems take 255 bytes
  if (name.split('/').some((c) => Buffer.byteLength(c) > 200) || ref.length > 1024)
    return 'too long (at most 200 characters between slashes, 1024 in all)';
  return null;
}

function checkRef(ref: string): void {
  const bad = badRefName(ref);
  if (bad) throw new InvalidRefError(ref, bad);
}

function refPath(vaultDir: string, ref: string): string {
  return joinPath(vaultDir, ref);
}

/** Read HEAD: the ref it points to (symbolic) and that ref's value. */
export async function readHead(opts: RefOptions): Promise<{ ref: string | null; id: ObjectId | null }> {
  let raw: string;
  try {
    raw = ((await opts.fs.readFile(joinPath(opts.vaultDir, 'HEAD'), 'utf8')) as string).trim();
  } catch (e) {
    if (isNotFound(e))
      throw new InvalidRefError(
        'HEAD',
        'missing; the vault is damaged (recreate it with: echo "ref: refs/heads/main" > .vault/HEAD)',
      );
    throw fsError(e, 'read', 'HEAD');
  }
  if (raw.startsWith('ref: ')) {
    const ref = raw.slice(5).trim();
    checkRef(ref);
    return { ref, id: await readRef(opts, ref) };
  }
  if (isObjectId(raw)) return { ref: null, id: raw };
  throw new InvalidRefError('HEAD', `malformed content '${String(raw).slice(0, 40)}'`);
}

/** The id a ref names, or null when the ref does not exist. */
export async function readRef(opts: RefOptions, ref: string): Promise<ObjectId | null> {
  if (ref === 'HEAD') return (await readHead(opts)).id;
  checkRef(ref);
  let raw: string;
  try {
    raw = ((await opts.fs.readFile(refPath(opts.vaultDir, ref), 'utf8')) as string).trim();
  } catch (e) {
    if (isNotFound(e) || (e as NodeJS.ErrnoException).code === 'EISDIR') return null;
    throw fsError(e, 'read', ref);
  }
  if (!isObjectId(raw))
    throw new InvalidRefError(
      ref,
      `malformed content '${String(raw).slice(0, 40)}' (expected a ` +
        `64-hex snapshot id); fix it with 'vault update-ref ${ref} ID'`,
    );
  return raw;
}

/** Every ref under `prefix` (e.g. "refs/milestones/") with its id. Malformed refs are reported via onError. */
export async function listRefs(
  opts: RefOptions,
  prefix = 'refs/',
  onError?: (ref: string, e: Error) => void,
): Promise<Map<string, ObjectId>> {
  const out = new Map<string, ObjectId>();
  const walk = async (rel: string): Promise<void> => {
    let names: string[];
    try {
      names = (await opts.fs.readdir(joinPath(opts.vaultDir, rel))) as string[];
    } catch (e) {
      if (isNotFound(e)) return;
      throw fsError(e, 'list', rel);
    }
    for (const n of names.sort()) {
      if (n.endsWith('.lock') || n.includes('.tmp-')) continue;
      const child = `${rel}/${n}`;
      const st = await opts.fs.stat(joinPath(opts.vaultDir, child)).catch((e) => {
        throw fsError(e, 'stat', child);
      });
      if (st.isDirectory()) await walk(child);
      else if (child.startsWith(prefix)) {
        try {
          const id = await readRef(opts, child);
          if (id) out.set(child, id);
        } catch (e) {
          if (onError) onError(child, e as Error);
          else throw e;
        }
      }
    }
  };
  await walk('refs');
  return out;
}

export interface UpdateRefOptions extends RefOptions {
  ref: string;
  /** new value; null deletes the ref */
  value: ObjectId | null;
  /** compare-and-swap: the value the caller saw (null: must not exist); undefined: no check */
  expected?: ObjectId | null;
  message: string;
  author: string;
  time: number;
}

/** Update a ref atomically with compare-and-swap, and append to its reflog. */
export async function updateRef(opts: UpdateRefOptions): Promise<void> {
  const { fs, vaultDir, ref } = opts;
  if (ref === 'HEAD') {
    const head = await readHead(opts);
    if (head.ref) return updateRef({ ...opts, ref: head.ref });
  }
  checkRef(ref);
  if (opts.value !== null && !isObjectId(opts.value))
    throw new InvalidRefError(ref, `new value '${opts.value}' is not a snapshot id`);
  const path = refPath(vaultDir, ref);
  const lock = `${path}.lock`;
  await fs.mkdir(dirname(path), { recursive: true });
  let fh;
  try {
    fh = await fs.open(lock, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new RefConflictError(
        ref,
        opts.expected ?? null,
        `locked (${lock} exists; remove it if no vault command is running)`,
      );
    }
    throw fsError(e, 'lock', lock);
  }
  let old: ObjectId | null;
  try {
    old = await readRef(opts, ref);
    if (opts.expected !== undefined && old !== opts.expected) throw new RefConflictError(ref, opts.expected, old);
    if (opts.value !== null) {
      await fh.write(`${opts.value}\n`);
      await fh.sync();
    }
    await fh.close();
    fh = undefined;
    if (opts.value === null) {
      await fs.unlink(lock);
      await fs.unlink(path).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    } else {
      await fs.rename(lock, path);
    }
    await fsyncDir(fs, dirname(path));
  } catch (e) {
    await fh?.close().catch(() => {});
    await fs.unlink(lock).catch(() => {});
    throw fsError(e, 'update', ref);
  }
  await appendReflog(opts, ref, old, opts.value);
}

async function appendReflog(
  opts: UpdateRefOptions,
  ref: string,
  old: ObjectId | null,
  value: ObjectId | null,
): Promise<void> {
  const zero = '0'.repeat(64);
  const line =
    `${old ?? zero} ${value ?? zero} ${opts.time} ` +
    `${opts.author.replace(/[\t\n]/g, ' ')}\t${opts.message.replace(/\n/g, ' ')}\n`;
  const path = joinPath(opts.vaultDir, 'logs', ref);
  await opts.fs.mkdir(dirname(path), { recursive: true });
  await opts.fs.appendFile(path, line);
}

export interface ReflogEntry {
  old: ObjectId | null;
  value: ObjectId | null;
  time: number;
  author: string;
  message: string;
}

export async function readReflog(opts: RefOptions, ref: string): Promise<ReflogEntry[]> {
  let raw: string;
  try {
    raw = (await opts.fs.readFile(joinPath(opts.vaultDir, 'logs', ref), 'utf8')) as string;
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  const zero = '0'.repeat(64);
  const out: ReflogEntry[] = [];
  for (const line of raw.split('\n')) {
    const m = /^([0-9a-f]{64}) ([0-9a-f]{64}) (\d+) ([^\t]*)\t(.*)$/.exec(line);
    if (!m) continue; // a torn last line after a crash is skipped
    const [, old = zero, value = zero, time, author = '', message = ''] = m; // every group takes part
    out.push({
      old: old === zero ? null : old,
      value: value === zero ? null : value,
      time: Number(time),
      author,
      message,
    });
  }
  return out;
}

export async function writeHead(opts: RefOptions, ref: string): Promise<void> {
  checkRef(ref);
  await writeFileAtomic(opts.fs, joinPath(opts.vaultDir, 'HEAD'), `ref: ${ref}\n`);
}
