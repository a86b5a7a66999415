// A pack writer gathers small records in a 1 MiB buffer that is handed to the next pack once its pack is sealed
// or dropped (left to the collector, one per pack, it grew an initial commit's peak RSS with its content). A
// pack written with a buffer another pack used, while that pack is still being sealed or after it was dropped,
// must hold exactly its own records.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { PackWriter } from '../../src/plumbing/pack/index.js';
import { PACK_MAGIC, encodeRecordHeader, type RawRecord } from '../../src/plumbing/pack/record.js';
import { around, memFs, onOpen } from '../helpers/memfs.js';
import { prngBytes } from '../helpers/prng.js';

const test = suite('plumbing/packWriter');

/** `n` blob records of 1-40 KiB (all gathered, none written straight), seeded. */
function records(seed: number, n: number): RawRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const payload = prngBytes(seed * 1000 + i, 1024 + ((seed * 7919 + i * 104729) % (39 * 1024)));
    return { id: hashObject('blob', payload), type: 'blob', codec: 0, rawLength: payload.length, payload };
  });
}

/** The bytes a pack of `recs` must hold. */
function expected(recs: RawRecord[]): Buffer {
  const parts: Buffer[] = [Buffer.from(PACK_MAGIC, 'latin1')];
  for (const r of recs)
    parts.push(encodeRecordHeader(r.codec, r.type, r.rawLength, r.payload.length), Buffer.from(r.payload));
  return Buffer.concat(parts);
}

async function packBytes(fs: FsPromises, name: string): Promise<Buffer> {
  return (await fs.readFile(`/v/packs/${name}.pack`)) as Buffer;
}

/** Writes that take a while, as on a disk: the bytes are taken when the write happens, not when it is asked. */
function slowWrites(fs: FsPromises): FsPromises {
  return onOpen(fs, (fh) =>
    around(fh, 'write', async (write, ...a) => {
      await new Promise((r) => setTimeout(r, 2));
      return write(...a);
    }),
  );
}

test('packs written one after another, overlapping a seal and after an abort, hold exactly their records', async () => {
  const { fs: mem } = memFs({ '/v/.keep': '' });
  const fs = slowWrites(mem);
  const sets = [records(1, 80), records(2, 75), records(3, 90), records(4, 40), records(5, 80)];
  // 1: written and sealed; its buffer goes to the next packs
  const a = await PackWriter.create(fs, '/v/packs');
  for (const r of sets[0]!) await a.add(r);
  const sa = await a.seal();
  // 2 and 3: 3 starts (and fills) while 2 is being sealed
  const b = await PackWriter.create(fs, '/v/packs');
  for (const r of sets[1]!) await b.add(r);
  const sealingB = b.seal();
  const c = await PackWriter.create(fs, '/v/packs');
  for (const r of sets[2]!) await c.add(r);
  const sb = await sealingB;
  // 4: dropped half way; 5 takes its buffer
  const d = await PackWriter.create(fs, '/v/packs');
  for (const r of sets[3]!) await d.add(r);
  await d.abort();
  const e = await PackWriter.create(fs, '/v/packs');
  for (const r of sets[4]!) await e.add(r);
  const [sc, se] = [await c.seal(), await e.seal()];
  for (const [what, sealed, recs] of [
    ['first', sa, sets[0]!],
    ['sealed while the next was written', sb, sets[1]!],
    ['written while the one before was sealed', sc, sets[2]!],
    ['after one was dropped', se, sets[4]!],
  ] as const) {
    const bytes = await packBytes(fs, sealed.name);
    assert.ok(bytes.length > 1024 * 1024, `${what}: over one gathering buffer`);
    assert.ok(bytes.equals(expected([...recs])), `${what}: exactly its records`);
    assert.is(sealed.index.count, recs.length);
  }
  const left = ((await fs.readdir('/v/packs')) as string[]).filter((n) => n.startsWith('tmp-'));
  assert.equal(left, [], 'the dropped pack left nothing');
});

test.run();
