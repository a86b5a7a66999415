/**
 * Game texture formats: TGA (tga-js), DDS and KTX2 (ktx-parse for the container). GPU block
 * compression BC1-BC5 (DXT1/3/5, ATI1/2) is decoded here (small, fixed algorithms; no maintained npm
 * decoder exists); BC6H/BC7 and Basis Universal are not, and say so (a placeholder is shown).
 * The largest mip level is the picture.
 */
import { loadZstd } from '../../../plumbing/zstd.js';
import { DecodeError, TooLargeError, UnsupportedFormatError } from './errors.js';
import type { RgbaImage } from './imageTypes.js';

const MAX_TEXTURE_PIXELS = 64 * 1024 * 1024;

function image(width: number, height: number, data: Uint8Array, format: string, colorType: string): RgbaImage {
  return { width, height, data, info: { format: format as RgbaImage['info']['format'], bitDepth: 8, colorType } };
}

/* ---------------------------------------------------------------- TGA */

interface TgaLoaderLike {
  load(b: Uint8Array): void;
  header: { width: number; height: number; pixelDepth: number; isGreyColor: boolean };
  getImageData(d: { width: number; height: number; data: Uint8ClampedArray }): { data: Uint8ClampedArray };
}

export async function decodeTga(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const mod = (await import('tga-js')) as unknown as { default: new () => TgaLoaderLike };
  const Loader = (mod.default as unknown as { default?: new () => TgaLoaderLike }).default ?? mod.default;
  const tga = new Loader();
  try {
    tga.load(bytes);
  } catch (e) {
    throw new DecodeError(path, 'tga', (e as Error).message);
  }
  const { width, height, pixelDepth, isGreyColor } = tga.header;
  if (width * height > MAX_TEXTURE_PIXELS) throw new TooLargeError(path, `${width}x${height}`, `${MAX_TEXTURE_PIXELS}`);
  const out = tga.getImageData({ width, height, data: new Uint8ClampedArray(width * height * 4) });
  let colorType = pixelDepth === 32 ? 'rgba' : 'rgb';
  if (isGreyColor) colorType = 'grey';
  return image(width, height, new Uint8Array(out.data.buffer), 'tga', colorType);
}

/* ---------------------------------------------------------------- BCn blocks */

type Bc = 'bc1' | 'bc2' | 'bc3' | 'bc4' | 'bc5';

function rgb565(c: number): [number, number, number] {
  return [((c >> 11) & 31) * (255 / 31), ((c >> 5) & 63) * (255 / 63), (c & 31) * (255 / 31)];
}

/** The 16 colours of a BC1 block at `at` into px (RGBA per texel); `four`: always the 4-colour mode. */
function bc1Block(b: Uint8Array, at: number, px: Uint8Array, four: boolean): void {
  const c0 = b[at]! | (b[at + 1]! << 8);
  const c1 = b[at + 2]! | (b[at + 3]! << 8);
  const [p, q] = [rgb565(c0), rgb565(c1)];
  const pal: number[][] = [
    [...p, 255],
    [...q, 255],
  ];
  if (c0 > c1 || four) {
    pal.push([...p.map((v, i) => (2 * v + q[i]!) / 3), 255], [...p.map((v, i) => (v + 2 * q[i]!) / 3), 255]);
  } else pal.push([...p.map((v, i) => (v + q[i]!) / 2), 255], [0, 0, 0, 0]);
  for (let t = 0; t < 16; t++) {
    const idx = (b[at + 4 + (t >> 2)]! >> ((t & 3) * 2)) & 3;
    px.set(pal[idx]!.map(Math.round), t * 4);
  }
}

/** An interpolated 8-value channel block (BC3 alpha, BC4, BC5): the 16 values. */
function channelBlock(b: Uint8Array, at: number): number[] {
  const a0 = b[at]!;
  const a1 = b[at + 1]!;
  const pal = [a0, a1];
  if (a0 > a1) for (let i = 1; i < 7; i++) pal.push(((7 - i) * a0 + i * a1) / 7);
  else {
    for (let i = 1; i < 5; i++) pal.push(((5 - i) * a0 + i * a1) / 5);
    pal.push(0, 255);
  }
  let bits = 0n;
  for (let i = 0; i < 6; i++) bits |= BigInt(b[at + 2 + i]!) << BigInt(8 * i);
  return Array.from({ length: 16 }, (_, t) => Math.round(pal[Number((bits >> BigInt(3 * t)) & 7n)]!));
}

const BLOCK_BYTES: Record<Bc, number> = { bc1: 8, bc2: 16, bc3: 16, bc4: 8, bc5: 16 };

/** A whole BCn image (width x height texels, blocks of 4x4) as RGBA8. */
export function decodeBc(kind: Bc, b: Uint8Array, width: number, height: number, path: string): Uint8Array {
  const bw = Math.ceil(width / 4);
  const bh = Math.ceil(height / 4);
  const size = BLOCK_BYTES[kind];
  if (b.length < bw * bh * size) throw new DecodeError(path, kind, 'the texture data is shorter than its size says');
  const out = new Uint8Array(width * height * 4);
  const px = new Uint8Array(64);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      const at = (by * bw + bx) * size;
      blockTexels(kind, b, at, px);
      for (let t = 0; t < 16; t++) {
        const x = bx * 4 + (t & 3);
        const y = by * 4 + (t >> 2);
        if (x < width && y < height) out.set(px.subarray(t * 4, t * 4 + 4), (y * width + x) * 4);
      }
    }
  }
  return out;
}

function blockTexels(kind: Bc, b: Uint8Array, at: number, px: Uint8Array): void {
  if (kind === 'bc1') return bc1Block(b, at, px, false);
  if (kind === 'bc2') {
    bc1Block(b, at + 8, px, true);
    for (let t = 0; t < 16; t++) px[t * 4 + 3] = ((b[at + (t >> 1)]! >> ((t & 1) * 4)) & 15) * 17;
    return;
  }
  if (kind === 'bc3') {
    bc1Block(b, at + 8, px, true);
    channelBlock(b, at).forEach((a, t) => (px[t * 4 + 3] = a));
    return;
  }
  const r = channelBlock(b, at);
  const g = kind === 'bc5' ? channelBlock(b, at + 8) : r;
  for (let t = 0; t < 16; t++) {
    // BC5 is a normal map's x and y: z from them, so it looks like one
    const [nx, ny] = [r[t]! / 127.5 - 1, g[t]! / 127.5 - 1];
    const z = kind === 'bc5' ? Math.round((Math.sqrt(Math.max(0, 1 - nx * nx - ny * ny)) + 1) * 127.5) : r[t]!;
    px.set([r[t]!, g[t]!, z, 255], t * 4);
  }
}

/* ---------------------------------------------------------------- DDS */

const DXGI: Record<number, Bc | 'rgba' | 'bgra'> = {
  28: 'rgba',
  29: 'rgba',
  87: 'bgra',
  91: 'bgra',
  71: 'bc1',
  72: 'bc1',
  74: 'bc2',
  75: 'bc2',
  77: 'bc3',
  78: 'bc3',
  80: 'bc4',
  83: 'bc5',
};
const FOURCC: Record<string, Bc> = {
  DXT1: 'bc1',
  DXT2: 'bc2',
  DXT3: 'bc2',
  DXT4: 'bc3',
  DXT5: 'bc3',
  ATI1: 'bc4',
  BC4U: 'bc4',
  ATI2: 'bc5',
  BC5U: 'bc5',
};

export function decodeDds(bytes: Uint8Array, path: string): RgbaImage {
  if (bytes.length < 128) throw new DecodeError(path, 'dds', 'shorter than a DDS header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const height = dv.getUint32(12, true);
  const width = dv.getUint32(16, true);
  if (width * height > MAX_TEXTURE_PIXELS) throw new TooLargeError(path, `${width}x${height}`, `${MAX_TEXTURE_PIXELS}`);
  const pfFlags = dv.getUint32(80, true);
  const fourcc = Buffer.from(bytes.subarray(84, 88)).toString('latin1');
  let at = 128;
  let kind: Bc | 'rgba' | 'bgra' | 'masks' | undefined;
  if (fourcc === 'DX10') {
    const dxgi = dv.getUint32(128, true);
    at = 148;
    kind = DXGI[dxgi];
    if (!kind)
      throw new UnsupportedFormatError(
        path,
        `a DDS texture in DXGI format ${dxgi}`,
        'Vault decodes BC1-BC5 and 8-bit RGBA',
      );
  } else if (pfFlags & 4) {
    kind = FOURCC[fourcc];
    if (!kind) throw new UnsupportedFormatError(path, `a DDS texture compressed as ${fourcc}`, 'Vault decodes BC1-BC5');
  } else if (pfFlags & 0x40) kind = 'masks';
  if (!kind)
    throw new UnsupportedFormatError(path, 'this DDS pixel format', 'Vault decodes BC1-BC5 and RGB(A) textures');
  const data = bytes.subarray(at);
  if (kind === 'rgba' || kind === 'bgra')
    return image(width, height, rgba(data, width, height, kind === 'bgra', path), 'dds', 'rgba');
  if (kind === 'masks')
    return image(width, height, masked(dv, data, width, height, path), 'dds', pfFlags & 1 ? 'rgba' : 'rgb');
  return image(width, height, decodeBc(kind, data, width, height, path), 'dds', kind.toUpperCase());
}

function rgba(d: Uint8Array, width: number, height: number, bgra: boolean, path: string): Uint8Array {
  if (d.length < width * height * 4)
    throw new DecodeError(path, 'dds', 'the texture data is shorter than its size says');
  const out = new Uint8Array(d.subarray(0, width * height * 4));
  if (bgra) for (let i = 0; i < out.length; i += 4) [out[i], out[i + 2]] = [out[i + 2]!, out[i]!];
  return out;
}

/** Uncompressed DDS with channel masks (16, 24 or 32 bits a texel). */
function masked(dv: DataView, d: Uint8Array, width: number, height: number, path: string): Uint8Array {
  const bits = dv.getUint32(88, true);
  const masks = [92, 96, 100, 104].map((o) => dv.getUint32(o, true));
  const bytesPer = bits >> 3;
  if (![2, 3, 4].includes(bytesPer) || d.length < width * height * bytesPer)
    throw new DecodeError(path, 'dds', `unsupported ${bits}-bit layout or short data`);
  const out = new Uint8Array(width * height * 4);
  const channel = (v: number, m: number) => {
    if (!m) return -1;
    const shift = Math.log2(m & -m);
    const max = m >>> shift;
    return Math.round((((v & m) >>> shift) * 255) / max);
  };
  for (let i = 0; i < width * height; i++) {
    let v = 0;
    for (let k = 0; k < bytesPer; k++) v |= d[i * bytesPer + k]! << (8 * k);
    v >>>= 0;
    const [r, g, b, a] = masks.map((m) => channel(v, m));
    out.set([Math.max(0, r!), Math.max(0, g!), Math.max(0, b!), a! < 0 ? 255 : a!], i * 4);
  }
  return out;
}

/* ---------------------------------------------------------------- KTX2 */

const VK: Record<number, Bc | 'rgba' | 'bgra' | 'rgb' | 'r' | 'rg'> = {
  9: 'r',
  16: 'rg',
  23: 'rgb',
  29: 'rgb',
  37: 'rgba',
  43: 'rgba',
  44: 'bgra',
  50: 'bgra',
  131: 'bc1',
  132: 'bc1',
  133: 'bc1',
  134: 'bc1',
  135: 'bc2',
  136: 'bc2',
  137: 'bc3',
  138: 'bc3',
  139: 'bc4',
  141: 'bc5',
};

export async function decodeKtx2(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const { read } = await import('ktx-parse');
  let ktx;
  try {
    ktx = read(bytes);
  } catch (e) {
    throw new DecodeError(path, 'ktx2', (e as Error).message);
  }
  const { pixelWidth: width, pixelHeight: height, vkFormat, supercompressionScheme } = ktx;
  if (width * height > MAX_TEXTURE_PIXELS) throw new TooLargeError(path, `${width}x${height}`, `${MAX_TEXTURE_PIXELS}`);
  const kind = VK[vkFormat];
  if (supercompressionScheme === 1 || !kind)
    throw new UnsupportedFormatError(
      path,
      supercompressionScheme === 1 || vkFormat === 0 ? 'a Basis Universal KTX2 texture' : `KTX2 format ${vkFormat}`,
      'Vault decodes uncompressed 8-bit and BC1-BC5 KTX2 textures (Basis Universal needs a transcoder)',
    );
  const level = ktx.levels[0]!;
  let data = level.levelData;
  if (supercompressionScheme === 2) data = (await loadZstd()).decompress(data, Number(level.uncompressedByteLength));
  else if (supercompressionScheme === 3) data = (await import('node:zlib')).inflateSync(data);
  if (kind.startsWith('bc'))
    return image(width, height, decodeBc(kind as Bc, data, width, height, path), 'ktx2', kind.toUpperCase());
  const ch = { r: 1, rg: 2, rgb: 3, rgba: 4, bgra: 4 }[kind as 'r'];
  if (data.length < width * height * ch) throw new DecodeError(path, 'ktx2', 'the level is shorter than its size says');
  const out = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = data.subarray(i * ch, i * ch + ch);
    const px = kind === 'bgra' ? [s[2]!, s[1]!, s[0]!, s[3]!] : [s[0]!, s[1] ?? 0, s[2] ?? 0, s[3] ?? 255];
    if (kind === 'r') px[1] = px[2] = px[0]!;
    out.set(px, i * 4);
  }
  return image(width, height, out, 'ktx2', kind);
}
