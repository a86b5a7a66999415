import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeChunkList, encodeChunkList } from '../../src/objects/chunkList.js';
import { hashObject } from '../../src/objects/hashObject.js';
import type { ChunkList } from '../../src/objects/types.js';
import { codeOfSync } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('objects/chunkList');

const id = (c: string) => c.repeat(64);
const LIST: ChunkList = {
  size: 300_000 + 5 + 1_048_576,
  chunks: [
    { id: id('a'), size: 300_000 },
    { id: id('b'), size: 5 },
    { id: id('a'), size: 1_048_576 },
  ],
};

test('encode then decode gives the list back', () => {
  assert.equal(decodeChunkList(encodeChunkList(LIST)), LIST);
  const empty: ChunkList = { size: 0, chunks: [] };
  assert.equal(decodeChunkList(encodeChunkList(empty)), empty);
});

test('binary layout: u64 total, u32 count, then (32-byte id, u32 size) per chunk', () => {
  const b = encodeChunkList(LIST);
  assert.is(b.length, 12 + 3 * 36);
  assert.is(Number(b.readBigUInt64BE(0)), LIST.size);
  assert.is(b.readUInt32BE(8), 3);
  assert.is(b.toString('hex', 12, 44), id('a'));
  assert.is(b.readUInt32BE(44), 300_000);
  assert.is(b.toString('hex', 48, 80), id('b'));
});

test('deterministic: same list, same bytes and id; order matters', () => {
  const again = encodeChunkList({ size: LIST.size, chunks: LIST.chunks.map((c) => ({ ...c })) });
  assert.ok(encodeChunkList(LIST).equals(again));
  const swapped = encodeChunkList({
    size: LIST.size,
    chunks: [must(LIST.chunks[1]), must(LIST.chunks[0]), must(LIST.chunks[2])],
  });
  assert.is.not(hashObject('chunklist', swapped), hashObject('chunklist', again));
});

test('decode accepts a view into a larger buffer', () => {
  const b = encodeChunkList(LIST);
  const big = Buffer.concat([Buffer.from('xxxx'), b, Buffer.from('yy')]);
  assert.equal(decodeChunkList(big.subarray(4, 4 + b.length)), LIST);
});

test('encode rejects sizes that do not add up, and bad ids: EMALFORMED', () => {
  assert.is(
    codeOfSync(() => encodeChunkList({ size: 10, chunks: [{ id: id('a'), size: 9 }] })),
    'EMALFORMED',
  );
  assert.is(
    codeOfSync(() => encodeChunkList({ size: 10, chunks: [{ id: 'zz', size: 10 }] })),
    'EMALFORMED',
  );
  assert.is(
    codeOfSync(() => encodeChunkList({ size: 10, chunks: [{ id: 'ab'.repeat(10), size: 10 }] })),
    'EMALFORMED',
  );
});

const good = () => Buffer.from(encodeChunkList(LIST));
const BAD: [string, () => Buffer][] = [
  ['empty body', () => Buffer.alloc(0)],
  ['shorter than the header', () => good().subarray(0, 11)],
  ['one byte missing', () => good().subarray(0, good().length - 1)],
  ['one byte too many', () => Buffer.concat([good(), Buffer.of(0)])],
  [
    'a count larger than the entries',
    () => {
      const b = good();
      b.writeUInt32BE(4, 8);
      return b;
    },
  ],
  [
    'a total larger than the chunk sizes',
    () => {
      const b = good();
      b.writeBigUInt64BE(BigInt(LIST.size + 1), 0);
      return b;
    },
  ],
  [
    'a total smaller than the chunk sizes',
    () => {
      const b = good();
      b.writeBigUInt64BE(BigInt(LIST.size - 1), 0);
      return b;
    },
  ],
  [
    'a chunk size changed',
    () => {
      const b = good();
      b.writeUInt32BE(6, 12 + 36 + 32);
      return b;
    },
  ],
  [
    'a zero-size chunk',
    () => {
      const b = encodeChunkList({ size: 5, chunks: [{ id: id('a'), size: 5 }] });
      b.writeUInt32BE(0, 44);
      b.writeBigUInt64BE(0n, 0);
      return b;
    },
  ],
];

for (const [what, make] of BAD) {
  test(`decode rejects ${what}: EMALFORMED`, () => {
    assert.is(
      codeOfSync(() => decodeChunkList(make())),
      'EMALFORMED',
    );
  });
}

test.run();
