/**
 * File names that are not UTF-8. Linux allows any bytes but `/` and NUL in a
 * name; a tree holds names as strings. A name whose bytes are not valid UTF-8
 * is held as its readable form with each byte that is not part of a valid
 * UTF-8 sequence written `\xHH` (lowercase hex): `\xff.txt`. That form is
 * unambiguous because no other stored name contains a backslash (badEntryName
 * refuses it, and so does badRawName for the raw bytes themselves), and unique:
 * `\uFFFD.txt` (valid UTF-8) and `\xff.txt` stay two names. Paths inside Vault
 * (trees, the stat cache, status, diff) use this form; only the filesystem sees
 * the bytes (plumbing/diskPath.ts). Trees also record the bytes in hex (`raw`),
 * checked against the name on decode; names that are UTF-8 are stored as
 * before, so their trees keep their ids.
 */

/**
 * Length of the valid UTF-8 sequence starting at b[i], or 0 (Unicode table 3-7: no overlong, surrogate or > U+10FFFF).
 */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => i + j < b.length && b[i + j]! >= lo && b[i + j]! <= hi;
  /** the continuation bytes after the second one */
  const tail = (n: number): boolean => {
    for (let j = 2; j < n; j++) if (!cont(j)) return false;
    return true;
  };
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && tail(3) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && tail(3) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && tail(3) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && tail(4) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && tail(4) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && tail(4) ? 4 : 0;
  return 0;
}

/** The name Vault uses for a name's bytes: the UTF-8 text, with `\xHH` for each byte that is not valid UTF-8. */
export function nameFromBytes(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = b.toString('utf8');
  if (!text.includes('\uFFFD')) return text;
  let out = '';
  for (let i = 0; i < b.length;) {
    const n = sequenceLength(b, i);
    if (n === 0) {
      out += `\\x${b[i]!.toString(16).padStart(2, '0')}`;
      i++;
    } else {
      out += b.toString('utf8', i, i + n);
      i += n;
    }
  }
  return out;
}

/** Whether a name (as Vault holds it) stands for bytes that are not UTF-8. */
export function isRawName(name: string): boolean {
  return name.includes('\\');
}

/**
 * The bytes a name stands for on disk: its UTF-8, with each `\xHH` as that
 * byte. Null when a backslash in it is not such an escape, or when the escapes
 * are not the ones nameFromBytes would write (the name is then no valid name).
 */
export function nameBytes(name: string): Buffer | null {
  if (!isRawName(name)) return Buffer.from(name, 'utf8');
  const parts: Buffer[] = [];
  let i = 0;
  for (let j = name.indexOf('\\'); j >= 0; j = name.indexOf('\\', i)) {
    const m = /^\\x([0-9a-f]{2})/.exec(name.slice(j, j + 4));
    if (!m) return null;
    parts.push(Buffer.from(name.slice(i, j), 'utf8'), Buffer.from([parseInt(m[1]!, 16)]));
    i = j + 4;
  }
  parts.push(Buffer.from(name.slice(i), 'utf8'));
  const bytes = Buffer.concat(parts);
  return nameFromBytes(bytes) === name ? bytes : null;
}

/** Why these name bytes (not UTF-8) cannot be stored, or null. The rest of the rules are ASCII (badEntryName). */
export function badRawName(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'empty name';
  if (bytes.includes(0x2f) || bytes.includes(0x5c)) return 'contains a path separator';
  if (bytes.includes(0)) return 'contains NUL';
  return null;
}
