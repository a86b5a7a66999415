import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  FileTypeAwareChunker,
  GameAssetChunker,
  chunkerFromConfig,
  type ChunkingStrategy,
} from '../../src/plumbing/chunkers/index.js';
import { commit } from '../../src/porcelain/commit.js';
import { restore } from '../../src/porcelain/restore.js';
import { status } from '../../src/porcelain/status.js';
import { prngBytes } from '../helpers/prng.js';
import { memVault } from '../helpers/vault.js';
// the container writers the builds benchmark uses
import { makePck, makeTar, makeZip } from '../../bench/containers.mjs';
import { must } from '../helpers/must.js';

const test = suite('plumbing/GameAssetChunker');

const KiB = 1024;
const chunker = new FileTypeAwareChunker({ containers: true });

/** Compressible, deterministic bytes (a smooth ramp with a little noise): like a mesh or a raw image. */
function smooth(seed: number, n: number): Buffer {
  const noise = prngBytes(seed, n);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = ((i >> 6) + (must(noise[i]) & 7)) & 0xff;
  return b;
}

const ASSETS = () => [
  { name: 'textures/hero.png', data: prngBytes(1, 900 * KiB) },
  { name: 'textures/wall.png', data: prngBytes(2, 1300 * KiB) },
  { name: 'meshes/castle.glb', data: smooth(3, 2100 * KiB) },
  { name: 'scenes/main.tscn', data: Buffer.from('[gd_scene format=3]\n'.repeat(200)) },
  { name: 'audio/theme.ogg', data: prngBytes(4, 700 * KiB) },
];

/**
 * Cut `data` the way storeFile does: the chunker sees a window of at least
 * maxSize bytes (or the rest of the file), never the whole file at once.
 */
function cutAll(strategy: ChunkingStrategy, data: Buffer): { offset: number; length: number; id: string }[] {
  strategy.reset();
  const out: { offset: number; length: number; id: string }[] = [];
  const window = strategy.maxSize + 64 * KiB;
  let start = 0;
  while (start < data.length) {
    const end = Math.min(data.length, start + window);
    const len = strategy.nextSplitPoint(data, start, end, end === data.length);
    assert.ok(len >= 1 && len <= end - start, `cut of ${len} at ${start} inside the window`);
    out.push({
      offset: start,
      length: len,
      id: createHash('sha256')
        .update(data.subarray(start, start + len))
        .digest('hex'),
    });
    start += len;
  }
  return out;
}

/** The chunk ids a loose file with this name and bytes gets. */
function looseChunks(name: string, data: Buffer): Set<string> {
  const plan = chunker.planFile(name, data.length, data.subarray(0, 16));
  if (plan.store === 'blob') return new Set([createHash('sha256').update(data).digest('hex')]);
  return new Set(cutAll(plan.strategy, data).map((c) => c.id));
}

function planOf(path: string, data: Buffer): ChunkingStrategy {
  const plan = chunker.planFile(path, data.length, data.subarray(0, 16));
  assert.ok(plan.strategy instanceof GameAssetChunker, `${path} is cut as a container`);
  return plan.strategy;
}

const FORMATS = [
  ['tar', 'build.tar', (e: { name: string; data: Buffer }[]) => makeTar(e)],
  ['zip (stored)', 'build.zip', (e: { name: string; data: Buffer }[]) => makeZip(e)],
  ['pck', 'build.pck', (e: { name: string; data: Buffer }[]) => makePck(e)],
] as const;

for (const [label, path, make] of FORMATS) {
  test(`${label}: every large entry yields exactly the chunks of the loose asset`, () => {
    const assets = ASSETS();
    const container = make(assets);
    const chunks = cutAll(planOf(path, container), container);
    assert.is(
      chunks.reduce((s, c) => s + c.length, 0),
      container.length,
    );
    const ids = new Set(chunks.map((c) => c.id));
    for (const a of assets.filter((x) => x.data.length > chunker.smallFileMax)) {
      for (const id of looseChunks(a.name, a.data))
        assert.ok(ids.has(id), `${a.name}: a chunk of the loose file is in the ${label}`);
    }
    assert.not.ok((planOf(path, container) as GameAssetChunker).fellBack);
  });

  test(`${label}: a second build with one texture changed shares every other entry's chunks`, () => {
    const v1 = make(ASSETS());
    const assets2 = ASSETS();
    assets2[1] = { name: 'textures/wall.png', data: prngBytes(99, 1300 * KiB) };
    const v2 = make(assets2);
    const first = new Set(cutAll(planOf(path, v1), v1).map((c) => c.id));
    const fresh = cutAll(planOf(path, v2), v2).filter((c) => !first.has(c.id));
    const newBytes = fresh.reduce((s, c) => s + c.length, 0);
    // the changed texture, plus at most a few small header/directory chunks
    assert.ok(newBytes <= 1300 * KiB * 1.1 + 64 * KiB, `${label}: ${newBytes} new bytes for a 1300 KiB change`);
  });
}

test('zip (deflated): unchanged entries dedup as whole entries across builds', () => {
  const withDeflate = (a: ReturnType<typeof ASSETS>) => a.map((x) => ({ ...x, deflate: !x.name.endsWith('.png') }));
  const v1 = makeZip(withDeflate(ASSETS()));
  const assets2 = ASSETS();
  assets2[2] = { name: 'meshes/castle.glb', data: smooth(77, 2100 * KiB) };
  const v2 = makeZip(withDeflate(assets2));
  const first = new Set(cutAll(planOf('b.zip', v1), v1).map((c) => c.id));
  const all2 = cutAll(planOf('b.zip', v2), v2);
  const newBytes = all2.filter((c) => !first.has(c.id)).reduce((s, c) => s + c.length, 0);
  assert.ok(newBytes < v2.length / 2, `only the changed mesh is new (${newBytes} of ${v2.length})`);
});

test('plain CDC, for comparison, re-stores more of a stored zip after the same change', () => {
  const v1 = makeZip(ASSETS());
  const assets2 = ASSETS();
  assets2[1] = { name: 'textures/wall.png', data: prngBytes(99, 1300 * KiB) };
  const v2 = makeZip(assets2);
  const plain = new FileTypeAwareChunker().media;
  const first = new Set(cutAll(plain, v1).map((c) => c.id));
  const plainNew = cutAll(plain, v2)
    .filter((c) => !first.has(c.id))
    .reduce((s, c) => s + c.length, 0);
  const f1 = new Set(cutAll(planOf('b.zip', v1), v1).map((c) => c.id));
  const awareNew = cutAll(planOf('b.zip', v2), v2)
    .filter((c) => !f1.has(c.id))
    .reduce((s, c) => s + c.length, 0);
  assert.ok(awareNew <= plainNew, `container-aware ${awareNew} <= plain ${plainNew}`);
});

const MALFORMED: [string, string, () => Buffer][] = [
  ['truncated tar', 'a.tar', () => makeTar(ASSETS()).subarray(0, 700 * KiB)],
  [
    'tar whose header lies about the size',
    'a.tar',
    () => {
      const t = Buffer.from(makeTar(ASSETS()));
      t.write('77777777777\0', 124); // checksum now wrong too: must fall back, not trust it
      return t;
    },
  ],
  [
    'tar with a bad checksum',
    'a.tar',
    () => {
      const t = Buffer.from(makeTar(ASSETS()));
      t[0]! ^= 1; // a tar is never empty
      return t;
    },
  ],
  ['zip cut in the middle of a header', 'a.zip', () => makeZip(ASSETS()).subarray(0, 20)],
  [
    'zip with garbage after the first entry',
    'a.zip',
    () => {
      const z = Buffer.from(makeZip(ASSETS()));
      z.fill(0xab, 30 + 17 + 900 * KiB, 30 + 17 + 900 * KiB + 64);
      return z;
    },
  ],
  [
    'zip with a size bigger than the file',
    'a.zip',
    () => {
      const z = Buffer.from(makeZip(ASSETS()));
      z.writeUInt32LE(0x7fffffff, 18);
      return z;
    },
  ],
  [
    'pck with overlapping entries',
    'a.pck',
    () => {
      const p = Buffer.from(makePck(ASSETS()));
      // second entry's offset (relative to the file base) set to 0: overlaps the first
      const firstLen = p.readUInt32LE(100);
      p.writeBigUInt64LE(0n, 100 + 4 + firstLen + 8 + 8 + 16 + 4 + 4 + p.readUInt32LE(100 + 4 + firstLen + 36));
      return p;
    },
  ],
  [
    'pck that claims a million files',
    'a.pck',
    () => {
      const p = Buffer.from(makePck(ASSETS()));
      p.writeUInt32LE(999_999, 96);
      return p;
    },
  ],
  ['pck truncated inside its data', 'a.pck', () => makePck(ASSETS()).subarray(0, 1500 * KiB)],
  ['random bytes named .pck', 'a.pck', () => prngBytes(5, 3000 * KiB)],
];

for (const [label, path, make] of MALFORMED) {
  test(`malformed: ${label} is cut completely, without a crash`, () => {
    const data = make();
    const plan = chunker.planFile(path, data.length, data.subarray(0, 16));
    const chunks = cutAll(plan.strategy, data);
    assert.is(
      chunks.reduce((s, c) => s + c.length, 0),
      data.length,
    );
    for (const c of chunks) assert.ok(c.length <= plan.strategy.maxSize, 'no chunk above maxSize');
  });
}

test('config: new vaults record FILETYPE-v2; v1 vaults keep cutting containers as plain files', () => {
  assert.is(chunker.name, 'FILETYPE-v2');
  const v1 = chunkerFromConfig({
    name: 'FILETYPE-v1',
    params: new FileTypeAwareChunker().params,
  }) as FileTypeAwareChunker;
  assert.is(v1.name, 'FILETYPE-v1');
  const zip = makeZip(ASSETS());
  assert.not.ok(v1.planFile('b.zip', zip.length, zip.subarray(0, 16)).strategy instanceof GameAssetChunker);
  const v2 = chunkerFromConfig({ name: 'FILETYPE-v2', params: chunker.params }) as FileTypeAwareChunker;
  assert.ok(v2.planFile('b.zip', zip.length, zip.subarray(0, 16)).strategy instanceof GameAssetChunker);
});

test('commit and restore of builds (and a malformed one) are byte-identical', async () => {
  const assets = ASSETS();
  const badPck = Buffer.from(makePck(assets));
  badPck.writeUInt32LE(999_999, 96);
  const [pck, zip, tar, hero] = [
    makePck(assets),
    makeZip(assets.map((a) => ({ ...a, deflate: a.name.endsWith('.tscn') }))),
    makeTar(assets),
    must(assets[0]).data,
  ];
  const files: Record<string, Buffer> = {
    'Build/game.pck': pck,
    'Build/game.zip': zip,
    'Build/game.tar': tar,
    'Build/broken.pck': badPck,
    'Assets/hero.png': hero,
  };
  const tree = {
    Build: { 'game.pck': pck, 'game.zip': zip, 'game.tar': tar, 'broken.pck': badPck },
    Assets: { 'hero.png': hero },
  };
  const t = await memVault(tree);
  const r = await commit({ vault: t.vault, message: 'build 1' });
  assert.ok(r.id);
  await restore({ vault: t.vault, snapshot: 'HEAD', to: '/restored' });
  for (const [p, data] of Object.entries(files)) {
    const back = await t.fs.readFile(`/restored/${p}`);
    assert.ok(Buffer.compare(back, data) === 0, `${p} restored byte-identical`);
  }
  assert.ok((await status({ vault: t.vault })).clean);
});

test('FILETYPE-v3: a whole small named entry is a blob (the id its loose file has); headers and deflated entries are chunks', () => {
  const v3 = chunkerFromConfig({ name: 'FILETYPE-v3', params: chunker.params }) as FileTypeAwareChunker;
  assert.is(v3.name, 'FILETYPE-v3');
  const small = Buffer.from('extends Node\nvar speed = 200\n'.repeat(40));
  const entries = [
    { name: 'scripts/player.gd', data: small },
    { name: 'textures/hero.png', data: prngBytes(1, 900 * KiB) },
    { name: 'scripts/deflated.gd', data: small, deflate: true },
  ];
  const zip = makeZip(entries);
  const typed = (c: FileTypeAwareChunker) => {
    const s = planOf('build.zip', zip);
    const plan = c.planFile('build.zip', zip.length, zip.subarray(0, 16)).strategy;
    assert.ok(s instanceof GameAssetChunker);
    plan.reset();
    const out: { type: string; id: string; length: number }[] = [];
    let start = 0;
    while (start < zip.length) {
      const end = Math.min(zip.length, start + plan.maxSize + 64 * KiB);
      const len = plan.nextSplitPoint(zip, start, end, end === zip.length);
      const type = plan.lastChunkType?.() ?? 'chunk';
      out.push({
        type,
        length: len,
        id: createHash('sha256')
          .update(zip.subarray(start, start + len))
          .digest('hex'),
      });
      start += len;
    }
    return out;
  };
  const cuts = typed(v3);
  const blobs = cuts.filter((c) => c.type === 'blob');
  assert.equal(
    blobs.map((b) => b.length),
    [small.length],
    'only the stored small entry: not its header, not the big texture, not the deflated copy',
  );
  assert.ok([...looseChunks('scripts/player.gd', small)].includes(must(blobs[0]).id));
  // a v2 vault keeps every piece a chunk (as its chunk lists always were)
  assert.equal(
    typed(chunkerFromConfig({ name: 'FILETYPE-v2', params: chunker.params }) as FileTypeAwareChunker).map(
      (c) => c.type,
    ),
    cuts.map(() => 'chunk'),
  );
});

test.run();
