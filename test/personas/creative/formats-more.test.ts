// Thumbnails, visual diff and timeline entries for the formats artists and game teams keep beside
// PNGs: Krita .kra and OpenRaster .ora (their merged image), SVG (resvg), Blender .blend (its embedded
// preview), TGA and DDS (written by ImageMagick), KTX2 (written by ktx-parse); and a labelled
// placeholder with one line at commit for a file without a preview.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { zipSync, strToU8 } from 'fflate';
import { createDefaultContainer, KHR_DF_MODEL_ETC1S, write as writeKtx } from 'ktx-parse';
import { decodeImage } from '../../../src/personas/creative/formats/index.js';
import { thumbnailFor, thumbnailsAttachment } from '../../../src/personas/creative/thumbnails/index.js';
import { timelineText, timelineVersions } from '../../../src/personas/creative/timeline/index.js';
import { visualDiff } from '../../../src/personas/creative/visual/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { memVault } from '../../helpers/vault.js';
import { pixels, png8, type Rgba } from './visual-fixtures.js';

const test = suite('personas/creative/formats-more');
const run = promisify(execFile);

const W = 32;
const H = 24;
/** a sky with a sun; `sunX` moves it */
const scene =
  (sunX: number) =>
  (x: number, y: number): Rgba =>
    Math.hypot(x - sunX, y - 8) < 5 ? [255, 220, 60, 255] : [40, 90 + y * 4, 200, 255];

function kra(sunX: number): Uint8Array {
  return zipSync({
    mimetype: strToU8('application/x-krita'),
    'maindoc.xml': strToU8('<DOC><IMAGE width="32" height="24"/></DOC>'),
    'mergedimage.png': png8(W, H, scene(sunX)),
  });
}
function ora(sunX: number): Uint8Array {
  return zipSync({
    mimetype: strToU8('image/openraster'),
    'stack.xml': strToU8('<image w="32" h="24"><stack><layer src="data/l.png"/></stack></image>'),
    'data/l.png': png8(W, H, scene(sunX)),
    'mergedimage.png': png8(W, H, scene(sunX)),
  });
}
const svg = (sunX: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="rgb(40,120,200)"/><circle cx="${sunX}" cy="8" r="5" fill="rgb(255,220,60)"/></svg>`;

/** A .blend as Blender lays it out: header, a TEST block (preview, rows bottom-up), ENDB. */
function blend(sunX: number | null): Uint8Array {
  const head = Buffer.from('BLENDER-v402', 'latin1');
  const block = (code: string, body: Buffer) => {
    const h = Buffer.alloc(24);
    h.write(code, 0, 'latin1');
    h.writeInt32LE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  const glob = block('GLOB', Buffer.alloc(16));
  if (sunX === null) return Buffer.concat([head, glob, block('ENDB', Buffer.alloc(0))]);
  const px = Buffer.from(pixels(W, H, scene(sunX)));
  const flipped = Buffer.alloc(px.length);
  for (let y = 0; y < H; y++) px.copy(flipped, (H - 1 - y) * W * 4, y * W * 4, (y + 1) * W * 4);
  const size = Buffer.alloc(8);
  size.writeInt32LE(W, 0);
  size.writeInt32LE(H, 4);
  return Buffer.concat([head, block('TEST', Buffer.concat([size, flipped])), glob, block('ENDB', Buffer.alloc(0))]);
}

/** ImageMagick's convert from a PNG to `ext` (tga, dds), with extra options. */
async function magick(png: Uint8Array, ext: string, opts: string[] = []): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'vault-im-'));
  try {
    await writeFile(join(dir, 'in.png'), png);
    await run('convert', [join(dir, 'in.png'), ...opts, join(dir, `out.${ext}`)]);
    return new Uint8Array(await readFile(join(dir, `out.${ext}`)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function ktx2(sunX: number, basis = false): Uint8Array {
  const c = createDefaultContainer();
  c.pixelWidth = W;
  c.pixelHeight = H;
  if (basis) {
    c.vkFormat = 0;
    c.supercompressionScheme = 1;
    c.dataFormatDescriptor[0]!.colorModel = KHR_DF_MODEL_ETC1S;
  } else {
    c.vkFormat = 37; // VK_FORMAT_R8G8B8A8_UNORM
    c.typeSize = 1;
  }
  const data = pixels(W, H, scene(sunX));
  c.levels = [{ levelData: data, uncompressedByteLength: data.length }];
  return writeKtx(c);
}

/** The pixel at x, y of a decoded picture. */
const at = (img: { width: number; data: Uint8Array }, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
];
const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

const CASES: [string, (sunX: number) => Promise<Uint8Array | string>, number][] = [
  ['paint.kra', async (s) => kra(s), 0],
  ['paint.ora', async (s) => ora(s), 0],
  ['logo.svg', async (s) => svg(s), 2],
  ['scene.blend', async (s) => blend(s), 0],
  // -orient TopLeft: ImageMagick 6 otherwise flags its rows bottom-left while writing them top first
  ['sky.tga', async (s) => magick(png8(W, H, scene(s)), 'tga', ['-orient', 'TopLeft']), 0],
  [
    'sky.dds',
    async (s) => magick(png8(W, H, scene(s)), 'dds', ['-define', 'dds:compression=dxt1', '-define', 'dds:mipmaps=0']),
    12,
  ],
  ['sky.ktx2', async (s) => ktx2(s), 0],
];

for (const [name, make, tol] of CASES) {
  test(`${name}: decoded, thumbnailed at commit, compared by --visual, listed on the timeline`, async () => {
    const v1 = await make(8);
    const img = await decodeImage(typeof v1 === 'string' ? Buffer.from(v1) : v1, name);
    assert.equal([img.width, img.height], [W, H]);
    assert.ok(near(at(img, 8, 8), [255, 220, 60, 255], tol), `sun: ${at(img, 8, 8)}`);
    assert.ok(near(at(img, 30, 20), [40, 170, 200, 255], tol + 50), `sky: ${at(img, 30, 20)}`);
    const t = await memVault({ [name]: v1 });
    const attachments = [thumbnailsAttachment()];
    const warnings: string[] = [];
    await commit({ vault: t.vault, message: 'v1', attachments, onWarning: (w) => warnings.push(w.message) });
    await t.fs.writeFile(`/work/${name}`, await make(24));
    await commit({ vault: t.vault, message: 'v2', attachments, onWarning: (w) => warnings.push(w.message) });
    assert.equal(warnings, []);
    const thumb = await thumbnailFor(t.vault, 'HEAD', name);
    assert.ok(thumb && thumb.width === W, `thumbnail of ${name}`);
    const d = await visualDiff({
      vault: t.vault,
      a: { kind: 'snapshot', rev: 'HEAD~1' },
      b: { kind: 'snapshot', rev: 'HEAD' },
      path: name,
    });
    assert.is(d.report.kind, 'image');
    assert.ok(d.report.image!.changedPixels > 50, `the sun moved: ${d.report.image!.changedPixels}`);
    assert.ok(d.report.image!.regionsTotal >= 1);
    const [latest] = await timelineVersions({ vault: t.vault, limit: 1 });
    const f = latest!.files.find((x) => x.path === name)!;
    assert.ok(f.thumbnail && f.before, 'the timeline has both pictures');
  });
}

test('a .blend saved without a preview and a Basis texture: a labelled placeholder and one line each', async () => {
  const t = await memVault({ 'scene.blend': blend(null), 'sky.ktx2': ktx2(8, true) });
  const warnings: string[] = [];
  await commit({
    vault: t.vault,
    message: 'v1',
    attachments: [thumbnailsAttachment()],
    onWarning: (w) => warnings.push(w.message),
  });
  assert.is(warnings.length, 2, warnings.join('\n'));
  assert.ok(warnings.some((w) => /^no preview for scene\.blend \(a placeholder is shown\): .*Save Preview/.test(w)));
  assert.ok(warnings.some((w) => /^no preview for sky\.ktx2 \(a placeholder is shown\): .*Basis Universal/.test(w)));
  const card = await thumbnailFor(t.vault, 'HEAD', 'scene.blend');
  assert.ok(card && card.width === 128 && card.height === 96);
  const dark = card.data.filter((_, i) => i % 4 === 0 && card.data[i] === 70).length;
  assert.ok(dark > 50, 'the card has its label written on it');
});

test('the terminal timeline lists changed pictures and models before README and .import files', async () => {
  const t = await memVault({ 'README.md': 'a\n', 'hero.png.import': 'x\n', 'zz.png': png8(4, 4, scene(1)) });
  await commit({ vault: t.vault, message: 'v1' });
  const versions = await timelineVersions({ vault: t.vault });
  const lines = await timelineText({ vault: t.vault, versions, pictures: 'none', color: false });
  const listed = lines.filter((l) => /^ {4}\+ /.test(l)).map((l) => l.trim().split(/\s+/)[1]);
  assert.equal(listed, ['zz.png', 'README.md', 'hero.png.import']);
});

test.run();
