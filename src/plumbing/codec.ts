import type { Worker } from 'node:worker_threads';
import { startWorker } from './workerPool.js';
import { availableParallelism } from 'node:os';
import { CompressionError } from '../errors.js';
import { loadZstd, type Zstd } from './zstd.js';

/**
 * Compression service. The object database hands it chunk bytes and gets
 * compressed bytes back. `InlineCodec` runs zstd on the calling thread;
 * `WorkerCodec` spreads the work over worker threads so hashing/reading on the
 * main thread and compression overlap (zstd-codec is wasm, ~150-200 MB/s a core).
 */
export interface Compressed {
  /** false: compression did not save at least 2%, `data` is the input itself */
  readonly compressed: boolean;
  readonly data: Uint8Array;
  /** the input's buffer, handed back for reuse when `data` is not it */
  readonly input?: ArrayBuffer;
}

/**
 * Compress, keeping the input when zstd does not save at least 2%. The
 * compressed bytes are written over the input's own memory (they are shorter),
 * so no new buffer is allocated: `data` is consumed either way.
 */
export function compressOrKeep(z: Zstd, data: Uint8Array, level: number): Compressed {
  const out = z.compressView(data, level);
  if (out.length >= data.length * 0.98) return { compressed: false, data };
  data.set(out);
  return { compressed: true, data: data.subarray(0, out.length) };
}

export interface Codec {
  /** Takes ownership of `data` (it may be transferred to another thread): use only what is returned. */
  compress(data: Uint8Array, level: number): Promise<Compressed>;
  decompress(data: Uint8Array, rawSize: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export class InlineCodec implements Codec {
  private z?: Promise<Zstd>;
  /** kind: which zstd (default: native where the runtime has it, see zstd.ts) */
  constructor(private readonly kind?: 'native' | 'wasm') {}
  private get zstd() {
    return (this.z ??= loadZstd(this.kind));
  }
  async compress(data: Uint8Array, level: number) {
    return compressOrKeep(await this.zstd, data, level);
  }
  async decompress(data: Uint8Array, rawSize: number) {
    return (await this.zstd).decompress(data, rawSize);
  }
  async close() {}
}

interface Job {
  resolve: (v: Compressed) => void;
  reject: (e: Error) => void;
}

/** What travels between the main thread and a worker: whole ArrayBuffers plus a length, so nothing is copied. */
interface Reply {
  seq: number;
  ok: boolean;
  compressed?: boolean;
  out?: ArrayBuffer;
  outLength?: number;
  input?: ArrayBuffer;
  message?: string;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Job>;
}

/** A view whose buffer may be transferred: offset 0 of a plain ArrayBuffer (else copied). */
function transferable(data: Uint8Array): Uint8Array {
  if (data.byteOffset === 0 && data.buffer instanceof ArrayBuffer) return data;
  return new Uint8Array(data);
}

/** Smaller objects are decompressed on the calling thread: a worker round trip costs more. */
const INLINE_BELOW = 64 * 1024;

export class WorkerCodec implements Codec {
  private slots: Slot[] = [];
  private inline = new InlineCodec();
  private seq = 0;
  private closed = false;
  constructor(readonly threads = Math.max(1, Math.min(4, availableParallelism()))) {}

  private start(): Slot[] {
    if (this.slots.length) return this.slots;
    for (let i = 0; i < this.threads; i++) {
      const worker = startWorker('codecWorker', undefined);
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (m: Reply) => {
        const job = slot.pending.get(m.seq);
        if (!job) return;
        slot.pending.delete(m.seq);
        if (slot.pending.size === 0) worker.unref();
        if (m.ok)
          job.resolve({ data: new Uint8Array(m.out!, 0, m.outLength!), compressed: m.compressed!, input: m.input });
        else job.reject(new CompressionError('worker', m.message ?? 'failed'));
      });
      worker.on('error', (e) => {
        for (const j of slot.pending.values()) j.reject(new CompressionError('worker', e.message));
        slot.pending.clear();
      });
      worker.unref();
      this.slots.push(slot);
    }
    return this.slots;
  }

  private run(op: 'c' | 'd', data: Uint8Array, n: number): Promise<Compressed> {
    if (this.closed) return Promise.reject(new CompressionError('worker', 'codec closed'));
    const slots = this.start();
    // the least busy worker (start() made at least one)
    const slot = slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const seq = ++this.seq;
    const buf = transferable(data);
    return new Promise((resolve, reject) => {
      slot.pending.set(seq, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ seq, op, buf: buf.buffer, length: buf.length, n }, [buf.buffer as ArrayBuffer]);
    });
  }

  compress(data: Uint8Array, level: number) {
    return this.run('c', data, level);
  }
  async decompress(data: Uint8Array, rawSize: number) {
    if (rawSize < INLINE_BELOW) return this.inline.decompress(data, rawSize);
    return (await this.run('d', data, rawSize)).data;
  }
  async close() {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}
