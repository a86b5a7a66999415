import { VaultError } from '../../../errors.js';

/** A file that claims a format we read but whose bytes do not decode (truncated, corrupt, too big). */
export class DecodeError extends VaultError {
  constructor(path: string, format: string, reason: string) {
    super(
      'EDECODE',
      `cannot decode ${path} as ${format}: ${reason}`,
      { path, format, reason },
      'check that the file opens in its application; a truncated or damaged file cannot be compared',
    );
  }
}

/** A file whose format Vault does not read (unknown extension, or a format without a usable decoder). */
export class UnsupportedFormatError extends VaultError {
  constructor(path: string, what: string, reason: string) {
    super(
      'EUNSUPPORTED',
      `${path}: ${what} is not supported: ${reason}`,
      { path, what, reason },
      'supported images: PNG, JPEG, PSD, WebP, .kra, .ora, SVG, .blend previews, TGA, DDS ' +
        '(BC1-5), KTX2; models: OBJ, STL, glTF, GLB; scenes: JSON, YAML, Godot .tscn/.tres',
    );
  }
}

/** A file too large to decode in memory (the caps are in images.ts and models.ts). */
export class TooLargeError extends VaultError {
  constructor(path: string, what: string, limit: string) {
    super(
      'ETOOBIG',
      `${path} is too large to decode for comparison (${what}; the limit is ${limit})`,
      { path, what, limit },
      'compare a smaller export of it',
    );
  }
}
