/** git's pkt-line framing: 4 hex digits of length (including themselves), then the payload; 0000 is a flush. */
export function pkt(line: string | Buffer): Buffer {
  const body = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'latin1'), body]);
}

export const FLUSH = Buffer.from('0000', 'latin1');

/** Split a buffer of pkt-lines; a flush is returned as null. */
export function parsePkts(buf: Buffer): (Buffer | null)[] {
  const out: (Buffer | null)[] = [];
  let o = 0;
  while (o + 4 <= buf.length) {
    const len = parseInt(buf.toString('latin1', o, o + 4), 16);
    if (Number.isNaN(len)) throw new Error('malformed pkt-line');
    if (len === 0 || len === 1 || len === 2) {
      out.push(null);
      o += 4;
      continue;
    }
    if (o + len > buf.length) throw new Error('truncated pkt-line');
    out.push(buf.subarray(o + 4, o + len));
    o += len;
  }
  return out;
}

/** Hand each line of a side-band 2 (progress) packet, without its band byte, to `onMessage`. */
export function sideband(packet: Buffer, onMessage?: (line: string) => void): void {
  if (!onMessage) return;
  for (const l of packet
    .subarray(1)
    .toString('utf8')
    .split(/[\r\n]+/))
    if (l) onMessage(l);
}
