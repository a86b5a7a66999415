// Visual diff: images pixel by pixel (regions, diff picture), PSD layers, 3D models; library and `vault diff --visual`.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pngjs from 'pngjs';
import { decodeImage, type RgbaImage } from '../../../src/personas/creative/formats/index.js';
import {
  compareImages,
  changedRegions,
  visualDiff,
  writeDiffImage,
} from '../../../src/personas/creative/visual/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { runVault } from '../../helpers/cli.js';
import { codeOf, memVault, nodeFs, tempDir } from '../../helpers/vault.js';
import { cube, glbOf, jpegOf, png16, png8, psdOf, stlAscii, stlBinary, webpOf, type Rgba } from './visual-fixtures.js';

const test = suite('personas/creative/visual');

const px = (img: RgbaImage, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
];
const img = async (b: Uint8Array, name = 'x.png') => decodeImage(b, name);
const paint = (x: number, y: number): Rgba => [(x * 3) % 256, (y * 5) % 256, 140, 255];
/** `paint` with a yellow 40x30 rectangle at (100, 60) and a cyan 10x10 square at (10, 150) */
const edited = (x: number, y: number): Rgba =>
  x >= 100 && x < 140 && y >= 60 && y < 90
    ? [255, 230, 0, 255]
    : x >= 10 && x < 20 && y >= 150 && y < 160
      ? [0, 255, 255, 255]
      : paint(x, y);

test('two edits: exact changed pixels, share and one box per edit; the picture marks them', async () => {
  const { report, image } = compareImages(await img(png8(256, 192, paint)), await img(png8(256, 192, edited)));
  assert.is(report.changedPixels, 1200 + 100);
  assert.is(report.totalPixels, 256 * 192);
  assert.ok(Math.abs(report.changedShare - 1300 / 49152) < 1e-12);
  assert.equal(report.regions, [
    { x: 100, y: 60, width: 40, height: 30, changed: 1200 },
    { x: 10, y: 150, width: 10, height: 10, changed: 100 },
  ]);
  assert.is(report.regionsTotal, 2);
  assert.is(report.sizeChanged, false);
  assert.equal(report.notes, []);
  assert.equal([image.width, image.height], [256, 192]);
  assert.equal(px(image, 120, 75), [230, 25, 35, 255], 'changed pixel is red');
  const [g, g2, g3] = px(image, 200, 10);
  assert.ok(g === g2 && g2 === g3 && g! > 150, 'unchanged pixel is faded grey');
  assert.equal(px(image, 98, 58), [255, 150, 0, 255], 'region outlined');
  const aa = compareImages(await img(png8(256, 192, paint)), await img(png8(256, 192, edited)), {
    ignoreAntialiasing: true,
  }).report;
  assert.is(aa.ignoreAntialiasing, true);
  assert.is(aa.changedPixels, 1300, 'solid rectangles have no anti-aliased edges');
});

test('identical images: nothing changed, no regions', async () => {
  const a = await img(png8(40, 30, paint));
  const { report } = compareImages(a, a);
  assert.is(report.changedPixels, 0);
  assert.is(report.changedShare, 0);
  assert.equal(report.regions, []);
});

test('changed pixels close together are one region; far apart are two; the count is capped', () => {
  const w = 200;
  const h = 100;
  const mask = new Uint8Array(w * h);
  const dot = (x: number, y: number, s: number) => {
    for (let j = 0; j < s; j++) for (let i = 0; i < s; i++) mask[(y + j) * w + x + i] = 1;
  };
  dot(10, 10, 5);
  dot(18, 10, 5); // 3 px gap: merged
  dot(150, 80, 4);
  assert.equal(changedRegions(mask, w, h, { gap: 4 }).regions, [
    { x: 10, y: 10, width: 13, height: 5, changed: 50 },
    { x: 150, y: 80, width: 4, height: 4, changed: 16 },
  ]);
  const noisy = new Uint8Array(w * h);
  for (let y = 0; y < h; y += 10) for (let x = 0; x < w; x += 10) noisy[y * w + x] = 1;
  const r = changedRegions(noisy, w, h, { gap: 4, max: 32 });
  assert.is(r.total, 200);
  assert.is(r.regions.length, 32);
});

test('different sizes: compared on the common canvas, the new strip counts as changed, the size change is reported', async () => {
  const { report, image } = compareImages(await img(png8(100, 80, paint)), await img(png8(120, 80, paint)));
  assert.is(report.sizeChanged, true);
  assert.equal(report.canvas, { width: 120, height: 80 });
  assert.is(report.changedPixels, 20 * 80);
  assert.equal(
    report.regions.map((r) => [r.x, r.y, r.width, r.height]),
    [[100, 0, 20, 80]],
  );
  assert.match(report.notes.join('\n'), /size changed from 100x80 to 120x80/);
  assert.equal([image.width, image.height], [120, 80]);
  // neither covers the bottom-right of 100x80 vs 80x100
  const cross = compareImages(await img(png8(100, 80, paint)), await img(png8(80, 100, paint))).report;
  assert.is(cross.totalPixels, 100 * 100 - 20 * 20);
  assert.is(cross.changedPixels, 20 * 80 * 2);
});

test('a 16-bit RGBA PNG against an 8-bit RGB copy of the same picture: no pixel changed, colour type and depth reported', async () => {
  const deep = await img(png16(32, 16, (x, y) => [x * 8 * 257, y * 16 * 257, 100 * 257, 65535]));
  const flat = await img(png8(32, 16, (x, y) => [x * 8, y * 16, 100, 255], 2));
  const { report } = compareImages(deep, flat);
  assert.is(report.changedPixels, 0);
  const notes = report.notes.join('\n');
  assert.match(notes, /colour type changed from rgba to rgb/);
  assert.match(notes, /bit depth changed from 16 to 8/);
  assert.match(notes, /compared at 8 bits per channel/);
});

test('an added image is all changed; side-by-side is before | after | diff', async () => {
  const b = await img(png8(30, 20, paint));
  const added = compareImages(null, b);
  assert.is(added.report.changedShare, 1);
  assert.is(added.report.before, null);
  const sbs = compareImages(
    await img(png8(30, 20, paint)),
    await img(png8(30, 20, (x, y) => (x < 5 ? [0, 0, 0, 255] : paint(x, y)))),
    { sideBySide: true },
  );
  assert.equal([sbs.image.width, sbs.image.height], [30 * 3 + 16, 20]);
  assert.equal(px(sbs.image, 2, 2), px(b, 2, 2), 'left panel is the old picture');
  assert.equal(px(sbs.image, 38 + 2, 2), [0, 0, 0, 255], 'middle panel is the new one');
  assert.equal(px(sbs.image, 76 + 2, 10), [230, 25, 35, 255], 'right panel is the diff');
});

test('visualDiff between snapshots and the working folder (PNG, JPEG, WebP)', async () => {
  const t = await memVault({
    art: {
      'sky.png': png8(64, 48, paint),
      'photo.jpg': jpegOf(32, 32, () => [90, 90, 200, 255]),
      'leaf.webp': await webpOf(20, 20, paint),
    },
  });
  await commit({ vault: t.vault, message: 'v1' });
  await t.fs.writeFile(
    '/work/art/sky.png',
    png8(64, 48, (x, y) => (x < 8 && y < 8 ? [255, 0, 0, 255] : paint(x, y))),
  );
  await t.fs.writeFile(
    '/work/art/photo.jpg',
    jpegOf(32, 32, (x) => (x < 16 ? [90, 90, 200, 255] : [250, 250, 20, 255])),
  );
  await t.fs.writeFile('/work/art/leaf.webp', await webpOf(20, 20, (x, y) => (y < 5 ? [0, 0, 0, 255] : paint(x, y))));
  const wt = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    path: 'art/sky.png',
  });
  assert.is(wt.report.status, 'modified');
  assert.equal(wt.report.b, { rev: 'working folder', id: 'worktree' });
  assert.is(wt.report.image!.changedPixels, 64);
  assert.equal(
    wt.report.image!.regions.map((r) => [r.x, r.y, r.width, r.height]),
    [[0, 0, 8, 8]],
  );
  await commit({ vault: t.vault, message: 'v2' });
  const snap = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD~1' },
    b: { kind: 'snapshot', rev: 'HEAD' },
    path: 'art/sky.png',
  });
  assert.is(snap.report.image!.changedPixels, 64);
  const jpg = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD~1' },
    b: { kind: 'snapshot', rev: 'HEAD' },
    path: 'art/photo.jpg',
  });
  assert.is(jpg.report.image!.before!.format, 'jpeg');
  const share = jpg.report.image!.changedShare;
  assert.ok(share > 0.45 && share < 0.6, `about half the JPEG changed: ${share}`);
  const webp = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD~1' },
    b: { kind: 'snapshot', rev: 'HEAD' },
    path: 'art/leaf.webp',
  });
  assert.is(webp.report.image!.changedPixels, 100);
  const same = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    path: 'art/sky.png',
  });
  assert.is(same.report.status, 'unchanged');
  assert.is(same.report.image!.changedPixels, 0);
});

test('a renamed image is compared with its old self (renames as vault diff finds them: same content)', async () => {
  const t = await memVault({ art: { 'old.png': png8(40, 30, paint) } });
  await commit({ vault: t.vault, message: 'v1' });
  await t.fs.rename('/work/art/old.png', '/work/art/new.png');
  const { report } = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    path: 'art/new.png',
  });
  assert.is(report.from, 'art/old.png');
  assert.is(report.status, 'unchanged');
  assert.is(report.image!.changedPixels, 0);
  // renamed and edited is, like for vault diff, a new file
  await t.fs.writeFile(
    '/work/art/new.png',
    png8(40, 30, (x, y) => (x < 4 && y < 4 ? [0, 0, 0, 255] : paint(x, y))),
  );
  const edited = (
    await visualDiff({
      vault: t.vault,
      a: { kind: 'snapshot', rev: 'HEAD' },
      b: { kind: 'worktree' },
      path: 'art/new.png',
    })
  ).report;
  assert.is(edited.status, 'added');
});

test('visualDiff errors: a path on neither side, an unsupported type, an undecodable image', async () => {
  const t = await memVault({ 'notes.txt': 'hi', art: { 'bad.png': 'not a png at all' } });
  await commit({ vault: t.vault, message: 'v1' });
  const o = (path: string) =>
    visualDiff({ vault: t.vault, a: { kind: 'snapshot', rev: 'HEAD' }, b: { kind: 'worktree' }, path });
  assert.is(await codeOf(() => o('art/none.png')), 'ENOPATH');
  assert.is(await codeOf(() => o('notes.txt')), 'EUNSUPPORTED');
  assert.is(await codeOf(() => o('art/bad.png')), 'EDECODE');
  assert.is(await codeOf(() => o('../outside.png')), 'EUNSAFEPATH');
});

const white: Rgba = [255, 255, 255, 255];
const red: Rgba = [255, 0, 0, 255];
function heroPsd(heroLeft: number, withSky: boolean, withMoon: boolean): Buffer {
  const layers = [
    { name: 'Background', width: 20, height: 10, fill: () => white },
    { name: 'Characters', children: [{ name: 'Hero', left: heroLeft, top: 3, width: 4, height: 2, fill: () => red }] },
    ...(withSky
      ? [{ name: 'Sky', left: 10, top: 0, width: 5, height: 5, hidden: true, fill: (): Rgba => [0, 0, 255, 255] }]
      : []),
    ...(withMoon
      ? [{ name: 'Moon', left: 16, top: 0, width: 3, height: 3, fill: (): Rgba => [250, 200, 0, 255] }]
      : []),
  ];
  return psdOf(20, 10, layers, (x, y) =>
    x >= heroLeft && x < heroLeft + 4 && y >= 3 && y < 5
      ? red
      : withMoon && x >= 16 && x < 19 && y < 3
        ? [250, 200, 0, 255]
        : white,
  );
}

test('PSD: composite diff and a per-layer report (moved, added, removed, unchanged)', async () => {
  const t = await memVault({ art: { 'hero.psd': heroPsd(2, true, false) } });
  await commit({ vault: t.vault, message: 'v1' });
  await t.fs.writeFile('/work/art/hero.psd', heroPsd(5, false, true));
  const { report } = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    path: 'art/hero.psd',
  });
  assert.is(report.image!.before!.format, 'psd');
  assert.is(report.image!.before!.layers, 4);
  // hero: columns 2-4 and 6-8 of rows 3-4 differ (12 px); moon: 9 px
  assert.is(report.image!.changedPixels, 12 + 9);
  const byPath = Object.fromEntries(report.layers!.map((l) => [l.path, l]));
  assert.equal(Object.fromEntries(report.layers!.map((l) => [l.path, l.status])), {
    Background: 'unchanged',
    Characters: 'unchanged',
    'Characters/Hero': 'changed',
    Moon: 'added',
    Sky: 'removed',
  });
  const hero = byPath['Characters/Hero']!;
  assert.is(hero.changedPixels, 12);
  assert.ok(Math.abs(hero.changedShare! - 12 / 14) < 1e-9);
  assert.equal(hero.properties, [{ key: 'position', before: [2, 3], after: [5, 3] }]);
  assert.equal(byPath.Moon!.after, { left: 16, top: 0, width: 3, height: 3 });
  assert.is(report.layer, undefined);
  // one layer on the document canvas: by path or unique name; the picture is the layer's
  const one = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    path: 'art/hero.psd',
    layer: 'Hero',
  });
  assert.is(one.report.layer!.path, 'Characters/Hero');
  assert.is(one.report.layer!.image.changedPixels, 12);
  assert.equal(one.report.layer!.image.canvas, { width: 20, height: 10 });
  assert.equal(
    one.report.layer!.image.regions.map((r) => [r.x, r.y, r.width, r.height]),
    [[2, 3, 7, 2]],
  );
  assert.equal(px(one.image!, 3, 3), [230, 25, 35, 255]);
  const moon = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD' },
    b: { kind: 'worktree' },
    path: 'art/hero.psd',
    layer: 'Moon',
  });
  assert.is(moon.report.layer!.image.changedPixels, 9, 'an added layer: its own pixels are new');
  assert.equal(
    moon.report.layer!.image.regions.map((r) => [r.x, r.y, r.width, r.height]),
    [[16, 0, 3, 3]],
  );
  const o = (layer: string, path = 'art/hero.psd') =>
    visualDiff({ vault: t.vault, a: { kind: 'snapshot', rev: 'HEAD' }, b: { kind: 'worktree' }, path, layer });
  assert.is(await codeOf(() => o('Nope')), 'ENOPATH');
});

const OBJ1 = `mtllib scene.mtl
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
v 0 0 5
v 2 0 5
v 2 2 5
o Table
usemtl Wood
f 1 2 3 4
o Lamp
usemtl Brass
f 5 6 7
`;
const OBJ2 = `mtllib scene.mtl
v 0 0 5
v 2 0 5
v 2 2 5
v 0 2 6
v 3 0 0
v 4 0 0
v 4 1 0
o Lamp
usemtl Brass
f 1 2 3
f 1 3 4
o Chair
usemtl Wood
f 5 6 7
`;
const MTL1 = 'newmtl Wood\nKd 0.6 0.4 0.2\nmap_Kd wood.png\nnewmtl Brass\nKd 0.8 0.7 0.1\nmap_Kd brass.png\n';
const MTL2 = 'newmtl Wood\nKd 0.5 0.4 0.2\nmap_Kd wood_v2.png\nnewmtl Brass\nKd 0.8 0.7 0.1\nmap_Kd brass.png\n';

test('OBJ+MTL: objects added/removed/changed with counts and bounds; materials and textures', async () => {
  const t = await memVault({ props: { 'scene.obj': OBJ1, 'scene.mtl': MTL1, 'brass.png': png8(2, 2, () => red) } });
  await commit({ vault: t.vault, message: 'v1' });
  await t.fs.writeFile('/work/props/scene.obj', OBJ2);
  await t.fs.writeFile('/work/props/scene.mtl', MTL2);
  await t.fs.writeFile(
    '/work/props/brass.png',
    png8(2, 2, () => white),
  );
  await commit({ vault: t.vault, message: 'v2' });
  const { report, image } = await visualDiff({
    vault: t.vault,
    a: { kind: 'snapshot', rev: 'HEAD~1' },
    b: { kind: 'snapshot', rev: 'HEAD' },
    path: 'props/scene.obj',
  });
  assert.is(image, null);
  const m = report.model!;
  const by = Object.fromEntries(m.meshes.map((x) => [x.name, x]));
  assert.equal(Object.fromEntries(m.meshes.map((x) => [x.name, x.status])), {
    Lamp: 'changed',
    Chair: 'added',
    Table: 'removed',
  });
  assert.equal(by.Lamp!.vertices, { before: 3, after: 4 });
  assert.equal(by.Lamp!.triangles, { before: 1, after: 2 });
  assert.equal(by.Lamp!.bounds.after, { min: [0, 0, 5], max: [2, 2, 6] });
  assert.equal(by.Lamp!.boundsDelta, { min: [0, 0, 0], max: [0, 0, 1] });
  assert.equal(by.Chair!.bounds.after, { min: [3, 0, 0], max: [4, 1, 0] });
  assert.equal(by.Table!.triangles, { before: 2, after: null });
  const wood = m.materials.find((x) => x.name === 'Wood')!;
  assert.is(wood.status, 'changed');
  assert.equal(wood.texturesAdded, ['wood_v2.png']);
  assert.equal(wood.texturesRemoved, ['wood.png']);
  assert.ok(wood.properties.some((p) => p.key === 'Kd'));
  assert.is(m.materials.find((x) => x.name === 'Brass')!.status, 'unchanged');
  assert.equal(m.textures, { added: ['wood_v2.png'], removed: ['wood.png'], changed: ['brass.png'] });
  assert.equal(m.before!.triangles, 3);
  assert.equal(m.after!.triangles, 3);
});

test('GLB: a node moved (bounds change), a material recoloured, a node removed; STL ascii -> binary of the same solid is unchanged', async () => {
  const c = cube(1);
  const v1 = await glbOf([
    { name: 'Crate', ...c, material: 'Wood', color: [0.5, 0.3, 0.1, 1] },
    { name: 'Floor', positions: [0, 0, 0, 4, 0, 0, 4, 0, 4], indices: [0, 1, 2], material: 'Stone' },
  ]);
  const v2 = await glbOf([{ name: 'Crate', ...c, at: [2, 0, 0], material: 'Wood', color: [0.9, 0.3, 0.1, 1] }]);
  const t = await memVault({ 'level.glb': v1, 'crate.stl': stlAscii([{ name: 'crate', ...c }]) });
  await commit({ vault: t.vault, message: 'v1' });
  await t.fs.writeFile('/work/level.glb', v2);
  await t.fs.writeFile('/work/crate.stl', stlBinary('crate', c.positions, c.indices));
  const d = (path: string) =>
    visualDiff({ vault: t.vault, a: { kind: 'snapshot', rev: 'HEAD' }, b: { kind: 'worktree' }, path });
  const m = (await d('level.glb')).report.model!;
  const node = m.meshes.find((x) => x.kind === 'node' && x.name === 'Crate')!;
  assert.is(node.status, 'changed');
  assert.equal(node.boundsDelta, { min: [2, 0, 0], max: [2, 0, 0] });
  assert.is(m.meshes.find((x) => x.kind === 'mesh' && x.name === 'Crate')!.status, 'unchanged');
  assert.is(m.meshes.find((x) => x.kind === 'node' && x.name === 'Floor')!.status, 'removed');
  const wood = m.materials.find((x) => x.name === 'Wood')!;
  assert.equal(
    wood.properties.map((p) => p.key),
    ['baseColorFactor'],
  );
  assert.is(m.materials.find((x) => x.name === 'Stone')!.status, 'removed');
  const stl = (await d('crate.stl')).report;
  assert.is(stl.status, 'modified');
  assert.equal(
    stl.model!.meshes.map((x) => [x.name, x.status]),
    [['crate', 'unchanged']],
  );
});

test('writeDiffImage: atomic PNG; refuses symlinks, folders, .vault, symlinked folders inside the project, missing folders', async () => {
  const t = await tempDir('vault-out-');
  try {
    const image = compareImages(null, await img(png8(8, 8, paint))).image;
    const w = (path: string) =>
      writeDiffImage({
        fs: nodeFs,
        path: join(t.path, path),
        image,
        vaultDir: join(t.path, 'p', '.vault'),
        workTree: join(t.path, 'p'),
      });
    await mkdir(join(t.path, 'p', '.vault'), { recursive: true });
    await mkdir(join(t.path, 'elsewhere'));
    await writeFile(join(t.path, 'target.png'), 'precious');
    await symlink(join(t.path, 'target.png'), join(t.path, 'link.png'));
    await symlink(join(t.path, 'elsewhere'), join(t.path, 'p', 'linked'));
    const ok = await w('p/diff.png');
    assert.is(ok.bytes, (await readFile(join(t.path, 'p', 'diff.png'))).length);
    assert.is(pngjs.PNG.sync.read(await readFile(join(t.path, 'p', 'diff.png'))).width, 8);
    assert.is(await codeOf(() => w('link.png')), 'EUNSAFEPATH');
    assert.is(await readFile(join(t.path, 'target.png'), 'utf8'), 'precious');
    assert.is(await codeOf(() => w('p')), 'EUNSAFEPATH');
    assert.is(await codeOf(() => w('p/.vault/x.png')), 'EUNSAFEPATH');
    assert.is(await codeOf(() => w('p/linked/x.png')), 'EUNSAFEPATH');
    assert.is(await codeOf(() => w('nope/x.png')), 'ENOPATH');
    await w('outside.png');
  } finally {
    await t.remove();
  }
});

// ---------------------------------------------------------------- the CLI

async function project(files: Record<string, Uint8Array | string>): Promise<{
  dir: string;
  remove: () => Promise<void>;
  put: (f: Record<string, Uint8Array | string>) => Promise<void>;
}> {
  const t = await tempDir('vault-visual-');
  const dir = join(t.path, 'work');
  const put = async (f: Record<string, Uint8Array | string>) => {
    for (const [p, b] of Object.entries(f)) {
      await mkdir(join(dir, p, '..'), { recursive: true });
      await writeFile(join(dir, p), b);
    }
  };
  await mkdir(dir);
  await put(files);
  assert.is((await runVault(dir, ['init'])).code, 0);
  return { dir, remove: t.remove, put };
}

test('CLI: vault diff A B --visual PATH --out: report, regions, a diff PNG; --side-by-side; --json', async () => {
  const p = await project({ 'art/painting.png': png8(256, 192, paint) });
  try {
    assert.is((await runVault(p.dir, ['commit', '-m', 'v1'])).code, 0);
    await p.put({ 'art/painting.png': png8(256, 192, edited) });
    assert.is((await runVault(p.dir, ['commit', '-m', 'v2'])).code, 0);
    const r = await runVault(p.dir, ['diff', 'HEAD~1', 'HEAD', '--visual', 'art/painting.png', '--out', 'diff.png']);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /art\/painting.png: image \(png\), modified \(HEAD~1 -> HEAD\)/);
    assert.match(r.stdout, /changed\s+2\.64% of pixels \(1,300 of 49,152\)/);
    assert.match(r.stdout, /1\. x=100 y=60 40x30 \(1,200 px changed\)/);
    assert.match(r.stdout, /2\. x=10 y=150 10x10/);
    const png = pngjs.PNG.sync.read(await readFile(join(p.dir, 'diff.png')));
    assert.equal([png.width, png.height], [256, 192]);
    const j = await runVault(join(p.dir, 'art'), [
      'diff',
      'HEAD~1',
      'HEAD',
      '--visual',
      'painting.png',
      '--out',
      '../sbs.png',
      '--side-by-side',
      '--json',
    ]);
    assert.is(j.code, 0, j.stderr);
    const rep = JSON.parse(j.stdout);
    assert.is(rep.path, 'art/painting.png');
    assert.is(rep.image.changedPixels, 1300);
    assert.equal(rep.image.regions[0], { x: 100, y: 60, width: 40, height: 30, changed: 1200 });
    assert.is(rep.out, join(p.dir, 'sbs.png'));
    assert.is(pngjs.PNG.sync.read(await readFile(join(p.dir, 'sbs.png'))).width, 256 * 3 + 16);
    // the working folder is the default new side; --threshold 0.99 tolerates almost everything
    await p.put({ 'art/painting.png': png8(256, 192, (x, y) => (y < 2 ? [0, 0, 0, 255] : paint(x, y))) });
    const wt = JSON.parse((await runVault(p.dir, ['diff', '--visual', 'art/painting.png', '--json'])).stdout);
    assert.is(wt.b.id, 'worktree');
    assert.is(wt.image.changedPixels, 1300 + 512);
  } finally {
    await p.remove();
  }
});

test('CLI: a PSD reports layers; a model reports objects; --visual without a path (or with a folder) compares every changed file; WebP, JPEG and PSD decoders load in the bundled CLI', async () => {
  const c = cube(1);
  const p = await project({
    'art/hero.psd': heroPsd(2, true, false),
    'models/crate.glb': await glbOf([{ name: 'Crate', ...c, material: 'Wood' }]),
    'art/leaf.webp': await webpOf(20, 20, paint),
    'art/photo.jpg': jpegOf(32, 32, () => [200, 100, 50, 255]),
    'notes.txt': 'x',
  });
  try {
    assert.is((await runVault(p.dir, ['commit', '-m', 'v1'])).code, 0);
    await p.put({
      'art/hero.psd': heroPsd(5, false, true),
      'models/crate.glb': await glbOf([{ name: 'Crate', ...c, at: [0, 3, 0], material: 'Wood' }]),
      'art/leaf.webp': await webpOf(20, 20, (x, y) => (x < 10 ? [0, 0, 0, 255] : paint(x, y))),
      'art/photo.jpg': jpegOf(32, 32, (x) => (x < 16 ? [0, 0, 0, 255] : [200, 100, 50, 255])),
      'notes.txt': 'y',
    });
    const psd = await runVault(p.dir, ['diff', '--visual', 'art/hero.psd']);
    assert.is(psd.code, 0, psd.stderr);
    assert.match(psd.stdout, /layers\s+1 changed, 1 added, 1 removed, 2 unchanged/);
    assert.match(psd.stdout, /changed\s+Characters\/Hero: 85\.7% of its pixels; position \[2,3\] -> \[5,3\]/);
    const layer = await runVault(p.dir, [
      'diff',
      '--visual',
      'art/hero.psd',
      '--layer',
      'Characters/Hero',
      '--out',
      '../hero-layer.png',
      '--json',
    ]);
    assert.is(layer.code, 0, layer.stderr);
    assert.is(JSON.parse(layer.stdout).layer.image.changedPixels, 12);
    assert.equal(
      [
        pngjs.PNG.sync.read(await readFile(join(p.dir, '..', 'hero-layer.png'))).width,
        pngjs.PNG.sync.read(await readFile(join(p.dir, '..', 'hero-layer.png'))).height,
      ],
      [20, 10],
    );
    const notPsd = await runVault(p.dir, ['diff', '--visual', 'art/leaf.webp', '--layer', 'x']);
    assert.is(notPsd.code, 2);
    assert.match(notPsd.stderr, /--layer needs a PSD file/);
    const all = await runVault(p.dir, ['diff', '--visual', '--json']);
    assert.is(all.code, 0, all.stderr);
    const reps = JSON.parse(all.stdout) as {
      path: string;
      kind: string;
      image?: { changedPixels: number };
      model?: { meshes: { name: string; kind: string; status: string }[] };
    }[];
    assert.equal(
      reps.map((r) => [r.path, r.kind]),
      [
        ['art/hero.psd', 'image'],
        ['art/leaf.webp', 'image'],
        ['art/photo.jpg', 'image'],
        ['models/crate.glb', 'model'],
      ],
    );
    assert.is(reps[1]!.image!.changedPixels, 200);
    assert.ok(
      reps[2]!.image!.changedPixels >= 15 * 32 && reps[2]!.image!.changedPixels <= 17 * 32,
      `jpeg: ${reps[2]!.image!.changedPixels}`,
    );
    assert.equal(
      reps[3]!.model!.meshes.filter((m) => m.status !== 'unchanged').map((m) => [m.kind, m.name, m.status]),
      [['node', 'Crate', 'changed']],
    );
    const folder = JSON.parse((await runVault(join(p.dir, 'art'), ['diff', '--visual', '.', '--json'])).stdout) as {
      path: string;
    }[];
    assert.equal(
      folder.map((r) => r.path),
      ['art/hero.psd', 'art/leaf.webp', 'art/photo.jpg'],
    );
    const model = await runVault(p.dir, ['diff', '--visual', 'models/crate.glb']);
    assert.match(model.stdout, /changed\s+node Crate: bounds \[0, 0, 0\]\.\.\[1, 1, 1\] -> \[0, 3, 0\]\.\.\[1, 4, 1\]/);
  } finally {
    await p.remove();
  }
});

test('CLI errors: options without --visual, a missing path, an unsupported file, --out into .vault; plain diff is unchanged', async () => {
  const p = await project({ 'a.png': png8(4, 4, paint), 'notes.txt': 'hello\n' });
  try {
    assert.is((await runVault(p.dir, ['commit', '-m', 'v1'])).code, 0);
    const usage = await runVault(p.dir, ['diff', '--out', 'x.png']);
    assert.is(usage.code, 2);
    assert.match(
      usage.stderr,
      /^vault: --out, --side-by-side, --threshold, --layer, --fit, --all and --ignore-antialiasing go with --visual PATH/,
    );
    const missing = await runVault(p.dir, ['diff', '--visual', 'nope.png', '--json']);
    assert.is(missing.code, 1);
    assert.is(JSON.parse(missing.stdout).error.code, 'ENOPATH');
    const txt = await runVault(p.dir, ['diff', '--visual', 'notes.txt']);
    assert.is(txt.code, 1);
    assert.match(txt.stderr, /^vault: notes.txt: a visual or structural diff of this file type is not supported/);
    assert.match(txt.stderr, /\nhint: supported images: PNG, JPEG, PSD, WebP/);
    const into = await runVault(p.dir, ['diff', '--visual', 'a.png', '--out', '.vault/x.png', '--json']);
    assert.is(JSON.parse(into.stdout).error.code, 'EUNSAFEPATH');
    const outside = await runVault(p.dir, ['diff', '--visual', '../a.png']);
    assert.is(outside.code, 1);
    await p.put({ 'notes.txt': 'hello\nworld\n' });
    const plain = await runVault(p.dir, ['diff']);
    assert.is(plain.code, 0);
    assert.match(plain.stdout, /modified  notes.txt/);
    assert.match(plain.stdout, /\+world/);
  } finally {
    await p.remove();
  }
});

test.run();
