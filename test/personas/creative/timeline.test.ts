import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMilestone } from '../../../src/personas/game/milestones.js';
import { thumbnailsAttachment } from '../../../src/personas/creative/thumbnails/attachment.js';
import {
  thumbnailDiff,
  timelineHtml,
  timelineText,
  timelineVersions,
} from '../../../src/personas/creative/timeline/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { updateRef } from '../../../src/refs/refs.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { BLUE, glb, png, psd, RED, WHITE } from './thumbnails-fixtures.js';

const test = suite('personas/creative/timeline');
const thumbs = [thumbnailsAttachment()];

/** v1 (no thumbnails: before the persona), v2 adds a model, v3 changes the PSD and renames the sky, v4 deletes the model */
async function history() {
  const t = await memVault({
    Art: { 'hero.psd': psd(64, 96, WHITE, RED, { x: 8, y: 8, size: 32 }), 'sky.png': png(40, 20, () => BLUE) },
    'notes.md': 'castle\n',
  });
  const v1 = (await commit({ vault: t.vault, message: 'first blockout' })).id!;
  await t.fs.mkdir('/work/Models');
  await t.fs.writeFile('/work/Models/tower.glb', await glb([[1, 3, 1]]));
  await t.fs.writeFile('/work/Art/hero.psd', psd(64, 96, WHITE, RED, { x: 8, y: 8, size: 40 }));
  const v2 = (await commit({ vault: t.vault, message: 'tower <b>model</b>', attachments: thumbs })).id!;
  await createMilestone({ vault: t.vault, name: 'alpha', type: 'alpha' });
  await t.fs.writeFile('/work/Art/hero.psd', psd(64, 96, WHITE, BLUE, { x: 20, y: 40, size: 40 }));
  await t.fs.rename('/work/Art/sky.png', '/work/Art/sky-day.png');
  const v3 = (await commit({ vault: t.vault, message: 'hero in blue\n\nlonger notes', attachments: thumbs })).id!;
  await updateRef({
    ...t.vault.refs,
    ref: 'refs/tags/review-1',
    value: v3,
    expected: null,
    message: 'tag',
    author: 'x',
    time: 1,
  });
  await t.fs.unlink('/work/Models/tower.glb');
  await t.fs.writeFile(
    '/work/Art/sky-day.png',
    png(40, 20, () => RED),
  );
  const v4 = (await commit({ vault: t.vault, message: 'no tower', attachments: thumbs })).id!;
  return { ...t, v1, v2, v3, v4 };
}

test('versions newest first with badges, counts and the stored thumbnails of changed files', async () => {
  const t = await history();
  const vs = await timelineVersions({ vault: t.vault });
  assert.equal(
    vs.map((v) => v.id),
    [t.v4, t.v3, t.v2, t.v1],
  );
  const [v4, v3, v2, v1] = vs as [(typeof vs)[0], (typeof vs)[0], (typeof vs)[0], (typeof vs)[0]];
  assert.equal(v2.milestones, ['alpha']);
  assert.equal(v3.tags, ['review-1']);
  assert.equal(v4.refs, ['main']);
  assert.equal(v3.counts, { added: 0, modified: 1, deleted: 0, renamed: 1 });
  assert.equal(
    v3.files.map((f) => [f.change, f.path, f.from ?? null]),
    [
      ['modified', 'Art/hero.psd', null],
      ['renamed', 'Art/sky-day.png', 'Art/sky.png'],
    ],
  );
  const hero3 = v3.files[0]!;
  assert.ok(hero3.thumbnail && hero3.before, 'modified: this version and the one before');
  assert.is.not(hero3.thumbnail!.id, hero3.before!.id);
  assert.ok(v3.files[1]!.thumbnail, 'renamed: keeps its picture');
  assert.equal(
    v4.files.map((f) => [f.change, f.path, !!f.thumbnail, !!f.before]),
    [
      ['modified', 'Art/sky-day.png', true, true],
      ['deleted', 'Models/tower.glb', false, true],
    ],
  );
  // v1 was committed before thumbnails were on: files listed, no pictures
  assert.ok(v1.files.every((f) => f.thumbnail === null));
  assert.equal(v2.files.find((f) => f.path === 'Art/hero.psd')!.before, null, 'the version before had none');
  assert.is((await timelineVersions({ vault: t.vault, limit: 2 })).length, 2);
  assert.equal(
    (await timelineVersions({ vault: t.vault, from: t.v2 })).map((v) => v.id),
    [t.v2, t.v1],
  );
});

test('the timeline of one file: only versions that changed it, followed back through a rename', async () => {
  const t = await history();
  assert.equal(
    (await timelineVersions({ vault: t.vault, path: 'Art/hero.psd' })).map((v) => v.id),
    [t.v3, t.v2, t.v1],
  );
  const sky = await timelineVersions({ vault: t.vault, path: 'Art/sky-day.png' });
  assert.equal(
    sky.map((v) => v.id),
    [t.v4, t.v3, t.v1],
    'v1 added it as Art/sky.png',
  );
  assert.equal(
    sky[2]!.files.map((f) => f.path),
    ['Art/sky.png'],
  );
  assert.equal(
    (await timelineVersions({ vault: t.vault, path: 'Models' })).map((v) => v.id),
    [t.v4, t.v2],
    'a folder works too',
  );
  assert.equal(
    (await timelineVersions({ vault: t.vault, path: './Art/hero.psd', limit: 1 })).map((v) => v.id),
    [t.v3],
  );
  assert.is(await codeOf(() => timelineVersions({ vault: t.vault, path: 'Art/nope.png' })), 'ENOPATH');
  assert.is(await codeOf(() => timelineVersions({ vault: t.vault, path: '../outside.png' })), 'EUSAGE');
});

test('HTML: one self-contained page, every picture a data: URI, diffs for changed images, text escaped', async () => {
  const t = await history();
  const versions = await timelineVersions({ vault: t.vault });
  const page = await timelineHtml({ vault: t.vault, versions });
  const srcs = [...page.html.matchAll(/<img [^>]*src="([^"]*)"/g)].map((m) => m[1]!);
  assert.is(srcs.length, page.images);
  assert.ok(
    srcs.every((s) => s.startsWith('data:image/png;base64,')),
    'no external files',
  );
  assert.not.match(page.html, /(src|href)="(?!data:)/);
  // v4: sky before/after/diff + tower's last picture; v3: hero before/after/diff + sky renamed; v2: tower + hero (no before)
  assert.is(page.diffImages, 2);
  assert.is(page.thumbnails, 3 + 3 + 2);
  assert.is(page.placeholders, 2, 'v1: hero.psd and sky.png have no stored thumbnail');
  assert.match(page.html, /tower &lt;b&gt;model&lt;\/b&gt;/);
  assert.not.match(page.html, /<b>model/);
  assert.match(page.html, /★ alpha/);
  assert.match(page.html, /review-1/);
  assert.match(page.html, /data-images-expected="10"/);
  const one = await timelineHtml({
    vault: t.vault,
    versions: await timelineVersions({ vault: t.vault, path: 'Art/hero.psd' }),
  });
  assert.is(one.diffImages, 1);
});

test('thumbnail diff: share of changed pixels, different sizes compared on the larger canvas', () => {
  const img = (w: number, h: number, f: (x: number, y: number) => number[]) => {
    const data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 4);
    return { width: w, height: h, data, info: { format: 'png' as const } };
  };
  const a = img(10, 10, () => [255, 255, 255, 255]);
  const b = img(10, 10, (x, y) => (x < 5 && y < 2 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
  const d = thumbnailDiff(a, b);
  assert.is(d.changedPixels, 10);
  assert.is(d.share, 0.1);
  assert.is(thumbnailDiff(a, a).changedPixels, 0);
  const wide = thumbnailDiff(
    a,
    img(20, 10, () => [255, 255, 255, 255]),
  );
  assert.equal([wide.image.width, wide.image.height], [20, 10]);
  assert.is(wide.changedPixels, 100, 'the uncovered half counts as changed');
});

test('terminal text: pictures in colour, ASCII, or none', async () => {
  const t = await history();
  const versions = await timelineVersions({ vault: t.vault, limit: 2 });
  const color = await timelineText({ vault: t.vault, versions, pictures: 'color', color: true, width: 80 });
  assert.match(color.join('\n'), /\x1b\[38;2;\d+;\d+;\d+m/);
  assert.match(color.join('\n'), /▀/);
  const ascii = await timelineText({ vault: t.vault, versions, pictures: 'ascii', color: false, width: 80 });
  const text = ascii.join('\n');
  assert.not.match(text, /\x1b/);
  assert.match(text, /@@@/, 'an ASCII picture');
  assert.match(text, /\[review-1\]/);
  assert.match(text, /~ Art\/hero\.psd/);
  assert.match(text, /> Art\/sky-day\.png \(from Art\/sky\.png\)/);
  assert.ok(
    ascii.every((l) => l.length <= 80),
    'pictures stay within the width',
  );
  const none = await timelineText({ vault: t.vault, versions, pictures: 'none', color: false });
  assert.not.match(none.join('\n'), /@@@|▀/);
  assert.is(none.filter((l) => /^[0-9a-f]{12}  /.test(l)).length, 2);
});

test.run();
