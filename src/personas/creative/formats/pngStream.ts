/**
 * PNG read a strip of rows at a time, in bounded memory: the file's bytes arrive in pieces, IDAT data
 * goes through node's zlib inflate stream, and each scanline is unfiltered against the one before and
 * turned into RGBA (8 bits, plus 16 bits for 16-bit files). The npm PNG decoders (pngjs, fast-png,
 * UPNG, @jsquash/png) all return the whole picture at once: 256 MiB for an 8192x8192 image per side of
 * a comparison, 1 GiB at 16384x16384. Interlaced (Adam7) files cannot be read row by row: openPng
 * returns null for them and the caller decodes them whole with pngjs.
 */
import { createInflate, inflateSync } from 'node:zlib';
import { DecodeError } from './errors.js';
import type { ImageSource, Strip } from './imageSource.js';
import { to8 } from './imageSource.js';

const COLOR: Record<number, { name: string; channels: number }> = {
  0: { name: 'grey', channels: 1 },
  2: { name: 'rgb', channels: 3 },
  3: { name: 'palette', channels: 1 },
  4: { name: 'grey+alpha', channels: 2 },
  6: { name: 'rgba', channels: 4 },
};

/**
 * Bytes of an async sequence of pieces, read exactly: views of a piece when it holds them, else the
 * bytes gathered into a new array (never the whole next piece copied: pieces are megabytes).
 */
class Bytes {
  private buf: Uint8Array = new Uint8Array(0);
  private at = 0;
  constructor(private readonly it: AsyncIterator<Uint8Array>) {}
  async take(n: number): Promise<Uint8Array | null> {
    if (this.buf.length - this.at >= n) {
      const out = this.buf.subarray(this.at, this.at + n);
      this.at += n;
      return out;
    }
    const out = new Uint8Array(n);
    for (let got = 0; got < n;) {
      if (this.at >= this.buf.length) {
        const next = await this.it.next();
        if (next.done) return null;
        [this.buf, this.at] = [next.value, 0];
        continue;
      }
      const k = Math.min(n - got, this.buf.length - this.at);
      out.set(this.buf.subarray(this.at, this.at + k), got);
      got += k;
      this.at += k;
    }
    return out;
  }
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  palette?: Uint8Array;
  trns?: Uint8Array;
}

/** The chunks before the first IDAT; returns the header and the first IDAT's length. */
async function readHeader(src: Bytes, path: string): Promise<{ h: Header; idat: number }> {
  const sig = await src.take(8);
  if (!sig || sig[0] !== 0x89 || sig[1] !== 0x50 || sig[2] !== 0x4e || sig[3] !== 0x47)
    throw new DecodeError(path, 'png', 'not a PNG signature');
  let h: Header | undefined;
  for (;;) {
    const head = await src.take(8);
    if (!head) throw new DecodeError(path, 'png', 'the file ends before any image data');
    const len = u32(head, 0);
    const type = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
    if (type === 'IDAT') {
      if (!h) throw new DecodeError(path, 'png', 'image data before the IHDR header');
      return { h, idat: len };
    }
    const body = await src.take(len + 4);
    if (!body) throw new DecodeError(path, 'png', `the file ends inside its ${type} chunk`);
    if (type === 'IHDR') {
      h = {
        width: u32(body, 0),
        height: u32(body, 4),
        bitDepth: body[8]!,
        colorType: body[9]!,
        interlace: body[12]!,
      };
      if (!COLOR[h.colorType] || ![1, 2, 4, 8, 16].includes(h.bitDepth) || !h.width || !h.height)
        throw new DecodeError(path, 'png', `unsupported header (colour type ${h.colorType}, ${h.bitDepth}-bit)`);
    } else if (type === 'PLTE' && h) h.palette = body.slice(0, len);
    else if (type === 'tRNS' && h) h.trns = body.slice(0, len);
    else if (type === 'IEND') throw new DecodeError(path, 'png', 'no image data');
  }
}

/** Compressed IDAT payloads, one after another, until the last IDAT. */
async function* idatPayloads(src: Bytes, first: number, path: string): AsyncGenerator<Uint8Array> {
  let len: number | null = first;
  while (len !== null) {
    const body = await src.take(len + 4);
    if (!body) throw new DecodeError(path, 'png', 'the file ends inside its image data');
    yield body.subarray(0, len); // a view: pieces are never written to
    const head = await src.take(8);
    if (!head) return;
    len = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!) === 'IDAT' ? u32(head, 0) : null;
  }
}

/** Raw scanline data up to this size is inflated in one call when the file is in memory. */
const AT_ONCE_BYTES = 64 * 1024 * 1024;

/** The inflated scanline bytes of a file already in memory, in one go (no thread pool round trip). */
async function* inflatedAtOnce(payloads: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of payloads) parts.push(p);
  try {
    yield inflateSync(Buffer.concat(parts));
  } catch (e) {
    throw new DecodeError(path, 'png', `bad compressed data: ${(e as Error).message}`);
  }
}

/** The inflated scanline bytes, as they come. */
async function* inflated(payloads: AsyncIterable<Uint8Array>, path: string): AsyncGenerator<Uint8Array> {
  const z = createInflate({ chunkSize: 1 << 20 });
  let failed: Error | null = null;
  const feed = (async () => {
    try {
      for await (const p of payloads) if (!z.write(p)) await new Promise((r) => z.once('drain', r));
      z.end();
    } catch (e) {
      failed = e as Error;
      z.destroy();
    }
  })();
  try {
    for await (const piece of z) yield piece as Uint8Array;
  } catch (e) {
    throw failed ?? new DecodeError(path, 'png', `bad compressed data: ${(e as Error).message}`);
  }
  await feed;
  if (failed) throw failed;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Undo a scanline's filter in place (`prev`: the unfiltered line above, zeros for the first). */
function unfilter(type: number, line: Uint8Array, prev: Uint8Array, bpp: number): boolean {
  const n = line.length;
  if (type === 0) return true;
  if (type === 1) for (let i = bpp; i < n; i++) line[i] = (line[i]! + line[i - bpp]!) & 255;
  else if (type === 2) for (let i = 0; i < n; i++) line[i] = (line[i]! + prev[i]!) & 255;
  else if (type === 3)
    for (let i = 0; i < n; i++) line[i] = (line[i]! + (((i >= bpp ? line[i - bpp]! : 0) + prev[i]!) >> 1)) & 255;
  else if (type === 4)
    for (let i = 0; i < n; i++)
      line[i] = (line[i]! + paeth(i >= bpp ? line[i - bpp]! : 0, prev[i]!, i >= bpp ? prev[i - bpp]! : 0)) & 255;
  else return false;
  return true;
}

/** One unfiltered scanline as RGBA samples (16-bit values for 16-bit files, else 8-bit). */
function toRgba(h: Header, line: Uint8Array, out: Uint16Array | Uint8Array, at: number): void {
  const { width, bitDepth, colorType } = h;
  if (bitDepth === 8 && colorType === 6) {
    out.set(line, at);
    return;
  }
  if (bitDepth === 8 && colorType === 2 && !h.trns) {
    for (let x = 0, o = at, k = 0; x < width; x++, o += 4, k += 3) {
      out[o] = line[k]!;
      out[o + 1] = line[k + 1]!;
      out[o + 2] = line[k + 2]!;
      out[o + 3] = 255;
    }
    return;
  }
  const ch = COLOR[colorType]!.channels;
  const max = (1 << bitDepth) - 1;
  const sample = (k: number): number => {
    if (bitDepth === 8) return line[k]!;
    if (bitDepth === 16) return (line[k * 2]! << 8) | line[k * 2 + 1]!;
    const bit = k * bitDepth;
    return (line[bit >> 3]! >> (8 - bitDepth - (bit & 7))) & max;
  };
  const grow = bitDepth < 8 && colorType !== 3 ? 255 / max : 1;
  const full = bitDepth === 16 ? 65535 : 255;
  const t = h.trns;
  // tRNS of grey and RGB images: the one colour (16-bit samples) that is transparent
  const key = (k: number) => {
    if (!t) return -1;
    return bitDepth === 16 ? (t[k * 2]! << 8) | t[k * 2 + 1]! : t[k * 2 + 1]!;
  };
  const opaque = (transparent: boolean) => (transparent ? 0 : full);
  for (let x = 0; x < width; x++) {
    const o = at + x * 4;
    if (colorType === 3) {
      const p = sample(x);
      const pal = h.palette!;
      out[o] = pal[p * 3] ?? 0;
      out[o + 1] = pal[p * 3 + 1] ?? 0;
      out[o + 2] = pal[p * 3 + 2] ?? 0;
      out[o + 3] = t && p < t.length ? t[p]! : 255;
    } else if (ch <= 2) {
      const raw = sample(x * ch);
      const v = Math.round(raw * grow);
      out[o] = out[o + 1] = out[o + 2] = v;
      out[o + 3] = ch === 2 ? sample(x * 2 + 1) : opaque(raw === key(0));
    } else {
      const r = sample(x * ch);
      const g = sample(x * ch + 1);
      const b = sample(x * ch + 2);
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = ch === 4 ? sample(x * 4 + 3) : opaque(r === key(0) && g === key(1) && b === key(2));
    }
  }
}

/**
 * A PNG as an ImageSource reading `pieces` (the file's bytes, in order) as rows are asked for, or
 * null for an interlaced file. `onSize` sees the size before any pixel is decoded (and may throw).
 * `inMemory`: the pieces are in memory already; inflate them in one call.
 */
export async function openPng(
  pieces: AsyncIterable<Uint8Array>,
  path: string,
  onSize?: (width: number, height: number) => void,
  opts: { inMemory?: boolean } = {},
): Promise<ImageSource | null> {
  const src = new Bytes(pieces[Symbol.asyncIterator]());
  const { h, idat } = await readHeader(src, path);
  onSize?.(h.width, h.height);
  if (h.interlace) return null;
  if (h.colorType === 3 && !h.palette) throw new DecodeError(path, 'png', 'a palette image without a palette');
  const { name, channels } = COLOR[h.colorType]!;
  const deep = h.bitDepth === 16;
  return {
    width: h.width,
    height: h.height,
    depth: deep ? 16 : 8,
    info: { format: 'png', bitDepth: h.bitDepth, colorType: name },
    strips: (maxRows, held) => {
      // small files in memory: one inflate call; big ones stream whatever they come from
      const raw = (h.width * h.height * channels * h.bitDepth) / 8;
      const inflate = opts.inMemory && raw <= AT_ONCE_BYTES ? inflatedAtOnce : inflated;
      return pngStrips(h, channels, inflate(idatPayloads(src, idat, path), path), maxRows, path, held);
    },
  };
}

async function* pngStrips(
  h: Header,
  channels: number,
  data: AsyncIterable<Uint8Array>,
  maxRows: number,
  path: string,
  held?: number,
): AsyncGenerator<Strip> {
  const lineBytes = Math.ceil((h.width * channels * h.bitDepth) / 8);
  const bpp = Math.max(1, (channels * h.bitDepth) >> 3);
  let prev = new Uint8Array(lineBytes);
  let line = new Uint8Array(lineBytes);
  let filter = -1;
  let filled = 0;
  let y = 0;
  let stripY = 0;
  const deep = h.bitDepth === 16;
  // with `held`, strip i is written into buffers i % (held + 1): the caller no longer holds the strip that had them
  const ring: { out: Uint8Array | Uint16Array; data8?: Uint8Array }[] = [];
  let made = 0;
  const newStrip = () => {
    const rows = Math.min(maxRows, h.height - stripY);
    const n = rows * h.width * 4;
    if (!held) return { rows, out: deep ? new Uint16Array(n) : new Uint8Array(n) };
    const at = made++ % (held + 1);
    const full = Math.min(maxRows, h.height) * h.width * 4;
    ring[at] ??= { out: deep ? new Uint16Array(full) : new Uint8Array(full) };
    const r = ring[at]!;
    if (deep) r.data8 ??= new Uint8Array(full);
    return { rows, out: r.out.subarray(0, n), ...(r.data8 ? { data8: r.data8.subarray(0, n) } : {}) };
  };
  let cur = newStrip();
  for await (const piece of data) {
    let i = 0;
    while (i < piece.length && y < h.height) {
      if (filter < 0) {
        filter = piece[i++]!;
        continue;
      }
      const n = Math.min(lineBytes - filled, piece.length - i);
      line.set(piece.subarray(i, i + n), filled);
      filled += n;
      i += n;
      if (filled < lineBytes) continue;
      if (!unfilter(filter, line, prev, bpp)) throw new DecodeError(path, 'png', `row ${y}: unknown filter ${filter}`);
      toRgba(h, line, cur.out, (y - stripY) * h.width * 4);
      [prev, line] = [line, prev];
      filter = -1;
      filled = 0;
      y++;
      if (y - stripY === cur.rows) {
        yield finished(stripY, cur.rows, cur.out, cur.data8);
        stripY = y;
        if (y < h.height) cur = newStrip();
      }
    }
  }
  if (y < h.height) throw new DecodeError(path, 'png', `the image data ends at row ${y} of ${h.height}`);
}

function finished(y: number, rows: number, out: Uint8Array | Uint16Array, data8?: Uint8Array): Strip {
  if (out instanceof Uint8Array) return { y, rows, data: out };
  const data = data8 ?? new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) data[i] = to8(out[i]!);
  return { y, rows, data, data16: out };
}
