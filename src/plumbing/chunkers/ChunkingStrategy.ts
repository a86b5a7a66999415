/**
 * A chunker does no I/O. The caller keeps a buffer of file bytes and asks where
 * the next chunk ends. Its name and params are recorded in `.vault/config`
 * under a versioned name, so a vault keeps chunking the same way forever.
 */
export interface ChunkingStrategy {
  /** Versioned name, e.g. "FASTCDC-v1". Changing the algorithm means a new name. */
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
  /** No chunk is longer than this. */
  readonly maxSize: number;
  /** No chunk is shorter than this, except the last of a file. */
  readonly minSize: number;
  /**
   * Length of the chunk that starts at buf[start]. Bytes buf[start..end) are
   * available; the caller provides at least `maxSize` of them unless `eof`.
   * Returns a length in 1..end-start (end-start when end-start is small and eof).
   */
  nextSplitPoint(buf: Uint8Array, start: number, end: number, eof: boolean): number;
  /** Forget per-file state (called before each file). */
  reset(): void;
  /**
   * The object type of the chunk just cut (default 'chunk'). 'blob': the chunk is exactly the whole content
   * of a small file inside a container (a stored zip or pck entry), stored as the blob a loose copy of that
   * file is, so the two dedup. A chunk list may then name a blob (FILETYPE-v3 vaults).
   */
  lastChunkType?(): 'chunk' | 'blob';
}

export interface ChunkerConfig {
  readonly name: string;
  readonly params: Readonly<Record<string, number>>;
}
