/**
 * The creative persona's library API: image/model/scene decoders, visual and
 * structural diffs, thumbnails and the timeline, element restore, asset
 * references, workspace state, and the DeltaBackupEngine face.
 */
export * from './formats/index.js';
export * from './visual/index.js';
export * from './scene/index.js';
export * from './thumbnails/index.js';
export * from './timeline/index.js';
export * from './elements/index.js';
export * from './references/index.js';
export * from './workspace/index.js';
export { DeltaBackupEngine } from './compat.js';
