import { decodeChunkList } from '../../../objects/chunkList.js';
import type { ObjectId } from '../../../objects/types.js';
import type { Vault } from '../../../porcelain/openVault.js';

/** A stored file's content piece by piece (a blob is one piece), so big files are never held whole. */
export async function* storedPieces(vault: Vault, obj: 'blob' | 'chunklist' | 'tree', id: ObjectId): AsyncGenerator<Buffer> {
  if (obj === 'blob') {
    yield await vault.db.readTyped(id, 'blob');
    return;
  }
  if (obj !== 'chunklist') return;
  const list = decodeChunkList(await vault.db.readTyped(id, 'chunklist'), id);
  for (const c of list.chunks) yield await vault.db.readTyped(c.id, 'chunk');
}

/** The first `n` bytes (or fewer, at the end) of a stored file, reading only the pieces needed. */
export async function readStoredPrefix(vault: Vault, obj: 'blob' | 'chunklist' | 'tree', id: ObjectId, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const p of storedPieces(vault, obj, id)) {
    parts.push(p);
    have += p.length;
    if (have >= n) break;
  }
  const all = Buffer.concat(parts);
  return all.length > n ? all.subarray(0, n) : all;
}

/** A stored text file's lines, decoded as UTF-8 across piece boundaries (1-based numbers). */
export async function* storedLines(vault: Vault, obj: 'blob' | 'chunklist' | 'tree', id: ObjectId): AsyncGenerator<{ line: string; no: number }> {
  const dec = new TextDecoder('utf-8');
  let carry = '';
  let no = 0;
  for await (const p of storedPieces(vault, obj, id)) {
    const text = carry + dec.decode(p, { stream: true });
    const lines = text.split('\n');
    carry = lines.pop()!;
    for (const l of lines) yield { line: l.endsWith('\r') ? l.slice(0, -1) : l, no: ++no };
  }
  carry += dec.decode();
  if (carry) yield { line: carry, no: ++no };
}
