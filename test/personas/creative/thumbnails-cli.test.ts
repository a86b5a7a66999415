import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runVault } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/vault.js';
import { jpg, png, RED, stl } from './thumbnails-fixtures.js';

const test = suite('personas/creative/thumbnails (CLI)');

test('vault commit in a creative vault stores thumbnails; a broken image only warns; other vaults make none', async () => {
  const tmp = await tempDir('vault-thumbs-');
  try {
    const dir = tmp.path;
    const v = (args: string[]) => runVault(dir, args);
    assert.is((await v(['init', '--persona', 'creative'])).code, 0);
    await writeFile(
      join(dir, 'a.png'),
      png(300, 150, () => RED),
    );
    await writeFile(
      join(dir, 'b.jpg'),
      jpg(64, 64, () => RED),
    );
    await writeFile(join(dir, 'part.stl'), stl(1, 2, 3));
    await writeFile(join(dir, 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    const c = await v(['commit', '-m', 'one']);
    assert.is(c.code, 0, c.stderr);
    assert.match(c.stderr, /warning: thumbnails: no preview for broken\.png \(a placeholder is shown\): /);
    const ls = await v([
      'ls-tree',
      '-r',
      (await v(['show', '--json'])).stdout.match(/"attachments": "([0-9a-f]{64})"/)![1]!,
    ]);
    assert.is(ls.code, 0, ls.stderr);
    // the broken picture gets a placeholder card, not silence
    for (const p of ['a.png', 'b.jpg', 'part.stl', 'broken.png'])
      assert.match(ls.stdout, new RegExp(`thumbnails/${p}.png`.replace(/\./g, '\\.')));
    const tl = JSON.parse((await v(['timeline', '--json'])).stdout);
    assert.equal(
      tl[0].files.map((f: { path: string; thumbnail: unknown }) => [f.path, !!f.thumbnail]),
      [
        ['.vaultlockable', false], // written by init --persona creative (locks): not a picture
        ['a.png', true],
        ['b.jpg', true],
        ['broken.png', true],
        ['part.stl', true],
      ],
    );
    assert.is((await v(['verify', '--read-data'])).code, 0);

    // persona none: no thumbnails attachment
    const plain = join(dir, 'plain');
    await runVault(undefined, ['init', plain]);
    await writeFile(
      join(plain, 'a.png'),
      png(8, 8, () => RED),
    );
    assert.is((await runVault(plain, ['commit', '-m', 'x'])).code, 0);
    const tl2 = JSON.parse((await runVault(plain, ['timeline', '--json'])).stdout);
    assert.is(tl2[0].files[0].thumbnail, null);
  } finally {
    await tmp.remove();
  }
});

test.run();
