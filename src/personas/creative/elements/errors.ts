import { VaultError } from '../../../errors.js';

/** The element named is not in that version of the file; `candidates` are the closest names it has. */
export class UnknownElementError extends VaultError {
  constructor(element: string, path: string, where: string, candidates: readonly string[], rev = 'SNAPSHOT') {
    super(
      'ENOELEMENT',
      `no element '${element}' in ${path} ` +
        `(${where})${candidates.length ? `; close names: ${candidates.join(', ')}` : ''}`,
      { element, path, where, candidates },
      `run 'vault restore ${rev} ${path} --list-elements' to see what it contains`,
    );
  }
}

/** The name matches more than one element (a node and a mesh both called "Cube", two layers "Shadow"). */
export class AmbiguousElementError extends VaultError {
  constructor(element: string, path: string, candidates: readonly string[]) {
    super(
      'EAMBIGUOUSELEMENT',
      `'${element}' names ${candidates.length} elements of ${path}: ${candidates.join(', ')}`,
      { element, path, candidates },
      'name it by its full path, or prefix its kind (mesh:Cube, node:Cube)',
    );
  }
}

export const SUPPORTED_ELEMENT_FORMATS = [
  '.psd (layers, groups)',
  '.glb/.gltf (nodes, meshes, materials)',
  '.obj (objects, groups)',
  '.json (key paths)',
  '.yaml/.yml (key paths)',
  '.tscn (Godot scene nodes)',
] as const;

/** Element restore does not understand this kind of file. */
export class UnsupportedElementFormatError extends VaultError {
  constructor(path: string, reason = 'not a format whose elements Vault knows') {
    super(
      'EUNSUPPORTED',
      `${path}: element restore is not supported: ${reason}`,
      { path, reason, supported: [...SUPPORTED_ELEMENT_FORMATS] },
      `supported: ${SUPPORTED_ELEMENT_FORMATS.join(', ')}; restore ` +
        `the whole file with 'vault restore SNAPSHOT ${path}'`,
    );
  }
}

/** One version of the file does not parse (or uses a feature element restore cannot keep). */
export class ElementFormatError extends VaultError {
  constructor(path: string, which: string, reason: string) {
    super(
      'EDECODE',
      `cannot read ${path} (${which}): ${reason}`,
      { path, which, reason },
      'check that the file opens in its application; the file was not changed',
    );
  }
}

/** The file is larger than element restore will load into memory. */
export class ElementFileTooLargeError extends VaultError {
  constructor(path: string, size: number, limit: number, unit = 'bytes') {
    super(
      'ETOOBIG',
      `${path} is too large for element restore (${size} ${unit}; the limit is ${limit})`,
      { path, size, limit, unit },
      `restore the whole file with 'vault restore SNAPSHOT ${path}'`,
    );
  }
}

/** The file changed on disk while the element was being restored. */
export class FileChangedError extends VaultError {
  constructor(path: string) {
    super(
      'ECHANGED',
      `${path} changed while its element was being restored; it was left as it is`,
      { path },
      'wait until the application has saved it and run the command again',
    );
  }
}

/**
 * The element's parent (group, object key, scene node) is not in the current file, so there is nowhere to put it back.
 */
export class MissingParentError extends VaultError {
  constructor(element: string, path: string, parent: string) {
    super(
      'ENOPARENT',
      `cannot put '${element}' back into ${path}: its parent '${parent}' is not in the current file`,
      { element, path, parent },
      `restore '${parent}' first (vault restore SNAPSHOT ${path} --element '${parent}')`,
    );
  }
}
