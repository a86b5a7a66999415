/**
 * Image decoding for the creative persona: every supported format becomes one RgbaImage
 * (8 bits per channel, RGBA, row-major), with what the original was (bit depth, colour type,
 * layers) kept in `info`. Codecs are the installed libraries (pngjs, jpeg-js, ag-psd); nothing
 * here is a hand-written codec except the PSD fallback composite (ag-psd does not composite).
 * WebP goes through @jsquash/webp (libwebp compiled to wasm, from the Squoosh project): its
 * wasm file is read from node_modules once, on the first WebP, so nothing is fetched.
 *
 * ag-psd (~0.5 s to load) and jpeg-js are imported on the first PSD or JPEG, so code that only
 * meets PNGs does not pay for them.
 *
 * Decoding holds the whole image in memory: files above MAX_IMAGE_BYTES or images above
 * MAX_PIXELS are refused with ETOOBIG instead of exhausting memory.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pngjs from 'pngjs';
import type { Layer, PixelData, Psd } from 'ag-psd';
import { DecodeError, TooLargeError, UnsupportedFormatError } from './errors.js';
import { readAll } from './imageSource.js';
import type { ImageFormat, RgbaImage } from './imageTypes.js';
import { openPng } from './pngStream.js';
import { compositePsd } from './psdComposite.js';

export type { ImageFormat, ImageInfo, RgbaImage } from './imageTypes.js';

/** Files larger than this are not decoded (512 MiB). */
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024;
/** Images with more pixels than this are not decoded (64 Mpx = 256 MiB as RGBA). */
export const MAX_PIXELS = 64 * 1024 * 1024;

const EXT: Record<string, ImageFormat> = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  psd: 'psd',
  psb: 'psd',
  webp: 'webp',
  kra: 'kra',
  ora: 'ora',
  svg: 'svg',
  blend: 'blend',
  tga: 'tga',
  dds: 'dds',
  ktx2: 'ktx2',
};

function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The format from the first bytes, or null. */
function sniff(head: Uint8Array): ImageFormat | null {
  const b = head;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 4 && b[0] === 0x38 && b[1] === 0x42 && b[2] === 0x50 && b[3] === 0x53) return 'psd';
  if (
    b.length >= 12 &&
    b[0] === 0x52 &&
    b[1] === 0x49 &&
    b[2] === 0x46 &&
    b[3] === 0x46 &&
    b[8] === 0x57 &&
    b[9] === 0x45 &&
    b[10] === 0x42 &&
    b[11] === 0x50
  )
    return 'webp';
  const text = Buffer.from(b.subarray(0, 12)).toString('latin1');
  if (text.startsWith('BLENDER')) return 'blend';
  if (text.startsWith('DDS ')) return 'dds';
  if (text.startsWith('\u00abKTX 20\u00bb')) return 'ktx2';
  return null;
}

/** The image format of a file by its magic bytes when `head` is given (they win), else by extension. */
export function imageFormatOf(path: string, head?: Uint8Array): ImageFormat | null {
  const ext = EXT[extOf(path)] ?? null;
  // .kra and .ora are zips; their own extension says more than the zip magic
  if (ext === 'kra' || ext === 'ora' || ext === 'svg' || ext === 'tga') return ext;
  if (head && head.length) {
    const s = sniff(head);
    if (s) return s;
  }
  return ext;
}

function checkPixels(path: string, width: number, height: number): void {
  if (width * height > MAX_PIXELS) throw new TooLargeError(path, `${width}x${height} pixels`, `${MAX_PIXELS} pixels`);
}

/** JPEG colour by component count (3, and anything else: rgb) */
const JPEG_COLOR: Record<number, string> = { 1: 'grey', 4: 'cmyk' };
const PNG_COLOR: Record<number, string> = { 0: 'grey', 2: 'rgb', 3: 'palette', 4: 'grey+alpha', 6: 'rgba' };

/** A PNG row by row (pngStream.ts; 16-bit samples kept in data16); interlaced files through pngjs. */
async function decodePng(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const src = await openPng(
    (async function* () {
      yield bytes;
    })(),
    path,
    (w, h) => checkPixels(path, w, h),
    { inMemory: true },
  );
  return src ? readAll(src) : decodePngWhole(bytes, path);
}

function decodePngWhole(bytes: Uint8Array, path: string): RgbaImage {
  // width/height from IHDR before inflating anything
  if (bytes.length >= 24) checkPixels(path, readU32(bytes, 16), readU32(bytes, 20));
  const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const meta = png as unknown as { depth?: number; colorType?: number; data: Buffer; width: number; height: number };
  return {
    width: meta.width,
    height: meta.height,
    data: new Uint8Array(meta.data.buffer, meta.data.byteOffset, meta.data.byteLength),
    info: { format: 'png', bitDepth: meta.depth, colorType: PNG_COLOR[meta.colorType ?? 6] ?? String(meta.colorType) },
  };
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Number of components in a baseline/progressive JPEG's SOF segment (1 grey, 3 YCbCr, 4 CMYK), or undefined. */
function jpegComponents(b: Uint8Array): number | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return b[i + 9];
    i += 2 + len;
  }
  return undefined;
}

async function decodeJpeg(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const { default: jpeg } = await import('jpeg-js');
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    maxResolutionInMP: MAX_PIXELS / 1e6,
    maxMemoryUsageInMB: 1024,
  });
  const comps = jpegComponents(bytes);
  checkPixels(path, img.width, img.height);
  return {
    width: img.width,
    height: img.height,
    data: img.data,
    info: { format: 'jpeg', bitDepth: 8, colorType: (comps && JPEG_COLOR[comps]) || 'rgb' },
  };
}

/** PixelData of any depth (8/16/32 bit) as RGBA8. */
export function pixelDataToRgba8(p: PixelData): Uint8Array {
  const d = p.data;
  if (d instanceof Uint8Array || d instanceof Uint8ClampedArray)
    return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const outp = new Uint8Array(d.length);
  if (d instanceof Uint16Array) for (let i = 0; i < d.length; i++) outp[i] = d[i]! >> 8;
  else for (let i = 0; i < d.length; i++) outp[i] = Math.max(0, Math.min(255, Math.round(d[i]! * 255)));
  return outp;
}

const PSD_MODE: Record<number, string> = {
  0: 'bitmap',
  1: 'grey',
  2: 'indexed',
  3: 'rgb',
  4: 'cmyk',
  7: 'multichannel',
  8: 'duotone',
  9: 'lab',
};

/** One layer (or group) of a PSD, flattened out of the tree; `path` joins group names with '/'. */
export interface PsdLayer {
  readonly path: string;
  readonly name: string;
  readonly kind: 'layer' | 'group';
  readonly left: number;
  readonly top: number;
  readonly hidden: boolean;
  readonly opacity: number;
  readonly blendMode: string;
  /** pixels of the layer's own rectangle (left/top give its place on the canvas); null for groups and empty layers */
  readonly image: RgbaImage | null;
}

export interface DecodedPsd {
  readonly composite: RgbaImage;
  readonly layers: readonly PsdLayer[];
  readonly psd: Psd;
}

let psdLib: Promise<typeof import('ag-psd')> | undefined;
/**
 * ag-psd, loaded once. It asks a canvas for 8-bit RGBA buffers even with `useImageData`; in Node
 * there is none, so it is given plain ImageData-shaped objects (no canvas is ever needed:
 * thumbnails are skipped). Use this (not a direct import) before readPsd/writePsd anywhere in Vault.
 */
export function loadAgPsd(): Promise<typeof import('ag-psd')> {
  psdLib ??= import('ag-psd').then((ns) => {
    // node gives the CommonJS exports as named exports; a bundle may give them only as `default`
    const m = typeof ns.initializeCanvas === 'function' ? ns : (ns as unknown as { default: typeof ns }).default;
    m.initializeCanvas(
      () => {
        throw new Error('no canvas in Node: read PSDs with useImageData');
      },
      (width, height) =>
        ({
          width,
          height,
          data: new Uint8ClampedArray(width * height * 4),
          colorSpace: 'srgb',
        }) as unknown as ImageData,
    );
    return m;
  });
  return psdLib;
}

async function parsePsd(bytes: Uint8Array, path: string, skipLayers = false): Promise<Psd> {
  if (bytes.length >= 22) checkPixels(path, readU32(bytes, 18), readU32(bytes, 14));
  const { readPsd } = await loadAgPsd();
  try {
    return readPsd(bytes, { useImageData: true, skipThumbnail: true, skipLayerImageData: skipLayers });
  } catch (e) {
    throw new DecodeError(path, 'psd', (e as Error).message);
  }
}

function flattenLayers(
  children: readonly Layer[] | undefined,
  prefix: string,
  outp: PsdLayer[],
  format: ImageFormat,
): void {
  const seen = new Map<string, number>();
  for (const l of children ?? []) {
    let name = l.name ?? 'Layer';
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n > 1) name = `${name}#${n}`;
    const p = prefix ? `${prefix}/${name}` : name;
    const isGroup = Array.isArray(l.children);
    const w = (l.right ?? 0) - (l.left ?? 0);
    const h = (l.bottom ?? 0) - (l.top ?? 0);
    const image: RgbaImage | null =
      !isGroup && l.imageData && w > 0 && h > 0
        ? {
            width: l.imageData.width,
            height: l.imageData.height,
            data: pixelDataToRgba8(l.imageData),
            info: { format },
          }
        : null;
    outp.push({
      path: p,
      name: l.name ?? 'Layer',
      kind: isGroup ? 'group' : 'layer',
      left: l.left ?? 0,
      top: l.top ?? 0,
      hidden: !!l.hidden,
      opacity: l.opacity ?? 1,
      blendMode: l.blendMode ?? 'normal',
      image,
    });
    if (isGroup) flattenLayers(l.children, p, outp, format);
  }
}

function uniform(d: Uint8Array): boolean {
  for (let i = 4; i < d.length; i++) if (d[i] !== d[i & 3]) return false;
  return true;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A PSD's composite and its layers (each with pixels), groups included. */
export async function decodePsd(bytes: Uint8Array, path: string): Promise<DecodedPsd> {
  const psd = await parsePsd(bytes, path);
  const layers: PsdLayer[] = [];
  flattenLayers(psd.children, '', layers, 'psd');
  // a file saved without a composite (or by a writer that leaves it blank) has a uniform one:
  // then rebuild it from the layers, when they show something else
  let data = psd.imageData ? pixelDataToRgba8(psd.imageData) : null;
  let fromFile = !!data;
  if (!data || (uniform(data) && layers.some((l) => l.image))) {
    const c = compositePsd(psd).data;
    const rebuilt = new Uint8Array(c.buffer, c.byteOffset, c.byteLength);
    if (!data || !equalBytes(rebuilt, data)) {
      data = rebuilt;
      fromFile = false;
    }
  }
  const deep = fromFile && psd.imageData?.data instanceof Uint16Array ? psd.imageData.data : undefined;
  const composite: RgbaImage = {
    width: psd.width,
    height: psd.height,
    data,
    ...(deep ? { data16: new Uint16Array(deep.buffer, deep.byteOffset, deep.length) } : {}),
    info: {
      format: 'psd',
      bitDepth: psd.bitsPerChannel ?? 8,
      colorType: PSD_MODE[psd.colorMode ?? 3] ?? String(psd.colorMode),
      layers: layers.length,
      composite: fromFile ? 'file' : 'layers',
    },
  };
  return { composite, layers, psd };
}

type WebpDecode = (b: ArrayBuffer) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
let webp: Promise<WebpDecode> | undefined;

/** @jsquash/webp's decoder with its wasm compiled from the installed package (a library file, not a user file). */
function webpDecoder(): Promise<WebpDecode> {
  webp ??= (async () => {
    // a computed specifier: the CLI bundle leaves it to node, so the wasm sits beside its glue in node_modules
    const spec = ['@jsquash', 'webp', 'decode.js'].join('/');
    const mod = (await import(spec)) as { default: WebpDecode; init: (m: WebAssembly.Module) => Promise<void> };
    const wasm = join(dirname(createRequire(import.meta.url).resolve(spec)), 'codec', 'dec', 'webp_dec.wasm');
    await mod.init(await WebAssembly.compile(await readFile(wasm)));
    return mod.default;
  })();
  webp.catch(() => (webp = undefined));
  return webp;
}

/** 'rgba' when the RIFF header says the image has alpha (VP8X flag, or VP8L's alpha hint), else 'rgb'. */
function webpColorType(b: Uint8Array): string {
  const fourcc = String.fromCharCode(b[12] ?? 0, b[13] ?? 0, b[14] ?? 0, b[15] ?? 0);
  if (fourcc === 'VP8X') return (b[20] ?? 0) & 0x10 ? 'rgba' : 'rgb';
  if (fourcc === 'VP8L') return (b[24] ?? 0) & 0x10 ? 'rgba' : 'rgb';
  return 'rgb';
}

async function decodeWebp(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const decode = await webpDecoder();
  const copy = new Uint8Array(bytes).buffer;
  let img;
  try {
    img = await decode(copy);
  } catch (e) {
    throw new DecodeError(path, 'webp', (e as Error).message);
  }
  checkPixels(path, img.width, img.height);
  return {
    width: img.width,
    height: img.height,
    data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength),
    info: { format: 'webp', bitDepth: 8, colorType: webpColorType(bytes) },
  };
}

/** What decodeImage reads, for messages. */
export const IMAGE_FORMATS =
  'PNG, JPEG, PSD, WebP, Krita .kra, OpenRaster .ora, SVG, Blender .blend previews, TGA, DDS, KTX2';

/** The picture of the formats in previews.ts and textures.ts (tagged with the file's own format). */
async function decodePreview(format: ImageFormat, bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const p = await import('./previews.js');
  const t = await import('./textures.js');
  if (format === 'kra' || format === 'ora') {
    const merged = await decodePng(p.zipMergedImage(bytes, path, format), path);
    return { ...merged, info: { ...merged.info, format } };
  }
  if (format === 'svg') return p.renderSvg(bytes, path);
  if (format === 'blend') return p.blendPreview(bytes, path);
  if (format === 'tga') return t.decodeTga(bytes, path);
  if (format === 'dds') return t.decodeDds(bytes, path);
  return t.decodeKtx2(bytes, path);
}

/** The whole image, RGBA8. PSD: the flattened composite. */
export async function decodeImage(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const format = imageFormatOf(path, bytes.subarray(0, 16));
  if (!format) throw new UnsupportedFormatError(path, 'this file type', `not one of ${IMAGE_FORMATS}`);
  if (bytes.length > MAX_IMAGE_BYTES)
    throw new TooLargeError(path, `${bytes.length} bytes`, `${MAX_IMAGE_BYTES} bytes`);
  try {
    if (format === 'webp') return await decodeWebp(bytes, path);
    if (format === 'png') return await decodePng(bytes, path);
    if (format === 'jpeg') return await decodeJpeg(bytes, path);
    if (format === 'psd') return (await decodePsd(bytes, path)).composite;
    return await decodePreview(format, bytes, path);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TooLargeError || e instanceof UnsupportedFormatError) throw e;
    throw new DecodeError(path, format, (e as Error)?.message ?? String(e));
  }
}

/** An RGBA8 PNG of the image (pngjs). */
export function encodePng(img: RgbaImage): Buffer {
  const png = new pngjs.PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  // big pictures (diff pictures of big images): one filter instead of trying all five per row
  const big = img.width * img.height > 1 << 20;
  return pngjs.PNG.sync.write(png, { colorType: 6, ...(big ? { filterType: 1 } : {}) });
}

/**
 * A smaller copy whose longer side is at most `maxSide`, keeping the aspect ratio, by area
 * averaging (each output pixel is the coverage-weighted mean of the source pixels under it;
 * colour is weighted by alpha so transparent pixels do not darken edges). Never upscales:
 * an image already small enough is returned as it is.
 */
export function resizeImage(img: RgbaImage, maxSide: number): RgbaImage {
  const { width: sw, height: sh } = img;
  const side = Math.max(1, Math.floor(maxSide));
  if (sw <= side && sh <= side) return img;
  const scale = side / Math.max(sw, sh);
  const dw = Math.max(1, Math.round(sw * scale));
  const dh = Math.max(1, Math.round(sh * scale));
  const fx = sw / dw;
  const fy = sh / dh;
  const outp = new Uint8Array(dw * dh * 4);
  const src = img.data;
  for (let oy = 0; oy < dh; oy++) {
    const y0 = oy * fy;
    const y1 = y0 + fy;
    for (let ox = 0; ox < dw; ox++) {
      const x0 = ox * fx;
      const x1 = x0 + fx;
      let r = 0,
        g = 0,
        b = 0,
        a = 0,
        area = 0;
      for (let sy = Math.floor(y0); sy < Math.min(sh, Math.ceil(y1)); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.min(sw, Math.ceil(x1)); sx++) {
          const w = wy * (Math.min(x1, sx + 1) - Math.max(x0, sx));
          const i = (sy * sw + sx) * 4;
          const al = src[i + 3]! * w;
          r += src[i]! * al;
          g += src[i + 1]! * al;
          b += src[i + 2]! * al;
          a += al;
          area += w;
        }
      }
      const o = (oy * dw + ox) * 4;
      if (a > 0) {
        outp[o] = Math.round(r / a);
        outp[o + 1] = Math.round(g / a);
        outp[o + 2] = Math.round(b / a);
      }
      outp[o + 3] = Math.round(a / area);
    }
  }
  return { width: dw, height: dh, data: outp, info: img.info };
}
