// The streaming pack reader against packs git itself writes (with ofs-deltas and chains of them).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PackFileReader, applyDelta } from '../../src/plumbing/git/packReader.js';
import { codeOf, nodeFs, tempDir } from '../helpers/vault.js';
import { run } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite('sync/packReader');

function packObjects(dir: string, revs: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = spawn(
      'git',
      ['-C', dir, 'pack-objects', '--stdout', '--revs', '--delta-base-offset', '--window=50', '--depth=20'],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    const parts: Buffer[] = [];
    c.stdout.on('data', (d: Buffer) => parts.push(d));
    c.on('error', reject);
    c.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(parts)) : reject(new Error(`pack-objects exit ${code}`)),
    );
    c.stdin.end(`${revs}\n`);
  });
}

test('reads every object of a git pack with delta chains, byte for byte', async () => {
  const t = await tempDir('vault-pack-');
  const dir = `${t.path}/repo`;
  const g = (...a: string[]) => run('git', ['-C', dir, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
  await run('git', ['init', '-q', '-b', 'main', dir]);
  await g('config', 'user.email', 't@example.org');
  await g('config', 'user.name', 'T');
  let text = Array.from({ length: 4000 }, (_, i) => `line ${i} of a long text file that git will deltify\n`).join('');
  for (let i = 0; i < 6; i++) {
    text = text.replace(`line ${i * 100} `, `edited line ${i * 100} `) + `appended ${i}\n`;
    await writeFile(`${dir}/notes.txt`, text);
    await writeFile(`${dir}/n${i}.txt`, `small ${i}\n`);
    await g('add', '-A');
    await g('commit', '-q', '-m', `c${i}`);
  }
  const pack = await packObjects(dir, 'main');
  console.log(`    pack: ${pack.length} bytes for 6 versions of a ${text.length}-byte file`);
  assert.ok(pack.length < 40_000, 'git deltified the versions (so the delta path is tested)');
  await writeFile(`${t.path}/p.pack`, pack);
  const r = await PackFileReader.open(nodeFs, `${t.path}/p.pack`);
  const all = (await g('rev-list', '--objects', 'main')).stdout
    .trim()
    .split('\n')
    .map((l) => must(l.split(' ')[0], 'an object id'));
  assert.is(r.objectCount, all.length);
  for (const oid of all) {
    const o = await r.read(oid);
    assert.ok(o, oid);
    const type = (await g('cat-file', '-t', oid)).stdout.trim();
    const body = (await run('git', ['-C', dir, 'cat-file', type, oid], { encoding: 'buffer', maxBuffer: 64 << 20 }))
      .stdout as Buffer;
    assert.is(o!.type, type);
    assert.ok(o!.body.equals(body), `content of ${oid}`);
  }
  await r.close();
  // a truncated download is refused
  await writeFile(`${t.path}/bad.pack`, pack.subarray(0, pack.length - 100));
  assert.is(await codeOf(() => PackFileReader.open(nodeFs, `${t.path}/bad.pack`)), 'ECORRUPT');
  await t.remove();
});

test('applyDelta: copy and insert instructions; a corrupt delta is refused', () => {
  const base = Buffer.from('hello world');
  // base size 11, result 11: copy 6 bytes from 0 ("hello "), insert "there"
  const delta = Buffer.from([11, 11, 0x80 | 0x10, 6, 5, ...Buffer.from('there')]);
  assert.is(applyDelta(base, delta, () => new Error('bad')).toString(), 'hello there');
  assert.throws(() => applyDelta(base, Buffer.from([12, 1, 1, 65]), () => new Error('bad')));
});

// ---- hostile packs, written byte by byte ----

interface RawObject {
  /** 1 commit, 2 tree, 3 blob, 6 ofs-delta */
  kind: number;
  /** the size the header declares */
  size: number;
  /** the zlib stream that follows */
  data: Buffer;
  /** ofs-delta: how far back its base starts */
  ofs?: number;
}

function header(kind: number, size: number): number[] {
  const out: number[] = [];
  let byte = (kind << 4) | (size % 16);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    out.push(byte | 0x80);
    byte = rest % 128;
    rest = Math.floor(rest / 128);
  }
  out.push(byte);
  return out;
}

function ofsBytes(ofs: number): number[] {
  const out = [ofs & 0x7f];
  while ((ofs >>= 7)) out.unshift(0x80 | (--ofs & 0x7f));
  return out;
}

/** A pack of these objects (each at the offset the previous ones leave), with a valid trailer. */
function rawPack(objects: RawObject[], count = objects.length): { pack: Buffer; offsets: number[] } {
  const countField = Buffer.alloc(4);
  countField.writeUInt32BE(count);
  const parts: Buffer[] = [Buffer.from('PACK'), Buffer.from([0, 0, 0, 2]), countField];
  let pos = 12;
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(pos);
    const head = Buffer.from([...header(o.kind, o.size), ...(o.ofs !== undefined ? ofsBytes(o.ofs) : [])]);
    parts.push(head, o.data);
    pos += head.length + o.data.length;
  }
  const body = Buffer.concat(parts);
  return { pack: Buffer.concat([body, createHash('sha1').update(body).digest()]), offsets };
}

const gitId = (type: string, body: Buffer) =>
  createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');

/** A delta (git's format) that copies `base` `times` times, 64 KiB per instruction where it can. */
function copyDelta(baseSize: number, resultSize: number, instructions: number[]): Buffer {
  const varint = (n: number) => {
    const out: number[] = [];
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) b |= 0x80;
      out.push(b);
    } while (n > 0);
    return out;
  };
  return Buffer.from([...varint(baseSize), ...varint(resultSize), ...instructions]);
}

async function openRaw(objects: RawObject[], limits = {}, count?: number) {
  const t = await tempDir('vault-pack-');
  const { pack } = rawPack(objects, count);
  await writeFile(`${t.path}/p.pack`, pack);
  try {
    return { code: await codeOf(() => PackFileReader.open(nodeFs, `${t.path}/p.pack`, undefined, limits)) };
  } finally {
    await t.remove();
  }
}

test('hostile packs: objects bigger than declared, lying counts and huge deltas are refused with typed errors', async () => {
  const zeros = deflateSync(Buffer.alloc(4 * 1024 * 1024));
  // declares 10 bytes, inflates to 4 MiB: refused without inflating more than it declared
  assert.is((await openRaw([{ kind: 3, size: 10, data: zeros }])).code, 'ECORRUPT');
  // declares 9 MiB (so it is streamed), inflates to more
  const big = deflateSync(Buffer.alloc(12 * 1024 * 1024));
  assert.is((await openRaw([{ kind: 3, size: 9 * 1024 * 1024, data: big }])).code, 'ECORRUPT');
  // ... and to less
  assert.is((await openRaw([{ kind: 3, size: 13 * 1024 * 1024, data: big }])).code, 'ECORRUPT');
  // the header promises more objects than the pack holds
  const small = deflateSync(Buffer.from('hello\n'));
  assert.is((await openRaw([{ kind: 3, size: 6, data: small }], {}, 5)).code, 'ECORRUPT');
  // a delta whose result would be 1 TiB: refused before anything is allocated
  const base = Buffer.from('x'.repeat(100));
  const huge = copyDelta(100, 2 ** 40, [0x80 | 0x10, 100]);
  const delta = { kind: 6, size: huge.length, data: deflateSync(huge) };
  const baseObj = { kind: 3, size: 100, data: deflateSync(base) };
  const first = must(rawPack([baseObj]).offsets[0], 'the offset of the base');
  const deltaAt = 12 + header(3, 100).length + baseObj.data.length;
  assert.is((await openRaw([baseObj, { ...delta, ofs: deltaAt - first }])).code, 'ELIMIT');
  // deltas that each copy their base into 32 MiB: fine one by one, refused once the total passes the limit
  const copies: number[] = [];
  for (let i = 0; i < 512; i++) copies.push(0x80 | 0x10 | 0x20 | 0x40, 0, 0, 1); // copy 65536 bytes from 0
  const base64k = { kind: 3, size: 65536, data: deflateSync(Buffer.alloc(65536, 7)) };
  const d = copyDelta(65536, 512 * 65536, copies);
  const objs: RawObject[] = [base64k];
  let at = 12 + header(3, 65536).length + base64k.data.length;
  for (let i = 0; i < 4; i++) {
    const data = deflateSync(d);
    objs.push({ kind: 6, size: d.length, data, ofs: at - 12 });
    at += header(6, d.length).length + ofsBytes(at - 12).length + data.length;
  }
  assert.is((await openRaw(objs, { maxTotalBytes: 100 * 1024 * 1024 })).code, 'ELIMIT');
  // ... and with a per-object cap below 32 MiB
  assert.is((await openRaw(objs.slice(0, 2), { maxObjectBytes: 16 * 1024 * 1024 })).code, 'ELIMIT');
});

test('a big object is streamed: read whole it is ELIMIT over maxObjectBytes, readStream gives it back', async () => {
  const t = await tempDir('vault-pack-');
  const bigBody = Buffer.alloc(20 * 1024 * 1024);
  for (let i = 0; i < bigBody.length; i += 4096) bigBody.writeUInt32BE(i, i);
  const small = Buffer.from('after the big one\n');
  const { pack } = rawPack([
    { kind: 3, size: bigBody.length, data: deflateSync(bigBody) },
    { kind: 3, size: small.length, data: deflateSync(small) },
  ]);
  await writeFile(`${t.path}/p.pack`, pack);
  const r = await PackFileReader.open(nodeFs, `${t.path}/p.pack`, undefined, { maxObjectBytes: 8 * 1024 * 1024 });
  assert.equal(r.stat(gitId('blob', bigBody)), { type: 'blob', size: bigBody.length });
  assert.is(r.expandedBytes, bigBody.length + small.length);
  assert.is(await codeOf(() => r.read(gitId('blob', bigBody))), 'ELIMIT');
  const pieces: Buffer[] = [];
  assert.is(await r.readStream(gitId('blob', bigBody), (b) => void pieces.push(b)), 'blob');
  assert.ok(pieces.length > 1, 'in pieces');
  assert.ok(Buffer.concat(pieces).equals(bigBody));
  assert.ok((await r.read(gitId('blob', small)))!.body.equals(small), 'the object after a streamed one');
  await r.close();
  await t.remove();
});

test.run();
