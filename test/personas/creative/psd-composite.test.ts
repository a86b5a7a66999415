// PSD element restore writes the composite Photoshop would show, checked against ImageMagick's flatten
// of the same layers (Debian's imagemagick package; the test fails without `convert`). ImageMagick 6
// blends layers by their own visibility, opacity and blend mode but knows neither groups nor clipping,
// so its reference is the same file with both spelled out as Photoshop defines them: the layers of a
// hidden group hidden one by one, and each clipped layer's alpha cut to its (opaque) base's shape.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pngjs from 'pngjs';
import { initializeCanvas, readPsd, writePsd, type Layer } from 'ag-psd';
import { restoreElement } from '../../../src/personas/creative/elements/index.js';
import { decodePsd } from '../../../src/personas/creative/formats/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { memVault } from '../../helpers/vault.js';

const test = suite('personas/creative/psd-composite');
const run = promisify(execFile);
initializeCanvas(
  () => {
    throw new Error('no canvas');
  },
  (w, h) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }) as never,
);

const W = 48;
const H = 32;
type Px = [number, number, number, number];
const img = (w: number, h: number, f: (x: number, y: number) => Px) => {
  const d = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) d.set(f(x, y), (y * w + x) * 4);
  return { width: w, height: h, data: d } as never;
};
const layer = (
  name: string,
  left: number,
  top: number,
  w: number,
  h: number,
  f: (x: number, y: number) => Px,
  extra = {},
) => ({ name, left, top, right: left + w, bottom: top + h, imageData: img(w, h, f), ...extra }) as Layer;

/** A painting: background, a hidden group with a clipped glow, multiply, screen and a hero that moves. */
function painting(heroX: number, heroColour: Px): Buffer {
  const children: Layer[] = [
    layer('Background', 0, 0, W, H, (x, y) => [40 + x * 4, 80 + y * 3, 160, 255]),
    {
      name: 'FX',
      hidden: true,
      opened: true,
      children: [
        layer('Base', 4, 4, 16, 12, (x) => [250, 250, 250, x < 8 ? 255 : 120]),
        layer('Glow', 0, 0, 24, 24, () => [255, 200, 0, 255], { clipping: true }),
      ],
    },
    layer('Rim', 30, 2, 10, 8, () => [240, 240, 240, 255]),
    layer('Rim light', 26, 0, 20, 6, () => [255, 120, 0, 255], { clipping: true, opacity: 0.7 }),
    layer('Shade', 14, 4, 20, 20, () => [120, 60, 200, 255], { blendMode: 'multiply', opacity: 0.6 }),
    layer('Mist', 2, 14, 20, 14, (x) => [30, 160, 60, 100 + x * 5], { blendMode: 'screen' }),
    layer('Hero', heroX, 12, 10, 10, () => heroColour),
  ];
  // the stored composite of a file as a tool that does not composite writes it: one colour
  return Buffer.from(writePsd({ width: W, height: H, children, imageData: img(W, H, () => [9, 9, 9, 255]) }));
}

function hideInside(children: Layer[] | undefined, hidden = false): void {
  for (const l of children ?? []) {
    if (hidden) l.hidden = true;
    hideInside(l.children, hidden || !!l.hidden);
  }
}

/** Clipped layers become plain layers whose alpha is their base's (bases here are opaque or empty). */
function unclip(children: Layer[] | undefined): void {
  let base: Layer | undefined;
  for (const l of children ?? []) {
    unclip(l.children);
    if (!l.clipping) {
      base = l;
      continue;
    }
    l.clipping = false;
    const d = l.imageData!;
    const b = base!.imageData!;
    for (let y = 0; y < d.height; y++)
      for (let x = 0; x < d.width; x++) {
        const bx = x + l.left! - base!.left!;
        const by = y + l.top! - base!.top!;
        const inside = bx >= 0 && by >= 0 && bx < b.width && by < b.height;
        const alpha = inside ? b.data[(by * b.width + bx) * 4 + 3]! / 255 : 0;
        d.data[(y * d.width + x) * 4 + 3] = Math.round(d.data[(y * d.width + x) * 4 + 3]! * alpha);
      }
  }
}

/** ImageMagick's flatten of the file's layers, as RGBA8. */
async function imageMagickFlatten(psd: Buffer): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'vault-psd-'));
  try {
    const doc = readPsd(psd, { useImageData: true, skipThumbnail: true });
    hideInside(doc.children);
    unclip(doc.children);
    await writeFile(join(dir, 'ref.psd'), Buffer.from(writePsd(doc)));
    await run('convert', [
      join(dir, 'ref.psd'),
      '-delete',
      '0',
      '-background',
      'none',
      '-flatten',
      join(dir, 'ref.png'),
    ]);
    const png = pngjs.PNG.sync.read(await readFile(join(dir, 'ref.png')));
    assert.equal([png.width, png.height], [W, H]);
    return png.data;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; pixels: number } {
  let max = 0;
  let pixels = 0;
  for (let i = 0; i < a.length; i += 4) {
    let d = 0;
    for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(a[i + c]! - b[i + c]!));
    max = Math.max(max, d);
    if (d > 2) pixels++;
  }
  return { max, pixels };
}

test('restoring one layer: the new composite matches ImageMagick (hidden group, clipping, multiply, screen)', async () => {
  const t = await memVault({ 'castle.psd': painting(30, [200, 30, 30, 255]) });
  const v1 = (await commit({ vault: t.vault, message: 'v1' })).id!;
  await t.fs.writeFile('/work/castle.psd', painting(4, [30, 30, 200, 255]));
  await commit({ vault: t.vault, message: 'v2' });
  const r = await restoreElement({ vault: t.vault, rev: v1, path: 'castle.psd', element: 'Hero' });
  assert.match(r.notes.join(' '), 'composite regenerated from the visible layers');
  const restored = Buffer.from((await t.fs.readFile('/work/castle.psd')) as Buffer);
  const doc = readPsd(restored, { useImageData: true, skipThumbnail: true });
  assert.is(doc.children![1]!.hidden, true, 'the group is still hidden');
  assert.not.ok(doc.children![1]!.children![0]!.hidden, 'its layers keep their own flags');
  const reference = await imageMagickFlatten(restored);
  const diff = worst(doc.imageData!.data, reference);
  assert.is(diff.pixels, 0, `${diff.pixels} pixels differ from ImageMagick by more than 2 (max ${diff.max})`);
  // and the glow of the hidden group is nowhere: its pixel at (5, 5) is the background's
  const at = (5 * W + 5) * 4;
  assert.equal([...doc.imageData!.data.slice(at, at + 4)], [60, 95, 160, 255]);
});

test('a PSD saved without a composite is drawn the same way for diffs and thumbnails', async () => {
  const psd = painting(30, [200, 30, 30, 255]);
  const decoded = await decodePsd(psd, 'castle.psd');
  assert.is(decoded.composite.info.composite, 'layers');
  const diff = worst(decoded.composite.data, await imageMagickFlatten(psd));
  assert.is(diff.pixels, 0, `${diff.pixels} pixels differ from ImageMagick by more than 2 (max ${diff.max})`);
});

test.run();
