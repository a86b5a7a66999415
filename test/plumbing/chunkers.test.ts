import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FileTypeAwareChunker,
  FixedSizeChunker,
  GEAR,
  RollingHashChunker,
  chunkerConfig,
  chunkerFromConfig,
  isCompressedMedia,
  planFile,
  type ChunkingStrategy,
} from '../../src/plumbing/chunkers/index.js';
import { prngBytes } from '../helpers/prng.js';
import { codeOfSync } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('plumbing/chunkers');

/** Cut a whole buffer (all bytes available, eof). */
function cutAll(c: ChunkingStrategy, buf: Uint8Array): number[] {
  c.reset();
  const out: number[] = [];
  for (let start = 0; start < buf.length;) {
    const n = c.nextSplitPoint(buf, start, buf.length, true);
    assert.ok(n >= 1 && n <= buf.length - start, `split ${n} out of range at ${start}`);
    out.push(n);
    start += n;
  }
  return out;
}

/**
 * Cut the way storeFile does: a window of 2 x maxSize refilled whenever fewer
 * than maxSize bytes are left, `eof` only once the data ran out.
 */
function cutStreaming(c: ChunkingStrategy, data: Uint8Array, readSize: number): number[] {
  c.reset();
  const win = new Uint8Array(2 * c.maxSize);
  let start = 0;
  let end = 0;
  let pos = 0;
  const out: number[] = [];
  for (;;) {
    if (pos < data.length && end - start < c.maxSize) {
      win.copyWithin(0, start, end);
      end -= start;
      start = 0;
      while (end < win.length && pos < data.length) {
        const n = Math.min(readSize, win.length - end, data.length - pos);
        win.set(data.subarray(pos, pos + n), end);
        end += n;
        pos += n;
      }
    }
    if (start >= end) break;
    const n = c.nextSplitPoint(win, start, end, pos >= data.length);
    out.push(n);
    start += n;
  }
  return out;
}

const digest = (lengths: number[]) => createHash('sha256').update(lengths.join(',')).digest('hex');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sum = (l: number[]) => l.reduce((a, b) => a + b, 0);

function chunkHashes(data: Buffer, lengths: number[]): string[] {
  const out: string[] = [];
  let o = 0;
  for (const n of lengths) {
    out.push(sha(data.subarray(o, o + n)));
    o += n;
  }
  return out;
}

test('the seeded PRNG is the one the golden tables were made with', () => {
  assert.is(prngBytes(42, 16).toString('hex'), '7cefe1998a2bc372c0323bdaadb073ab');
  assert.is(prngBytes(1, 7).toString('hex'), 'f3ea87a0c949b3');
  assert.is(sha(prngBytes(42, 6 * 1024 * 1024)), '4e5bb0ab3c53835bea95c4dba8ec7b99a39117b0f5406754419195e45828474b');
});

// Golden tables (restic chunker_test.go style): computed once from FASTCDC-v1 and pasted in.
// If one of these changes, existing vaults would chunk differently: that needs a new chunker name.
const GOLDEN: {
  name: string;
  make: () => ChunkingStrategy;
  seed: number;
  size: number;
  lengths?: number[];
  count: number;
  digest: string;
}[] = [
  {
    name: 'FASTCDC-v1 defaults (256 KiB average), 6 MiB',
    make: () => new RollingHashChunker(),
    seed: 42,
    size: 6 * 1024 * 1024,
    count: 24,
    lengths: [
      289833, 273135, 276978, 377197, 267222, 256162, 82877, 321376, 182509, 274493, 99009, 265860, 355071, 262718,
      294988, 311303, 296150, 113303, 310382, 235599, 291963, 310536, 334838, 207954,
    ],
    digest: 'bdcf57ef3460a676ccd385cf1c50af22eda478236594d65cee1051d1d71c1d5e',
  },
  {
    name: 'FASTCDC-v1 4 KiB average, 256 KiB',
    make: () => new RollingHashChunker({ avgSize: 4096 }),
    seed: 7,
    size: 256 * 1024,
    count: 57,
    lengths: [
      3075, 5006, 3841, 4422, 4551, 6164, 4837, 4338, 4451, 4516, 2670, 1656, 7832, 4571, 5027, 5515, 4768, 4682, 4854,
      4158, 3940, 5202, 5011, 4154, 4832, 4988, 3089, 5780, 2123, 6536, 4272, 5460, 7085, 4547, 4292, 4516, 4202, 4631,
      4741, 4211, 4577, 3770, 4141, 4819, 5826, 5142, 1856, 3246, 4530, 4520, 1750, 6141, 4097, 5044, 6535, 4147, 7457,
    ],
    digest: 'dba8da34a0c7eb7c830ababe76de6cd64f436ab41c54ee11af68e623982aa818',
  },
  {
    name: 'FASTCDC-v1 8 KiB average, 8 MiB (digest only)',
    make: () => new RollingHashChunker({ avgSize: 8192 }),
    seed: 2024,
    size: 8 * 1024 * 1024,
    count: 894,
    digest: '6e9d437b4ef8a7cd1b463c42f0dab33cac162c29d191d52d81c2a0992bb7a9d1',
  },
  {
    name: 'FIXED-v1 100000 bytes, 1 MiB',
    make: () => new FixedSizeChunker({ size: 100_000 }),
    seed: 1,
    size: 1024 * 1024,
    count: 11,
    lengths: [100000, 100000, 100000, 100000, 100000, 100000, 100000, 100000, 100000, 100000, 48576],
    digest: 'df1aacb0dea0c966ec00561ba95688914ff22fa965fe0cc22836972d154133b1',
  },
];

for (const g of GOLDEN) {
  test(`golden: ${g.name}`, () => {
    const data = prngBytes(g.seed, g.size);
    const lengths = cutAll(g.make(), data);
    if (g.lengths) assert.equal(lengths, g.lengths);
    assert.is(lengths.length, g.count);
    assert.is(digest(lengths), g.digest);
    assert.is(sum(lengths), g.size);
  });

  test(`golden: ${g.name}: the same cuts when the bytes arrive in small reads`, () => {
    const data = prngBytes(g.seed, g.size);
    const c = g.make();
    assert.equal(cutStreaming(c, data, 65_536 + 17), cutAll(c, data));
  });
}

/** FastCDC as specified: one gear hash chain, byte by byte (what the four-chain scan must agree with). */
function referenceCuts(c: RollingHashChunker, buf: Uint8Array): number[] {
  const bits = Math.log2(c.avgSize);
  const top = (b: number) => (0xffffffff << (32 - b)) | 0;
  const out: number[] = [];
  for (let start = 0; start < buf.length;) {
    const n = buf.length - start;
    let len = Math.min(c.maxSize, n);
    if (n > c.minSize) {
      let h = 0;
      for (let i = start + c.minSize; i < start + Math.min(c.maxSize, n); i++) {
        h = ((h << 1) + GEAR[buf[i]!]!) | 0;
        if ((h & top(i < start + c.avgSize ? bits + 2 : bits - 2)) === 0) {
          len = i - start + 1;
          break;
        }
      }
    } else len = n;
    out.push(len);
    start += len;
  }
  return out;
}

test('FastCDC: the four-chain scan cuts exactly where one chain byte by byte does (cuts on every block offset)', () => {
  // 16 KiB average: cuts land all over the scan's 4 KiB blocks, in both halves of a chunk (strict and loose mask)
  const pattern = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < pattern.length; i++) pattern[i] = ((i * 7) % 251) ^ (i >> 12);
  const inputs = [prngBytes(11, 24 * 1024 * 1024), Buffer.alloc(2 * 1024 * 1024), pattern];
  for (const c of [
    new RollingHashChunker({ avgSize: 16384 }),
    new RollingHashChunker(),
    new RollingHashChunker({ avgSize: 65536, minSize: 8200 }),
  ]) {
    for (const data of inputs) {
      const want = referenceCuts(c, data);
      assert.equal(cutAll(c, data), want);
      assert.equal(cutStreaming(c, data, 100_003), want);
    }
  }
  const offsets = new Set<number>();
  const c = new RollingHashChunker({ avgSize: 16384 });
  for (const n of cutAll(c, inputs[0]!)) offsets.add(((n - c.minSize) % 16384) >> 10);
  assert.is(offsets.size, 16, 'cuts fall in every 1 KiB of the four blocks');
});

/** 32 bytes whose gear hash clears `mask`, and whose shorter suffixes do not (so the window cuts on its last byte). */
function cuttingWindow(mask: number): Uint8Array {
  const window = new Uint8Array(32);
  let x = 99;
  for (let tries = 0; tries < 1e7; tries++) {
    for (let i = 0; i < 32; i++) window[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
    let h = 0;
    let early = false;
    for (let i = 0; i < 32; i++) {
      h = ((h << 1) + GEAR[window[i]!]!) | 0;
      if (i < 31 && (h & mask) === 0) early = true;
    }
    if (!early && (h & mask) === 0) return window;
  }
  throw new Error('no window found');
}

test("FastCDC: cuts on the very first byte of each chain's block, and two chains hitting at once (hostile)", () => {
  const c = new RollingHashChunker();
  // zeros never cut (their hash is one constant that misses the mask); a 32-byte window whose hash clears the
  // strict mask is placed to end where a chain of the scan starts checking, or at the same offset of two blocks
  // (the earlier block must win)
  const window = cuttingWindow((0xffffffff << (32 - 20)) | 0);
  const cases: [string, number[]][] = [
    ['second chain, first byte', [c.minSize + 4096]],
    ['third chain, first byte', [c.minSize + 8192]],
    ['fourth chain, first byte', [c.minSize + 12288]],
    ['first byte after a round of four blocks', [c.minSize + 16384]],
    ['second and fourth chain at one offset', [c.minSize + 12288 + 100, c.minSize + 4096 + 100]],
    ['first chain late, third chain early', [c.minSize + 4000, c.minSize + 8192 + 5]],
  ];
  for (const [what, ends] of cases) {
    const data = new Uint8Array(2 * 1024 * 1024);
    for (const at of ends) data.set(window, at - 31);
    const want = referenceCuts(c, data);
    assert.is(want[0], Math.min(...ends) + 1, `${what}: the reference cuts after the earliest window`);
    assert.equal(cutAll(c, data), want, what);
  }
});

test('FastCDC respects min and max: random data, all-zero data, a repeating pattern', () => {
  const c = new RollingHashChunker({ avgSize: 8192 });
  assert.equal(c.params, { minSize: 2048, avgSize: 8192, maxSize: 32768 });
  const inputs: [string, Buffer][] = [
    ['random', prngBytes(5, 3 * 1024 * 1024)],
    ['zeros', Buffer.alloc(1024 * 1024)],
    ['pattern', Buffer.alloc(1024 * 1024, 'abcdefgh')],
  ];
  for (const [what, data] of inputs) {
    const l = cutAll(c, data);
    assert.is(sum(l), data.length, what);
    for (const n of l.slice(0, -1)) assert.ok(n > c.minSize && n <= c.maxSize, `${what}: chunk of ${n}`);
    assert.ok(must(l[l.length - 1]) <= c.maxSize, what);
  }
  // no content-defined cut point in constant data: every chunk is cut at the maximum
  assert.ok(
    cutAll(c, Buffer.alloc(1024 * 1024))
      .slice(0, -1)
      .every((n) => n === c.maxSize),
  );
});

test('FastCDC average lands near avgSize on random data', () => {
  const c = new RollingHashChunker({ avgSize: 8192 });
  const l = cutAll(c, prngBytes(2024, 8 * 1024 * 1024));
  const mean = sum(l) / l.length;
  assert.ok(mean > 8192 * 0.75 && mean < 8192 * 1.5, `mean ${mean}`);
});

test('data shorter than minSize is one chunk', () => {
  const c = new RollingHashChunker({ avgSize: 4096 });
  assert.equal(cutAll(c, prngBytes(3, 1000)), [1000]);
  assert.equal(cutAll(c, prngBytes(3, 1024)), [1024]);
});

test('dedup: 10 bytes inserted in the middle change only the chunks next to them (FastCDC)', () => {
  const c = new RollingHashChunker({ avgSize: 16384 });
  const before = prngBytes(11, 8 * 1024 * 1024);
  const mid = before.length / 2 + 12345;
  const after = Buffer.concat([before.subarray(0, mid), Buffer.from('0123456789'), before.subarray(mid)]);
  const a = chunkHashes(before, cutAll(c, before));
  const b = chunkHashes(after, cutAll(c, after));
  const old = new Set(a);
  const fresh = b.filter((h) => !old.has(h));
  assert.ok(a.length > 400, `${a.length} chunks`);
  assert.ok(fresh.length >= 1 && fresh.length <= 3, `${fresh.length} new chunks of ${b.length}`);
  // the new bytes stored are a small window around the insertion
  const freshBytes = cutAll(c, after)
    .filter((_, i) => !old.has(must(b[i])))
    .reduce((x, y) => x + y, 0);
  assert.ok(freshBytes < 4 * c.maxSize, `${freshBytes} new bytes`);
});

test('no dedup after an insertion with fixed-size chunks: every later chunk changes', () => {
  const c = new FixedSizeChunker({ size: 16384 });
  const before = prngBytes(11, 1024 * 1024);
  const mid = before.length / 2 + 100;
  const after = Buffer.concat([before.subarray(0, mid), Buffer.from('0123456789'), before.subarray(mid)]);
  const old = new Set(chunkHashes(before, cutAll(c, before)));
  const b = chunkHashes(after, cutAll(c, after));
  const kept = b.filter((h) => old.has(h)).length;
  assert.is(kept, Math.floor(mid / 16384));
});

test('FixedSizeChunker rejects sizes that are not positive integers', () => {
  for (const size of [0, -1, 1.5, Number.NaN]) assert.throws(() => new FixedSizeChunker({ size }), RangeError);
  assert.equal(cutAll(new FixedSizeChunker({ size: 1 }), Buffer.from('abc')), [1, 1, 1]);
});

test('RollingHashChunker rejects an average that is not a power of two, and min > avg', () => {
  for (const avgSize of [1000, 32, 2 ** 29]) assert.throws(() => new RollingHashChunker({ avgSize }), RangeError);
  assert.throws(() => new RollingHashChunker({ avgSize: 4096, minSize: 8192 }), RangeError);
  assert.throws(() => new RollingHashChunker({ avgSize: 4096, maxSize: 2048 }), RangeError);
});

const MiB = 1024 * 1024;
const PNG_MAGIC = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const PLANS: {
  path: string;
  size: number;
  head?: Uint8Array;
  store: 'blob' | 'chunks';
  compress: boolean;
  strategy?: 'cdc' | 'media';
}[] = [
  { path: 'notes.txt', size: 120, store: 'blob', compress: true },
  { path: 'Scenes/level1.json', size: 256 * 1024, store: 'blob', compress: true },
  { path: 'Scenes/level2.json', size: 256 * 1024 + 1, store: 'chunks', compress: true, strategy: 'cdc' },
  { path: 'icon.png', size: 4000, store: 'blob', compress: false },
  { path: 'Textures/hero.PNG', size: 40 * MiB, store: 'chunks', compress: false, strategy: 'media' },
  { path: 'Audio/theme.ogg', size: 8 * MiB, store: 'chunks', compress: false, strategy: 'media' },
  { path: 'Audio/click.ogg', size: 900, store: 'blob', compress: false },
  { path: 'Build/game.zip', size: 30 * MiB, store: 'chunks', compress: false, strategy: 'media' },
  { path: 'untitled', size: 5 * MiB, head: PNG_MAGIC, store: 'chunks', compress: false, strategy: 'media' },
  { path: 'capture.bin', size: 300, head: Uint8Array.of(0x4f, 0x67, 0x67, 0x53), store: 'blob', compress: false },
  { path: 'Art/hero.psd', size: 200 * MiB, store: 'chunks', compress: true, strategy: 'cdc' },
  {
    path: 'Art/hero.psd',
    size: 200 * MiB,
    head: Uint8Array.of(0x38, 0x42, 0x50, 0x53),
    store: 'chunks',
    compress: true,
    strategy: 'cdc',
  },
  { path: 'Meshes/rock.fbx', size: 3 * MiB, store: 'chunks', compress: true, strategy: 'cdc' },
  { path: 'png', size: 3 * MiB, store: 'chunks', compress: true, strategy: 'cdc' },
  { path: '.png', size: 3 * MiB, store: 'chunks', compress: true, strategy: 'cdc' },
];

for (const p of PLANS) {
  test(`FileTypeAwareChunker.planFile(${p.path}, ${p.size}${p.head ? ', magic' : ''}): ${p.store}, compress ${p.compress}`, () => {
    const c = new FileTypeAwareChunker();
    const plan = c.planFile(p.path, p.size, p.head);
    assert.is(plan.store, p.store);
    assert.is(plan.compress, p.compress);
    if (p.strategy) assert.is(plan.strategy, c[p.strategy]);
    if (p.strategy === 'cdc') {
      assert.is(plan.strategy.name, 'FASTCDC-v1');
      assert.is((plan.strategy as RollingHashChunker).avgSize, 256 * 1024);
    }
    // planFile() dispatches to the file-type-aware plan
    assert.equal(planFile(c, p.path, p.size, p.head), plan);
  });
}

test('a plain chunker plans every file as compressed chunks', () => {
  const c = new RollingHashChunker({ avgSize: 4096 });
  assert.equal(planFile(c, 'a.png', 10, PNG_MAGIC), { store: 'chunks', strategy: c, compress: true });
});

test('isCompressedMedia: extensions are case-insensitive and only the last one counts; RIFF/WEBP magic', () => {
  assert.ok(isCompressedMedia('A/B.JPEG'));
  assert.ok(isCompressedMedia('x.tar.gz'));
  assert.not.ok(isCompressedMedia('x.png.txt'));
  assert.not.ok(isCompressedMedia('folder.png/readme'));
  const webp = Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1');
  assert.ok(isCompressedMedia('noext', webp));
  assert.not.ok(isCompressedMedia('noext', Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1')));
  assert.not.ok(isCompressedMedia('noext', Uint8Array.of(0x89, 0x50)));
});

test('a chunker is rebuilt from its recorded config with the same parameters and cuts', () => {
  const data = prngBytes(9, 512 * 1024);
  for (const c of [
    new RollingHashChunker({ avgSize: 4096, minSize: 1000, maxSize: 9000 }),
    new FixedSizeChunker({ size: 4096 }),
    new FileTypeAwareChunker({ cdcAvgSize: 8192 }),
  ]) {
    const cfg = JSON.parse(JSON.stringify(chunkerConfig(c)));
    const again = chunkerFromConfig(cfg);
    assert.is(again.name, c.name);
    assert.equal(again.params, c.params);
    assert.equal(cutAll(again, data), cutAll(c, data));
  }
  assert.is(
    codeOfSync(() => chunkerFromConfig({ name: 'FASTCDC-v9', params: {} })),
    'ECONFIG',
  );
});

test.run();
