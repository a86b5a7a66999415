// checkExpansion and syncLimits: what a checkout may expand to, measured on the tree graph alone.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { encodeTree } from '../../src/objects/tree.js';
import type { ObjectId, TreeEntry } from '../../src/objects/types.js';
import { checkExpansion, MAX_DEPTH, syncLimits } from '../../src/porcelain/sync/limits.js';
import { codeOf, codeOfSync, memVault } from '../helpers/vault.js';

const test = suite('sync/limits');

const file = (name: string, size: number, seed = name): TreeEntry => ({
  name,
  kind: 'file',
  size,
  mtime: 0,
  obj: 'blob',
  id: hashObject('blob', Buffer.from(seed)),
});
const dir = (name: string, id: ObjectId): TreeEntry => ({ name, kind: 'dir', size: 0, mtime: 0, obj: 'tree', id });

test('a tree reusing one subtree at every level is measured in N reads and refused; honest trees pass', async () => {
  const { vault } = await memVault();
  const w = vault.db.writer();
  const put = (entries: TreeEntry[]) => w.put('tree', encodeTree({ entries }));
  let t = await put([file('x.txt', 1)]);
  for (let i = 0; i < 60; i++) t = await put([dir('a', t), dir('b', t)]);
  // 1100 nested folders: deeper than any file system holds
  let deep = await put([file('leaf', 1)]);
  for (let i = 0; i < MAX_DEPTH + 76; i++) deep = await put([dir('d', deep)]);
  const files: TreeEntry[] = [];
  for (let i = 0; i < 300; i++) files.push(file(`f${i}.bin`, 1_000_000, `content ${i}`));
  const honest = await put([...files, dir('copy', await put(files.slice(0, 10)))]);
  await w.flush();

  assert.is(await codeOf(() => checkExpansion(vault.db, t)), 'ELIMIT');
  assert.is(await codeOf(() => checkExpansion(vault.db, deep)), 'ELIMIT');
  const ok = await checkExpansion(vault.db, honest);
  assert.equal(ok, { bytes: 310_000_000, entries: 311, depth: 1 });
  // what the user allows wins over the defaults
  assert.is(await codeOf(() => checkExpansion(vault.db, honest, { maxBytes: 300_000_000 })), 'ELIMIT');
  assert.is(await codeOf(() => checkExpansion(vault.db, honest, { maxFiles: 100 })), 'ELIMIT');
  await vault.close();
});

test('syncLimits: sizes with units from options (they win) or the environment; nonsense is EUSAGE', () => {
  assert.equal(syncLimits({ maxSize: '2G', maxFiles: '5000' }, { VAULT_SYNC_MAX_SIZE: '1T' }), {
    maxBytes: 2 * 1024 ** 3,
    maxFiles: 5000,
    maxObjectBytes: undefined,
  });
  assert.is(syncLimits({}, { VAULT_SYNC_MAX_SIZE: '1.5MiB' }).maxBytes, 1.5 * 1024 * 1024);
  for (const bad of ['-1', 'abc', '1e309', 'NaN', '0', '5 parsecs'])
    assert.is(
      codeOfSync(() => syncLimits({ maxSize: bad })),
      'EUSAGE',
      bad,
    );
  for (const bad of ['-1', 'abc', '1.5', '0'])
    assert.is(
      codeOfSync(() => syncLimits({ maxFiles: bad })),
      'EUSAGE',
      bad,
    );
});

test.run();
