// Image comparison on worker threads (compareSources + compareWorker): the same counts, ΔE, regions and
// picture bytes as one window on this thread, for streamed PNGs and decoded images, 8 and 16 bits; and
// through `vault diff --visual` (the bundled worker) with and without worker threads.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ImageSource } from '../../../src/personas/creative/formats/imageSource.js';
import { sourceOf } from '../../../src/personas/creative/formats/imageSource.js';
import { decodeImage } from '../../../src/personas/creative/formats/index.js';
import { openPng } from '../../../src/personas/creative/formats/pngStream.js';
import pixelmatch from 'pixelmatch';
import { compareImageSources } from '../../../src/personas/creative/visual/compareSources.js';
import { DeltaE } from '../../../src/personas/creative/visual/deltaE.js';
import { PixelmatchDelta } from '../../../src/personas/creative/visual/pixelmatchDelta.js';
import type { CompareImagesOptions } from '../../../src/personas/creative/visual/index.js';
import { runVault, vaultJson, vaultOk } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/vault.js';
import { png16, png8, type Rgba } from './visual-fixtures.js';

const test = suite('personas/creative/visual-parallel');

const W = 600;
const H = 700;

/** A painting: gradients and noise, a rectangle edit, a brightness shift, a soft-edged disc (anti-aliasing). */
function painting(opts: { shift?: number; rect?: boolean; deep?: boolean; alpha?: boolean } = {}) {
  const max = opts.deep ? 65535 : 255;
  const shift = opts.shift ?? 1;
  return (x: number, y: number): Rgba => {
    const n = ((x * 2654435761) ^ (y * 40503)) & 15;
    let r = ((x >> 2) + (y >> 3)) & 255;
    let g = (128 + (x >> 3) - (y >> 4) + n) & 255;
    let b = (200 - (y >> 2) + n) & 255;
    if (opts.rect && x >= 120 && x < 380 && y >= 250 && y < 430) [r, g, b] = [230, 40, 50];
    const d = Math.hypot(x - 450, y - 150);
    if (d < 60) [r, g, b] = d > 58 ? [(r + 20) >> 1, (g + 20) >> 1, (b + 20) >> 1] : [20, 20, 20];
    const a = opts.alpha && y > 600 ? 128 + (x % 100) : 255;
    const s = (v: number) => Math.min(max, Math.round(((v * max) / 255) * shift) + (opts.deep ? (x + y) % 7 : 0));
    return [s(r), s(g), s(b), opts.deep ? (a * 257) | 0 : a];
  };
}

async function* piecesOf(bytes: Uint8Array, size = 7919): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** The PNG streamed a strip at a time (fresh strips: moved to the workers), or decoded whole (copied). */
async function source(png: Uint8Array, streamed: boolean): Promise<ImageSource> {
  if (streamed) return (await openPng(piecesOf(png), 'x.png'))!;
  return sourceOf(await decodeImage(png, 'x.png'));
}

async function compareAll(
  a: () => Promise<ImageSource | null>,
  b: () => Promise<ImageSource | null>,
  opts: CompareImagesOptions = {},
) {
  // one window on this thread: the reference
  const one = await compareImageSources(await a(), await b(), opts, { stripPixels: 1 << 30 });
  // 64-row strips (11 windows), on this thread and on 2 and 3 workers
  const strips = { stripPixels: W * 64, parallelFrom: 0 };
  const seq = await compareImageSources(await a(), await b(), opts, strips);
  const two = await compareImageSources(await a(), await b(), { ...opts, workers: 2 }, strips);
  const three = await compareImageSources(await a(), await b(), { ...opts, workers: 3 }, strips);
  return { one, seq, two, three };
}

function assertSame(r: Awaited<ReturnType<typeof compareAll>>, what: string): void {
  for (const [name, c] of [
    ['strips', r.seq],
    ['2 workers', r.two],
    ['3 workers', r.three],
  ] as const) {
    const [x, y] = [r.one.report, c.report];
    assert.is(y.changedPixels, x.changedPixels, `${what}, ${name}: changed pixels`);
    assert.is(y.differingPixels, x.differingPixels, `${what}, ${name}: differing pixels`);
    assert.is(y.totalPixels, x.totalPixels, `${what}, ${name}: total pixels`);
    assert.equal(y.regions, x.regions, `${what}, ${name}: regions`);
    assert.is(y.regionsTotal, x.regionsTotal, `${what}, ${name}: regions total`);
    assert.ok(x.deltaE && y.deltaE, `${what}: ΔE`);
    assert.is(y.deltaE!.max, x.deltaE!.max, `${what}, ${name}: ΔE max`);
    // window sums added in window order: the same on any number of threads, to the last bit
    if (name !== 'strips') assert.is(y.deltaE!.mean, r.seq.report.deltaE!.mean, `${what}, ${name}: ΔE mean`);
    assert.ok(Math.abs(y.deltaE!.mean - x.deltaE!.mean) < 1e-9, `${what}, ${name}: ΔE mean`);
    assert.equal({ ...y, deltaE: null }, { ...x, deltaE: null }, `${what}, ${name}: report`);
    assert.is(c.image.width, r.one.image.width);
    assert.is(c.image.height, r.one.image.height);
    assert.ok(Buffer.from(c.image.data).equals(Buffer.from(r.one.image.data)), `${what}, ${name}: picture bytes`);
  }
}

test('a rectangle edit and a brightness shift, 8 bits: workers give what one window gives', async () => {
  const base = png8(W, H, painting({ alpha: true }));
  const edited = png8(W, H, painting({ shift: 1.04, rect: true, alpha: true }));
  for (const streamed of [true, false]) {
    const r = await compareAll(
      () => source(base, streamed),
      () => source(edited, streamed),
    );
    assert.ok(r.one.report.changedPixels >= 260 * 180, 'the rectangle counts');
    assert.is(r.one.report.differingPixels, W * H, 'the brightness shift touches every pixel');
    assertSame(r, `8-bit, ${streamed ? 'streamed' : 'decoded'}`);
  }
  // against pixelmatch and DeltaE.between on the whole picture (ImageComparer caches pairs and asks
  // its own copy of pixelmatch's test)
  const [x, y] = [await decodeImage(base, 'x.png'), await decodeImage(edited, 'x.png')];
  const out = new Uint8Array(x.data.length);
  pixelmatch(x.data, y.data, out, W, H, { threshold: 0.1, includeAA: true, diffMask: true });
  const de = new DeltaE(8);
  let [changed, sum, max, n] = [0, 0, 0, 0];
  for (let k = 0; k < x.data.length; k += 4) {
    if (out[k + 3] || Math.abs(x.data[k + 3]! - y.data[k + 3]!) > 0.1 * 255) changed++;
    const d = de.between(x.data, k, y.data, k);
    [sum, n, max] = [sum + d, n + 1, Math.max(max, d)];
  }
  const r = await compareImageSources(await source(base, true), await source(edited, true), {}, {});
  assert.is(r.report.changedPixels, changed);
  assert.is(r.report.deltaE!.max, max);
  assert.ok(Math.abs(r.report.deltaE!.mean - sum / n) < 1e-9);
});

test('16 bits, side by side, a scaled-down picture, anti-aliasing ignored', async () => {
  const base = png16(W, H, painting({ deep: true }));
  const edited = png16(W, H, painting({ deep: true, shift: 1.002, rect: true }));
  const variants: [string, CompareImagesOptions][] = [
    ['plain', {}],
    // 0.37 picture pixels per canvas pixel: marks of a window fall on picture rows its neighbour draws
    ['scaled side by side', { sideBySide: true, maxPictureSide: 260 }],
    ['anti-aliasing ignored', { ignoreAntialiasing: true, threshold: 0.05, maxPictureSide: 333 }],
  ];
  for (const [name, opts] of variants) {
    const r = await compareAll(
      () => source(base, true),
      () => source(edited, true),
      opts,
    );
    assert.is(r.one.report.comparedDepth, 16);
    assert.ok(r.one.report.changedPixels > 0);
    assertSame(r, `16-bit ${name}`);
  }
});

test('different sizes (union canvas, pixels only one side covers) and an added picture', async () => {
  const base = png8(W, H, painting());
  const bigger = png8(W + 37, H - 90, painting({ rect: true, shift: 0.97 }));
  const r = await compareAll(
    () => source(base, true),
    () => source(bigger, true),
  );
  assert.is(r.one.report.canvas.width, W + 37);
  assertSame(r, 'sizes');
  const added = await compareAll(
    async () => null,
    () => source(bigger, false),
  );
  assert.is(added.one.report.deltaE, null);
  for (const c of [added.seq, added.two, added.three]) {
    assert.equal(c.report, added.one.report);
    assert.ok(Buffer.from(c.image.data).equals(Buffer.from(added.one.image.data)));
  }
});

test('a picture that ends early: the same error with and without workers, no thread left running', async () => {
  const base = png8(W, H, painting());
  const edited = png8(W, H, painting({ rect: true }));
  const cut = edited.subarray(0, Math.floor(edited.length * 0.6));
  for (const workers of [0, 2]) {
    const err = await compareImageSources(
      await source(base, true),
      await source(cut, true),
      { workers },
      { stripPixels: W * 64, parallelFrom: 0 },
    ).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    assert.ok(err, `workers ${workers}: fails`);
    assert.is(err!.code, 'EDECODE', `workers ${workers}: ${err!.message}`);
  }
});

test('PixelmatchDelta answers what pixelmatch answers, pixel for pixel', () => {
  // random colours, small and large differences, opaque, semi-transparent and transparent pixels
  const [w, h] = [509, 401];
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) & 255;
  const a = new Uint8Array(w * h * 4);
  const b = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const k = i * 4;
    const kind = rnd() % 4;
    for (let c = 0; c < 3; c++) {
      a[k + c] = rnd();
      const step = kind === 0 ? rnd() : (rnd() % 9) - 4;
      b[k + c] = Math.max(0, Math.min(255, a[k + c]! + step));
    }
    a[k + 3] = kind === 3 ? rnd() : 255;
    b[k + 3] = kind === 3 ? (rnd() < 128 ? a[k + 3]! : rnd()) : rnd() < 16 ? rnd() : 255;
  }
  const [a32, b32] = [new Uint32Array(a.buffer), new Uint32Array(b.buffer)];
  for (const threshold of [0.01, 0.05, 0.1, 0.3]) {
    const out = new Uint8Array(a.length);
    const count = pixelmatch(a, b, out, w, h, { threshold, includeAA: true, diffMask: true });
    const pm = new PixelmatchDelta(threshold);
    let mine = 0;
    for (let i = 0; i < w * h; i++) {
      const k = i * 4;
      const differs = a32[i] !== b32[i] && pm.differs(a, b, k, a32[i]!, b32[i]!);
      if (differs) mine++;
      assert.is(differs, out[k + 3] !== 0, `threshold ${threshold}, pixel ${i}`);
    }
    assert.is(mine, count);
    assert.ok(count > 1000 && count < w * h - 1000, `threshold ${threshold}: ${count} of ${w * h}`);
  }
});

test('PixelmatchDelta and DeltaE: two colours in one cache slot', () => {
  // (74,123,116) and a colour whose RGBA word hashes to the same slot (the caches' hash)
  const slot = (w: number) => Math.imul(w, 0x9e3779b1) >>> 16;
  const x = new Uint8Array([74, 123, 116, 255]);
  const wx = new Uint32Array(x.buffer)[0]!;
  const y = new Uint8Array(4);
  const y32 = new Uint32Array(y.buffer);
  search: for (let r = 255; r >= 0; r--)
    for (let g = 0; g < 256; g++)
      for (let b = 0; b < 256; b++) {
        y.set([r, g, b, 255]);
        if (y32[0] !== wx && slot(y32[0]!) === slot(wx)) break search;
      }
  assert.is(slot(y32[0]!), slot(wx));
  for (const threshold of [0.05, 0.1, 0.5]) {
    const expected = pixelmatch(x, y, null, 1, 1, { threshold, includeAA: true }) === 1;
    const pm = new PixelmatchDelta(threshold);
    assert.is(pm.differs(x, y, 0, wx, y32[0]!), expected, `threshold ${threshold}`);
    assert.is(pm.differs(y, x, 0, y32[0]!, wx), expected, `threshold ${threshold}, the other way`);
  }
  const de = new DeltaE(8);
  assert.is(de.between8(x, y, 0, wx, y32[0]!), new DeltaE(8).between(x, 0, y, 0));
});

test('vault diff --visual: the bundled worker threads give the same report and picture as none', async () => {
  const dir = await tempDir();
  try {
    // 4.2 megapixels: compared on worker threads unless VAULT_THREADS=0
    const [w, h] = [2100, 2000];
    const wide = (f: (x: number, y: number) => Rgba) => (x: number, y: number) => f(x % W, y % H);
    await vaultOk(dir.path, ['init']);
    await writeFile(join(dir.path, 'scan.png'), png8(w, h, wide(painting())));
    await vaultOk(dir.path, ['commit', '-m', 'scan']);
    await writeFile(join(dir.path, 'scan.png'), png8(w, h, wide(painting({ rect: true, shift: 1.03 }))));
    await vaultOk(dir.path, ['commit', '-m', 'edit']);
    const args = ['diff', 'HEAD~1', 'HEAD', '--visual', 'scan.png', '--json'];
    const outs: Record<string, unknown>[] = [];
    const pictures: Buffer[] = [];
    for (const threads of ['0', '2']) {
      const out = join(dir.path, `diff-${threads}.png`);
      const r = await runVault(dir.path, [...args, '--out', out], { VAULT_THREADS: threads });
      assert.is(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as Record<string, unknown>;
      delete j.out;
      outs.push(j);
      pictures.push(await readFile(out));
    }
    assert.equal(outs[1], outs[0]);
    assert.ok(pictures[1]!.equals(pictures[0]!), 'the same picture bytes');
    const j = await vaultJson(dir.path, args);
    assert.is(j.image.differingPixels, w * h);
    assert.ok(j.image.changedPixels > 0);
  } finally {
    await dir.remove();
  }
});

test.run();
