import { parentPort, workerData } from 'node:worker_threads';
import { chunkerFromConfig, planFile, type ChunkerConfig } from './chunkers/index.js';
import { InlineCodec } from './codec.js';
import { isNotFound } from './fs.js';
import { syncFs } from './syncFs.js';
import { ObjectDatabase } from './ObjectDatabase.js';
import { SharedIdSet } from './sharedIdSet.js';
import type { StatInfo } from './statCache.js';
import { FileChangedError, ReadBuffer, storeFile } from './storeFile.js';

/**
 * A worker that reads, chunks, hashes, compresses and packs whole files, so
 * the main thread only lists the folder and decides. Dedup across workers goes
 * through the SharedIdSet; each worker writes its own pack files.
 */
export interface StoreWorkerInit {
  vaultDir: string;
  shared: SharedArrayBuffer;
  chunker: ChunkerConfig;
  level: number;
  packSize: number;
}

export type StoreWorkerRequest =
  | { type: 'file'; seq: number; abs: string; rel: string; stat: StatInfo; store: boolean }
  | { type: 'flush' }
  | { type: 'abort' };

const init = workerData as StoreWorkerInit;
const fs = syncFs;
const db = await ObjectDatabase.open({ fs, vaultDir: init.vaultDir, codec: new InlineCodec(), level: init.level, packSize: init.packSize, loadIndex: false });
const port = parentPort!;
const writer = db.writer({ shared: SharedIdSet.from(init.shared), onSeal: (name, entries) => port.postMessage({ type: 'sealed', name, entries }) });
const chunker = chunkerFromConfig(init.chunker);
const bufferSize = 2 * chunker.maxSize + 1024 * 1024;
const buffers: ReadBuffer[] = [];

port.on('message', async (m: StoreWorkerRequest) => {
  if (m.type === 'file') {
    const buffer = buffers.pop() ?? new ReadBuffer(bufferSize);
    try {
      const r = await storeFile({
        fs,
        path: m.abs,
        stat: m.stat,
        plan: (size, head) => planFile(chunker, m.rel, size, head),
        sink: m.store ? writer : null,
        buffer,
      });
      port.postMessage({ type: 'file', seq: m.seq, ok: true, result: r });
    } catch (e) {
      const err = e as Error & { code?: string };
      port.postMessage({
        type: 'file',
        seq: m.seq,
        ok: false,
        notFound: isNotFound(e),
        changed: e instanceof FileChangedError,
        code: err.code,
        message: err.message ?? String(e),
      });
    } finally {
      buffers.push(buffer);
    }
  } else if (m.type === 'flush') {
    try {
      const stats = await writer.flush();
      port.postMessage({ type: 'flushed', ok: true, stats });
    } catch (e) {
      port.postMessage({ type: 'flushed', ok: false, code: (e as { code?: string }).code, message: (e as Error).message });
    }
  } else if (m.type === 'abort') {
    await writer.abort().catch(() => {});
    port.postMessage({ type: 'aborted' });
  }
});
