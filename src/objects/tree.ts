import { MalformedObjectError } from '../errors.js';
import { gitNameProblem } from './gitNames.js';
import { isObjectId } from './hashObject.js';
import { badRawName, isRawName, nameBytes } from './rawName.js';
import type { EntryKind, EntryObj, Tree, TreeEntry } from './types.js';

const KINDS: readonly EntryKind[] = ['file', 'exec', 'symlink', 'dir'];
const OBJS: readonly EntryObj[] = ['blob', 'chunklist', 'tree'];

/** Byte order of UTF-8 names: the one sort order every machine agrees on. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Why a name may not appear in a tree (null when it is fine). Shared by encode,
 * decode, verify, restore, clone and every persona that writes files, so a
 * crafted tree can never name its way out of the folder it is restored into,
 * nor plant what git would run (`.git` and its aliases; `.gitmodules` and the
 * like as symlinks: see gitNames.ts). `kind` is the entry's kind where known
 * (the symlink rules need it); a folder on the way is a 'dir'.
 */
export function badEntryName(name: string, kind?: EntryKind): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'empty name';
  if (name === '.' || name === '..') return 'dot entry';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  if (name.includes('\0')) return 'contains NUL';
  if (name.length === 6 && name.toLowerCase() === '.vault') return 'names the vault folder';
  return gitNameProblem(name, kind);
}

/**
 * Why a name as Vault holds it may not appear in a tree: badEntryName, except
 * that a name standing for bytes that are not UTF-8 (`\xff.txt`, see rawName.ts)
 * is judged by its bytes.
 */
export function badStoredName(name: string, kind?: EntryKind): string | null {
  if (typeof name !== 'string' || !isRawName(name)) return badEntryName(name, kind);
  const bytes = nameBytes(name);
  return bytes ? badRawName(bytes) : 'contains a path separator';
}

/** What to do about a tree that names git's folder (older Vaults stored a project's .git folder). */
const GIT_NAME_HINT =
  "this version refuses trees naming git's folder (a remote could plant a .git that runs code); snapshots " +
  "made by a Vault that still stored a project's .git hold one: commit the project again for snapshots " +
  'without it, and read the older one with the Vault version that made it';

/** What to do about a tree with any other name no folder may hold. */
const NAME_HINT =
  'a snapshot naming this would write outside its folder or into the vault: it was crafted or damaged and ' +
  "is not restored; run 'vault verify' to see which snapshots hold it";

/** The entry with its fields in the canonical order; `raw` only for a name that is not UTF-8. */
function canonicalEntry(e: TreeEntry): TreeEntry {
  const c = { name: e.name, kind: e.kind, size: e.size, mtime: e.mtime, obj: e.obj, id: e.id };
  const bytes = typeof e.name === 'string' && isRawName(e.name) ? nameBytes(e.name) : null;
  return bytes ? { ...c, raw: bytes.toString('hex') } : c;
}

function checkEntry(e: TreeEntry, id?: string): void {
  const bad = badStoredName(e.name, e.kind);
  if (bad) {
    const git = typeof e.name === 'string' && gitNameProblem(e.name, e.kind) === bad;
    throw new MalformedObjectError('tree', `entry '${String(e.name)}': ${bad}`, id, git ? GIT_NAME_HINT : NAME_HINT);
  }
  if (e.raw !== undefined && e.raw !== canonicalEntry(e).raw)
    throw new MalformedObjectError('tree', `entry '${e.name}': raw name bytes do not match the name`, id);
  if (!KINDS.includes(e.kind))
    throw new MalformedObjectError('tree', `entry '${e.name}': unknown kind ${String(e.kind)}`, id);
  if (!OBJS.includes(e.obj))
    throw new MalformedObjectError('tree', `entry '${e.name}': unknown obj ${String(e.obj)}`, id);
  if ((e.kind === 'dir') !== (e.obj === 'tree'))
    throw new MalformedObjectError('tree', `entry '${e.name}': kind ${e.kind} cannot point at a ${e.obj}`, id);
  if (e.kind === 'symlink' && e.obj !== 'blob')
    throw new MalformedObjectError('tree', `entry '${e.name}': symlink must point at a blob`, id);
  if (!Number.isSafeInteger(e.size) || e.size < 0)
    throw new MalformedObjectError('tree', `entry '${e.name}': bad size`, id);
  if (!Number.isSafeInteger(e.mtime)) throw new MalformedObjectError('tree', `entry '${e.name}': bad mtime`, id);
  if (!isObjectId(e.id)) throw new MalformedObjectError('tree', `entry '${e.name}': bad id`, id);
}

export function encodeTree(tree: Tree): Buffer {
  const entries = tree.entries.map(canonicalEntry).sort((a, b) => compareNames(a.name, b.name));
  let previous: TreeEntry | undefined;
  for (const e of entries) {
    checkEntry(e);
    if (previous?.name === e.name) throw new MalformedObjectError('tree', `duplicate entry '${e.name}'`);
    previous = e;
  }
  return Buffer.from(JSON.stringify({ entries }), 'utf8');
}

export function decodeTree(body: Uint8Array, id?: string): Tree {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new MalformedObjectError('tree', 'not valid JSON', id);
  }
  const entries = (parsed as { entries?: unknown })?.entries;
  if (!Array.isArray(entries)) throw new MalformedObjectError('tree', 'no entries list', id);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as TreeEntry;
    if (typeof e !== 'object' || e === null) throw new MalformedObjectError('tree', `entry ${i} is not an object`, id);
    checkEntry(e, id);
    if (isRawName(e.name) && e.raw === undefined)
      throw new MalformedObjectError('tree', `entry '${e.name}': no raw bytes for a name that is not UTF-8`, id);
    if (i > 0) {
      const c = compareNames(entries[i - 1].name, e.name);
      if (c === 0) throw new MalformedObjectError('tree', `duplicate entry '${e.name}'`, id);
      if (c > 0) throw new MalformedObjectError('tree', `entries not sorted at '${e.name}'`, id);
    }
  }
  return { entries: entries.map(canonicalEntry) };
}
