import { VaultError } from '../errors.js';
import type { RawPackIndex } from './pack/index.js';
import type { SharedIdSet } from './sharedIdSet.js';
import { FileChangedError, FileUnreadableError, type StoredFile } from './storeFile.js';
import type { WriterStats } from './ObjectWriter.js';
import type { StoreReply, StoreRequest, StoreWorkerInit } from './storeWorker.js';
import { WorkerPool, failureError, type WorkerFailure } from './workerPool.js';

export class FileVanishedError extends VaultError {
  constructor(path: string) {
    super('EVANISHED', `${path} vanished while it was read`, { path });
  }
}

/**
 * Worker threads that store whole files (see storeWorker.ts). Sealed packs are
 * reported through `onSeal` so the main thread's object database learns them.
 */
export class StoreWorkerPool {
  private pool: WorkerPool<StoreRequest, StoreReply>;

  constructor(
    init: Omit<StoreWorkerInit, 'shared'> & { shared: SharedIdSet },
    threads: number,
    onSeal: (name: string, index: RawPackIndex) => void,
  ) {
    this.pool = new WorkerPool<StoreRequest, StoreReply>(
      'storeWorker',
      { ...init, shared: init.shared.buffer },
      threads,
      (m) => {
        // the index body travels as one buffer (a Uint8Array here: made a Buffer again, no copy)
        if (m.type === 'sealed') {
          const buf = m.buf as Uint8Array;
          const index = {
            buf: Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength),
            count: m.count as number,
            sorted: true,
          };
          onSeal(m.name as string, index);
        }
      },
    );
  }

  /** files handed to workers and not finished yet */
  get pending(): number {
    return this.pool.pending;
  }

  async storeFile(abs: string | Buffer, rel: string, store: boolean): Promise<StoredFile> {
    try {
      return (await this.pool.run({ type: 'file', abs, rel, store })) as StoredFile;
    } catch (f) {
      const w = f as WorkerFailure;
      if (w.notFound) throw new FileVanishedError(rel);
      if (w.changed) throw new FileChangedError(rel);
      if (w.unreadable) throw new FileUnreadableError(rel, w.message);
      throw failureError(w);
    }
  }

  /** Seal every worker's last pack; returns the summed stats. */
  async flush(): Promise<WriterStats> {
    const all = (await this.pool.broadcast({ type: 'flush' }).catch((f: WorkerFailure) => {
      throw failureError(f);
    })) as WriterStats[];
    return all.reduce(
      (t, s) => ({
        objects: t.objects + s.objects,
        rawBytes: t.rawBytes + s.rawBytes,
        storedBytes: t.storedBytes + s.storedBytes,
      }),
      { objects: 0, rawBytes: 0, storedBytes: 0 },
    );
  }

  /** Drop every worker's unsealed pack (after a failure). */
  async abort(): Promise<void> {
    await this.pool.broadcast({ type: 'abort' }).catch(() => {});
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
