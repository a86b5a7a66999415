import type { Worker } from 'node:worker_threads';
import { VaultError, isErrorCode } from '../errors.js';
import { workerThreads } from '../builtins.js';

/**
 * Workers hold little on their heap (buffers are external), so a small young
 * generation keeps each thread's footprint down: 3 isolates share the RSS budget.
 */
const LIMITS = { maxYoungGenerationSizeMb: 2 };

/**
 * Start a worker script from the folder of `base` (default: this module's), from sources (tests under
 * tsx) or from dist. In the CLI bundle every worker is an entry next to the chunks, so a module that
 * passes its own import.meta.url finds its worker both in dist/<folder>/ and in dist/bundle/.
 */
export function startWorker(name: string, workerData: unknown, base: string = import.meta.url): Worker {
  const { Worker } = workerThreads();
  const here = new URL(base);
  if (here.pathname.endsWith('.ts')) {
    const url = new URL(`./${name}.ts`, here);
    const api = import.meta.resolve('tsx/esm/api');
    return new Worker(
      `import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`,
      { eval: true, workerData, resourceLimits: LIMITS },
    );
  }
  return new Worker(new URL(`./${name}.js`, here), { workerData, resourceLimits: LIMITS });
}

/** A failure reported by a worker: its code and message survive the thread boundary. */
export interface WorkerFailure {
  code?: string;
  message: string;
  notFound?: boolean;
  changed?: boolean;
  /** the file to read could not be opened (permission denied) */
  unreadable?: boolean;
}

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (e: WorkerFailure) => void;
}

interface Slot<R> {
  worker: Worker;
  pending: Map<number, Pending<R>>;
  dead?: Error;
}

/**
 * A few worker threads running one script. Requests carry a `seq`; a worker
 * answers `{ seq, ok, result }` or `{ seq, ok: false, error }`. Any other
 * message (no seq) goes to `onEvent`. Requests go to the least busy worker;
 * `broadcast` sends one request to every worker and waits for all answers.
 */
export class WorkerPool<Q extends object, R> {
  private slots: Slot<R>[] = [];
  private seq = 0;

  constructor(
    script: string,
    workerData: unknown,
    threads: number,
    private readonly onEvent: (m: Record<string, unknown>) => void = () => {},
    base?: string,
  ) {
    for (let i = 0; i < threads; i++) {
      const slot: Slot<R> = { worker: startWorker(script, workerData, base), pending: new Map() };
      slot.worker.on('message', (m: { seq?: number; ok?: boolean; result?: R; error?: WorkerFailure }) => {
        if (m.seq === undefined) return this.onEvent(m as Record<string, unknown>);
        const p = slot.pending.get(m.seq);
        if (!p) return;
        slot.pending.delete(m.seq);
        if (m.ok) p.resolve(m.result as R);
        else p.reject(m.error ?? { message: 'worker failed' });
      });
      slot.worker.on('error', (e) => {
        slot.dead = e;
        for (const p of slot.pending.values()) p.reject({ code: 'EWORKER', message: e.message });
        slot.pending.clear();
      });
      this.slots.push(slot);
    }
  }

  private send(slot: Slot<R>, req: Q, transfer?: ArrayBuffer[]): Promise<R> {
    if (slot.dead) return Promise.reject({ code: 'EWORKER', message: slot.dead.message } satisfies WorkerFailure);
    const seq = ++this.seq;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(seq, { resolve, reject });
      slot.worker.postMessage({ ...req, seq }, transfer);
    });
  }

  /** requests sent and not yet answered, over all workers */
  get pending(): number {
    return this.slots.reduce((n, s) => n + s.pending.size, 0);
  }

  get size(): number {
    return this.slots.length;
  }

  /** `transfer`: buffers moved to the worker instead of copied (unusable here afterwards) */
  run(req: Q, transfer?: ArrayBuffer[]): Promise<R> {
    // the least busy worker (the pool has at least one)
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    return this.send(slot, req, transfer);
  }

  broadcast(req: Q): Promise<R[]> {
    return Promise.all(this.slots.map((s) => this.send(s, req)));
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}

/** Turn a worker's failure back into a VaultError for the caller. */
export function failureError(f: WorkerFailure): VaultError {
  if (isErrorCode(f.code)) return new VaultError(f.code, f.message);
  // a node error from the worker (ENOENT of a vanished pack, ...): reported as a failed read or write
  return new VaultError('EIO', f.code ? `${f.code}: ${f.message}` : f.message, { cause: f.code });
}

/** Worker side: answer requests with `handle`, reporting thrown errors as failures. */
export function serve<Q, R>(
  port: import('node:worker_threads').MessagePort,
  handle: (req: Q) => Promise<R>,
  describe: (e: unknown) => WorkerFailure,
): void {
  port.on('message', async (m: Q & { seq: number }) => {
    try {
      const result = await handle(m);
      port.postMessage({ seq: m.seq, ok: true, result });
    } catch (e) {
      port.postMessage({ seq: m.seq, ok: false, error: describe(e) });
    }
  });
}
