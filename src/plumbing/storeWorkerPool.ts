import { Worker } from 'node:worker_threads';
import { VaultError } from '../errors.js';
import type { ChunkerConfig } from './chunkers/index.js';
import type { PackEntry } from './packIndex.js';
import type { SharedIdSet } from './sharedIdSet.js';
import type { StatInfo } from './statCache.js';
import { FileChangedError, type StoredFile } from './storeFile.js';
import type { WriterStats } from './ObjectDatabase.js';
import type { StoreWorkerInit } from './storeWorker.js';

/** Start a worker from this folder, from sources (tests under tsx) or from dist. */
export function startWorker(name: string, workerData: unknown): Worker {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) {
    const url = new URL(`./${name}.ts`, here);
    const api = import.meta.resolve('tsx/esm/api');
    return new Worker(`import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`, { eval: true, workerData });
  }
  return new Worker(new URL(`./${name}.js`, here), { workerData });
}

interface Pending {
  rel: string;
  resolve: (r: StoredFile) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  flushed?: (m: { ok: boolean; stats?: WriterStats; code?: string; message?: string }) => void;
  dead?: Error;
}

export class FileVanishedError extends VaultError {
  constructor(path: string) {
    super('EVANISHED', `${path} vanished while it was read`, { path });
  }
}

/**
 * Worker threads that store whole files (see storeWorker.ts). Files go to the
 * least busy worker; sealed packs are reported through `onSeal` so the main
 * thread's object database learns about them.
 */
export class StoreWorkerPool {
  private slots: Slot[] = [];
  private seq = 0;

  constructor(
    init: Omit<StoreWorkerInit, 'shared'> & { shared: SharedIdSet },
    threads: number,
    private readonly onSeal: (name: string, entries: PackEntry[]) => void,
  ) {
    const data: StoreWorkerInit = { ...init, shared: init.shared.buffer };
    for (let i = 0; i < threads; i++) {
      const slot: Slot = { worker: startWorker('storeWorker', data), pending: new Map() };
      slot.worker.on('message', (m) => this.onMessage(slot, m));
      slot.worker.on('error', (e) => {
        slot.dead = e;
        for (const p of slot.pending.values()) p.reject(e);
        slot.pending.clear();
        slot.flushed?.({ ok: false, message: e.message });
      });
      this.slots.push(slot);
    }
  }

  private onMessage(slot: Slot, m: { type: string; seq?: number; ok?: boolean; result?: StoredFile; notFound?: boolean; changed?: boolean; code?: string; message?: string; name?: string; entries?: PackEntry[]; stats?: WriterStats }) {
    if (m.type === 'sealed') return this.onSeal(m.name!, m.entries!);
    if (m.type === 'flushed') return slot.flushed?.(m as never);
    if (m.type !== 'file') return;
    const p = slot.pending.get(m.seq!);
    if (!p) return;
    slot.pending.delete(m.seq!);
    if (m.ok) return p.resolve(m.result!);
    if (m.notFound) return p.reject(new FileVanishedError(p.rel));
    if (m.changed) return p.reject(new FileChangedError(p.rel));
    p.reject(new VaultError(m.code ?? 'EIO', m.message ?? 'worker failed'));
  }

  /** How many files are queued in the least busy worker. */
  get minLoad(): number {
    return Math.min(...this.slots.map((s) => s.pending.size));
  }

  storeFile(abs: string, rel: string, stat: StatInfo, store: boolean): Promise<StoredFile> {
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    if (slot.dead) return Promise.reject(slot.dead);
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      slot.pending.set(seq, { rel, resolve, reject });
      slot.worker.postMessage({ type: 'file', seq, abs, rel, stat, store });
    });
  }

  /** Seal every worker's last pack; returns the summed stats. */
  async flush(): Promise<WriterStats> {
    const results = await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<{ ok: boolean; stats?: WriterStats; code?: string; message?: string }>((resolve) => {
            if (slot.dead) return resolve({ ok: false, message: slot.dead.message });
            slot.flushed = resolve;
            slot.worker.postMessage({ type: 'flush' });
          }),
      ),
    );
    const total: WriterStats = { objects: 0, rawBytes: 0, storedBytes: 0 };
    for (const r of results) {
      if (!r.ok) throw new VaultError(r.code ?? 'EIO', r.message ?? 'worker failed to flush');
      total.objects += r.stats!.objects;
      total.rawBytes += r.stats!.rawBytes;
      total.storedBytes += r.stats!.storedBytes;
    }
    return total;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
