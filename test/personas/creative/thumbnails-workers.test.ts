// several changed pictures are decoded on worker threads: same thumbnails as on one thread, same warnings
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../../src/porcelain/commit.js';
import { readAttachment } from '../../../src/porcelain/attachments.js';
import { readSnapshot } from '../../../src/porcelain/readSnapshot.js';
import { thumbnailsAttachment } from '../../../src/personas/creative/thumbnails/attachment.js';
import { diskVault, tempDir } from '../../helpers/vault.js';
import { jpg, obj, png, psd } from './thumbnails-fixtures.js';

const test = suite('personas/creative/thumbnails-workers');

const project = () => ({
  Art: {
    'a.png': png(300, 200, (x, y) => [x & 255, y & 255, 90, 255]),
    'b.png': png(64, 640, (x, y) => [200, (x * y) & 255, 10, 255]),
    'c.jpg': jpg(256, 256, (x, y) => [x, y, 128, 255]),
    'd.psd': psd(200, 100, [10, 20, 30, 255], [250, 200, 0, 255], { x: 40, y: 20, size: 50 }),
    'broken.png': Buffer.from('\x89PNG\r\n\x1a\nnot really'),
  },
  Models: { 'box.obj': obj(1, 2, 3) },
});

test('threads=2 makes the same thumbnails as threads=0; a broken picture only warns', async () => {
  const dirs = [await tempDir(), await tempDir()];
  try {
    const results: { attachments: string | null; warnings: string[]; names: string[] }[] = [];
    for (const [i, threads] of [0, 2].entries()) {
      const t = await diskVault(dirs[i]!.path, project(), { threads, mtime: 1_600_000_000_000 });
      const warnings: string[] = [];
      const r = await commit({
        vault: t.vault,
        message: 'pictures',
        attachments: [thumbnailsAttachment()],
        onWarning: (w) => warnings.push(w.message),
      });
      const names = [
        ...(await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'thumbnails')).keys(),
      ].sort();
      results.push({ attachments: r.attachments, warnings: warnings.sort(), names });
      await t.vault.close();
    }
    assert.equal(results[1]!.names, [
      'Art/a.png.png',
      'Art/b.png.png',
      'Art/broken.png.png',
      'Art/c.jpg.png',
      'Art/d.psd.png',
      'Models/box.obj.png',
    ]);
    assert.is(results[1]!.attachments, results[0]!.attachments, 'byte-identical thumbnails either way');
    assert.equal(results[1]!.warnings, results[0]!.warnings);
    assert.is(results[1]!.warnings.length, 1);
    assert.match(results[1]!.warnings[0]!, /^no preview for Art\/broken\.png \(a placeholder is shown\): /);
  } finally {
    for (const d of dirs) await d.remove();
  }
});

test.run();
