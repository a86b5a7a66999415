import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pngjs from 'pngjs';
import {
  bounds,
  decodeImage,
  decodePsd,
  encodePng,
  imageFormatOf,
  modelFormatOf,
  parseModel,
  resizeImage,
  type RgbaImage,
} from '../../../src/personas/creative/formats/index.js';
import { codeOf } from '../../helpers/vault.js';
import {
  cube,
  glbOf,
  gltfOf,
  jpegOf,
  png16,
  png8,
  pngPalette,
  psdOf,
  stlAscii,
  stlBinary,
  webpOf,
} from './visual-fixtures.js';

const test = suite('personas/creative/formats');

const px = (img: RgbaImage, x: number, y: number) => [
  ...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4),
];
const related = (files: Record<string, string | Uint8Array>) => async (p: string) => {
  const f = files[p];
  return f === undefined ? null : typeof f === 'string' ? new TextEncoder().encode(f) : f;
};

test('imageFormatOf: magic bytes win over the extension; the extension decides without them', () => {
  const png = png8(2, 2, () => [0, 0, 0, 255]);
  assert.is(imageFormatOf('a.png'), 'png');
  assert.is(imageFormatOf('A/B.JPG'), 'jpeg');
  assert.is(imageFormatOf('x.psd'), 'psd');
  assert.is(imageFormatOf('x.webp'), 'webp');
  assert.is(imageFormatOf('notes.txt'), null);
  assert.is(imageFormatOf('wrong.jpg', png), 'png');
  assert.is(imageFormatOf('noext', Buffer.from('8BPS\0\x01')), 'psd');
  assert.is(imageFormatOf('x.webp', Buffer.from('RIFF\0\0\0\0WEBPVP8 ')), 'webp');
});

test('PNG 8-bit RGBA, RGB and grey decode to the same RGBA8 pixels and report their colour type', async () => {
  const f = (x: number, y: number): [number, number, number, number] => [x * 10, y * 20, 100, 255];
  const rgba = await decodeImage(png8(8, 4, f), 'a.png');
  assert.is(rgba.width, 8);
  assert.is(rgba.height, 4);
  assert.equal(px(rgba, 3, 2), [30, 40, 100, 255]);
  assert.equal(rgba.info, { format: 'png', bitDepth: 8, colorType: 'rgba' });
  const rgb = await decodeImage(png8(8, 4, f, 2), 'a.png');
  assert.is(rgb.info.colorType, 'rgb');
  assert.equal(px(rgb, 3, 2), [30, 40, 100, 255]);
  const grey = await decodeImage(
    png8(8, 4, (x) => [x * 30, x * 30, x * 30, 255], 0),
    'g.png',
  );
  assert.is(grey.info.colorType, 'grey');
  assert.equal(px(grey, 2, 1), [60, 60, 60, 255]);
});

test('PNG 16-bit is scaled to 8 bits and reports bitDepth 16', async () => {
  const img = await decodeImage(
    png16(4, 4, (x) => [x * 16384, 65535, 0, 32768]),
    'deep.png',
  );
  assert.is(img.info.bitDepth, 16);
  assert.is(img.info.colorType, 'rgba');
  assert.equal(px(img, 0, 0), [0, 255, 0, 128]);
  assert.equal(px(img, 2, 3), [128, 255, 0, 128]);
});

test('palette PNG with transparency becomes RGBA', async () => {
  const img = await decodeImage(
    pngPalette(
      4,
      2,
      [
        [255, 0, 0],
        [0, 0, 255],
      ],
      (x) => x % 2,
      [255, 0],
    ),
    'pal.png',
  );
  assert.is(img.info.colorType, 'palette');
  assert.equal(px(img, 0, 0), [255, 0, 0, 255]);
  assert.equal(px(img, 1, 1), [0, 0, 255, 0]);
});

test('JPEG decodes (lossy, so near the source colour)', async () => {
  const img = await decodeImage(
    jpegOf(16, 16, () => [200, 100, 50, 255]),
    'photo.jpeg',
  );
  assert.is(img.info.format, 'jpeg');
  assert.is(img.info.colorType, 'rgb');
  const [r, g, b, a] = px(img, 8, 8);
  assert.ok(Math.abs(r! - 200) < 6 && Math.abs(g! - 100) < 6 && Math.abs(b! - 50) < 6, `${r},${g},${b}`);
  assert.is(a, 255);
});

test('PSD: the stored composite, and every layer with its pixels and place', async () => {
  const bytes = psdOf(
    20,
    10,
    [
      { name: 'Background', width: 20, height: 10, fill: () => [255, 255, 255, 255] },
      {
        name: 'Characters',
        children: [{ name: 'Hero', left: 2, top: 3, width: 4, height: 2, fill: () => [255, 0, 0, 255] }],
      },
      { name: 'Sky', left: 10, top: 0, width: 5, height: 5, hidden: true, fill: () => [0, 0, 255, 255] },
    ],
    (x, y) => (x >= 2 && x < 6 && y >= 3 && y < 5 ? [255, 0, 0, 255] : [255, 255, 255, 255]),
  );
  const img = await decodeImage(bytes, 'art/hero.psd');
  assert.is(img.width, 20);
  assert.is(img.info.format, 'psd');
  assert.is(img.info.layers, 4);
  assert.is(img.info.composite, 'file');
  assert.equal(px(img, 3, 4), [255, 0, 0, 255]);
  assert.equal(px(img, 12, 2), [255, 255, 255, 255]);
  const psd = await decodePsd(bytes, 'art/hero.psd');
  assert.equal(
    psd.layers.map((l) => [l.path, l.kind, l.hidden]),
    [
      ['Background', 'layer', false],
      ['Characters', 'group', false],
      ['Characters/Hero', 'layer', false],
      ['Sky', 'layer', true],
    ],
  );
  const hero = psd.layers[2]!;
  assert.equal([hero.left, hero.top, hero.image!.width, hero.image!.height], [2, 3, 4, 2]);
  assert.equal(px(hero.image!, 0, 0), [255, 0, 0, 255]);
});

test('PSD without a stored composite is composited from its visible layers', async () => {
  const { writePsdBuffer } = await import('ag-psd');
  const layer = (name: string, left: number, c: [number, number, number, number], hidden = false) => ({
    name,
    left,
    top: 0,
    right: left + 2,
    bottom: 2,
    hidden,
    imageData: { width: 2, height: 2, data: new Uint8ClampedArray(Array(4).fill(c).flat()) },
  });
  const bytes = writePsdBuffer({
    width: 4,
    height: 2,
    children: [layer('a', 0, [0, 255, 0, 255]), layer('b', 2, [0, 0, 255, 255], true)],
  });
  const img = await decodeImage(bytes, 'nocomp.psd');
  assert.is(img.info.composite, 'layers');
  assert.equal(px(img, 0, 0), [0, 255, 0, 255]);
  assert.equal(px(img, 3, 0), [0, 0, 0, 0]);
});

test('undecodable and unsupported images throw typed errors naming the file', async () => {
  const png = png8(4, 4, () => [1, 2, 3, 255]);
  assert.is(await codeOf(() => decodeImage(png.subarray(0, 40), 'cut.png')), 'EDECODE');
  assert.is(await codeOf(() => decodeImage(Buffer.from('hello'), 'x.jpg')), 'EDECODE');
  assert.is(await codeOf(() => decodeImage(Buffer.from('8BPSnope'), 'x.psd')), 'EDECODE');
  assert.is(await codeOf(() => decodeImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'x.webp')), 'EDECODE');
  assert.is(await codeOf(() => decodeImage(Buffer.from('text'), 'notes.txt')), 'EUNSUPPORTED');
  try {
    await decodeImage(png.subarray(0, 40), 'art/cut.png');
  } catch (e) {
    assert.match((e as Error).message, 'art/cut.png');
  }
});

test('WebP (lossless with alpha, and lossy) decodes through @jsquash/webp', async () => {
  const f = (x: number, y: number): [number, number, number, number] => [x * 20, y * 40, 90, x < 2 ? 128 : 255];
  const img = await decodeImage(await webpOf(6, 4, f), 'tex/leaf.webp');
  assert.equal([img.width, img.height], [6, 4]);
  assert.equal(img.info, { format: 'webp', bitDepth: 8, colorType: 'rgba' });
  assert.equal(px(img, 3, 2), [60, 80, 90, 255]);
  assert.equal(px(img, 1, 1), [20, 40, 90, 128]);
  const lossy = await decodeImage(await webpOf(16, 16, () => [200, 100, 50, 255], false), 'photo.webp');
  assert.is(lossy.info.colorType, 'rgb');
  const [r, g] = px(lossy, 8, 8);
  assert.ok(Math.abs(r! - 200) < 8 && Math.abs(g! - 100) < 8, `${r},${g}`);
});

test('encodePng round-trips through pngjs', async () => {
  const img = await decodeImage(
    png8(5, 3, (x, y) => [x, y, 7, 200]),
    'a.png',
  );
  const back = pngjs.PNG.sync.read(encodePng(img));
  assert.is(back.width, 5);
  assert.equal([...back.data], [...img.data]);
});

test('resizeImage: area average keeps the aspect ratio and never upscales', async () => {
  const img = await decodeImage(
    png8(100, 50, (x) => (x < 50 ? [0, 0, 0, 255] : [255, 255, 255, 255])),
    'a.png',
  );
  const small = resizeImage(img, 10);
  assert.equal([small.width, small.height], [10, 5]);
  assert.equal(px(small, 0, 0), [0, 0, 0, 255]);
  assert.equal(px(small, 9, 4), [255, 255, 255, 255]);
  const odd = resizeImage(img, 3);
  assert.equal([odd.width, odd.height], [3, 2]);
  assert.equal(px(odd, 1, 0), [128, 128, 128, 255]);
  assert.is(resizeImage(img, 500), img);
  const clear = resizeImage(
    { width: 2, height: 1, data: new Uint8Array([255, 0, 0, 255, 0, 0, 0, 0]), info: { format: 'png' } },
    1,
  );
  assert.equal(px(clear, 0, 0), [255, 0, 0, 128]);
});

test('modelFormatOf by extension', () => {
  assert.equal(['a.obj', 'b.STL', 'c.gltf', 'd.glb', 'e.fbx'].map(modelFormatOf), ['obj', 'stl', 'gltf', 'glb', null]);
});

const OBJ = `# two objects
mtllib scene.mtl
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
f 5/1 6/2 7/3
g Shade
usemtl Wood
f -3 -2 -1
`;
const MTL = `newmtl Wood
Kd 0.6 0.4 0.2
Ns 10
map_Kd -s 1 1 1 textures/wood.png
newmtl Brass
Kd 0.8 0.7 0.1
bump textures/brass_n.png
`;

test('OBJ: objects and groups, fan-triangulated, per-object vertices; MTL materials and textures through readRelated', async () => {
  const m = await parseModel(Buffer.from(OBJ), 'props/scene.obj', related({ 'scene.mtl': MTL }));
  assert.is(m.format, 'obj');
  assert.equal(
    m.meshes.map((x) => [x.name, x.kind, x.positions.length / 3, x.indices.length / 3, x.materials]),
    [
      ['Table', 'object', 4, 2, ['Wood']],
      ['Lamp', 'object', 3, 1, ['Brass']],
      ['Shade', 'group', 3, 1, ['Wood']],
    ],
  );
  assert.equal(bounds(m.meshes[1]!.positions), { min: [0, 0, 5], max: [2, 2, 5] });
  assert.equal(
    m.materials.map((x) => [x.name, x.props.Kd, x.textures]),
    [
      ['Wood', [0.6, 0.4, 0.2], ['textures/wood.png']],
      ['Brass', [0.8, 0.7, 0.1], ['textures/brass_n.png']],
    ],
  );
  assert.equal(m.textures, ['textures/wood.png', 'textures/brass_n.png']);
  assert.equal(m.references, ['scene.mtl', 'textures/wood.png', 'textures/brass_n.png']);
  const noMtl = await parseModel(Buffer.from(OBJ), 'scene.obj');
  assert.equal(noMtl.materials, []);
  assert.equal(noMtl.references, ['scene.mtl']);
  assert.is(await codeOf(() => parseModel(Buffer.from('v 0 0 0\nf 1 2 3\n'), 'bad.obj')), 'EDECODE');
});

test('STL binary and ASCII (several solids); vertices are welded', async () => {
  const c = cube(2);
  const bin = await parseModel(stlBinary('crate', c.positions, c.indices), 'crate.stl');
  assert.equal(
    bin.meshes.map((x) => [x.name, x.kind, x.positions.length / 3, x.indices.length / 3]),
    [['crate', 'solid', 8, 12]],
  );
  assert.equal(bounds(bin.meshes[0]!.positions), { min: [0, 0, 0], max: [2, 2, 2] });
  const ascii = await parseModel(
    Buffer.from(
      stlAscii([
        { name: 'a', ...cube(1) },
        { name: 'b', positions: [0, 0, 0, 1, 0, 0, 0, 1, 0], indices: [0, 1, 2] },
      ]),
    ),
    'two.stl',
  );
  assert.equal(
    ascii.meshes.map((x) => [x.name, x.positions.length / 3, x.indices.length / 3]),
    [
      ['a', 8, 12],
      ['b', 3, 1],
    ],
  );
  assert.is(
    await codeOf(() => parseModel(stlBinary('x', c.positions, c.indices).subarray(0, 200), 'cut.stl')),
    'EDECODE',
  );
});

test('GLB via @gltf-transform: nodes in world space, meshes, materials, embedded textures', async () => {
  const c = cube(1);
  const glb = await glbOf([
    { name: 'Crate', ...c, at: [10, 0, 0], material: 'Wood', color: [0.5, 0.3, 0.1, 1], texture: 'wood.png' },
    { name: 'Floor', positions: [0, 0, 0, 4, 0, 0, 4, 0, 4], indices: [0, 1, 2], material: 'Stone' },
  ]);
  const m = await parseModel(glb, 'level.glb');
  assert.is(m.format, 'glb');
  assert.equal(
    m.meshes.map((x) => [x.name, x.kind, x.positions.length / 3, x.indices.length / 3, x.materials]),
    [
      ['Crate', 'node', 8, 12, ['Wood']],
      ['Floor', 'node', 3, 1, ['Stone']],
      ['Crate', 'mesh', 8, 12, ['Wood']],
      ['Floor', 'mesh', 3, 1, ['Stone']],
    ],
  );
  assert.equal(bounds(m.meshes[0]!.positions), { min: [10, 0, 0], max: [11, 1, 1] });
  assert.equal(bounds(m.meshes[2]!.positions), { min: [0, 0, 0], max: [1, 1, 1] });
  assert.equal(
    m.materials.map((x) => x.name),
    ['Wood', 'Stone'],
  );
  assert.equal(m.materials[0]!.props.baseColorFactor, [0.5, 0.3, 0.1, 1]);
  assert.equal(m.materials[0]!.textures, ['wood.png']);
  assert.equal(m.references, []);
});

test('glTF JSON with an external .bin buffer and image, read through readRelated; a missing buffer is EDECODE', async () => {
  const c = cube(1);
  const { json, resources } = await gltfOf([{ name: 'Box', ...c, material: 'Paint', texture: 'tex/paint.png' }], 'box');
  const files: Record<string, Uint8Array> = { ...resources };
  const m = await parseModel(Buffer.from(json), 'models/box.gltf', related(files));
  assert.is(m.format, 'gltf');
  assert.equal(
    m.meshes.filter((x) => x.kind === 'node').map((x) => [x.name, x.indices.length / 3]),
    [['Box', 12]],
  );
  assert.ok(m.references.includes('box.bin'), JSON.stringify(m.references));
  assert.ok(m.references.includes('tex/paint.png'), JSON.stringify(m.references));
  assert.equal(m.textures, ['tex/paint.png']);
  // a missing image is tolerated (reference still listed); a missing buffer cannot be
  const noImage = await parseModel(Buffer.from(json), 'models/box.gltf', related({ 'box.bin': files['box.bin']! }));
  assert.ok(noImage.references.includes('tex/paint.png'));
  assert.is(await codeOf(() => parseModel(Buffer.from(json), 'models/box.gltf', related({}))), 'EDECODE');
  assert.is(await codeOf(() => parseModel(Buffer.from('{nope'), 'x.gltf')), 'EDECODE');
  assert.is(await codeOf(() => parseModel(Buffer.from('glTFxxxx'), 'x.glb')), 'EDECODE');
  assert.is(await codeOf(() => parseModel(Buffer.from('x'), 'x.fbx')), 'EUNSUPPORTED');
});

test.run();
