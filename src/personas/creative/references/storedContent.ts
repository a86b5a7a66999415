import { storedPieces } from '../../../plumbing/storedContent.js';
import type { ObjectId } from '../../../objects/types.js';
import type { Vault } from '../../../porcelain/openVault.js';

/** The first `n` bytes (or fewer, at the end) of a stored file, reading only the pieces needed. */
export async function readStoredPrefix(
  vault: Vault,
  obj: 'blob' | 'chunklist' | 'tree',
  id: ObjectId,
  n: number,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const p of storedPieces(vault.db, obj, id, 0)) {
    parts.push(p);
    have += p.length;
    if (have >= n) break;
  }
  const all = Buffer.concat(parts);
  return all.length > n ? all.subarray(0, n) : all;
}

const MTLLIB = Buffer.from('mtllib');
const LINE_MAX = 4096;

/** Does the line buf[start, end) start (after blanks) with `mtllib`? */
function mtllibAt(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  return (
    end - i > MTLLIB.length && buf[i] === 0x6d && buf.compare(MTLLIB, 0, MTLLIB.length, i, i + MTLLIB.length) === 0
  );
}

/**
 * The `mtllib` lines of a stored OBJ, with their numbers, found by scanning
 * bytes piece by piece: a many-million-line OBJ is never turned into strings
 * (lines longer than 4 KiB are passed over).
 */
export async function* storedMtllibLines(
  vault: Vault,
  obj: 'blob' | 'chunklist' | 'tree',
  id: ObjectId,
): AsyncGenerator<{ line: string; no: number }> {
  let carry: Buffer | null = null;
  let skipping = false;
  let no = 1;
  const text = (b: Buffer, start: number, end: number) => b.toString('utf8', start, end).replace(/\r$/, '');
  for await (const piece of storedPieces(vault.db, obj, id)) {
    const buf: Buffer = carry ? Buffer.concat([carry, piece]) : piece;
    carry = null;
    let pos = 0;
    for (let nl = buf.indexOf(10, pos); nl >= 0; nl = buf.indexOf(10, pos)) {
      if (!skipping && nl - pos <= LINE_MAX && mtllibAt(buf, pos, nl)) yield { line: text(buf, pos, nl), no };
      skipping = false;
      pos = nl + 1;
      no++;
    }
    if (!skipping && buf.length - pos <= LINE_MAX) carry = buf.subarray(pos);
    else skipping = true;
  }
  if (carry && carry.length && mtllibAt(carry, 0, carry.length)) yield { line: text(carry, 0, carry.length), no };
}
