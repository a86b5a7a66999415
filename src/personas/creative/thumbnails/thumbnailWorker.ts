// Worker thread: decode one image and scale it to a thumbnail PNG (the CPU-heavy part of a creative
// commit), so several changed pictures are done at once. Models stay on the main thread: they read
// related files (MTL, .bin) from the snapshot.
import { parentPort } from 'node:worker_threads';
import { serve } from '../../../plumbing/workerPool.js';
import { encodePng } from '../formats/images.js';
import { makeThumbnail } from './makeThumbnail.js';

export interface ThumbnailRequest {
  readonly bytes: Uint8Array;
  readonly path: string;
  readonly size: number;
}

serve<ThumbnailRequest, Uint8Array | null>(
  parentPort!,
  async (req) => {
    const img = await makeThumbnail(req.bytes, req.path, { size: req.size });
    return img ? new Uint8Array(encodePng(img)) : null;
  },
  (e) => ({ code: (e as { code?: string }).code, message: (e as Error).message ?? String(e) }),
);
