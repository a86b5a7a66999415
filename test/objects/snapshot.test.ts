import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSnapshot, encodeSnapshot } from '../../src/objects/snapshot.js';
import { hashObject, isObjectId } from '../../src/objects/hashObject.js';
import type { Snapshot } from '../../src/objects/types.js';
import { codeOfSync } from '../helpers/vault.js';

const test = suite('objects/snapshot');

const TREE = '1'.repeat(64);
const P1 = '2'.repeat(64);
const P2 = '3'.repeat(64);

const SNAP: Snapshot = {
  tree: TREE,
  parents: [P1, P2],
  author: 'Tess Ter <tess@example.org>',
  time: 1_700_000_000_000,
  message: 'blocked out the castle\n\nsecond paragraph, ünïcødé',
  meta: { persona: 'game', 'build.id': '42' },
};

test('encode then decode gives the snapshot back', () => {
  assert.equal(decodeSnapshot(encodeSnapshot(SNAP)), SNAP);
  const root: Snapshot = { ...SNAP, parents: [], meta: {} };
  assert.equal(decodeSnapshot(encodeSnapshot(root)), root);
});

test('same snapshot, same id: meta key order and field order do not matter', () => {
  const a = encodeSnapshot(SNAP);
  const b = encodeSnapshot({
    meta: { 'build.id': '42', persona: 'game' },
    message: SNAP.message,
    time: SNAP.time,
    author: SNAP.author,
    parents: SNAP.parents,
    tree: SNAP.tree,
  });
  assert.ok(a.equals(b));
  const id = hashObject('snapshot', a);
  assert.ok(isObjectId(id));
  assert.is(id, hashObject('snapshot', encodeSnapshot(decodeSnapshot(a))));
});

test('the id covers every field, and parent order', () => {
  const ids = new Set(
    [
      SNAP,
      { ...SNAP, tree: P1 },
      { ...SNAP, parents: [P2, P1] },
      { ...SNAP, parents: [P1] },
      { ...SNAP, author: 'someone else' },
      { ...SNAP, time: SNAP.time + 1 },
      { ...SNAP, message: 'other' },
      { ...SNAP, meta: { persona: 'creative', 'build.id': '42' } },
    ].map((s) => hashObject('snapshot', encodeSnapshot(s))),
  );
  assert.is(ids.size, 8);
});

test('the id is the SHA-256 of "snapshot <len>\\0" + body', async () => {
  const { createHash } = await import('node:crypto');
  const body = encodeSnapshot(SNAP);
  const want = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`snapshot ${body.length}\0`), body]))
    .digest('hex');
  assert.is(hashObject('snapshot', body), want);
});

const body = (over: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ ...JSON.parse(encodeSnapshot(SNAP).toString()), ...over }));
const without = (key: string) => {
  const o = JSON.parse(encodeSnapshot(SNAP).toString());
  delete o[key];
  return Buffer.from(JSON.stringify(o));
};

const BAD: [string, Buffer][] = [
  ['not JSON', Buffer.from('tree: 1111')],
  ['JSON null', Buffer.from('null')],
  ['a JSON string', Buffer.from('"snapshot"')],
  ['no tree', without('tree')],
  ['short tree id', body({ tree: 'abcd' })],
  ['upper-case tree id', body({ tree: 'A'.repeat(64) })],
  ['parents not a list', body({ parents: P1 })],
  ['a bad parent id', body({ parents: [P1, 'nope'] })],
  ['author not a string', body({ author: 7 })],
  ['time as a string', body({ time: '1700000000000' })],
  ['fractional time', body({ time: 1.5 })],
  ['no time', without('time')],
  ['message not a string', body({ message: null })],
  ['no meta', without('meta')],
  ['meta a list', body({ meta: ['a'] })],
  ['meta null', body({ meta: null })],
  ['a meta value not a string', body({ meta: { n: 1 } })],
];

for (const [what, b] of BAD) {
  test(`decode rejects a snapshot with ${what}: EMALFORMED`, () => {
    assert.is(
      codeOfSync(() => decodeSnapshot(b)),
      'EMALFORMED',
    );
  });
}

test.run();
