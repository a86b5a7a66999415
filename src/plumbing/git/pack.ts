import { nodeCrypto } from '../../builtins.js';
import type { Hash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflate, deflateSync } from 'node:zlib';
import type { GitType } from './objects.js';

const deflateAsync = promisify(deflate);

/** Objects up to this size are deflated at once, on this thread. */
const SMALL = 16 * 1024;
/** Bytes of a bigger object deflated first to see whether deflating it pays. */
const SAMPLE = 16 * 1024;
/** Objects (and raw bytes) being deflated at once on libuv's thread pool, ahead of the one being written. */
const WINDOW_OBJECTS = 8;
const WINDOW_BYTES = 32 * 1024 * 1024;

/** An object whose stored copy is at least this part of its size did not compress: it is not tried again. */
const INCOMPRESSIBLE = 0.97;

/**
 * The zlib stream of one object. What does not shrink (media, already-compressed files) goes in deflate's
 * stored blocks, which costs a copy instead of a search: known from `storedRatio` (how well the vault
 * compressed it), else from deflating a 16 KiB sample of it; the rest at level 1. Big objects are deflated
 * on libuv's thread pool.
 */
function zlibOf(body: Uint8Array, storedRatio?: number | null): Buffer | Promise<Buffer> {
  if (body.length <= SMALL) return deflateSync(body, { level: 1 });
  let incompressible: boolean;
  if (storedRatio !== undefined && storedRatio !== null) incompressible = storedRatio >= INCOMPRESSIBLE;
  else {
    const mid = Math.max(0, Math.floor(body.length / 2) - SAMPLE / 2);
    const probe = deflateSync(body.subarray(mid, mid + SAMPLE), { level: 1 });
    incompressible = probe.length >= SAMPLE * INCOMPRESSIBLE;
  }
  // stored blocks are a copy: not worth a trip to the thread pool
  if (incompressible) return deflateSync(body, { level: 0, chunkSize: 1024 * 1024 });
  // one output buffer per MiB, not per 16 KiB: far fewer callbacks and copies
  return deflateAsync(body, { level: 1, chunkSize: 1024 * 1024 });
}

const TYPE_NUM: Record<GitType, number> = { commit: 1, tree: 2, blob: 3 };

/**
 * Writes a git pack (version 2, no deltas) object by object to a sink, hashing
 * as it goes: memory is a window of objects being deflated (at most 8, or 32 MiB
 * of them, plus the last one added), whatever the pack's size; they go out in the
 * order they were added.
 */
export class PackStreamWriter {
  private readonly hash: Hash = nodeCrypto().createHash('sha1');
  private written = 0;
  private readonly pending: { head: Buffer; data: Buffer | Promise<Buffer>; size: number }[] = [];
  private pendingBytes = 0;
  bytes = 0;

  constructor(
    private readonly count: number,
    private readonly sink: (b: Buffer) => Promise<void>,
  ) {}

  private async out(b: Buffer): Promise<void> {
    this.hash.update(b);
    this.bytes += b.length;
    await this.sink(b);
  }

  async start(): Promise<void> {
    const h = Buffer.alloc(12);
    h.write('PACK', 0, 'latin1');
    h.writeUInt32BE(2, 4);
    h.writeUInt32BE(this.count, 8);
    await this.out(h);
  }

  /** Add one object; `storedRatio`: how well it compressed where it came from (see zlibOf), if known. */
  async add(type: GitType, body: Uint8Array, storedRatio?: number | null): Promise<void> {
    if (this.written >= this.count) throw new Error('pack: more objects than announced');
    const head: number[] = [];
    let size = body.length;
    let byte = (TYPE_NUM[type] << 4) | (size & 0x0f);
    size = Math.floor(size / 16);
    while (size > 0) {
      head.push(byte | 0x80);
      byte = size & 0x7f;
      size = Math.floor(size / 128);
    }
    head.push(byte);
    const data = zlibOf(body, storedRatio);
    // a failure is thrown when its turn comes to be written (not as an unhandled rejection before that)
    if (data instanceof Promise) data.catch(() => {});
    this.pending.push({ head: Buffer.from(head), data, size: body.length });
    this.pendingBytes += body.length;
    this.written++;
    while (this.pending.length > WINDOW_OBJECTS || this.pendingBytes > WINDOW_BYTES) await this.flushOne();
  }

  private async flushOne(): Promise<void> {
    const p = this.pending[0];
    if (!p) return;
    const data = await p.data;
    this.pending.shift();
    this.pendingBytes -= p.size;
    await this.out(p.head);
    await this.out(data);
  }

  async finish(): Promise<void> {
    if (this.written !== this.count) throw new Error(`pack: ${this.written} objects written, ${this.count} announced`);
    while (this.pending.length) await this.flushOne();
    const digest = this.hash.digest();
    this.bytes += digest.length;
    await this.sink(digest);
  }
}
