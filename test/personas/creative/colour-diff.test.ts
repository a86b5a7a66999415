// Honest colour diffs (issue 18): a change below the threshold is reported in words with its colour
// difference, never as 0%; 16-bit images compare at 16 bits; --fit compares a re-export at a common
// scale; the CLI and --json say the same. Fixtures are PNGs written by pngjs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage } from '../../../src/personas/creative/formats/index.js';
import {
  compareImages,
  describeVisualDiff,
  formatShare,
  visualDiff,
} from '../../../src/personas/creative/visual/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { runVault, vaultJson, vaultOk } from '../../helpers/cli.js';
import { memVault, tempDir } from '../../helpers/vault.js';
import { png16, png8, type Rgba } from './visual-fixtures.js';

const test = suite('personas/creative/colour-diff');

const texture = (x: number, y: number): Rgba => [60 + ((x * 7) % 120), 90 + ((y * 5) % 100), 150, 255];
const brighter =
  (f: number) =>
  (x: number, y: number): Rgba => {
    const [r, g, b, a] = texture(x, y);
    return [Math.min(255, Math.round(r * f)), Math.min(255, Math.round(g * f)), Math.min(255, Math.round(b * f)), a];
  };

async function diffOf(v1: Uint8Array, v2: Uint8Array, opts: { threshold?: number; fit?: boolean } = {}) {
  const t = await memVault({ 'tex.png': v1 });
  const a = (await commit({ vault: t.vault, message: 'v1' })).id!;
  await t.fs.writeFile('/work/tex.png', v2);
  return visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: a },
    b: { kind: 'worktree' },
    path: 'tex.png',
    ...opts,
  });
}

test('a brightness +8% on every pixel: none over the threshold, all shifted slightly with their ΔE, never 0%', async () => {
  const r = await diffOf(png8(128, 64, texture), png8(128, 64, brighter(1.08)));
  const im = r.report.image!;
  assert.is(im.changedPixels, 0);
  assert.is(im.differingPixels, 128 * 64);
  assert.is(im.differingShare, 1);
  assert.ok(im.deltaE && im.deltaE.mean > 1 && im.deltaE.mean < 8, JSON.stringify(im.deltaE));
  assert.ok(im.deltaE!.max >= im.deltaE!.mean);
  const text = describeVisualDiff(r.report).join('\n');
  assert.match(text, /changed {3}none of 8,192 pixels over the threshold 0\.1/);
  assert.match(text, /differ {4}all 8,192 pixels shifted slightly: mean ΔE \d+\.\d, max \d+\.\d/);
  assert.not.match(text, /\b0(\.0+)?%/);
});

test('an untouched file reads "identical", unlike a subtle edit', async () => {
  const same = await diffOf(png8(16, 16, texture), png8(16, 16, texture));
  assert.is(same.report.image!.differingPixels, 0);
  assert.is(same.report.image!.deltaE, null);
  assert.match(describeVisualDiff(same.report).join('\n'), /changed {3}none: all 256 pixels are identical/);
});

test('a button face recoloured (255,202,40) -> (255,223,93): the share that differs and its ΔE are reported', async () => {
  const face =
    (c: Rgba) =>
    (x: number, y: number): Rgba =>
      x < 2 || y < 2 ? [20, 20, 20, 255] : c;
  const before = await decodeImage(png8(50, 50, face([255, 202, 40, 255])), 'b.png');
  const after = await decodeImage(png8(50, 50, face([255, 223, 93, 255])), 'b.png');
  const { report } = compareImages(before, after);
  assert.is(report.differingPixels, 48 * 48);
  assert.ok(report.changedPixels < report.differingPixels, 'pixelmatch at 0.1 misses part of it');
  assert.ok(report.deltaE!.mean > 10 && report.deltaE!.mean < 30, JSON.stringify(report.deltaE));
  assert.ok(Math.abs(report.deltaE!.max - report.deltaE!.mean) < 1e-9, 'one colour change: mean = max');
});

test('a 16-bit height map tweaked below 8-bit resolution: compared at 16 bits, the tweak is found', async () => {
  const h =
    (bump: number) =>
    (x: number, y: number): Rgba => {
      const v = 20000 + x * 300 + (x >= 8 && x < 12 && y >= 4 && y < 8 ? bump : 0);
      return [v, v, v, 65535];
    };
  const r = await diffOf(png16(32, 16, h(0)), png16(32, 16, h(40)));
  const im = r.report.image!;
  assert.is(im.comparedDepth, 16);
  assert.is(im.differingPixels, 16);
  assert.is(im.changedPixels, 0, 'far below the default threshold');
  assert.ok(im.deltaE!.max > 0 && im.deltaE!.max < 0.5);
  const exact = await diffOf(png16(32, 16, h(0)), png16(32, 16, h(40)), { threshold: 0 });
  assert.is(exact.report.image!.changedPixels, 16, 'threshold 0 counts every 16-bit change');
  assert.equal(exact.report.image!.regions, [{ x: 8, y: 4, width: 4, height: 4, changed: 16 }]);
  assert.match(describeVisualDiff(r.report).join('\n'), /\(at 16 bits\)/);
  assert.ok(im.notes.includes('compared at 16 bits per channel'));
});

test('a 2x re-export: top-left it reads as changed; --fit compares at the common scale and says which', async () => {
  const big = (x: number, y: number) => texture(x >> 1, y >> 1);
  const plain = await diffOf(png8(64, 48, texture), png8(128, 96, big));
  assert.ok(plain.report.image!.changedShare > 0.5);
  const fit = await diffOf(png8(64, 48, texture), png8(128, 96, big), { fit: true });
  const im = fit.report.image!;
  assert.equal(im.canvas, { width: 64, height: 48 });
  assert.equal(im.fit, { before: [1, 1], after: [0.5, 0.5] });
  assert.is(im.differingPixels, 0, 'area averaging of 2x2 equal pixels gives the pixel back');
  assert.match(
    describeVisualDiff(fit.report).join('\n'),
    /scale {5}compared at 64x48 \(--fit\): before as it is, after scaled x0\.5 from 128x96/,
  );
});

test('formatShare: never an unqualified zero for a non-zero share', () => {
  assert.is(formatShare(0.0684), '6.84%');
  assert.is(formatShare(0.94), '94.0%');
  assert.is(formatShare(1e-9), '<0.0001%');
  assert.is(formatShare(0), '0.0%');
});

test('CLI: the subtle edit in text and --json, --fit and --all accepted only with --visual', async () => {
  const tmp = await tempDir();
  try {
    const dir = join(tmp.path, 'p');
    await vaultOk(tmp.path, ['init', dir]);
    await writeFile(join(dir, 'tex.png'), png8(64, 32, texture));
    await vaultOk(dir, ['commit', '-m', 'v1']);
    await writeFile(join(dir, 'tex.png'), png8(64, 32, brighter(1.08)));
    const text = (await vaultOk(dir, ['diff', '--visual', 'tex.png'])).stdout;
    assert.match(text, /all 2,048 pixels shifted slightly: mean ΔE/);
    const j = await vaultJson(dir, ['diff', '--visual', 'tex.png']);
    assert.is(j.image.differingPixels, 2048);
    assert.ok(j.image.deltaE.mean > 1);
    assert.is(j.image.comparedDepth, 8);
    const bad = await runVault(dir, ['diff', '--fit']);
    assert.is(bad.code, 2, bad.stderr);
  } finally {
    await tmp.remove();
  }
});

test.run();
