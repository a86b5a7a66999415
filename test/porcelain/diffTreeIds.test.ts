// diffTreeIds (reads only differing folders) gives exactly what diffFlat of the two flattened trees gives
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { flattenTree } from '../../src/plumbing/trees.js';
import { commit } from '../../src/porcelain/commit.js';
import { diffFlat, diffTreeIds } from '../../src/porcelain/diffTrees.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { joinPath } from '../../src/plumbing/fs.js';
import { memVault } from '../helpers/vault.js';

const test = suite('porcelain/diffTreeIds');

test('same result as diffFlat over adds, edits, deletes, renames across folders, file<->folder swaps; unchanged folders are not read', async () => {
  const t = await memVault({
    Art: { 'a.png': 'A', 'b.png': 'B', deep: { 'c.png': 'C' } },
    Audio: { 'x.wav': 'X'.repeat(100) },
    Same: { 'keep.txt': 'k', more: { 'k2.txt': 'k2' } },
    'top.txt': 'top',
    swap: 'was a file',
  });
  await commit({ vault: t.vault, message: 'one' });
  const w = (p: string) => joinPath(t.dir, p);
  await t.fs.writeFile(w('Art/a.png'), 'A2');
  await t.fs.rename(w('Art/deep/c.png'), w('Audio/c-moved.png'));
  await t.fs.unlink(w('top.txt'));
  await t.fs.writeFile(w('new.txt'), 'new');
  await t.fs.unlink(w('swap'));
  await t.fs.mkdir(w('swap'));
  await t.fs.writeFile(w('swap/inner.txt'), 'now a folder');
  await commit({ vault: t.vault, message: 'two' });
  const [one, two] = [await readSnapshot(t.vault, 'HEAD~1'), await readSnapshot(t.vault, 'HEAD')];
  const expected = diffFlat(await flattenTree(t.vault.db, one.tree), await flattenTree(t.vault.db, two.tree));
  const same = [...(await flattenTree(t.vault.db, one.tree)).values()].find((e) => e.path === 'Same')!;
  const reads: string[] = [];
  const orig = t.vault.db.readTyped.bind(t.vault.db);
  t.vault.db.readTyped = (async (id: string, type: 'tree') => {
    reads.push(id);
    return orig(id, type);
  }) as typeof t.vault.db.readTyped;
  const got = await diffTreeIds(t.vault.db, one.tree, two.tree);
  assert.equal(got, expected);
  assert.equal(
    got.renamed.map((c) => `${c.from} -> ${c.path}`),
    ['Art/deep/c.png -> Audio/c-moved.png'],
  );
  assert.not.ok(reads.includes(same.id), 'an unchanged folder is not read');
  // from nothing: everything is added
  assert.equal((await diffTreeIds(t.vault.db, null, one.tree)).added.length, 8);
});

test.run();
