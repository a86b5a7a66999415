/**
 * The plan of a restore: which folders to create, which files and links to write
 * and from which objects, and which entries are refused and why. planRestore is
 * pure, so every refusal can be tested without a filesystem; planFolders reads
 * the snapshot's trees (the only I/O here) and plans them one folder at a time,
 * so a restore of a million files never holds a million entries.
 * restoreWriter.ts carries the plans out.
 */
import { MalformedObjectError, PathNotFoundError, TargetInVaultError, VaultError } from '../errors.js';
import { badStoredName } from '../objects/tree.js';
import type { EntryKind, ObjectId } from '../objects/types.js';
import type { ObjectDatabase } from '../plumbing/ObjectDatabase.js';
import { readTree, type FlatEntry } from '../plumbing/trees.js';

/** An entry that was not restored because of where it would go (unsafe name, symlink in the way, ...). */
export interface NotRestored {
  readonly path: string;
  readonly reason: string;
}

/** An entry that could not be restored because its stored objects are damaged or missing. */
export interface RestoreFailure {
  readonly path: string;
  /** the error code: ECORRUPT, ENOOBJECT, EMALFORMED, ECOMPRESS */
  readonly code: string;
  readonly reason: string;
}

/** How the target folder compares names (found by probing it: see probeNameFolding). */
export interface NameFolding {
  /** `A` and `a` name the same file (macOS and Windows defaults) */
  readonly case: boolean;
  /** NFC and NFD spellings of a name (`é` as one or two code points) name the same file (macOS) */
  readonly unicode: boolean;
}

export const NO_FOLDING: NameFolding = { case: false, unicode: false };
export const FULL_FOLDING: NameFolding = { case: true, unicode: true };

export interface PlannedEntry extends FlatEntry {
  /** where it is written, relative to the target (see onDiskPath) */
  readonly disk: string;
  /** in place: the project folder holds this content already (the writer checks the mode before leaving it) */
  readonly present: boolean;
}

export interface RestorePlan {
  /** folders to create, parents first */
  readonly dirs: readonly PlannedEntry[];
  /** files and symlinks to write, in path order */
  readonly files: readonly PlannedEntry[];
  /** entries refused before anything is written */
  readonly refused: readonly NotRestored[];
  readonly filesTotal: number;
  readonly bytesTotal: number;
  /** entries refused because their names collide, with the reason: what such a folder holds is refused with it */
  readonly collided: ReadonlyMap<string, string>;
}

/** What the project folder holds now at a path (a symlink and a file can share an id). */
export interface PresentEntry {
  readonly id: string;
  readonly kind: string;
}

export interface PlanInput {
  readonly entries: Iterable<FlatEntry>;
  /** how the target compares names; NO_FOLDING when it tells every spelling apart */
  readonly folding: NameFolding;
  /** in place: what the project folder holds now, by path */
  readonly present?: ReadonlyMap<string, PresentEntry>;
  /** the vault store's path relative to the target, when the store lies inside the target */
  readonly store?: string | null;
  /** the target (for the error naming it) and the store's absolute path */
  readonly where?: { readonly target: string; readonly vaultDir: string };
  /** the nearest folder above these entries that is refused because its name collides, with the reason */
  readonly under?: NotRestored;
}

/** Codes of damaged or missing objects: the entry fails, the rest of the restore goes on. */
const DAMAGE = new Set(['ENOOBJECT', 'ECORRUPT', 'EMALFORMED', 'ECOMPRESS']);

export function isDamage(err: unknown): err is VaultError {
  return err instanceof VaultError && DAMAGE.has(err.code);
}

export function failureOf(path: string, err: VaultError): RestoreFailure {
  return { path, code: err.code, reason: err.message };
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * The one place where an entry's path in a snapshot becomes a path on disk
 * (relative to the target). Names are stored as they are written today.
 */
export function onDiskPath(path: string): string {
  return path;
}

const ASCII = /^[\x00-\x7f]*$/;

/** The key under which a folder that folds names sees `name`. */
export function foldName(name: string, folding: NameFolding): string {
  // an ASCII name is its own NFC form (the common case, and normalize() is not free)
  const nfc = folding.unicode && !ASCII.test(name);
  let n = nfc ? name.normalize('NFC') : name;
  if (folding.case) n = n.toLowerCase();
  return nfc ? n.normalize('NFC') : n;
}

// ---- the plan itself: pure ----

/** Paths that `restore` would overwrite although they hold uncommitted changes (EDIRTY). */
export function dirtyConflicts(
  entries: Iterable<FlatEntry>,
  dirty: ReadonlySet<string>,
  present: ReadonlyMap<string, PresentEntry>,
): string[] {
  const conflicts: string[] = [];
  for (const e of entries) {
    if (e.kind === 'dir' || !dirty.has(e.path)) continue;
    const now = present.get(e.path);
    if (!now || now.id !== e.id || now.kind !== e.kind) conflicts.push(e.path);
  }
  return conflicts.sort();
}

/** Why a path may not be written: a component with an unsafe name (the last one judged with the entry's kind). */
function unsafeName(path: string, kind?: EntryKind): string | null {
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const why = badStoredName(parts[i]!, i === parts.length - 1 ? kind : 'dir');
    if (why) return why;
  }
  return null;
}

/**
 * Entries of one folder whose names the target cannot tell apart (`Hero.psd` and
 * `hero.psd` on a case-insensitive disk; NFC and NFD spellings on a normalising
 * one): path -> reason. Both are refused, as git does, so neither overwrites
 * (or, as a symlink, redirects) the other.
 */
export function nameCollisions(paths: Iterable<string>, folding: NameFolding): Map<string, string> {
  const out = new Map<string, string>();
  if (!folding.case && !folding.unicode) return out;
  const byKey = new Map<string, string[]>();
  for (const p of paths) {
    const i = p.lastIndexOf('/');
    const key = `${p.slice(0, i + 1)}${foldName(p.slice(i + 1), folding)}`;
    const group = byKey.get(key);
    if (group) group.push(p);
    else byKey.set(key, [p]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    for (const p of group) {
      const others = group.filter((o) => o !== p).map((o) => `'${o.slice(o.lastIndexOf('/') + 1)}'`);
      out.set(
        p,
        `its name differs only in case or Unicode normalisation from ${others.join(', ')} in the same folder, ` +
          'and the target folder does not tell such names apart',
      );
    }
  }
  return out;
}

/**
 * Whether any two of `paths` (a folder's entries and what they hold) would collide under `folding`: what
 * nameCollisions finds, without a key per path. A name that folds to itself can only collide with one that does
 * not, so only names that change are folded, and their keys looked up among the paths themselves (a restore of
 * 1M files kept 1M keys for this before).
 */
export function mayCollide(
  paths: { keys(): Iterable<string>; has(path: string): boolean },
  folding: NameFolding,
): boolean {
  if (!folding.case && !folding.unicode) return false;
  const changed = new Set<string>();
  for (const p of paths.keys()) {
    const i = p.lastIndexOf('/');
    const name = p.slice(i + 1);
    const folded = foldName(name, folding);
    if (folded === name) continue;
    const key = `${p.slice(0, i + 1)}${folded}`;
    if (paths.has(key) || changed.has(key)) return true;
    changed.add(key);
  }
  return false;
}

/**
 * The refused entries: unsafe names, name collisions, and everything under a refused folder (in `entries`, or
 * `under`, the nearest colliding folder above them all). Also the folders refused for a collision.
 */
function refusals(
  entries: readonly FlatEntry[],
  folding: NameFolding,
  under: NotRestored | undefined,
): { refused: Map<string, string>; collisions: Map<string, string> } {
  const refused = new Map<string, string>();
  for (const e of entries) {
    const why = unsafeName(e.path, e.kind);
    if (why) refused.set(e.path, why);
  }
  const collisions = nameCollisions(
    entries.filter((e) => !refused.has(e.path)).map((e) => e.path),
    folding,
  );
  for (const [p, why] of collisions) refused.set(p, why);
  // the nearest refused folder names the reason
  for (const e of entries) {
    if (refused.has(e.path)) continue;
    let d = parentOf(e.path);
    while (d !== '' && !collisions.has(d) && d !== under?.path) d = parentOf(d);
    if (collisions.has(d)) refused.set(e.path, `its folder '${d}' is refused: ${collisions.get(d)}`);
    else if (under && d === under.path) refused.set(e.path, `its folder '${d}' is refused: ${under.reason}`);
  }
  return { refused, collisions };
}

/** The first planned path that lies in (or is) the vault store, when the store is inside the target. */
function intoStore(paths: readonly string[], store: string, folding: NameFolding): string | undefined {
  const fold = (p: string) =>
    p
      .split('/')
      .map((n) => foldName(n, folding))
      .join('/');
  const s = fold(store);
  return paths.find((p) => {
    const f = fold(p);
    return f === s || f.startsWith(`${s}/`);
  });
}

function samePresent(e: FlatEntry, now: PresentEntry | undefined): boolean {
  if (!now || now.id !== e.id) return false;
  return now.kind === e.kind || (now.kind !== 'symlink' && e.kind !== 'symlink');
}

/** What to write and what to refuse. Throws ETARGETINVAULT when an entry would land in the vault store. */
export function planRestore(input: PlanInput): RestorePlan {
  const entries = [...input.entries].sort((a, b) => (a.path < b.path ? -1 : 1));
  const { refused: refusedBy, collisions } = refusals(entries, input.folding, input.under);
  const kept = entries.filter((e) => !refusedBy.has(e.path));
  if (input.store != null) {
    const hit = intoStore(
      kept.map((e) => onDiskPath(e.path)),
      input.store,
      input.folding,
    );
    if (hit !== undefined)
      throw new TargetInVaultError(input.where?.target ?? '.', input.where?.vaultDir ?? input.store, hit);
  }
  const planned = kept.map((e): PlannedEntry => ({
    ...e,
    disk: onDiskPath(e.path),
    present: e.kind !== 'dir' && samePresent(e, input.present?.get(e.path)),
  }));
  const files = planned.filter((e) => e.kind !== 'dir');
  return {
    dirs: planned.filter((e) => e.kind === 'dir'),
    files,
    refused: [...refusedBy].map(([path, reason]) => ({ path, reason })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    filesTotal: files.length,
    bytesTotal: files.reduce((s, e) => s + e.size, 0),
    collided: collisions,
  };
}

// ---- planning a snapshot folder by folder: the only I/O of the plan ----

/** One folder's plan, with the entries it was made from (refused ones too). */
export interface FolderPlan {
  readonly entries: readonly FlatEntry[];
  readonly plan: RestorePlan;
}

/**
 * The plans of a snapshot's entries to restore (all of it, or the given paths, normalised and project-relative,
 * with their parent folders and everything under folders), one folder at a time, parents first: planRestore of
 * each folder's entries, which refuses what planRestore of them all would (names collide only within a folder; a
 * colliding folder's reason is handed down). A damaged subfolder is pushed to `failures` and the walk goes on; a
 * damaged root, or a damaged folder on the way to a path asked for, is an error.
 */
export async function* planFolders(
  db: ObjectDatabase,
  root: ObjectId,
  paths: readonly string[],
  snapshot: ObjectId,
  input: Omit<PlanInput, 'entries' | 'under'>,
  failures: RestoreFailure[],
): AsyncGenerator<FolderPlan> {
  if (!paths.length || paths.includes('')) {
    yield* walkFolder(db, root, '', undefined, input, failures, new Set());
    return;
  }
  // a path under another one asked for is walked with it
  const asked = new Set(paths);
  const wanted = [...asked].sort().filter((p) => {
    for (let a = parentOf(p); a !== ''; a = parentOf(a)) if (asked.has(a)) return false;
    return true;
  });
  const chains = new Map<string, FlatEntry>();
  const walks: FlatEntry[] = [];
  for (const p of wanted) {
    const chain = await lookupChain(db, root, p, snapshot);
    for (const e of chain) chains.set(e.path, e);
    const last = chain[chain.length - 1]!;
    if (last.kind === 'dir') walks.push(last);
  }
  // the paths and the folders on their way, planned together (two of them may collide)
  const entries = [...chains.values()];
  const plan = planRestore({ ...input, entries });
  yield { entries, plan };
  for (const d of walks) {
    let under: NotRestored | undefined;
    for (let a = d.path; a !== '' && !under; a = parentOf(a)) {
      const reason = plan.collided.get(a);
      if (reason !== undefined) under = { path: a, reason };
    }
    yield* walkFolder(db, d.id, d.path, under, input, failures, new Set());
  }
}

async function* walkFolder(
  db: ObjectDatabase,
  id: ObjectId,
  base: string,
  under: NotRestored | undefined,
  input: Omit<PlanInput, 'entries' | 'under'>,
  failures: RestoreFailure[],
  stack: Set<string>,
): AsyncGenerator<FolderPlan> {
  let tree;
  try {
    if (stack.has(id)) throw new MalformedObjectError('tree', `tree contains itself at '${base}'`, id);
    tree = await readTree(db, id);
  } catch (err) {
    if (base === '' || !isDamage(err)) throw err;
    failures.push(failureOf(base, err));
    return;
  }
  const entries = tree.entries.map((e): FlatEntry => ({
    path: base ? `${base}/${e.name}` : e.name,
    kind: e.kind,
    size: e.size,
    mtime: e.mtime,
    obj: e.obj,
    id: e.id,
  }));
  const plan = planRestore({ ...input, entries, under });
  yield { entries, plan };
  stack.add(id);
  for (const e of entries) {
    if (e.kind !== 'dir') continue;
    const reason = plan.collided.get(e.path);
    yield* walkFolder(
      db,
      e.id,
      e.path,
      reason === undefined ? under : { path: e.path, reason },
      input,
      failures,
      stack,
    );
  }
  stack.delete(id);
}

/** The entries from the root down to `path` (its parent folders, then itself). */
async function lookupChain(db: ObjectDatabase, root: ObjectId, path: string, snapshot: ObjectId): Promise<FlatEntry[]> {
  const chain: FlatEntry[] = [];
  let id = root;
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const e = (await readTree(db, id)).entries.find((x) => x.name === parts[i]);
    if (!e || (i < parts.length - 1 && e.kind !== 'dir'))
      throw new PathNotFoundError(path, `snapshot ${snapshot.slice(0, 12)}`);
    const at = parts.slice(0, i + 1).join('/');
    chain.push({ path: at, kind: e.kind, size: e.size, mtime: e.mtime, obj: e.obj, id: e.id });
    id = e.id;
  }
  return chain;
}
