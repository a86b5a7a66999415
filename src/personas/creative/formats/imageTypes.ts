/** What every image decoder returns (images.ts re-exports these). */
export type ImageFormat = 'png' | 'jpeg' | 'psd' | 'webp' | 'kra' | 'ora' | 'svg' | 'blend' | 'tga' | 'dds' | 'ktx2';

export interface ImageInfo {
  format: ImageFormat;
  /** bits per channel of the original (PNG 1-16, PSD 8/16/32, JPEG 8) */
  bitDepth?: number;
  /** the original colour type: 'rgb', 'rgba', 'grey', 'grey+alpha', 'palette', 'cmyk'... */
  colorType?: string;
  /** PSD: number of layers (groups included) */
  layers?: number;
  /** PSD: 'file' when the composite stored in the file was used, 'layers' when it was rebuilt from visible layers */
  composite?: 'file' | 'layers';
}

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per channel, row-major, width*height*4 bytes */
  readonly data: Uint8Array;
  /** the same at 16 bits per channel, when the file has more than 8 (16-bit PNG and PSD) */
  readonly data16?: Uint16Array;
  readonly info: ImageInfo;
}
