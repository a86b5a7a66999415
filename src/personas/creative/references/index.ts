/** Asset reference tracking (see types.ts for the nouns, graph.ts for how a snapshot keeps its graph). */
export type { CheckedReference, Reference, ReferenceKind, ReferenceStatus } from './types.js';
export { parseReferences, parserFor, type ParserKind } from './parseReferences.js';
export { resolveReference } from './resolveReference.js';
export { computeReferences, loadReferenceGraph, type ReferenceGraph } from './graph.js';
export { brokenReferences, referencesOf, usedBy, type ReferenceReport } from './queries.js';
export { referencesAttachment } from './attachment.js';
