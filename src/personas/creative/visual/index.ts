/**
 * Visual difference comparison for the creative persona.
 *
 * - **visualDiff**: one file between two sides (snapshots or the working folder), compared by what
 *   it shows: images (PNG, JPEG, PSD composite, WebP) pixel by pixel with pixelmatch, PSD layers one
 *   by one, 3D models (OBJ+MTL, STL, glTF/GLB) per object/mesh/node, scene files (JSON, YAML, Godot)
 *   key by key (see ../scene).
 * - **Region**: a box around changed pixels (connected components, close ones merged).
 * - **Diff picture**: changed pixels in red over a faded grey copy, regions outlined; optionally
 *   before | after | diff side by side. writeDiffImage saves it as PNG atomically.
 */
export * from './imageDiff.js';
export * from './modelDiff.js';
export * from './psdDiff.js';
export * from './regions.js';
export * from './sides.js';
export * from './visualDiff.js';
export * from './writeDiffImage.js';
export * from './describe.js';
