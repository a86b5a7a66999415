import { parentPort } from 'node:worker_threads';
import { loadZstd } from './zstd.js';
import { compressOrKeep } from './codec.js';

/**
 * Worker side of WorkerCodec: compress ('c', n = level) or decompress ('d', n = raw size).
 * Buffers come and go as whole transferred ArrayBuffers; the input buffer is
 * sent back too so the main thread can reuse it.
 */
const zstd = await loadZstd();
parentPort!.on('message', (m: { seq: number; op: 'c' | 'd'; buf: ArrayBuffer; length: number; n: number }) => {
  try {
    const data = new Uint8Array(m.buf, 0, m.length);
    const r = m.op === 'c' ? compressOrKeep(zstd, data, m.n) : { compressed: false, data: zstd.decompress(data, m.n) };
    const out = r.data.buffer as ArrayBuffer;
    const transfer = out === m.buf ? [out] : [out, m.buf];
    parentPort!.postMessage(
      {
        seq: m.seq,
        ok: true,
        compressed: r.compressed,
        out,
        outOffset: r.data.byteOffset,
        outLength: r.data.length,
        input: out === m.buf ? undefined : m.buf,
      },
      transfer,
    );
  } catch (e) {
    parentPort!.postMessage({ seq: m.seq, ok: false, message: (e as Error).message ?? String(e) });
  }
});
