import { readStoredFile } from '../../../porcelain/diff.js';
import type { Vault } from '../../../porcelain/openVault.js';
import type { FlatEntry } from '../../../plumbing/trees.js';
import {
  glbJson,
  gltfJsonReferences,
  objLineReferences,
  parserFor,
  parseFileReferences,
  type Exists,
} from './parseReferences.js';
import { readStoredPrefix, storedMtllibLines } from './storedContent.js';
import type { Provided, Reference } from './types.js';

/**
 * Text files larger than this are not parsed for references (their text is
 * decoded whole). OBJ files are read line by line and GLBs only up to the end
 * of their JSON chunk, so those have no such limit (a GLB's JSON chunk is
 * capped at the same size).
 */
export const TEXT_LIMIT = 32 * 1024 * 1024;

export interface FileReferences {
  readonly refs: Reference[];
  /** names the file declares (Godot uids, files an import generates) */
  readonly provides?: Provided[];
  /** why the file was not (fully) read, when it was not */
  readonly note?: string;
}

/** The references in one stored file of a snapshot (none for files no parser understands). */
export async function fileReferences(
  vault: Vault,
  e: FlatEntry,
  exists: Exists,
  resRoot = '',
): Promise<FileReferences> {
  const kind = parserFor(e.path);
  if (!kind || (e.kind !== 'file' && e.kind !== 'exec') || e.obj === 'tree') return { refs: [] };
  if (kind === 'obj') {
    const refs: Reference[] = [];
    for await (const { line, no } of storedMtllibLines(vault, e.obj, e.id))
      refs.push(...objLineReferences(e.path, line, no));
    return { refs };
  }
  if (kind === 'glb') {
    let head = await readStoredPrefix(vault, e.obj, e.id, 20);
    let j = glbJson(head);
    if (j && typeof j === 'object') {
      if (j.need > TEXT_LIMIT + 20)
        return { refs: [], note: `its JSON chunk is larger than ${TEXT_LIMIT >> 20} MiB; not read` };
      head = await readStoredPrefix(vault, e.obj, e.id, j.need);
      j = glbJson(head);
    }
    return typeof j === 'string' ? { refs: gltfJsonReferences(e.path, j) } : { refs: [] };
  }
  if (e.size > TEXT_LIMIT) return { refs: [], note: `larger than ${TEXT_LIMIT >> 20} MiB; not read for references` };
  const text = (await readStoredFile(vault, e.obj, e.id)).toString('utf8');
  return parseFileReferences(kind, e.path, text, exists, resRoot);
}
