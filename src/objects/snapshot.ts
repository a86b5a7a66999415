import { MalformedObjectError } from '../errors.js';
import { isObjectId } from './hashObject.js';
import type { Snapshot } from './types.js';

export function encodeSnapshot(s: Snapshot): Buffer {
  const meta: Record<string, string> = {};
  for (const k of Object.keys(s.meta).sort()) meta[k] = String(s.meta[k]);
  const o: Record<string, unknown> = {
    tree: s.tree,
    parents: [...s.parents],
    author: s.author,
    time: s.time,
    message: s.message,
    meta,
  };
  if (s.attachments !== undefined) o.attachments = s.attachments;
  return Buffer.from(JSON.stringify(o), 'utf8');
}

export function decodeSnapshot(body: Uint8Array, id?: string): Snapshot {
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new MalformedObjectError('snapshot', 'not valid JSON', id);
  }
  if (typeof p !== 'object' || p === null) throw new MalformedObjectError('snapshot', 'not an object', id);
  if (!isObjectId(p.tree)) throw new MalformedObjectError('snapshot', 'bad tree id', id);
  if (!Array.isArray(p.parents) || !p.parents.every(isObjectId))
    throw new MalformedObjectError('snapshot', 'bad parents', id);
  if (typeof p.author !== 'string') throw new MalformedObjectError('snapshot', 'bad author', id);
  if (!Number.isSafeInteger(p.time)) throw new MalformedObjectError('snapshot', 'bad time', id);
  if (typeof p.message !== 'string') throw new MalformedObjectError('snapshot', 'bad message', id);
  const meta = p.meta as Record<string, unknown>;
  if (
    typeof meta !== 'object' ||
    meta === null ||
    Array.isArray(meta) ||
    !Object.values(meta).every((v) => typeof v === 'string')
  ) {
    throw new MalformedObjectError('snapshot', 'bad meta', id);
  }
  if (p.attachments !== undefined && !isObjectId(p.attachments))
    throw new MalformedObjectError('snapshot', 'bad attachments id', id);
  return {
    ...(p.attachments !== undefined ? { attachments: p.attachments as string } : {}),
    tree: p.tree,
    parents: p.parents as string[],
    author: p.author,
    time: p.time as number,
    message: p.message,
    meta: meta as Record<string, string>,
  };
}
