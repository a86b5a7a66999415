// The shared id set of a commit's store threads: an id is claimed once; a set filled past its limit still answers
// (new ids: store them; recorded ids: stored already) instead of failing the commit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { SharedIdSet } from '../../src/plumbing/sharedIdSet.js';

const test = suite('plumbing/sharedIdSet');

const id = (i: number) => hashObject('blob', Buffer.from(`object ${i}`));

test('an id is added once; has() finds what add() recorded', () => {
  const set = SharedIdSet.create(100);
  assert.ok(set.add(id(1)));
  assert.not.ok(set.add(id(1)));
  assert.ok(set.has(id(1)));
  assert.not.ok(set.has(id(2)));
});

test('past 7/8 full: new ids answer true unrecorded, recorded ids still false; never throws', () => {
  const set = SharedIdSet.create(10);
  const slots = set.capacity;
  const n = slots * 2;
  const added: boolean[] = [];
  for (let i = 0; i < n; i++) added.push(set.add(id(i)));
  assert.ok(added.every(Boolean), 'every new id is the caller to store');
  const recorded = Array.from({ length: n }, (_, i) => i).filter((i) => set.has(id(i)));
  assert.is(recorded.length, slots - slots / 8, 'exactly the limit is recorded');
  for (const i of recorded) assert.not.ok(set.add(id(i)), `recorded id ${i} is not stored again`);
  const unrecorded = Array.from({ length: n }, (_, i) => i).find((i) => !set.has(id(i)))!;
  assert.ok(set.add(id(unrecorded)), 'an unrecorded id is stored (maybe twice: allowed)');
});

test.run();
