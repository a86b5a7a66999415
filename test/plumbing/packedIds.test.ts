// The object database's index in columns (PackedIds): every entry found again with its fields, across the
// table's growth and the 64k-row segments; the first entry of an id stays; ids with the same first bytes
// (one hash slot) are told apart.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { OBJECT_TYPES } from '../../src/objects/types.js';
import type { PackEntry } from '../../src/plumbing/pack/index.js';
import { PackedIds } from '../../src/plumbing/packedIds.js';
import { encodePackIndex, inflatePackIndex } from '../../src/plumbing/pack/packIndex.js';

const test = suite('plumbing/packedIds');

function entry(i: number): PackEntry {
  return {
    id: hashObject('blob', Buffer.from(`object ${i}`)),
    offset: i * 4099 + 2 ** 33,
    length: (i * 7) % 100_000,
    rawLength: (i * 13) % 4_000_000_000,
    type: OBJECT_TYPES[i % OBJECT_TYPES.length]!,
    codec: i % 3,
  };
}

test('150k entries over three segments: each found with its fields and pack, absent ids not', () => {
  const ids = new PackedIds();
  const n = 150_000;
  for (let i = 0; i < n; i++) assert.ok(ids.add(entry(i), i % 7));
  assert.is(ids.size, n);
  for (let i = 0; i < n; i += 997) {
    const r = ids.find(entry(i).id);
    assert.is(r, i, 'rows in the order added');
    assert.equal(ids.entry(r), entry(i));
    assert.is(ids.pack(r), i % 7);
    assert.is(ids.id(r), entry(i).id);
  }
  assert.is(ids.find(hashObject('blob', Buffer.from('never added'))), -1);
  assert.not.ok(ids.has('not an id'));
});

test('the first entry of an id stays; ids sharing their first bytes are told apart', () => {
  const ids = new PackedIds();
  const a = { ...entry(1), id: 'ab'.repeat(4) + '0'.repeat(56) };
  const b = { ...entry(2), id: 'ab'.repeat(4) + '1'.repeat(56) };
  assert.ok(ids.add(a, 0));
  assert.ok(ids.add(b, 1));
  assert.not.ok(ids.add({ ...a, offset: 5 }, 2), 'already there');
  assert.equal(ids.entry(ids.find(a.id)), a);
  assert.is(ids.pack(ids.find(b.id)), 1);
  assert.is(ids.find('ab'.repeat(4) + '2'.repeat(56)), -1);
});

test('addIndex reads a stored index straight from its bytes: the same rows as add, offsets above 4 GiB too', () => {
  const first = Array.from({ length: 70_000 }, (_, i) => entry(i));
  const second = Array.from({ length: 1000 }, (_, i) => ({ ...entry(69_500 + i), offset: 7 }));
  const byBytes = new PackedIds();
  byBytes.addIndex(inflatePackIndex(encodePackIndex(first), 'a.idx'), 0);
  byBytes.addIndex(inflatePackIndex(encodePackIndex(second), 'b.idx'), 1);
  assert.is(byBytes.size, 70_500, 'ids already there stay as they were');
  for (const [e, pack] of [...first.map((x) => [x, 0] as const), ...second.slice(500).map((x) => [x, 1] as const)]) {
    const r = byBytes.find(e.id);
    assert.ok(r >= 0, e.id);
    assert.equal(byBytes.entry(r), e);
    assert.is(byBytes.pack(r), pack);
  }
  assert.is(byBytes.entry(byBytes.find(entry(69_999).id)).offset, entry(69_999).offset, 'first pack wins');
});

test.run();
