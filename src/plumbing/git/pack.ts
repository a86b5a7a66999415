import { createHash, type Hash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { GitType } from './objects.js';

const TYPE_NUM: Record<GitType, number> = { commit: 1, tree: 2, blob: 3 };

/**
 * Writes a git pack (version 2, no deltas) object by object to a sink, hashing
 * as it goes: memory is one object at a time, whatever the pack's size.
 */
export class PackStreamWriter {
  private readonly hash: Hash = createHash('sha1');
  private written = 0;
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

  async add(type: GitType, body: Uint8Array): Promise<void> {
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
    await this.out(Buffer.from(head));
    await this.out(deflateSync(body, { level: 1 }));
    this.written++;
  }

  async finish(): Promise<void> {
    if (this.written !== this.count) throw new Error(`pack: ${this.written} objects written, ${this.count} announced`);
    const digest = this.hash.digest();
    this.bytes += digest.length;
    await this.sink(digest);
  }
}
