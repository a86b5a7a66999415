import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FsPromises } from '../../src/plumbing/fs.js';
import {
  badRefName,
  listRefs,
  readHead,
  readRef,
  readReflog,
  updateRef,
  writeHead,
  type RefOptions,
} from '../../src/refs/refs.js';
import { memFs, type MemVolume } from '../helpers/memfs.js';
import { codeOf } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

interface Ctx {
  vol: MemVolume;
  fs: FsPromises;
  refs: RefOptions;
}

const test = suite<Ctx>('refs/refs', {} as Ctx);

const VD = '/p/.vault';
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const ZERO = '0'.repeat(64);

test.before.each(async (ctx) => {
  const { vol, fs } = memFs();
  await fs.mkdir(`${VD}/refs/heads`, { recursive: true });
  ctx.vol = vol;
  ctx.fs = fs;
  ctx.refs = { fs, vaultDir: VD };
  await writeHead(ctx.refs, 'refs/heads/main');
});

let clock = 1_700_000_000_000;
const move = (refs: RefOptions, ref: string, value: string | null, expected?: string | null, message = 'move') =>
  updateRef({ ...refs, ref, value, expected, message, author: 'Tess <t@example.org>', time: ++clock });

test('a new vault: HEAD names refs/heads/main, which does not exist yet', async ({ refs }) => {
  assert.equal(await readHead(refs), { ref: 'refs/heads/main', id: null });
  assert.is(await readRef(refs, 'refs/heads/main'), null);
  assert.is(await readRef(refs, 'HEAD'), null);
});

test('updateRef creates, moves (compare-and-swap) and deletes a ref', async ({ refs, vol }) => {
  await move(refs, 'refs/heads/main', A, null);
  assert.is(await readRef(refs, 'refs/heads/main'), A);
  assert.is(vol.readFileSync(`${VD}/refs/heads/main`, 'utf8'), `${A}\n`);
  assert.equal(await readHead(refs), { ref: 'refs/heads/main', id: A });
  await move(refs, 'refs/heads/main', B, A);
  assert.is(await readRef(refs, 'HEAD'), B);
  await move(refs, 'refs/heads/main', null, B);
  assert.is(await readRef(refs, 'refs/heads/main'), null);
  assert.not.ok(vol.existsSync(`${VD}/refs/heads/main`));
  assert.not.ok(vol.existsSync(`${VD}/refs/heads/main.lock`));
});

test('compare-and-swap: a stale expected value is EREFCONFLICT and changes nothing', async ({ refs, vol }) => {
  await move(refs, 'refs/heads/main', A, null);
  const cases: [string, string | null][] = [
    ['expected another id', B],
    ['expected it not to exist', null],
  ];
  for (const [what, expected] of cases) {
    assert.is(await codeOf(() => move(refs, 'refs/heads/main', C, expected)), 'EREFCONFLICT', what);
    assert.is(await readRef(refs, 'refs/heads/main'), A, what);
    assert.not.ok(vol.existsSync(`${VD}/refs/heads/main.lock`), `${what}: lock removed`);
  }
  // creating a ref that must not exist, when it does not: fine; when expected to exist: conflict
  assert.is(await codeOf(() => move(refs, 'refs/tags/v1', A, B)), 'EREFCONFLICT');
  assert.is(await readRef(refs, 'refs/tags/v1'), null);
  // no expectation: no check
  await move(refs, 'refs/heads/main', C);
  assert.is(await readRef(refs, 'refs/heads/main'), C);
});

test('a held ref lock (another writer) is EREFCONFLICT; the ref and the lock are left alone', async ({ refs, vol }) => {
  await move(refs, 'refs/heads/main', A, null);
  vol.writeFileSync(`${VD}/refs/heads/main.lock`, '');
  assert.is(await codeOf(() => move(refs, 'refs/heads/main', B, A)), 'EREFCONFLICT');
  assert.is(await readRef(refs, 'refs/heads/main'), A);
  assert.ok(vol.existsSync(`${VD}/refs/heads/main.lock`));
});

test('the reflog gets one line per move: "old new time author<TAB>message"', async ({ refs, vol }) => {
  await move(refs, 'refs/heads/main', A, null, 'commit: first');
  await move(refs, 'refs/heads/main', B, A, 'commit: second\nwith a second line');
  await move(refs, 'refs/heads/main', null, B, 'delete');
  const raw = vol.readFileSync(`${VD}/logs/refs/heads/main`, 'utf8') as string;
  const lines = raw.split('\n');
  assert.is(lines.length, 4);
  assert.is(lines[3], '');
  assert.match(must(lines[0]), new RegExp(`^${ZERO} ${A} \\d+ Tess <t@example.org>\\tcommit: first$`));
  assert.match(must(lines[1]), new RegExp(`^${A} ${B} \\d+ Tess <t@example.org>\\tcommit: second with a second line$`));
  assert.match(must(lines[2]), new RegExp(`^${B} ${ZERO} \\d+ Tess <t@example.org>\\tdelete$`));
  const log = await readReflog(refs, 'refs/heads/main');
  assert.equal(
    log.map((e) => [e.old, e.value, e.message]),
    [
      [null, A, 'commit: first'],
      [A, B, 'commit: second with a second line'],
      [B, null, 'delete'],
    ],
  );
  assert.ok(must(log[0]).time < must(log[1]).time && must(log[1]).time < must(log[2]).time);
  assert.is(must(log[0]).author, 'Tess <t@example.org>');
});

test('reflog: tabs and newlines in the author cannot break the line format; a torn last line is skipped', async ({
  refs,
  vol,
}) => {
  await updateRef({ ...refs, ref: 'refs/heads/main', value: A, message: 'm', author: 'evil\tname\nx', time: 5 });
  vol.appendFileSync(`${VD}/logs/refs/heads/main`, `${A} ${B} 12`);
  const log = await readReflog(refs, 'refs/heads/main');
  assert.equal(log, [{ old: null, value: A, time: 5, author: 'evil name x', message: 'm' }]);
  assert.equal(await readReflog(refs, 'refs/heads/nothing'), []);
});

test('failed updates do not write reflog lines', async ({ refs }) => {
  await move(refs, 'refs/heads/main', A, null);
  await codeOf(() => move(refs, 'refs/heads/main', B, C));
  assert.is((await readReflog(refs, 'refs/heads/main')).length, 1);
});

const MALFORMED: [string, string][] = [
  ['garbage', 'garbage\n'],
  ['empty', ''],
  ['short id', 'abc123\n'],
  ['upper-case id', `${A.toUpperCase()}\n`],
  ['two ids', `${A}\n${B}\n`],
  ['symbolic ref in a branch', 'ref: refs/heads/other\n'],
];

for (const [what, content] of MALFORMED) {
  test(`a ref holding ${what} is EBADREF (readRef, HEAD through it, and updateRef with CAS)`, async ({ refs, vol }) => {
    vol.writeFileSync(`${VD}/refs/heads/main`, content);
    assert.is(await codeOf(() => readRef(refs, 'refs/heads/main')), 'EBADREF');
    assert.is(await codeOf(() => readHead(refs)), 'EBADREF');
    assert.is(await codeOf(() => move(refs, 'refs/heads/main', A, null)), 'EBADREF');
  });
}

test('HEAD: malformed or missing is EBADREF; a detached HEAD holds an id and moves itself', async ({ refs, vol }) => {
  vol.writeFileSync(`${VD}/HEAD`, 'refs/heads/main\n');
  assert.is(await codeOf(() => readHead(refs)), 'EBADREF');
  vol.writeFileSync(`${VD}/HEAD`, 'ref: refs/remotes/x\n');
  assert.is(await codeOf(() => readHead(refs)), 'EBADREF');
  vol.unlinkSync(`${VD}/HEAD`);
  assert.is(await codeOf(() => readHead(refs)), 'EBADREF');
  vol.writeFileSync(`${VD}/HEAD`, `${A}\n`);
  assert.equal(await readHead(refs), { ref: null, id: A });
  await move(refs, 'HEAD', B, A);
  assert.equal(await readHead(refs), { ref: null, id: B });
  assert.is(await readRef(refs, 'refs/heads/main'), null);
});

test('updateRef on HEAD moves the branch HEAD names', async ({ refs }) => {
  await move(refs, 'HEAD', A, null);
  assert.is(await readRef(refs, 'refs/heads/main'), A);
  assert.equal(await readHead(refs), { ref: 'refs/heads/main', id: A });
  assert.is((await readReflog(refs, 'refs/heads/main')).length, 1);
});

test('updateRef refuses a value that is not a snapshot id, and bad ref names: EBADREF', async ({ refs }) => {
  assert.is(await codeOf(() => move(refs, 'refs/heads/main', 'HEAD~1')), 'EBADREF');
  assert.is(await codeOf(() => move(refs, 'refs/heads/../../config', A)), 'EBADREF');
  assert.is(await codeOf(() => move(refs, 'heads/main', A)), 'EBADREF');
  assert.is(await codeOf(() => writeHead(refs, 'refs/heads/a..b')), 'EBADREF');
});

const NAMES: [string, boolean][] = [
  ['HEAD', true],
  ['refs/heads/main', true],
  ['refs/heads/feature/new-castle', true],
  ['refs/milestones/alpha', true],
  ['refs/tags/v1.0.2', true],
  ['refs/tags/v1+build@2', true],
  ['refs/heads/', false],
  ['refs/heads', false],
  ['refs/remotes/origin/main', false],
  ['main', false],
  ['head', false],
  ['refs/heads/a..b', false],
  ['refs/heads/..', false],
  ['refs/heads/../config', false],
  ['refs/heads/.hidden', false],
  ['refs/heads/x/.hidden', false],
  ['refs/heads/x.lock', false],
  ['refs/heads/a//b', false],
  ['refs/heads/a/', false],
  ['refs/heads/a b', false],
  ['refs/heads/a~1', false],
  ['refs/heads/a^', false],
  ['refs/heads/a:b', false],
  ['refs/heads/a?', false],
  ['refs/heads/a*', false],
  ['refs/heads/a[1]', false],
  ['refs/heads/a\\b', false],
  ['refs/heads/a@{1}', false],
  ['refs/heads/a\0', false],
  ['refs/heads/ünï', false],
];

test('badRefName: git-like rules', () => {
  for (const [name, ok] of NAMES)
    assert.is(badRefName(name) === null, ok, `${JSON.stringify(name)} should be ${ok ? 'accepted' : 'rejected'}`);
});

test('listRefs lists refs under a prefix; malformed ones go to onError', async ({ refs, vol }) => {
  await move(refs, 'refs/heads/main', A);
  await move(refs, 'refs/heads/feature/x', B);
  await move(refs, 'refs/milestones/alpha', C);
  await move(refs, 'refs/tags/v1', A);
  vol.writeFileSync(`${VD}/refs/tags/broken`, 'nope');
  vol.writeFileSync(`${VD}/refs/tags/v2.lock`, '');
  const errors: string[] = [];
  const all = await listRefs(refs, 'refs/', (ref, e) => errors.push(`${ref}:${(e as { code?: string }).code}`));
  assert.equal([...all.entries()].sort(), [
    ['refs/heads/feature/x', B],
    ['refs/heads/main', A],
    ['refs/milestones/alpha', C],
    ['refs/tags/v1', A],
  ]);
  assert.equal(errors, ['refs/tags/broken:EBADREF']);
  assert.equal([...(await listRefs(refs, 'refs/milestones/')).keys()], ['refs/milestones/alpha']);
  assert.is(await codeOf(() => listRefs(refs, 'refs/tags/')), 'EBADREF');
});

test.run();
