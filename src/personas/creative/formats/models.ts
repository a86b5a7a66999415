/**
 * 3D models for the creative persona: OBJ (+MTL), STL (ASCII and binary), glTF and GLB become one
 * Model: named meshes (positions and triangles), materials, textures, and every external file the
 * model references. One parser per format in models/ (obj.ts, stl.ts, gltf.ts); glTF and GLB go
 * through @gltf-transform with its extensions (gltfIo.ts).
 *
 * Models are parsed in memory; files above MAX_MODEL_BYTES are refused with ETOOBIG.
 */
import { DecodeError, TooLargeError, UnsupportedFormatError } from './errors.js';
import { isGlb, type ReadRelated } from './gltfIo.js';
import { MAX_MODEL_BYTES, modelFormatOf, type Model } from './models/model.js';

export * from './models/model.js';

/**
 * Parse a model. `readRelated(relativePath)` gives the bytes of a file the model references
 * (MTL libraries, glTF .bin buffers and images), relative to the model's folder, or null when
 * it is missing; without it, OBJ materials are empty and glTF with external buffers fails.
 */
export async function parseModel(bytes: Uint8Array, path: string, readRelated?: ReadRelated): Promise<Model> {
  const format = modelFormatOf(path) ?? (isGlb(bytes) ? 'glb' : null);
  if (!format) throw new UnsupportedFormatError(path, 'this file type', 'not an OBJ, STL, glTF or GLB model');
  if (bytes.length > MAX_MODEL_BYTES)
    throw new TooLargeError(path, `${bytes.length} bytes`, `${MAX_MODEL_BYTES} bytes`);
  try {
    if (format === 'obj') return await (await import('./models/obj.js')).parseObj(bytes, path, readRelated);
    if (format === 'stl') return (await import('./models/stl.js')).parseStl(bytes, path);
    // the glTF library loads only when a glTF model is read
    return await (await import('./models/gltf.js')).parseGltf(bytes, path, format, readRelated);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TooLargeError || e instanceof UnsupportedFormatError) throw e;
    throw new DecodeError(path, format, (e as Error)?.message ?? String(e));
  }
}
