import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeAll, type FileHandle } from '../../src/plumbing/fs.js';
import { prngBytes } from '../helpers/prng.js';

const test = suite('plumbing/writeAll');

/** A file handle over `file` that writes at most `max` bytes a call, as a full disk or a pipe may. */
function shortWrites(file: Buffer, max: number): { fh: FileHandle; calls: () => number } {
  let cursor = 0;
  let calls = 0;
  const fh = {
    write: async (buf: Uint8Array, off: number, len: number, position?: number | null) => {
      calls++;
      const n = Math.min(len, max);
      const at = position ?? cursor;
      file.set(buf.subarray(off, off + n), at);
      if (position === undefined || position === null) cursor += n;
      return { bytesWritten: n, buffer: buf };
    },
  };
  return { fh: fh as unknown as FileHandle, calls: () => calls };
}

test('at a position: short writes are retried until every byte is in place', async () => {
  const file = Buffer.alloc(1000, 0xee);
  const data = prngBytes(1, 700);
  const { fh, calls } = shortWrites(file, 64);
  await writeAll(fh, data, 200);
  assert.ok(file.subarray(200, 900).equals(data));
  assert.ok(
    file.subarray(0, 200).every((b) => b === 0xee),
    'nothing before the position',
  );
  assert.ok(
    file.subarray(900).every((b) => b === 0xee),
    'nothing after the end',
  );
  assert.is(calls(), Math.ceil(700 / 64));
});

test('without a position: written in order at the current position, call after call', async () => {
  const file = Buffer.alloc(300);
  const a = prngBytes(2, 100);
  const b = prngBytes(3, 150);
  const { fh } = shortWrites(file, 7);
  await writeAll(fh, a);
  await writeAll(fh, b);
  assert.ok(file.subarray(0, 250).equals(Buffer.concat([a, b])));
});

test('an empty buffer makes no call', async () => {
  const { fh, calls } = shortWrites(Buffer.alloc(1), 1);
  await writeAll(fh, new Uint8Array(0), 0);
  assert.is(calls(), 0);
});

test.run();
