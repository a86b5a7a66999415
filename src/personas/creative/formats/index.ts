/**
 * Format decoders shared by the creative persona (visual diff, thumbnails, element restore,
 * references): images become RgbaImage (RGBA8), models become Model (named meshes, materials,
 * textures, references). Errors: DecodeError (EDECODE), UnsupportedFormatError (EUNSUPPORTED),
 * TooLargeError (ETOOBIG), all VaultErrors naming the file.
 */
export * from './errors.js';
export * from './images.js';
export * from './models.js';
