// The 200 MB check: a big incompressible file, then the same file with 10 bytes inserted in its middle.
// Content-defined chunking must store only the chunks around the insertion (< 1 MB), and both
// snapshots must restore byte for byte. Real filesystem, set up as the CLI does it (sync fs, WorkerCodec,
// 2 worker threads for storing and restoring); streams only: the file is never held in memory.
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkerCodec } from '../../src/plumbing/codec.js';
import { syncFs } from '../../src/plumbing/syncFs.js';
import { commit } from '../../src/porcelain/commit.js';
import { restore } from '../../src/porcelain/restore.js';
import { diskVault, nodeFs, tempDir } from '../helpers/vault.js';

const test = suite('porcelain/bigFile');

const SIZE = 200 * 1024 * 1024;
const BLOCK = 4 * 1024 * 1024;
const INSERT_AT = SIZE / 2 + 4321;
const INSERTED = Buffer.from('0123456789');

/** Seeded, incompressible bytes: AES-256-CTR keystream, made block by block. */
function keystream(size: number): Readable {
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, 7), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(BLOCK);
  let left = size;
  return new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const n = Math.min(BLOCK, left);
      left -= n;
      this.push(cipher.update(zeros.subarray(0, n)));
    },
  });
}

/** A pass-through that hashes what flows through it. */
function hasher(): { tap: Transform; digest: () => string } {
  const h = createHash('sha256');
  const tap = new Transform({
    transform(chunk, _enc, done) {
      h.update(chunk);
      done(null, chunk);
    },
  });
  return { tap, digest: () => h.digest('hex') };
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: BLOCK })) h.update(chunk as Buffer);
  return h.digest('hex');
}

test('200 MB file, 10 bytes inserted in the middle: second commit stores < 1 MB; both snapshots restore exactly', async () => {
  const tmp = await tempDir('vault-big-');
  const t = await diskVault(tmp.path, {}, { fs: syncFs, threads: 2, codec: new WorkerCodec(2) });
  try {
    const file = join(t.dir, 'huge.psd');

    const h1 = hasher();
    await pipeline(keystream(SIZE), h1.tap, createWriteStream(file));
    const sha1 = h1.digest();
    assert.is((await nodeFs.stat(file)).size, SIZE);

    const c1 = await commit({ vault: t.vault, message: 'big file' });
    assert.ok(c1.id);
    assert.is(c1.bytesRead, SIZE);
    assert.ok(
      c1.newBytesStored > SIZE * 0.97,
      `first commit stored ${c1.newBytesStored} bytes: the data should be incompressible`,
    );

    // rewrite with 10 bytes inserted in the middle, through streams
    const edited = `${file}.edit`;
    const h2 = hasher();
    const out = createWriteStream(edited);
    async function* spliced() {
      for await (const c of createReadStream(file, { end: INSERT_AT - 1, highWaterMark: BLOCK })) yield c as Buffer;
      yield INSERTED;
      for await (const c of createReadStream(file, { start: INSERT_AT, highWaterMark: BLOCK })) yield c as Buffer;
    }
    await pipeline(Readable.from(spliced()), h2.tap, out);
    await nodeFs.rename(edited, file);
    const sha2 = h2.digest();
    assert.is((await nodeFs.stat(file)).size, SIZE + INSERTED.length);

    const c2 = await commit({ vault: t.vault, message: 'inserted 10 bytes' });
    assert.ok(c2.id);
    assert.is(c2.parent, c1.id);
    assert.is(c2.filesRead, 1);
    assert.ok(
      c2.newBytesStored < 1_000_000,
      `second commit stored ${c2.newBytesStored} bytes (${c2.newObjects} objects)`,
    );

    for (const [rev, want] of [
      ['HEAD~1', sha1],
      ['HEAD', sha2],
    ] as const) {
      const to = join(tmp.path, `restored-${rev.replace(/\W/g, '')}`);
      const r = await restore({ vault: t.vault, snapshot: rev, to });
      assert.equal(r.skipped, []);
      assert.is(await sha256File(join(to, 'huge.psd')), want, `${rev} restores byte for byte`);
      await nodeFs.rm(to, { recursive: true, force: true });
    }
  } finally {
    await t.vault.close();
    await tmp.remove();
  }
});

test.run();
