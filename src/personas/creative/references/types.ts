/**
 * Asset references: one file of the project naming another.
 *
 * - Reference: what a referencing file says (`raw`, as written) and where it
 *   points once resolved (`target`, a project-relative path), or that it
 *   leaves the project (`outside`).
 * - Reference graph: every reference of a snapshot, kept with the snapshot
 *   (attachment `references`) or computed from its tree when it has none.
 * - Status: `ok` (the target is a file of the snapshot, or the uid/guid it
 *   names is), `missing` (broken), `outside` (an absolute path or one that
 *   climbs out of the project: the project alone cannot satisfy it),
 *   `unresolved` (a path built at run time: not checked).
 * - Provided: what a file declares a name stands for (a Godot uid, a Unity
 *   guid, a file an import generates).
 */
export type ReferenceKind =
  /** OBJ `mtllib` */
  | 'mtllib'
  /** MTL `map_Kd`, `bump`, `norm`... */
  | 'texture'
  /** glTF `buffers[].uri` */
  | 'buffer'
  /** glTF `images[].uri` */
  | 'image'
  /** Godot `[ext_resource path=...]` */
  | 'ext_resource'
  /** GDScript `load(...)` / `preload(...)` */
  | 'load'
  /** a path-like string value in a JSON/YAML file, or any other res:// / uid:// string of a Godot or Unity file */
  | 'path'
  /** Unity: a `guid` naming another asset through its `.meta` file */
  | 'guid';

export interface Reference {
  /** the referencing file (project-relative) */
  readonly from: string;
  /** the reference as written in the file */
  readonly raw: string;
  readonly kind: ReferenceKind;
  /** 1-based line in the referencing file, where the format has lines */
  readonly line?: number;
  /** the file it points at, project-relative and normalised; null when it leaves the project */
  readonly target: string | null;
  /** true: an absolute path or one climbing out of the project folder */
  readonly outside?: boolean;
  /**
   * Godot `uid://...` / Unity guid the reference names (alone, or beside a path that may be stale): resolved
   * against the snapshot's declarations (`.uid` files, `uid="..."` in .import/.tscn/.tres, `.meta` files)
   */
  readonly uid?: string;
  /** built at run time (`"res://levels/" + name`): reported as unresolved, never guessed */
  readonly dynamic?: boolean;
}

/**
 * What a file declares about other names: `name` (a `uid://...` id, a Unity guid, or a project path an
 * import generates, such as `text/text.en.translation`) stands for the project file `target`.
 */
export interface Provided {
  readonly name: string;
  readonly target: string;
}

export type ReferenceStatus = 'ok' | 'missing' | 'outside' | 'unresolved';

export interface CheckedReference extends Reference {
  /** ok: found; missing: broken; outside: leaves the project (not checked); unresolved: built at run time */
  readonly status: ReferenceStatus;
  /** found through its uid/guid (or as a file an import generates) at this path, when that is not `target` */
  readonly resolved?: string;
  /** missing target: a file of the snapshot whose path differs only in letter case */
  readonly suggestion?: string;
}
