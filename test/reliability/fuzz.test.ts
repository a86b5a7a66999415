// Hostile input: every decoder is fed seeded random bytes and mutations of valid encodings (bit flips,
// interesting bytes, splices, truncation, hostile names in JSON, .git and its aliases). Only typed VaultErrors
// may escape, a tree that decodes holds no name badEntryName refuses, and no single case may take long (a hang
// would stop the file; the slowest case is reported). fuzzPaths.test.ts does the same for the workspace and
// playtest restores, end to end.
//   VAULT_FUZZ_CASES=N per target (default 1500)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { VaultError } from '../../src/errors.js';
import { encodeChunkList, decodeChunkList } from '../../src/objects/chunkList.js';
import { hashObject } from '../../src/objects/hashObject.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/objects/snapshot.js';
import { badEntryName, decodeTree, encodeTree } from '../../src/objects/tree.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { readConfig } from '../../src/plumbing/config.js';
import { ObjectDatabase } from '../../src/plumbing/ObjectDatabase.js';
import { decodePackIndex, encodePackIndex, recordHeaderMismatch, scanPack } from '../../src/plumbing/pack/index.js';
import { readRef, readReflog } from '../../src/refs/refs.js';
import { memFs } from '../helpers/memfs.js';
import { mulberry32, prngBytes } from '../helpers/prng.js';
import { memVault } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('reliability/fuzz');
const CASES = Number(process.env.VAULT_FUZZ_CASES ?? 1500);
const rand = mulberry32(0xf022);
const figures = { cases: 0, rejected: 0, accepted: 0, slowestMs: 0, slowest: '' };

const HOSTILE = [
  '..',
  '.',
  '../x',
  '/abs',
  '.vault',
  '.VAULT',
  'a\\b',
  'a\u0000b',
  'a/b',
  '',
  'x'.repeat(5000),
  '\u202e',
  'CON',
  '.git',
  '.GIT',
  'git~1',
  '.git.',
  '.git::$INDEX_ALLOCATION',
  '.g\u200cit',
  '.gitmodules',
  'GITMOD~1',
];
const INTERESTING = [0, 0xff, 0x7f, 0x80, 0x01, 0x22, 0x5c, 0x7b, 0x7d];

function mutate(input: Buffer): Buffer {
  let b = Buffer.from(input);
  const n = 1 + (rand() % 4);
  for (let k = 0; k < n; k++) {
    const op = rand() % 8;
    const at = b.length ? rand() % b.length : 0;
    // at < b.length whenever b has bytes
    if (op === 0 && b.length) b[at]! ^= 1 << (rand() % 8);
    else if (op === 1 && b.length) b[at] = must(INTERESTING[rand() % INTERESTING.length]);
    else if (op === 2 && b.length) b[at] = rand() & 0xff;
    else if (op === 3) b = Buffer.concat([b.subarray(0, at), prngBytes(rand(), 1 + (rand() % 16)), b.subarray(at)]);
    else if (op === 4) b = b.subarray(0, at);
    else if (op === 5) b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + (rand() % 32)))]);
    else if (op === 6) b = Buffer.concat([b, b.subarray(at, at + (rand() % 64))]);
    else if (b.length >= 4) b.writeUInt32BE(rand() % 3 === 0 ? 0xffffffff : rand(), Math.min(at, b.length - 4));
  }
  return b;
}

/** mutate a JSON value structurally: hostile names, wrong types, huge numbers, duplicated entries */
function mutateJson(v: unknown): unknown {
  const pick = <T>(xs: readonly T[]): T => must(xs[rand() % xs.length]);
  if (Array.isArray(v)) {
    const a = v.map((x) => (rand() % 3 === 0 ? mutateJson(x) : x));
    if (a.length && rand() % 4 === 0) a.push(a[rand() % a.length]);
    if (a.length && rand() % 4 === 0) a.reverse();
    return a;
  }
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    const k = String(keys[rand() % keys.length]); // an empty object gets the key 'undefined'
    const r = rand() % 9;
    if (r === 0) delete o[k];
    else if (r === 1) o[k] = pick(HOSTILE);
    else if (r === 2) o[k] = pick([-1, 1e308, 0.5, NaN, 2 ** 53 + 1, null, true, [], {}]);
    else if (r === 3) o.name = pick(HOSTILE);
    else o[k] = mutateJson(o[k]);
    return o;
  }
  return rand() % 2 ? pick(HOSTILE) : pick([-1, 0, 1e308, null, 'x']);
}

async function run(target: string, f: () => unknown | Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  try {
    await f();
    figures.accepted++;
  } catch (e) {
    if (!(e instanceof VaultError)) {
      assert.unreachable(`${target}: untyped ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
    }
    figures.rejected++;
  }
  figures.cases++;
  const ms = performance.now() - t0;
  if (ms > figures.slowestMs) {
    figures.slowestMs = ms;
    figures.slowest = target;
  }
  assert.ok(ms < 3000, `${target}: one case took ${ms.toFixed(0)} ms`);
}

const id = (n: number) => hashObject('blob', Buffer.from(String(n)));
const TREE = encodeTree({
  entries: [
    { name: 'a.txt', kind: 'file', size: 3, mtime: 1, obj: 'blob', id: id(1) },
    { name: 'dir', kind: 'dir', size: 0, mtime: 0, obj: 'tree', id: id(2) },
    { name: 'link', kind: 'symlink', size: 5, mtime: 2, obj: 'blob', id: id(3) },
  ],
});
const LIST = encodeChunkList({
  size: 30,
  chunks: [
    { id: id(4), size: 10 },
    { id: id(5), size: 20 },
  ],
});
const SNAP = encodeSnapshot({ tree: id(6), parents: [id(7)], author: 'a', time: 5, message: 'm', meta: { k: 'v' } });
const IDX = encodePackIndex([
  { id: id(8), offset: 8, length: 20, rawLength: 10, type: 'blob', codec: 0 },
  { id: id(9), offset: 28, length: 30, rawLength: 90, type: 'chunk', codec: 1 },
]);

/** random bytes, mutated valid bytes, and (for JSON) structurally mutated JSON */
function inputs(valid: Buffer, json: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < CASES; i++) {
    const r = i % 3;
    if (r === 0) out.push(prngBytes(rand(), rand() % 300));
    else if (r === 1 || !json) out.push(mutate(valid));
    else out.push(Buffer.from(JSON.stringify(mutateJson(JSON.parse(valid.toString()))) ?? 'null'));
  }
  return out;
}

test('object decoders: trees, chunk lists, snapshots', async () => {
  // a tree that decodes holds only names a folder may hold: none escapes, none plants .git or a .gitmodules link
  const decodeSafeTree = (b: Buffer) => {
    for (const e of decodeTree(b).entries)
      assert.is(badEntryName(e.name, e.kind), null, `decodeTree accepted ${JSON.stringify(e.name)} (${e.kind})`);
  };
  for (const b of inputs(TREE, true)) await run('decodeTree', () => decodeSafeTree(b));
  for (const b of inputs(LIST, false)) await run('decodeChunkList', () => decodeChunkList(b));
  for (const b of inputs(SNAP, true)) await run('decodeSnapshot', () => decodeSnapshot(b));
});

test('pack index decoder and record headers', async () => {
  for (const b of inputs(IDX, false)) await run('decodePackIndex', () => decodePackIndex(b, 'fuzz.idx'));
  for (const b of inputs(Buffer.from('0100000005000000040102030405', 'hex'), false)) {
    await run('recordHeaderMismatch', () =>
      recordHeaderMismatch(b, { type: 'blob', codec: 1, rawLength: 5, length: 14 }),
    );
  }
});

test('stored objects: loose files, pack records and whole packs read back from hostile bytes', async () => {
  const t = await memVault({
    'a.txt': 'hello hello hello hello hello hello hello hello hello hello hello hello\n',
    'b.bin': prngBytes(3, 5000),
  });
  const { commit } = await import('../../src/porcelain/commit.js');
  await commit({ vault: t.vault, message: 'x' });
  const db = t.vault.db;
  await db.ready();
  const [packName] = db.packNamesLoaded();
  const packPath = `/work/.vault/packs/${packName}.pack`;
  const pack = (await t.fs.readFile(packPath)) as Buffer;
  const entries = [...db.packedEntries()];
  const loose = await db.writeLoose(
    'blob',
    Buffer.from('a loose object, compressible compressible compressible compressible'),
  );
  const loosePath = db.looseObjectPath(loose);
  const looseBytes = (await t.fs.readFile(loosePath)) as Buffer;
  const n = Math.max(50, Math.floor(CASES / 5));
  for (let i = 0; i < n; i++) {
    await t.fs.chmod(loosePath, 0o644);
    await t.fs.writeFile(loosePath, i % 3 === 0 ? prngBytes(rand(), rand() % 200) : mutate(looseBytes));
    const fresh = await ObjectDatabase.open({ fs: t.fs, vaultDir: '/work/.vault', codec: new InlineCodec() });
    await run('loose read', () => fresh.read(loose));
    await fresh.close();
  }
  for (let i = 0; i < n; i++) {
    const bad = mutate(pack);
    await run('scanPack', () => scanPack(db, bad, 'fuzz.pack', 2000));
    await t.fs.chmod(packPath, 0o644);
    await t.fs.writeFile(packPath, bad);
    const fresh = await ObjectDatabase.open({ fs: t.fs, vaultDir: '/work/.vault', codec: new InlineCodec() });
    const e = must(entries[rand() % entries.length]);
    await run('pack read', () => fresh.read(e.id));
    await fresh.close();
  }
  await t.fs.writeFile(packPath, pack);
});

test('refs, reflogs and config from hostile text', async () => {
  const { fs } = memFs({ '/v/HEAD': 'ref: refs/heads/main\n', '/v/config': '{}' });
  const vaultOpts = { fs, vaultDir: '/v' };
  const validRef = Buffer.from(`${id(1)}\n`);
  const validLog = Buffer.from(`${'0'.repeat(64)} ${id(1)} 1700000000000 Tess\tcommit: x\n`);
  const validConfig = Buffer.from(
    JSON.stringify({
      version: 1,
      chunker: { name: 'FASTCDC-v1', min: 65536, avg: 262144, max: 1048576 },
      compression: { codec: 'zstd', level: 3 },
      packSize: 67108864,
      extra: {},
    }),
  );
  await fs.mkdir('/v/refs/heads', { recursive: true });
  await fs.mkdir('/v/logs/refs/heads', { recursive: true });
  for (const b of inputs(validRef, false)) {
    await fs.writeFile('/v/refs/heads/main', b);
    await run('readRef', () => readRef(vaultOpts, 'refs/heads/main'));
  }
  for (const b of inputs(validLog, false)) {
    await fs.writeFile('/v/logs/refs/heads/main', b);
    await run('readReflog', () => readReflog(vaultOpts, 'refs/heads/main'));
  }
  for (const b of inputs(validConfig, true)) {
    await fs.writeFile('/v/config', b);
    await run('readConfig', () => readConfig(fs, '/v'));
  }
});

test('figures', () => {
  console.log(
    `fuzz figures: ${figures.cases} cases (${figures.rejected} rejected with a typed error, ${figures.accepted} accepted); slowest ${figures.slowestMs.toFixed(1)} ms (${figures.slowest})`,
  );
});

test.run();
