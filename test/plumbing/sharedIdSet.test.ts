// The shared id set of a commit's store threads: an id is claimed once; a set filled past its limit still answers
// (new ids: store them; recorded ids: stored already) instead of failing the commit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { ObjectDatabase } from '../../src/plumbing/ObjectDatabase.js';
import { decodePackIndex } from '../../src/plumbing/pack/index.js';
import { SharedIdSet } from '../../src/plumbing/sharedIdSet.js';
import { memFs } from '../helpers/memfs.js';

const test = suite('plumbing/sharedIdSet');

const id = (i: number) => hashObject('blob', Buffer.from(`object ${i}`));

test('an id is added once; has() finds what add() recorded', () => {
  const set = SharedIdSet.create(100);
  assert.ok(set.add(id(1)));
  assert.not.ok(set.add(id(1)));
  assert.ok(set.has(id(1)));
  assert.not.ok(set.has(id(2)));
});

test('an id added as bytes (at any offset) is the id added as hex, and the other way round', () => {
  const set = SharedIdSet.create(200);
  for (let i = 0; i < 64; i++) {
    const hex = id(i);
    const bytes = Buffer.concat([Buffer.alloc(i % 7, 0xff), Buffer.from(hex, 'hex')]);
    if (i % 2) {
      assert.ok(set.addBytes(bytes, i % 7), `${i} added`);
      assert.ok(set.has(hex), `${i} found by hex`);
      assert.not.ok(set.add(hex), `${i} not added twice`);
    } else {
      assert.ok(set.add(hex), `${i} added`);
      assert.not.ok(set.addBytes(bytes, i % 7), `${i} not added twice`);
    }
  }
  assert.ok(
    [0, 1, 2, 3, 4, 5, 6, 7].some((i) => id(i).charCodeAt(0) >= 56),
    'ids whose first word is negative as an int32 are among them',
  );
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

test('a writer whose set is full still stores each id once (its own queue takes over)', async () => {
  const { fs } = memFs({ '/v/.vault/.keep': '' });
  const db = await ObjectDatabase.open({ fs, vaultDir: '/v/.vault', codec: new InlineCodec() });
  const shared = SharedIdSet.create(10);
  const w = db.writer({ shared });
  const n = shared.capacity + 100;
  for (let round = 0; round < 2; round++)
    for (let i = 0; i < n; i++) await w.put('blob', Buffer.from(`object ${i}`), { compress: false });
  assert.ok(shared.full, 'the set filled up');
  assert.ok(await w.known(hashObject('blob', Buffer.from(`object ${n - 1}`))), 'an unrecorded id is known');
  await w.flush();
  const idx = ((await fs.readdir('/v/.vault/packs')) as string[]).filter((f) => f.endsWith('.idx'));
  const ids = [];
  for (const f of idx)
    ids.push(...decodePackIndex((await fs.readFile(`/v/.vault/packs/${f}`)) as Buffer, f).map((e) => e.id));
  assert.is(ids.length, n, 'every object once');
  assert.is(new Set(ids).size, n);
});

test.run();
