import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeImage, imageFormatOf } from '../../../src/personas/creative/formats/images.js';
import { modelFormatOf } from '../../../src/personas/creative/formats/models.js';
import { thumbnailKind } from '../../../src/personas/creative/thumbnails/paths.js';
import { thumbnailsAttachment } from '../../../src/personas/creative/thumbnails/attachment.js';
import {
  halfBlockLines,
  halfBlockRows,
  visibleWidth,
  xterm256,
} from '../../../src/personas/creative/thumbnails/halfBlock.js';
import { renderMeshes } from '../../../src/personas/creative/thumbnails/render.js';
import { thumbnailFor } from '../../../src/personas/creative/thumbnails/thumbnailFor.js';
import { readAttachedFile, readAttachment, type CommitAttachment } from '../../../src/porcelain/attachments.js';
import { commit } from '../../../src/porcelain/commit.js';
import { readSnapshot } from '../../../src/porcelain/readSnapshot.js';
import { verify } from '../../../src/porcelain/verify.js';
import { memVault } from '../../helpers/vault.js';
import { webpOf } from './visual-fixtures.js';
import { BLUE, box, glb, gltfWithBin, jpg, obj, png, psd, RED, stl, WHITE } from './thumbnails-fixtures.js';

const test = suite('personas/creative/thumbnails');

function at(img: { width: number; data: Uint8Array }, x: number, y: number): number[] {
  const k = (y * img.width + x) * 4;
  return [...img.data.subarray(k, k + 4)];
}
function opaqueBox(img: { width: number; height: number; data: Uint8Array }) {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      if (img.data[(y * img.width + x) * 4 + 3]! > 128) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
  return { x0, y0, x1, y1 };
}

test('the renderer fits the model to the picture, shades faces differently and keeps the nearer surface', () => {
  const cube = box(1, 1, 1);
  const img = renderMeshes([cube], { size: 64 });
  assert.ok(Math.max(img.width, img.height) === 64 && img.width > 40 && img.height > 40, `${img.width}x${img.height}`);
  const b = opaqueBox(img);
  // fitted: the cube spans the picture up to a small margin on its longer side
  assert.ok(b.x1 - b.x0 >= img.width * 0.85 || b.y1 - b.y0 >= img.height * 0.85, JSON.stringify(b));
  assert.is(at(img, 0, 0)[3], 0, 'background stays transparent');
  // three visible faces, three shades
  const shades = new Set<string>();
  for (let y = 0; y < img.height; y += 2)
    for (let x = 0; x < img.width; x += 2)
      if (img.data[(y * img.width + x) * 4 + 3] === 255) shades.add(at(img, x, y).slice(0, 3).join());
  assert.ok(shades.size >= 3, `shades: ${shades.size}`);

  // a small box in front of a big plate: drawn first or last, the box stays visible (z-buffer, not drawing order)
  const plate = box(20, 20, 0.1, [-10, -10, -2]);
  const front = box(3, 3, 3, [-1.5, -1.5, 1]);
  const bluish = (img: ReturnType<typeof renderMeshes>, wantBlue: boolean) => {
    const s = new Set<number>();
    for (let k = 0; k < img.width * img.height; k++) {
      const blue = img.data[k * 4 + 2]! > img.data[k * 4]!;
      if (img.data[k * 4 + 3] === 255 && blue === wantBlue) s.add(k);
    }
    return s;
  };
  const last = bluish(renderMeshes([plate, front], { size: 96, supersample: 1 }), true); // the second mesh is blue-grey
  const first = bluish(renderMeshes([front, plate], { size: 96, supersample: 1 }), false); // the first mesh is clay
  assert.ok(last.size > 20, `box visible when drawn last: ${last.size}`);
  assert.is(first.size, last.size, 'box visible when drawn first, same pixels');
  assert.ok([...first].every((k) => last.has(k)));
  assert.throws(() => renderMeshes([{ positions: new Float32Array(0), indices: new Uint32Array(0) }]), /no vertices/);
});

test('half-block lines: two pixels per cell in 24-bit colour, exact width, ASCII ramp without colour', () => {
  // 4 x 4: top half red, bottom half blue, right column transparent
  const data = new Uint8Array(4 * 4 * 4);
  for (let y = 0; y < 4; y++)
    for (let x = 0; x < 4; x++) data.set(x === 3 ? [0, 0, 0, 0] : y < 2 ? RED : BLUE, (y * 4 + x) * 4);
  const img = { width: 4, height: 4, data };
  const lines = halfBlockLines(img, 4, true);
  assert.is(lines.length, halfBlockRows(img, 4));
  assert.is(lines.length, 2);
  assert.ok(lines[0]!.includes('\x1b[38;2;220;40;40m\x1b[48;2;220;40;40m▀'), JSON.stringify(lines[0]));
  assert.ok(lines[1]!.includes('\x1b[38;2;40;80;220m\x1b[48;2;40;80;220m▀'), JSON.stringify(lines[1]));
  for (const l of lines) {
    assert.is(visibleWidth(l), 4);
    assert.ok(l.endsWith('\x1b[0m '), 'transparent cell: colours reset, a plain space');
  }
  const plain = halfBlockLines(img, 4, false);
  assert.equal(
    plain.map((l) => l.length),
    [4, 4],
  );
  assert.not.match(plain.join(''), /\x1b/);
  assert.is(plain[0]![3], ' ');
  // 256-colour terminals: the nearest palette entry
  assert.equal(
    [xterm256(255, 0, 0), xterm256(255, 255, 255), xterm256(0, 0, 0), xterm256(128, 128, 128), xterm256(220, 40, 40)],
    [196, 231, 16, 244, 160],
  );
  const l256 = halfBlockLines(img, 4, '256');
  assert.ok(l256[0]!.includes('\x1b[38;5;160m\x1b[48;5;160m▀'), JSON.stringify(l256[0]));
  assert.not.match(l256.join(''), /38;2;/);
  assert.equal(l256.map(visibleWidth), [4, 4]);
  // scaled: 128 x 64 into 20 columns keeps the aspect ratio (20 x 10 pixels = 5 rows)
  const wide = { width: 128, height: 64, data: new Uint8Array(128 * 64 * 4).fill(255) };
  assert.is(halfBlockLines(wide, 20, true).length, 5);
  assert.ok(halfBlockLines(wide, 20, true).every((l) => visibleWidth(l) === 20));
});

/** thumbnailsAttachment, with every file it reads counted */
function counted(names: string[]): CommitAttachment {
  const inner = thumbnailsAttachment();
  return {
    name: inner.name,
    run: (ctx) =>
      inner.run({
        ...ctx,
        readFile: (p) => {
          names.push(p);
          return ctx.readFile(p);
        },
      }),
  };
}

test('commit stores 128 px thumbnails of images, PSD composites and models; unchanged files are not read again', async () => {
  const gltf = await gltfWithBin([[1, 2, 1]], 'tower.bin');
  const t = await memVault({
    Art: {
      'hero.png': png(512, 256, (x) => (x < 256 ? RED : BLUE)),
      'photo.jpg': jpg(300, 200, () => BLUE),
      'poster.psd': psd(200, 400, WHITE, RED, { x: 50, y: 50, size: 100 }),
      'notes.txt': 'not a picture\n',
      'leaf.webp': await webpOf(256, 256, (x) => (x < 128 ? [40, 180, 80, 255] : [250, 250, 250, 255])),
    },
    Models: {
      'crate.obj': obj(1, 1, 1),
      'part.stl': stl(2, 1, 1),
      'ship.glb': await glb([
        [1, 1, 3],
        [1, 1, 1],
      ]),
      'tower.gltf': gltf.gltf,
      'tower.bin': gltf.bin,
    },
  });
  const read: string[] = [];
  const warnings: string[] = [];
  await commit({
    vault: t.vault,
    message: 'one',
    attachments: [counted(read)],
    onWarning: (w) => warnings.push(w.message),
  });
  assert.equal(warnings, []);
  const s1 = await readSnapshot(t.vault, 'HEAD');
  const th = await readAttachment(t.vault, s1.attachments, 'thumbnails');
  assert.equal([...th.keys()].sort(), [
    'Art/hero.png.png',
    'Art/leaf.webp.png',
    'Art/photo.jpg.png',
    'Art/poster.psd.png',
    'Models/crate.obj.png',
    'Models/part.stl.png',
    'Models/ship.glb.png',
    'Models/tower.gltf.png',
  ]);
  const hero = await decodeImage(await readAttachedFile(t.vault, th.get('Art/hero.png.png')!), 'x.png');
  assert.equal([hero.width, hero.height], [128, 64]);
  assert.equal(at(hero, 10, 10), [...RED]);
  assert.equal(at(hero, 118, 50), [...BLUE]);
  const leaf = await decodeImage(await readAttachedFile(t.vault, th.get('Art/leaf.webp.png')!), 'x.png');
  assert.equal(
    [leaf.width, leaf.height, ...at(leaf, 10, 64)],
    [128, 128, 40, 180, 80, 255],
    'WebP through the shared decoder',
  );
  const poster = await decodeImage(await readAttachedFile(t.vault, th.get('Art/poster.psd.png')!), 'x.png');
  assert.equal([poster.width, poster.height], [64, 128]);
  assert.equal(at(poster, 32, 32), [...RED], 'the PSD composite, scaled');
  assert.equal(at(poster, 5, 100), [...WHITE]);
  for (const m of ['Models/crate.obj.png', 'Models/part.stl.png', 'Models/ship.glb.png', 'Models/tower.gltf.png']) {
    const img = await decodeImage(await readAttachedFile(t.vault, th.get(m)!), m);
    assert.is(Math.max(img.width, img.height), 128, m);
    const b = opaqueBox(img);
    assert.ok(b.x1 > b.x0 && b.y1 > b.y0, `${m} draws something`);
  }
  assert.ok(read.includes('Models/tower.bin'), 'the glTF buffer was read through the snapshot');
  assert.not.ok(read.includes('Art/notes.txt'));

  // change one image, rename one model, delete one: only the changed image is read
  read.length = 0;
  await t.fs.writeFile(
    '/work/Art/hero.png',
    png(64, 64, () => BLUE),
  );
  await t.fs.rename('/work/Models/crate.obj', '/work/Models/box.obj');
  await t.fs.unlink('/work/Art/photo.jpg');
  await commit({ vault: t.vault, message: 'two', attachments: [counted(read)] });
  assert.equal(read, ['Art/hero.png']);
  const th2 = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'thumbnails');
  assert.equal([...th2.keys()].sort(), [
    'Art/hero.png.png',
    'Art/leaf.webp.png',
    'Art/poster.psd.png',
    'Models/box.obj.png',
    'Models/part.stl.png',
    'Models/ship.glb.png',
    'Models/tower.gltf.png',
  ]);
  assert.is(
    th2.get('Models/box.obj.png')!.id,
    th.get('Models/crate.obj.png')!.id,
    'a renamed file keeps its thumbnail',
  );
  assert.is(th2.get('Art/poster.psd.png')!.id, th.get('Art/poster.psd.png')!.id, 'unchanged: carried forward');
  assert.is.not(th2.get('Art/hero.png.png')!.id, th.get('Art/hero.png.png')!.id);
  const hero2 = await thumbnailFor(t.vault, 'HEAD', 'Art/hero.png');
  assert.equal([hero2!.width, hero2!.height], [64, 64], 'small images are not enlarged');
  assert.equal(at(hero2!, 1, 1), [...BLUE]);
  assert.equal((await thumbnailFor(t.vault, 'HEAD~1', 'Art/hero.png'))!.width, 128, 'the older version keeps its own');
  assert.is(await thumbnailFor(t.vault, 'HEAD', 'Art/notes.txt'), null);
  assert.is(await thumbnailFor(t.vault, 'HEAD', 'Art/photo.jpg'), null);
  assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
});

test('a broken or oversized file only warns: the commit is made, the other thumbnails are stored', async () => {
  const t = await memVault({
    'good.png': png(8, 8, () => RED),
    'bad.png': Buffer.from('\x89PNG\r\n\x1a\nthis is not a png'),
    'bad.glb': Buffer.from('glTF nonsense'),
    'big.png': png(300, 300, (x, y) => [(x * 7919 + y * 104729) % 251, (x * 31 + y * 17) % 253, (x ^ y) & 255, 255]),
  });
  const warnings: string[] = [];
  const r = await commit({
    vault: t.vault,
    message: 'one',
    attachments: [thumbnailsAttachment({ maxBytes: 1000 })],
    onWarning: (w) => warnings.push(`${w.attachment}: ${w.message}`),
  });
  assert.ok(r.id);
  const th = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'thumbnails');
  // a file that cannot be drawn gets a labelled placeholder card, never silence
  assert.equal([...th.keys()].sort(), ['bad.glb.png', 'bad.png.png', 'good.png.png']);
  assert.is(warnings.length, 3, warnings.join('\n'));
  assert.ok(warnings.some((w) => w.startsWith('thumbnails: no preview for bad.png (a placeholder is shown): ')));
  assert.ok(warnings.some((w) => w.startsWith('thumbnails: no preview for bad.glb (a placeholder is shown): ')));
  assert.ok(
    warnings.some((w) => w.startsWith('thumbnails: no thumbnail for big.png: ') && w.includes('thumbnail limit')),
  );
});

test('a vault committed before thumbnails were on: only files that change later get one', async () => {
  const t = await memVault({ 'a.png': png(8, 8, () => RED), 'b.png': png(8, 8, () => BLUE) });
  await commit({ vault: t.vault, message: 'before' });
  await t.fs.writeFile(
    '/work/b.png',
    png(8, 8, () => WHITE),
  );
  await commit({ vault: t.vault, message: 'after', attachments: [thumbnailsAttachment()] });
  const th = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'thumbnails');
  assert.equal([...th.keys()], ['b.png.png']);
  assert.is(await thumbnailFor(t.vault, 'HEAD~1', 'a.png'), null);
});

test('thumbnailKind (no decoders loaded) agrees with the decoders on what is an image or a model', () => {
  const names = [
    'a.png',
    'B.PNG',
    'c.jpg',
    'd.jpeg',
    'e.jpe',
    'f.psd',
    'g.psb',
    'h.webp',
    'm.obj',
    'n.STL',
    'o.gltf',
    'p.glb',
    'q.mtl',
    'r.txt',
    's.bin',
    'noext',
    '.png',
    'dir.png/file',
    'x.tar.gz',
    'y.tif',
  ];
  for (const n of names) assert.is(thumbnailKind(n), modelFormatOf(n) ? 'model' : imageFormatOf(n) ? 'image' : null, n);
});

test.run();
