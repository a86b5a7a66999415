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

export interface FormatRestore {
  readonly data: Uint8Array;
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
  list(bytes: Uint8Array, side: Side): Promise<ElementInfo[]> | ElementInfo[];
  restore(opts: {
    current: Uint8Array;
    old: Uint8Array;
    element: string;
    path: string;
    oldWhere: string;
  }): Promise<FormatRestore> | FormatRestore;
}
