/** One element of a file: a layer, node, mesh, material, object, key path... */
export interface ElementInfo {
  /** the name to pass to --element: a path for nested elements (Group/Layer, Player/Sprite, settings.audio) */
  readonly name: string;
  /** layer, group, node, mesh, material, object, key... (format-specific) */
  readonly kind: string;
  /** facts per format: sizes and visibility of layers, vertex counts, value types */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Where a version of the file came from, for error messages. */
export interface Side {
  readonly path: string;
  /** 'snapshot 1a2b3c4d5e6f' or 'the project folder' */
  readonly where: string;
}

/**
 * Bytes of a file the element's file references (a glTF's .bin or images), relative to its folder; null when missing.
 */
export type ReadRelated = (relativePath: string) => Promise<Uint8Array | null>;

export interface FormatRestore {
  readonly data: Uint8Array;
  /** other files to write beside it (a .gltf's separate .bin and images), by path relative to its folder */
  readonly related?: ReadonlyMap<string, Uint8Array>;
  /** the element as named in the old version */
  readonly element: ElementInfo;
  /** replaced: the current file had it; inserted: it was added back */
  readonly action: 'replaced' | 'inserted';
  /** what the user should know (composite regenerated, material kept, ...) */
  readonly notes: readonly string[];
}

/** One supported file format: lists elements and puts one from an old version into the current one. */
export interface ElementFormat {
  readonly format: string;
  list(bytes: Uint8Array, side: Side, readRelated?: ReadRelated): Promise<ElementInfo[]> | ElementInfo[];
  restore(opts: RestoreInput): Promise<FormatRestore> | FormatRestore;
  /** for merge: what each element is (equal signatures: equal content), and everything that is not one */
  fingerprint?(bytes: Uint8Array, side: Side, readRelated?: ReadRelated): Promise<Fingerprint> | Fingerprint;
  /** for merge: the current file without one element */
  remove?(opts: RemoveInput): Promise<FormatRestore> | FormatRestore;
  /** restoring an element brings everything inside it (PSD groups, OBJ objects with their groups) */
  readonly nested?: boolean;
}

/** An element's identity for merge. */
export interface ElementPrint {
  readonly name: string;
  readonly kind: string;
  /** equal when the element's own content is equal */
  readonly sig: string;
  /** `kind:name` of the element it sits in, if any */
  readonly parent?: string;
}

export interface Fingerprint {
  /** by `kind:name` */
  readonly elements: ReadonlyMap<string, ElementPrint>;
  /** what is not an element (canvas size, connections, file-wide settings): equal when unchanged */
  readonly rest: string;
}

export interface RemoveInput {
  readonly current: Uint8Array;
  /** `kind:name` */
  readonly element: string;
  readonly path: string;
  readonly currentRelated?: ReadRelated;
}

/** What a format's restore gets: both versions, the element's name, and readers of the files they reference. */
export interface RestoreInput {
  readonly current: Uint8Array;
  readonly old: Uint8Array;
  readonly element: string;
  readonly path: string;
  readonly oldWhere: string;
  /** files the current version references (from the project folder) */
  readonly currentRelated?: ReadRelated;
  /** files the old version references (from the same snapshot) */
  readonly oldRelated?: ReadRelated;
}
