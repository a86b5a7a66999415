import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { encodeTree } from '../../src/objects/tree.js';
import type { Snapshot } from '../../src/objects/types.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { ObjectDatabase } from '../../src/plumbing/ObjectDatabase.js';
import { revParse } from '../../src/refs/revParse.js';
import { updateRef, writeHead, type RefOptions } from '../../src/refs/refs.js';
import { memFs, type MemVolume } from '../helpers/memfs.js';
import { codeOf } from '../helpers/vault.js';

interface Ctx {
  vol: MemVolume;
  db: ObjectDatabase;
  refs: RefOptions;
  /** root <- s1 <- s2 <- s3 (main, HEAD) */
  chain: [string, string, string, string];
  tree: string;
}

const test = suite<Ctx>('plumbing/revParse', {} as Ctx);
const VD = '/p/.vault';

function snapshot(tree: string, parents: string[], message: string): { id: string; body: Buffer } {
  const s: Snapshot = { tree, parents, author: 'Tess', time: 1_700_000_000_000, message, meta: {} };
  const body = encodeSnapshot(s);
  return { id: hashObject('snapshot', body), body };
}

const setRef = (refs: RefOptions, ref: string, value: string) =>
  updateRef({ ...refs, ref, value, message: 'test', author: 'Tess', time: 1 });

test.before.each(async (ctx) => {
  const { vol, fs } = memFs();
  await fs.mkdir(VD, { recursive: true });
  ctx.vol = vol;
  ctx.refs = { fs, vaultDir: VD };
  await writeHead(ctx.refs, 'refs/heads/main');
  ctx.db = await ObjectDatabase.open({ fs, vaultDir: VD, codec: new InlineCodec() });
  ctx.tree = await ctx.db.writeLoose('tree', encodeTree({ entries: [] }));
  // the first two loose, the last two in a pack: prefixes must be found in both
  const w = ctx.db.writer();
  const put = async (i: number, parents: string[]) => {
    const s = snapshot(ctx.tree, parents, `snapshot ${i}`);
    if (i < 2) await ctx.db.writeLoose('snapshot', s.body);
    else await w.put('snapshot', s.body);
    return s.id;
  };
  const root = await put(0, []);
  const s1 = await put(1, [root]);
  const s2 = await put(2, [s1]);
  const s3 = await put(3, [s2]);
  ctx.chain = [root, s1, s2, s3];
  await w.flush();
  await setRef(ctx.refs, 'refs/heads/main', ctx.chain[3]);
  await setRef(ctx.refs, 'refs/tags/v1', ctx.chain[1]);
  await setRef(ctx.refs, 'refs/milestones/alpha', ctx.chain[2]);
});

const parse = (ctx: Ctx, rev: string) => revParse({ ...ctx.refs, db: ctx.db }, rev);

test('names that resolve', async (ctx) => {
  const [root, s1, s2, s3] = ctx.chain;
  const cases: [string, string][] = [
    [s3, s3],
    [root, root],
    [s1.slice(0, 4), s1],
    [s2.slice(0, 10), s2],
    [s3.slice(0, 63), s3],
    ['HEAD', s3],
    ['  HEAD  ', s3],
    ['HEAD~1', s2],
    ['HEAD~3', root],
    ['HEAD~0', s3],
    ['HEAD^', s2],
    ['HEAD^1', s2],
    ['HEAD^^', s1],
    ['HEAD~', s2],
    ['HEAD~~', s1],
    ['HEAD~1~1', s1],
    ['main', s3],
    ['refs/heads/main', s3],
    ['main~2', s1],
    ['v1', s1],
    ['refs/tags/v1', s1],
    ['v1~1', root],
    ['alpha', s2],
    ['refs/milestones/alpha', s2],
    [`${s2.slice(0, 8)}~2`, root],
  ];
  for (const [rev, want] of cases) assert.is(await parse(ctx, rev), want, rev);
});

test('names that do not resolve: EUNKNOWNREV', async (ctx) => {
  const cases = [
    'nosuch',
    'tags/v1',
    'deadbeef',
    'f'.repeat(64),
    ctx.chain[0].slice(0, 3),
    '',
    'HEAD~4',
    'main~9',
    'v1^^',
    'refs/tags/nosuch',
    'a b',
    'x:y',
  ];
  for (const rev of cases) assert.is(await codeOf(() => parse(ctx, rev)), 'EUNKNOWNREV', JSON.stringify(rev));
});

test('an id prefix shared by two snapshots is EAMBIGUOUS; one more character resolves it', async (ctx) => {
  // try messages until two snapshot ids share their first 4 hex digits (birthday bound: a few hundred)
  const seen = new Map<string, { id: string; body: Buffer }>();
  let pair: [{ id: string; body: Buffer }, { id: string; body: Buffer }] | undefined;
  for (let i = 0; !pair; i++) {
    const s = snapshot(ctx.tree, [ctx.chain[3]], `try ${i}`);
    const p = s.id.slice(0, 4);
    const other = seen.get(p);
    if (other) pair = [other, s];
    else seen.set(p, s);
    assert.ok(i < 100_000);
  }
  for (const s of pair) await ctx.db.writeLoose('snapshot', s.body);
  const prefix = pair[0].id.slice(0, 4);
  try {
    await parse(ctx, prefix);
    assert.unreachable('resolved an ambiguous prefix');
  } catch (e) {
    const err = e as { code?: string; data?: { candidates?: string[] } };
    assert.is(err.code, 'EAMBIGUOUS');
    assert.equal([...(err.data?.candidates ?? [])].sort(), [pair[0].id, pair[1].id].sort());
  }
  // the shortest prefix that tells them apart works
  let n = 4;
  while (pair[0].id.slice(0, n) === pair[1].id.slice(0, n)) n++;
  assert.is(await parse(ctx, pair[0].id.slice(0, n + 1)), pair[0].id);
  assert.is(await parse(ctx, pair[1].id), pair[1].id);
});

test('an object of another type sharing the prefix does not make a snapshot prefix ambiguous', async (ctx) => {
  const s3 = ctx.chain[3];
  let tree = '';
  for (let size = 0; !tree.startsWith(s3.slice(0, 4)); size++) {
    const body = encodeTree({ entries: [{ name: 'f', kind: 'file', size, mtime: 0, obj: 'blob', id: s3 }] });
    tree = hashObject('tree', body);
    if (tree.startsWith(s3.slice(0, 4))) await ctx.db.writeLoose('tree', body);
  }
  assert.is(await parse(ctx, s3.slice(0, 4)), s3);
});

test('an empty vault: HEAD is EUNKNOWNREV', async (ctx) => {
  const { fs } = memFs();
  await fs.mkdir('/e/.vault', { recursive: true });
  const refs = { fs, vaultDir: '/e/.vault' };
  await writeHead(refs, 'refs/heads/main');
  const db = await ObjectDatabase.open({ fs, vaultDir: '/e/.vault' });
  for (const rev of ['HEAD', 'main', 'HEAD~1'])
    assert.is(await codeOf(() => revParse({ ...refs, db }, rev)), 'EUNKNOWNREV', rev);
  assert.ok(ctx.chain.length === 4);
});

test('a branch whose file holds garbage is EBADREF, by full and by short name (not "unknown")', async (ctx) => {
  ctx.vol.writeFileSync(`${VD}/refs/heads/main`, 'garbage\n');
  for (const rev of ['HEAD', 'refs/heads/main', 'main', 'main~1'])
    assert.is(await codeOf(() => parse(ctx, rev)), 'EBADREF', rev);
  // other names still work
  assert.is(await parse(ctx, 'v1'), ctx.chain[1]);
});

test('a short name that is not a valid ref name is simply unknown', async (ctx) => {
  for (const rev of ['..', 'a..b', '.hidden', 'x.lock'])
    assert.is(await codeOf(() => parse(ctx, rev)), 'EUNKNOWNREV', rev);
  assert.is(await codeOf(() => parse(ctx, 'refs/heads/a..b')), 'EBADREF');
});

test('walking past a parent that is not a snapshot fails with a typed error', async (ctx) => {
  const bad = snapshot(ctx.tree, [ctx.tree], 'parent is a tree');
  await ctx.db.writeLoose('snapshot', bad.body);
  assert.is(await parse(ctx, bad.id), bad.id);
  assert.is(await codeOf(() => parse(ctx, `${bad.id}~2`)), 'EMALFORMED');
});

test.run();
