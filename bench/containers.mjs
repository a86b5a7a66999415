// Writers for the containers game builds ship in: uncompressed tar, zip (stored or deflated
// entries) and Godot PCK (format 2). Plain Node, no dependencies: used by the builds scenario
// (bench/builds.mjs) and by the tests of the game asset chunker.
import { deflateRawSync } from 'node:zlib';

const CRC = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
export function crc32(buf) {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** entries: [{ name, data }] -> Buffer of a ustar archive */
export function makeTar(entries) {
  const parts = [];
  for (const { name, data } of entries) {
    const h = Buffer.alloc(512);
    h.write(name.slice(0, 99), 0, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    parts.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** entries: [{ name, data, deflate? }] -> Buffer of a zip archive */
export function makeZip(entries) {
  const locals = [];
  const central = [];
  let offset = 0;
  for (const { name, data, deflate } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const body = deflate ? deflateRawSync(data) : data;
    const crc = crc32(data);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x0800, 6);
    h.writeUInt16LE(deflate ? 8 : 0, 8);
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(body.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(nameBuf.length, 26);
    locals.push(h, nameBuf, body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(nameBuf.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, nameBuf);
    offset += 30 + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** entries: [{ name, data }] -> Buffer of a Godot 4 PCK (format 2), data aligned to 16 bytes */
export function makePck(entries) {
  const names = entries.map((e) => {
    const raw = Buffer.from(`res://${e.name}`, 'utf8');
    const padded = Buffer.alloc(Math.ceil(raw.length / 4) * 4);
    raw.copy(padded);
    return padded;
  });
  const headerLen = 4 + 4 + 12 + 4 + 8 + 64 + 4;
  const tableLen = names.reduce((s, n) => s + 4 + n.length + 8 + 8 + 16 + 4, 0);
  const align = (n) => Math.ceil(n / 16) * 16;
  const base = align(headerLen + tableLen);
  const h = Buffer.alloc(headerLen);
  h.write('GDPC', 0, 'latin1');
  h.writeUInt32LE(2, 4);
  h.writeUInt32LE(4, 8);
  h.writeUInt32LE(2, 12);
  h.writeUInt32LE(0, 16);
  h.writeUInt32LE(0, 20);
  h.writeBigUInt64LE(BigInt(base), 24);
  h.writeUInt32LE(entries.length, headerLen - 4);
  const table = [];
  const data = [];
  let off = 0;
  entries.forEach((e, i) => {
    const t = Buffer.alloc(4 + names[i].length + 8 + 8 + 16 + 4);
    t.writeUInt32LE(names[i].length, 0);
    names[i].copy(t, 4);
    t.writeBigUInt64LE(BigInt(off), 4 + names[i].length);
    t.writeBigUInt64LE(BigInt(e.data.length), 12 + names[i].length);
    table.push(t);
    const padded = align(e.data.length);
    data.push(e.data, Buffer.alloc(padded - e.data.length));
    off += padded;
  });
  return Buffer.concat([h, ...table, Buffer.alloc(base - headerLen - tableLen), ...data]);
}
