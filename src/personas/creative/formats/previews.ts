/**
 * Pictures of files that are not plain images: the merged image a Krita (.kra) or OpenRaster (.ora)
 * file keeps inside its zip, an SVG rendered by resvg, the preview Blender embeds in a .blend. Each
 * returns the bytes of a PNG (zip formats) or an RgbaImage; a file without a preview throws
 * UnsupportedFormatError saying why (the thumbnail then shows a labelled placeholder).
 */
import { unzipSync } from 'fflate';
import { DecodeError, TooLargeError, UnsupportedFormatError } from './errors.js';
import type { RgbaImage } from './imageTypes.js';

/** The merged picture of a .kra / .ora: mergedimage.png (both write it), else their thumbnail. */
export function zipMergedImage(bytes: Uint8Array, path: string, format: 'kra' | 'ora'): Uint8Array {
  const wanted = ['mergedimage.png', 'Thumbnails/thumbnail.png', 'preview.png'];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => wanted.includes(f.name) });
  } catch (e) {
    throw new DecodeError(path, format, `not a readable zip: ${(e as Error).message}`);
  }
  for (const name of wanted) if (files[name]) return files[name];
  throw new UnsupportedFormatError(path, `this ${format} file`, 'it has no merged image (mergedimage.png)');
}

/** SVG pictures are rendered at most this wide or high (their own size when smaller). */
export const MAX_SVG_SIDE = 4096;

/** An SVG rendered by resvg (@resvg/resvg-js), at its own size, fitted into MAX_SVG_SIDE. */
export async function renderSvg(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  const { Resvg } = await import('@resvg/resvg-js');
  let r: InstanceType<typeof Resvg>;
  try {
    r = new Resvg(Buffer.from(bytes), { font: { loadSystemFonts: true }, background: 'rgba(0,0,0,0)' });
  } catch (e) {
    throw new DecodeError(path, 'svg', (e as Error).message);
  }
  const side = Math.max(r.width, r.height);
  if (!(side > 0)) throw new DecodeError(path, 'svg', 'it has no size');
  const fit = side > MAX_SVG_SIDE ? { mode: 'zoom' as const, value: MAX_SVG_SIDE / side } : undefined;
  const rendered = fit ? new Resvg(Buffer.from(bytes), { fitTo: fit, font: { loadSystemFonts: true } }) : r;
  const img = rendered.render();
  return {
    width: img.width,
    height: img.height,
    data: new Uint8Array(img.pixels.buffer, img.pixels.byteOffset, img.pixels.byteLength),
    info: { format: 'svg', bitDepth: 8, colorType: 'rgba' },
  };
}

/** A .blend's embedded preview (the TEST block Blender writes when 'Save Preview' is on). */
export function blendPreview(bytes: Uint8Array, path: string): RgbaImage {
  const head = Buffer.from(bytes.subarray(0, 17)).toString('latin1');
  if (bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd)
    throw new UnsupportedFormatError(path, 'a compressed .blend', 'Vault reads previews of uncompressed .blend files');
  if (!head.startsWith('BLENDER')) throw new DecodeError(path, 'blend', 'no BLENDER header');
  const layout = blendLayout(head);
  if (!layout) throw new DecodeError(path, 'blend', `unknown header '${head.slice(0, 12)}'`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = layout.headerSize; at + layout.blockHeader <= bytes.length;) {
    const code = Buffer.from(bytes.subarray(at, at + 4)).toString('latin1');
    const len = layout.length(dv, at);
    const data = at + layout.blockHeader;
    if (code === 'TEST') return previewOf(dv, data, len, layout.little, path);
    if (code === 'ENDB' || len < 0) break;
    at = data + len;
  }
  throw new UnsupportedFormatError(path, 'this .blend', "it was saved without a preview (turn on 'Save Preview')");
}

interface BlendLayout {
  headerSize: number;
  blockHeader: number;
  little: boolean;
  length(dv: DataView, at: number): number;
}

/** Block layout from the file header: BLENDER_v402 style (12 bytes) or BLENDER17-01v0500 (Blender 5). */
function blendLayout(head: string): BlendLayout | null {
  const classic = /^BLENDER([_-])([vV])\d{3}/.exec(head);
  if (classic) {
    const ptr = classic[1] === '_' ? 4 : 8;
    const little = classic[2] === 'v';
    return { headerSize: 12, blockHeader: 16 + ptr, little, length: (dv, at) => dv.getInt32(at + 4, little) };
  }
  const v5 = /^BLENDER(\d\d)-01([vV])\d{4}/.exec(head);
  if (v5) {
    const little = v5[2] === 'v';
    // code, SDNA index (4 + 4), old address (8), length (8), count (8)
    return {
      headerSize: Number(v5[1]),
      blockHeader: 32,
      little,
      length: (dv, at) => Number(dv.getBigInt64(at + 16, little)),
    };
  }
  return null;
}

function previewOf(dv: DataView, at: number, len: number, little: boolean, path: string): RgbaImage {
  const width = dv.getInt32(at, little);
  const height = dv.getInt32(at + 4, little);
  if (width <= 0 || height <= 0 || width * height * 4 + 8 > len)
    throw new DecodeError(path, 'blend', `a ${width}x${height} preview does not fit its ${len}-byte block`);
  if (width * height > 4096 * 4096) throw new TooLargeError(path, `a ${width}x${height} preview`, '4096x4096');
  // rows are stored bottom to top
  const data = new Uint8Array(width * height * 4);
  const src = new Uint8Array(dv.buffer, dv.byteOffset + at + 8, width * height * 4);
  for (let y = 0; y < height; y++)
    data.set(src.subarray((height - 1 - y) * width * 4, (height - y) * width * 4), y * width * 4);
  return { width, height, data, info: { format: 'blend', bitDepth: 8, colorType: 'rgba' } };
}
