import { createRequire } from 'node:module';

let mod: typeof import('node:crypto') | undefined;

/**
 * node:crypto as its CommonJS exports, loaded the first time it is asked for. An ES import of node:crypto makes
 * its module namespace, which reads every export, and the `webcrypto` getter then loads WebCrypto, which Vault
 * never uses (~2 ms of the ~25 an unchanged commit spends starting, Node 24). A top-level file, so that every
 * layer (objects too) may take it.
 */
export const nodeCrypto = (): typeof import('node:crypto') => (mod ??= createRequire(import.meta.url)('node:crypto'));
