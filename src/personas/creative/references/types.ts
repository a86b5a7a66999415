/**
 * Asset references: one file of the project naming another.
 *
 * - Reference: what a referencing file says (`raw`, as written) and where it
 *   points once resolved (`target`, a project-relative path), or that it
 *   leaves the project (`outside`).
 * - Reference graph: every reference of a snapshot, kept with the snapshot
 *   (attachment `references`) or computed from its tree when it has none.
 * - Status: `ok` (the target is a file of the snapshot), `missing` (broken),
 *   `outside` (an absolute path or one that climbs out of the project: the
 *   project alone cannot satisfy it).
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
  /** a path-like string value in a JSON/YAML file, or a res:// string in project.godot */
  | 'path';

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
}

export type ReferenceStatus = 'ok' | 'missing' | 'outside';

export interface CheckedReference extends Reference {
  readonly status: ReferenceStatus;
  /** missing target: a file of the snapshot whose path differs only in letter case */
  readonly suggestion?: string;
}
