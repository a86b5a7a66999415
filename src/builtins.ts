import { createRequire } from 'node:module';

/**
 * Node builtins taken lazily or as CommonJS, for start-up (a top-level file, so that every layer may take them).
 * Modules that most commands never use are loaded the first time they are asked for rather than as every
 * command starts: node:worker_threads and node:child_process (with net and dgram under it) cost ~2.5 ms of
 * the ~30 ms an unchanged commit spends loading code (Node 24), and neither is needed when nothing is read.
 */
const load = createRequire(import.meta.url);

export const workerThreads = (): typeof import('node:worker_threads') => load('node:worker_threads');
export const childProcess = (): typeof import('node:child_process') => load('node:child_process');
/** node:zlib: an unchanged commit reads no object, so neither zstd nor deflate is needed to start (~1-2 ms) */
export const zlib = (): typeof import('node:zlib') => load('node:zlib');

let crypto: typeof import('node:crypto') | undefined;
/**
 * node:crypto, loaded the first time it is asked for (and kept: hashing calls it per object). An ES import of it
 * makes its module namespace, and the `webcrypto` getter then loads WebCrypto, which Vault never uses (~2 ms of
 * the ~25 an unchanged commit spends starting, Node 24).
 */
export const nodeCrypto = (): typeof import('node:crypto') => (crypto ??= load('node:crypto'));

/**
 * node:fs as its CommonJS exports. An ES import of a builtin makes its module namespace, which reads every
 * export, and node:fs's `ReadStream` getter then loads the fs streams and fs/promises (~2.5 ms of an unchanged
 * commit on Node 24, ~8 on a slow VM) that a command reading through sync calls never uses.
 */
export const builtinFs: typeof import('node:fs') = load('node:fs');
