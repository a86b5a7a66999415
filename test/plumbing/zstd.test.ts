// zstd: node:zlib's native build (Node 22.15+/24) and zstd-codec's wasm build (Node 20) write frames the other
// reads, so a vault moves between runtimes. test/fixtures/native-zstd-frame.zst was written by Node 24's zlib
// (level 3, pledged size) from sample() below; the wasm build must decode it on any runtime. CI runs this file
// on Node 20 and Node 24, so both directions are checked live on the runtime that has native zstd.
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadZstd, MAX_INPUT, nativeZstd, zstdKind } from '../../src/plumbing/zstd.js';

const test = suite('plumbing/zstd');
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'native-zstd-frame.zst');

/** 16 KiB of word salad from a fixed LCG: compressible, like text assets (the fixture's source). */
function sample(n = 16384): Buffer {
  const words = ['layer', 'mesh', 'node', 'texture', 'alpha', 'beta', 'hero', 'castle', '0.25', '1024'];
  let x = 12345;
  let s = '';
  while (s.length < n) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += words[x % words.length]! + (x & 64 ? '\n' : ' ');
  }
  return Buffer.from(s.slice(0, n));
}

const hasNative = zstdKind({}) === 'native';

test('the wasm build decodes a frame written by native zstd (Node 24)', async () => {
  const wasm = await loadZstd('wasm');
  const frame = readFileSync(FIXTURE);
  const data = sample();
  assert.ok(frame.length < data.length / 3, 'the fixture is compressed');
  assert.ok(Buffer.from(wasm.decompress(frame, data.length)).equals(data));
});

test('wasm round trip, and a frame that lies about its size is refused', async () => {
  const wasm = await loadZstd('wasm');
  const data = sample();
  const frame = wasm.compress(new Uint8Array(data), 3);
  assert.ok(Buffer.from(wasm.decompress(frame, data.length)).equals(data));
  assert.throws(
    () => wasm.decompress(frame, data.length - 1),
    (e: Error & { code?: string }) => e.code === 'ECOMPRESS',
  );
});

test('VAULT_ZSTD=wasm forces the wasm build; native is chosen exactly when node:zlib has zstd', () => {
  assert.is(zstdKind({ VAULT_ZSTD: 'wasm' }), 'wasm');
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const expected = major >= 24 || (major === 23 && minor >= 8) || (major === 22 && minor >= 15);
  assert.is(hasNative, expected, `node ${process.versions.node}`);
});

test('native zstd (when this runtime has it): frames cross both ways, sizes are capped', async () => {
  if (!hasNative) {
    assert.throws(
      () => nativeZstd(),
      (e: Error & { code?: string }) => e.code === 'ECOMPRESS',
    );
    return;
  }
  const native = nativeZstd();
  const wasm = await loadZstd('wasm');
  const data = sample();
  const fromNative = native.compress(new Uint8Array(data), 3);
  const fromWasm = wasm.compress(new Uint8Array(data), 3);
  assert.ok(Buffer.from(wasm.decompress(fromNative, data.length)).equals(data), 'wasm reads native');
  assert.ok(Buffer.from(native.decompress(fromWasm, data.length)).equals(data), 'native reads wasm');
  assert.ok(
    Buffer.from(native.decompress(readFileSync(FIXTURE), data.length)).equals(data),
    'native reads the fixture',
  );
  // a frame that inflates beyond what its record declares stops at the declared size
  assert.throws(
    () => native.decompress(fromNative, 100),
    (e: Error & { code?: string }) => e.code === 'ECOMPRESS',
  );
  // inputs stay within what Node 20's wasm build can read back
  assert.throws(
    () => native.compress(new Uint8Array(MAX_INPUT + 1), 3),
    (e: Error & { code?: string }) => e.code === 'ECOMPRESS',
  );
});

test('native zstd reuses its contexts: many frames in a row, the level honoured, errors do not stick', async () => {
  if (!hasNative) return;
  const native = nativeZstd();
  const wasm = await loadZstd('wasm');
  // frames of different sizes one after the other: each is whole and carries its size (wasm checks it)
  for (const n of [100, 300_000, 5_000, 1_048_576, 64]) {
    const data = sample(n);
    const frame = Buffer.from(native.compressView(data, 3));
    assert.ok(Buffer.from(wasm.decompress(frame, n)).equals(data), `wasm reads a native frame of ${n}`);
    const into = Buffer.alloc(n);
    assert.is(native.decompressInto(frame, into), into);
    assert.ok(into.equals(data), `decompressInto ${n}`);
  }
  const data = sample(200_000);
  const fast = native.compress(data, 1).length;
  const small = native.compress(data, 19).length;
  assert.ok(small < fast, `level 19 (${small}) beats level 1 (${fast})`);
  const frame = native.compress(data, 3);
  // a frame holding more than declared, two frames back to back, garbage, a cut frame: refused, and the next
  // call still works (a context that failed is not reused)
  const bad: [Uint8Array, number][] = [
    [frame, data.length - 1],
    [Buffer.concat([frame, frame]), data.length],
    [Buffer.from('not a zstd frame at all'), 10],
    [frame.subarray(0, frame.length - 7), data.length],
  ];
  for (const [f, n] of bad) {
    assert.throws(
      () => native.decompress(f, n),
      (e: Error & { code?: string }) => e.code === 'ECOMPRESS',
    );
    assert.ok(Buffer.from(native.decompress(frame, data.length)).equals(data), 'works after a refused frame');
  }
  // a frame with a checksum (not written by Vault, but standard) is read whole
  const z = zlib as unknown as { zstdCompressSync(b: Uint8Array, o: object): Buffer };
  const CHECKSUM = (zlib.constants as Record<string, number>).ZSTD_c_checksumFlag!;
  const withSum = z.zstdCompressSync(data, { params: { [CHECKSUM]: 1 } });
  assert.ok(Buffer.from(native.decompress(withSum, data.length)).equals(data));
  // the context is reused without a reset only after a frame read to its very end: frames that may leave it
  // inside a frame (a checksum cut off, the start of another frame after the end) must not spoil the next one
  const other = sample(70_000);
  const otherFrame = Buffer.from(native.compressView(other, 3));
  const risky: [string, Uint8Array][] = [
    ['a checksum frame whose checksum is cut off', withSum.subarray(0, withSum.length - 4)],
    ['a frame followed by the first bytes of another', Buffer.concat([frame, frame.subarray(0, 6)])],
    ['a checksum frame', withSum],
  ];
  for (const [what, f] of risky) {
    try {
      native.decompress(f, data.length);
    } catch (e) {
      assert.is((e as { code?: string }).code, 'ECOMPRESS', what);
    }
    assert.ok(Buffer.from(native.decompress(otherFrame, other.length)).equals(other), `the next frame after ${what}`);
    assert.ok(Buffer.from(native.decompress(otherFrame, other.length)).equals(other), `and the one after that`);
  }
});

test.run();
