import { parentPort, workerData } from 'node:worker_threads';
import { chunkerFromConfig, planFile, type ChunkerConfig } from './chunkers/index.js';
import { InlineCodec } from './codec.js';
import { isNotFound } from './fs.js';
import { ObjectDatabase } from './ObjectDatabase.js';
import type { WriterStats } from './ObjectWriter.js';
import { SharedIdSet } from './sharedIdSet.js';
import { FileChangedError, FileUnreadableError, ReadBuffer, storeFile, type StoredFile } from './storeFile.js';
import { syncFs } from './syncFs.js';
import { serve } from './workerPool.js';

/**
 * A worker that reads, chunks, hashes, compresses and packs whole files, so
 * the main thread only lists the folder and decides. Dedup across workers goes
 * through the SharedIdSet; each worker writes its own pack files and reports
 * each sealed pack as a `{ type: 'sealed' }` event.
 */
export interface StoreWorkerInit {
  vaultDir: string;
  shared: SharedArrayBuffer;
  chunker: ChunkerConfig;
  level: number;
  packSize: number;
}

export type StoreRequest =
  { type: 'file'; abs: string | Uint8Array; rel: string; store: boolean } | { type: 'flush' } | { type: 'abort' };
export type StoreReply = StoredFile | WriterStats;

const init = workerData as StoreWorkerInit;
const fs = syncFs;
const port = parentPort!;
const db = await ObjectDatabase.open({
  fs,
  vaultDir: init.vaultDir,
  codec: new InlineCodec(),
  level: init.level,
  packSize: init.packSize,
  loadIndex: false,
});
// compression is inline here, so a deep queue buys nothing but memory
const writer = db.writer({
  shared: SharedIdSet.from(init.shared),
  // one buffer, moved (the writer is done with it): not an object and a hex string per entry
  onSeal: (name, index) =>
    port.postMessage({ type: 'sealed', name, buf: index.buf, count: index.count }, [index.buf.buffer as ArrayBuffer]),
  maxInflight: 4 * 1024 * 1024,
});
const chunker = chunkerFromConfig(init.chunker);
const bufferSize = chunker.maxSize + 1024 * 1024;
const buffers: ReadBuffer[] = [];

serve<StoreRequest, StoreReply>(
  port as never,
  async (m) => {
    if (m.type === 'flush') return writer.flush();
    if (m.type === 'abort') {
      await writer.abort();
      return writer.stats;
    }
    const buffer = buffers.pop() ?? new ReadBuffer(bufferSize);
    try {
      return await storeFile({
        fs,
        path: typeof m.abs === 'string' ? m.abs : Buffer.from(m.abs),
        plan: (size, head) => planFile(chunker, m.rel, size, head),
        sink: m.store ? writer : null,
        buffer,
      });
    } finally {
      buffers.push(buffer);
    }
  },
  (e) => ({
    code: (e as { code?: string }).code,
    message: (e as Error).message ?? String(e),
    notFound: isNotFound(e),
    changed: e instanceof FileChangedError,
    unreadable: e instanceof FileUnreadableError,
  }),
);
