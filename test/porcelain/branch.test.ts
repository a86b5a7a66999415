import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { createBranch, deleteBranch, listBranches } from '../../src/porcelain/branch.js';
import { switchBranch } from '../../src/porcelain/switchBranch.js';
import { readHead } from '../../src/refs/refs.js';
import { edit, read } from '../helpers/branches.js';
import { listTree } from '../helpers/tree.js';
import { codeOf, memVault } from '../helpers/vault.js';

const test = suite('porcelain/branch');

async function twoBranches() {
  const t = await memVault({ 'a.txt': 'a', dir: { 'b.txt': 'b' } });
  const base = (await commit({ vault: t.vault, message: 'base' })).id!;
  await switchBranch({ vault: t.vault, name: 'art', create: true });
  await edit(t.fs, t.dir, { 'a.txt': 'a on art', 'dir/b.txt': null, 'new/c.txt': 'c' });
  const art = (await commit({ vault: t.vault, message: 'art' })).id!;
  return { t, base, art };
}

test('list, create at a snapshot, names checked, existing refused unless forced (never the current one)', async () => {
  const { t, base, art } = await twoBranches();
  const l = await listBranches({ vault: t.vault });
  assert.is(l.current, 'art');
  assert.equal(
    l.branches.map((b) => [b.name, b.id, b.current]),
    [
      ['art', art, true],
      ['main', base, false],
    ],
  );
  assert.equal(await createBranch({ vault: t.vault, name: 'later/fix', start: 'main' }), {
    name: 'later/fix',
    id: base,
    current: false,
  });
  assert.is(await codeOf(() => createBranch({ vault: t.vault, name: 'main' })), 'EEXIST');
  assert.is((await createBranch({ vault: t.vault, name: 'main', force: true })).id, art);
  assert.is(await codeOf(() => createBranch({ vault: t.vault, name: 'art', start: base, force: true })), 'ECURRENT');
  for (const bad of ['a..b', '-x', 'HEAD', 'x.lock', 'sp ace'])
    assert.is(await codeOf(() => createBranch({ vault: t.vault, name: bad })), 'EBADREF', bad);
  assert.is(await codeOf(() => createBranch({ vault: t.vault, name: 'x', start: 'nope' })), 'EUNKNOWNREV');
});

test('delete: refused for the current branch and for unmerged work (-D deletes anyway)', async () => {
  const { t } = await twoBranches();
  assert.is(await codeOf(() => deleteBranch({ vault: t.vault, name: 'art' })), 'ECURRENT');
  await switchBranch({ vault: t.vault, name: 'main' });
  assert.is(await codeOf(() => deleteBranch({ vault: t.vault, name: 'art' })), 'EUNMERGED');
  assert.is(await codeOf(() => deleteBranch({ vault: t.vault, name: 'nope' })), 'ENOREF');
  await createBranch({ vault: t.vault, name: 'copy' }); // main's snapshot is in main: deleting a copy is safe
  assert.is((await deleteBranch({ vault: t.vault, name: 'copy' })).name, 'copy');
  assert.is((await deleteBranch({ vault: t.vault, name: 'art', force: true })).name, 'art');
  assert.equal(
    (await listBranches({ vault: t.vault })).branches.map((b) => b.name),
    ['main'],
  );
});

test('switch brings the folder to the branch (removing what it lacks) and back', async () => {
  const { t } = await twoBranches();
  const onArt = await listTree(t.fs, t.dir);
  const r = await switchBranch({ vault: t.vault, name: 'main' });
  assert.equal(r.notDone, []);
  assert.equal(await listTree(t.fs, t.dir), [
    'file a.txt 1 ca978112ca1bbdca',
    'dir  dir',
    'file dir/b.txt 1 3e23e8160039594a',
  ]);
  assert.is((await readHead(t.vault.refs)).ref, 'refs/heads/main');
  await switchBranch({ vault: t.vault, name: 'art' });
  assert.equal(await listTree(t.fs, t.dir), onArt);
  assert.is(await codeOf(() => switchBranch({ vault: t.vault, name: 'nope' })), 'ENOREF');
});

test('switch carries uncommitted changes it does not touch, and refuses (EDIRTY) to overwrite one', async () => {
  const { t } = await twoBranches();
  await edit(t.fs, t.dir, { 'new/c.txt': 'c edited', 'scratch.txt': 'mine' });
  const err = await switchBranch({ vault: t.vault, name: 'main' }).catch((e) => e);
  assert.is(err.code, 'EDIRTY');
  assert.equal(err.data.paths, ['new/c.txt']);
  assert.is((await readHead(t.vault.refs)).ref, 'refs/heads/art');
  assert.is(await read(t, 'new/c.txt'), 'c edited');
  await edit(t.fs, t.dir, { 'new/c.txt': 'c' });
  await switchBranch({ vault: t.vault, name: 'main' });
  assert.is(await read(t, 'scratch.txt'), 'mine');
  assert.is(await read(t, 'a.txt'), 'a');
  // an untracked file where the branch has one is in the way too
  await edit(t.fs, t.dir, { 'scratch.txt': null, 'new/c.txt': 'not the same c' });
  assert.equal((await switchBranch({ vault: t.vault, name: 'art' }).catch((e) => e)).data.paths, ['new/c.txt']);
});

test.run();
