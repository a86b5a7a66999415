export * from './types.js';
export * from './hashObject.js';
export * from './chunkList.js';
export * from './tree.js';
export * from './snapshot.js';
