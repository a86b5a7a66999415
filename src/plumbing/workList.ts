import type { EntryKind, EntryObj, ObjectId } from '../objects/types.js';

/** The stat data the stat cache compares (see statCache.ts). */
export interface StatInfo {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  readonly mode: number;
}

const KINDS: readonly EntryKind[] = ['file', 'exec', 'symlink', 'dir'];
const KIND_CODE: Record<EntryKind, number> = { file: 0, exec: 1, symlink: 2, dir: 3 };
const OBJS: readonly EntryObj[] = ['blob', 'chunklist', 'tree'];
const OBJ_CODE: Record<EntryObj, number> = { blob: 0, chunklist: 1, tree: 2 };

/** flag bits */
const HAS_ID = 1;
/** left out: vanished, unreadable or kept changing while it was read */
const GONE = 2;
/** a folder whose listing held something left out or not recorded (see StatCache's folder records) */
const LIST_OPEN = 4;

/**
 * The project folder as a scan lists it, one row per file, symlink and folder,
 * in walk order (depth first, each folder's names sorted: see compareWalkOrder),
 * held in columns rather than one object per path: at a million files the
 * objects, boxed numbers and hex id strings cost ~1.3 KiB a file, the columns
 * ~90 bytes. A row holds its parent folder's row and its own name (UTF-8), so a
 * path is built when asked for; the stat data, and once hashed the object id
 * (32 bytes) and kind of object.
 */
export class WorkList {
  length = 0;
  private cap: number;
  private parents: Int32Array;
  private nameEnds: Uint32Array;
  private names: Buffer;
  private nameBytes = 0;
  private kinds: Uint8Array;
  private flags: Uint8Array;
  private objs: Uint8Array;
  private sizes: Float64Array;
  private mtimes: Float64Array;
  private inos: Float64Array;
  private modes: Uint32Array;
  private ids: Buffer;
  /** sizes a tree entry gives that are not the stat size (a symlink's target as read), by row */
  private readonly treeSizes = new Map<number, number>();
  /** the paths of folders (few next to files), by row */
  private readonly dirPaths = new Map<number, string>();
  /** the ctime of folders (the stat cache's folder records compare it: chmod, chown and ACLs move it), by row */
  private readonly dirCtimes = new Map<number, number>();

  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.parents = new Int32Array(this.cap);
    this.nameEnds = new Uint32Array(this.cap);
    this.names = Buffer.allocUnsafe(this.cap * 24);
    this.kinds = new Uint8Array(this.cap);
    this.flags = new Uint8Array(this.cap);
    this.objs = new Uint8Array(this.cap);
    this.sizes = new Float64Array(this.cap);
    this.mtimes = new Float64Array(this.cap);
    this.inos = new Float64Array(this.cap);
    this.modes = new Uint32Array(this.cap);
    this.ids = Buffer.alloc(this.cap * 32);
  }

  /**
   * Let go of the room grown for rows and names not added (up to a third of the columns: at a million files ~45 MB
   * for the whole commit). Rows may still be added after; the next one grows the columns again.
   */
  trim(): void {
    if (this.cap === this.length && this.names.length === this.nameBytes) return;
    this.resize(Math.max(16, this.length));
    this.resizeNames(Math.max(this.nameBytes, 16));
  }

  private resizeNames(bytes: number): void {
    const names = Buffer.allocUnsafe(bytes);
    this.names.copy(names, 0, 0, this.nameBytes);
    this.names = names;
  }

  private grow(): void {
    this.resize(Math.ceil(this.cap * 1.5));
  }

  private resize(cap: number): void {
    const more = <T extends Int32Array | Uint32Array | Uint8Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a.subarray(0, Math.min(n, this.length)));
      return b;
    };
    this.parents = more(this.parents, cap);
    this.nameEnds = more(this.nameEnds, cap);
    this.kinds = more(this.kinds, cap);
    this.flags = more(this.flags, cap);
    this.objs = more(this.objs, cap);
    this.sizes = more(this.sizes, cap);
    this.mtimes = more(this.mtimes, cap);
    this.inos = more(this.inos, cap);
    this.modes = more(this.modes, cap);
    const ids = Buffer.alloc(cap * 32);
    this.ids.copy(ids, 0, 0, this.length * 32);
    this.ids = ids;
    this.cap = cap;
  }

  /** Add a row; `parent` is the folder's row (-1: the project folder). Returns the new row. */
  add(parent: number, name: string, kind: EntryKind, st: StatInfo): number {
    if (this.length === this.cap) this.grow();
    const i = this.length++;
    const need = this.nameBytes + name.length * 3;
    if (need > this.names.length) this.resizeNames(Math.max(need, Math.ceil(this.names.length * 1.5)));
    this.nameBytes += this.names.write(name, this.nameBytes, 'utf8');
    this.nameEnds[i] = this.nameBytes;
    this.parents[i] = parent;
    this.kinds[i] = KIND_CODE[kind];
    this.flags[i] = 0;
    this.setStat(i, st);
    return i;
  }

  /** Remove the last row (a folder that could not be listed, before anything under it was added). */
  pop(): void {
    const i = --this.length;
    this.nameBytes = i ? this.nameEnds[i - 1]! : 0;
    this.dirPaths.delete(i);
    this.dirCtimes.delete(i);
    this.treeSizes.delete(i);
  }

  setStat(i: number, st: StatInfo): void {
    this.sizes[i] = st.size;
    this.mtimes[i] = st.mtimeMs;
    this.inos[i] = st.ino;
    this.modes[i] = st.mode >>> 0;
  }

  name(i: number): string {
    return this.names.toString('utf8', i ? this.nameEnds[i - 1] : 0, this.nameEnds[i]);
  }

  parent(i: number): number {
    return this.parents[i]!;
  }

  path(i: number): string {
    const known = this.dirPaths.get(i);
    if (known !== undefined) return known;
    const p = this.parents[i]!;
    const path = p < 0 ? this.name(i) : `${this.path(p)}/${this.name(i)}`;
    if (this.kinds[i] === KIND_CODE.dir) this.dirPaths.set(i, path);
    return path;
  }

  kind(i: number): EntryKind {
    return KINDS[this.kinds[i]!]!;
  }
  setKind(i: number, kind: EntryKind): void {
    this.kinds[i] = KIND_CODE[kind];
  }
  isDir(i: number): boolean {
    return this.kinds[i] === KIND_CODE.dir;
  }

  stat(i: number): StatInfo {
    return { size: this.sizes[i]!, mtimeMs: this.mtimes[i]!, ino: this.inos[i]!, mode: this.modes[i]! };
  }
  size(i: number): number {
    return this.sizes[i]!;
  }
  /** The size a tree entry gives: the bytes hashed when they are not the stat size. */
  treeSize(i: number): number {
    return this.treeSizes.get(i) ?? this.sizes[i]!;
  }
  setTreeSize(i: number, size: number): void {
    if (size === this.sizes[i]) this.treeSizes.delete(i);
    else this.treeSizes.set(i, size);
  }
  mtimeMs(i: number): number {
    return this.mtimes[i]!;
  }
  ino(i: number): number {
    return this.inos[i]!;
  }
  mode(i: number): number {
    return this.modes[i]!;
  }

  /**
   * Feed `h` everything a tree of the list is made of, straight from the columns (no string or line per
   * row: at 7k files the text form cost ~8 ms of an unchanged commit's ~150): the row count, which rows a
   * tree holds (every folder; a file or symlink once hashed) and their kind of object, then the parents,
   * names, kinds, tree sizes and whole-millisecond mtimes (0 for a folder or a row left out), and ids.
   * Equal input means equal trees; a row left out may still change it (costing a tree build, never a
   * wrong skip).
   */
  hashTreeColumns(h: { update(data: Uint8Array): unknown }): void {
    const n = this.length;
    const held = new Uint8Array(n);
    const numbers = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      if (this.kinds[i] === KIND_CODE.dir) held[i] = 1;
      else if (this.flags[i]! & HAS_ID) {
        held[i] = 2 + this.objs[i]!;
        numbers[i * 2] = this.sizes[i]!;
        numbers[i * 2 + 1] = Math.trunc(this.mtimes[i]!);
      }
    }
    for (const [i, size] of this.treeSizes) if (i < n && held[i]! >= 2) numbers[i * 2] = size;
    const bytes = (a: Int32Array | Uint32Array | Uint8Array | Float64Array, count: number) =>
      new Uint8Array(a.buffer, a.byteOffset, count * a.BYTES_PER_ELEMENT);
    h.update(bytes(new Float64Array([n, n ? this.nameEnds[n - 1]! : 0]), 2));
    h.update(held);
    h.update(bytes(this.parents, n));
    h.update(bytes(this.nameEnds, n));
    h.update(this.names.subarray(0, n ? this.nameEnds[n - 1]! : 0));
    h.update(bytes(this.kinds, n));
    h.update(bytes(numbers, n * 2));
    h.update(this.ids.subarray(0, n * 32));
  }

  /** Whether the row is hashed (a file or symlink with an object id). */
  hasId(i: number): boolean {
    return (this.flags[i]! & HAS_ID) !== 0;
  }
  gone(i: number): boolean {
    return (this.flags[i]! & GONE) !== 0;
  }
  /** A folder's ctime (0 when not known). */
  ctimeMs(i: number): number {
    return this.dirCtimes.get(i) ?? 0;
  }
  setCtime(i: number, ms: number): void {
    this.dirCtimes.set(i, ms);
  }
  /** A folder the stat cache must not give the names of: the scan left something in it out (see StatCache). */
  listOpen(i: number): boolean {
    return (this.flags[i]! & LIST_OPEN) !== 0;
  }
  setListOpen(i: number): void {
    this.flags[i] = this.flags[i]! | LIST_OPEN;
  }
  /** Leave the row out of the result (it was skipped while it was read). */
  setGone(i: number): void {
    this.flags[i] = (this.flags[i]! | GONE) & ~HAS_ID;
  }

  obj(i: number): EntryObj {
    return OBJS[this.objs[i]!]!;
  }
  id(i: number): ObjectId {
    return this.ids.toString('hex', i * 32, i * 32 + 32);
  }
  /** The id's 32 bytes (a view: copy to keep). */
  idBytes(i: number): Buffer {
    return this.ids.subarray(i * 32, i * 32 + 32);
  }
  /** The id's first four bytes, as a number (a hash for tables of ids). */
  idPrefix(i: number): number {
    return this.ids.readUInt32BE(i * 32);
  }
  /** Whether the id is the 32 bytes of `buf` at `offset`. */
  idEquals(i: number, buf: Uint8Array, offset: number): boolean {
    return this.ids.compare(buf, offset, offset + 32, i * 32, i * 32 + 32) === 0;
  }
  setId(i: number, obj: EntryObj, id: ObjectId | Uint8Array): void {
    if (typeof id === 'string') this.ids.write(id, i * 32, 32, 'hex');
    else this.ids.set(id, i * 32);
    this.hashedAs(i, obj);
  }
  /** setId with the id's 32 bytes at `offset` in `buf` (copied; no view is made). */
  setIdFrom(i: number, obj: EntryObj, buf: Buffer, offset: number): void {
    buf.copy(this.ids, i * 32, offset, offset + 32);
    this.hashedAs(i, obj);
  }
  /** The row's id is in place: record its kind of object and mark it hashed (no longer left out). */
  private hashedAs(i: number, obj: EntryObj): void {
    this.objs[i] = OBJ_CODE[obj];
    this.flags[i] = (this.flags[i]! | HAS_ID) & ~GONE;
  }
  clearId(i: number): void {
    this.flags[i] = this.flags[i]! & ~HAS_ID;
  }
}
