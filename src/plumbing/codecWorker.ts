import { parentPort } from 'node:worker_threads';
import { loadZstd } from './zstd.js';
import { compressOrKeep } from './codec.js';

/** Worker side of WorkerCodec: compress ('c', n = level) or decompress ('d', n = raw size). */
const zstd = await loadZstd();
parentPort!.on('message', (m: { seq: number; op: 'c' | 'd'; data: Uint8Array; n: number }) => {
  try {
    const out = m.op === 'c' ? compressOrKeep(zstd, m.data, m.n) : { compressed: false, data: zstd.decompress(m.data, m.n) };
    parentPort!.postMessage({ seq: m.seq, ok: true, ...out }, [out.data.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ seq: m.seq, ok: false, code: (e as { code?: string }).code, message: (e as Error).message ?? String(e) });
  }
});
