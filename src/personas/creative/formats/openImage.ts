/**
 * An image file as an ImageSource: PNG (not interlaced) is read a strip at a time from the file's
 * pieces, so its size is bounded by MAX_STREAMED_PIXELS, not by memory; other formats are decoded
 * whole (decodeImage, MAX_PIXELS) and handed out in strips.
 */
import { TooLargeError } from './errors.js';
import { decodeImage, imageFormatOf, MAX_IMAGE_BYTES } from './images.js';
import { sourceOf, type ImageSource } from './imageSource.js';
import { openPng } from './pngStream.js';

/** Images read row by row may have up to this many pixels (16384 x 16384). */
export const MAX_STREAMED_PIXELS = 16384 * 16384;

/** A file to read as an image: its first bytes, its size, and its content (in pieces, or whole). */
export interface ImageInput {
  readonly head: Uint8Array;
  readonly size: number;
  /** the content is in memory already */
  readonly inMemory?: boolean;
  pieces(): AsyncIterable<Uint8Array>;
  bytes(): Promise<Uint8Array>;
}

/** An input over bytes already in memory. */
export function bytesInput(bytes: Uint8Array): ImageInput {
  return {
    head: bytes.subarray(0, 64),
    size: bytes.length,
    inMemory: true,
    async *pieces() {
      yield bytes;
    },
    bytes: async () => bytes,
  };
}

export async function openImage(input: ImageInput, path: string): Promise<ImageSource> {
  if (imageFormatOf(path, input.head) === 'png') {
    const src = await openPng(
      input.pieces(),
      path,
      (w, h) => {
        if (w * h > MAX_STREAMED_PIXELS)
          throw new TooLargeError(path, `${w}x${h} pixels`, `${MAX_STREAMED_PIXELS} pixels`);
      },
      { inMemory: input.inMemory },
    );
    if (src) return src;
  }
  if (input.size > MAX_IMAGE_BYTES) throw new TooLargeError(path, `${input.size} bytes`, `${MAX_IMAGE_BYTES} bytes`);
  return sourceOf(await decodeImage(await input.bytes(), path));
}
