import { nodeCrypto } from '../builtins.js';
import type { Hash } from 'node:crypto';
import type { ObjectId, ObjectType } from './types.js';

export const ID_HEX = /^[0-9a-f]{64}$/;

export function objectHeader(type: ObjectType, length: number): Buffer {
  return Buffer.from(`${type} ${length}\0`, 'latin1');
}

/** Start a hash for an object whose body will be fed with update(). */
export function startObjectHash(type: ObjectType, length: number): Hash {
  return nodeCrypto().createHash('sha256').update(objectHeader(type, length));
}

/** The id of an object: SHA-256 of header + canonical body. */
export function hashObject(type: ObjectType, body: Uint8Array): ObjectId {
  return startObjectHash(type, body.length).update(body).digest('hex');
}

export function isObjectId(s: unknown): s is ObjectId {
  return typeof s === 'string' && ID_HEX.test(s);
}
