import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { updateRef } from '../../src/refs/refs.js';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { ls } from '../../src/porcelain/ls.js';
import { memVault } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('porcelain/log');

async function history(n: number) {
  const t = await memVault({ 'a.txt': 'v0', Art: { 'b.txt': 'b' } });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i) await t.fs.writeFile('/work/a.txt', `v${i}`);
    ids.push((await commit({ vault: t.vault, message: `change ${i}` })).id!);
  }
  return { t, ids };
}

const tag = (t: Awaited<ReturnType<typeof memVault>>, ref: string, value: string) =>
  updateRef({ ...t.vault.refs, ref, value, message: 'tag', author: 'x', time: 1 });

test('empty vault: no entries', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  assert.equal(await log({ vault: t.vault }), []);
});

test('newest first along first parents, with ref names; limit; from', async () => {
  const { t, ids } = await history(4);
  await tag(t, 'refs/tags/v1', must(ids[1]));
  await tag(t, 'refs/milestones/alpha', must(ids[2]));
  const l = await log({ vault: t.vault });
  assert.equal(
    l.map((e) => e.id),
    [...ids].reverse(),
  );
  assert.equal(
    l.map((e) => e.message),
    ['change 3', 'change 2', 'change 1', 'change 0'],
  );
  assert.equal(
    l.map((e) => e.refs),
    [['main'], ['milestones/alpha'], ['tags/v1'], []],
  );
  assert.equal(
    (await log({ vault: t.vault, limit: 2 })).map((e) => e.id),
    [ids[3], ids[2]],
  );
  assert.equal(
    (await log({ vault: t.vault, from: 'v1' })).map((e) => e.id),
    [ids[1], ids[0]],
  );
  assert.equal(
    (await log({ vault: t.vault, milestonesOnly: true })).map((e) => e.id),
    [ids[2]],
  );
});

test('ls lists a snapshot, or a folder or file in it; a missing path is ENOPATH', async () => {
  const { t, ids } = await history(2);
  assert.equal((await ls({ vault: t.vault, rev: 'HEAD' })).entries.map((e) => e.path).sort(), [
    'Art',
    'Art/b.txt',
    'a.txt',
  ]);
  assert.equal(
    (await ls({ vault: t.vault, rev: must(ids[0]), path: 'Art' })).entries.map((e) => e.path),
    ['Art/b.txt'],
  );
  const one = await ls({ vault: t.vault, rev: 'HEAD', path: './a.txt' });
  assert.equal(
    one.entries.map((e) => [e.path, e.size]),
    [['a.txt', 2]],
  );
  try {
    await ls({ vault: t.vault, rev: 'HEAD', path: 'nope' });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'ENOPATH');
  }
});

test('a parent missing from the vault: ENOOBJECT (a damaged vault), not "unknown snapshot"', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  const tree = (await commit({ vault: t.vault, message: 'a' })).tree;
  const gone = 'e'.repeat(64);
  const orphan = await t.vault.db.writeLoose(
    'snapshot',
    encodeSnapshot({ tree, parents: [gone], author: 'x', time: 0, message: 'orphan', meta: {} }),
  );
  try {
    await log({ vault: t.vault, from: orphan });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'ENOOBJECT');
  }
  assert.equal(
    (await log({ vault: t.vault, from: orphan, limit: 1 })).map((e) => e.id),
    [orphan],
  );
});

test.run();
