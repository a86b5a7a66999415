// The restore plan on its own: pure functions over flat entries, no filesystem.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FlatEntry } from '../../src/plumbing/trees.js';
import {
  FULL_FOLDING,
  NO_FOLDING,
  dirtyConflicts,
  foldName,
  mayCollide,
  nameCollisions,
  planFolders,
  planRestore,
  type NameFolding,
  type RestorePlan,
} from '../../src/porcelain/restorePlan.js';
import { flattenTree, writeTrees } from '../../src/plumbing/trees.js';
import { takeTurns } from '../../src/porcelain/restoreWriter.js';
import { codeOfSync, memVault } from '../helpers/vault.js';

const test = suite('porcelain/restorePlan');

const ID = (n: number) => n.toString(16).padStart(64, '0');
const file = (path: string, size = 1, id = ID(size)): FlatEntry => ({
  path,
  kind: 'file',
  size,
  mtime: 0,
  obj: 'blob',
  id,
});
const dir = (path: string): FlatEntry => ({ path, kind: 'dir', size: 0, mtime: 0, obj: 'tree', id: ID(0) });

test('folders first in path order, then files; totals count what is written', () => {
  const plan = planRestore({
    entries: [file('b/y.txt', 5), dir('b'), file('a.txt', 3), dir('a'), file('a/x.txt', 2)],
    folding: NO_FOLDING,
  });
  assert.equal(
    plan.dirs.map((d) => d.path),
    ['a', 'b'],
  );
  assert.equal(
    plan.files.map((f) => f.path),
    ['a.txt', 'a/x.txt', 'b/y.txt'],
  );
  assert.equal(
    plan.files.map((f) => f.disk),
    ['a.txt', 'a/x.txt', 'b/y.txt'],
  );
  assert.is(plan.filesTotal, 3);
  assert.is(plan.bytesTotal, 10);
  assert.equal(plan.refused, []);
});

test('unsafe names are refused with the reason, and so is everything under them', () => {
  const plan = planRestore({
    entries: [dir('.VAULT'), file('.VAULT/config'), file('ok.txt'), file('a\\b'), dir('..'), file('../x')],
    folding: NO_FOLDING,
  });
  assert.equal(
    plan.files.map((f) => f.path),
    ['ok.txt'],
  );
  assert.equal(plan.dirs, []);
  assert.equal(Object.fromEntries(plan.refused.map((r) => [r.path, r.reason])), {
    '..': 'dot entry',
    '../x': 'dot entry',
    '.VAULT': 'names the vault folder',
    '.VAULT/config': 'names the vault folder',
    'a\\b': 'contains a path separator',
  });
});

const COLLISIONS: { names: string[]; folding: typeof NO_FOLDING; refused: string[] }[] = [
  { names: ['Hero.psd', 'hero.psd', 'x'], folding: FULL_FOLDING, refused: ['Hero.psd', 'hero.psd'] },
  { names: ['Hero.psd', 'hero.psd'], folding: NO_FOLDING, refused: [] },
  { names: ['caf\u00e9', 'cafe\u0301'], folding: { case: false, unicode: true }, refused: ['caf\u00e9', 'cafe\u0301'] },
  { names: ['caf\u00e9', 'cafe\u0301'], folding: { case: true, unicode: false }, refused: [] },
  { names: ['CAF\u00c9', 'cafe\u0301'], folding: FULL_FOLDING, refused: ['CAF\u00c9', 'cafe\u0301'] },
  { names: ['a/X', 'b/x'], folding: FULL_FOLDING, refused: [] },
  { names: ['a/X', 'a/x', 'a/Y'], folding: FULL_FOLDING, refused: ['a/X', 'a/x'] },
];

for (const c of COLLISIONS)
  test(`nameCollisions ${JSON.stringify(c.names)} folding ${JSON.stringify(c.folding)}`, () => {
    assert.equal([...nameCollisions(c.names, c.folding).keys()].sort(), c.refused.sort());
    const asMap = new Map(c.names.map((n) => [n, n]));
    assert.is(mayCollide(asMap, c.folding), c.refused.length > 0, 'mayCollide agrees');
  });

test('mayCollide agrees with nameCollisions on random trees of mixed-case and NFC/NFD names', () => {
  const parts = ['a', 'A', 'b', 'caf\u00e9', 'cafe\u0301', 'CAF\u00c9', 'x.png', 'X.PNG', 'x.Png'];
  let seed = 7;
  const next = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  let collided = 0;
  for (let round = 0; round < 400; round++) {
    const paths = new Set<string>();
    const count = 1 + next(6);
    for (let k = 0; k < count; k++) {
      const depth = 1 + next(3);
      const path = Array.from({ length: depth }, () => parts[next(parts.length)]!).join('/');
      // a tree holds each folder on the way, as the selection does
      const segs = path.split('/');
      for (let d = 1; d <= segs.length; d++) paths.add(segs.slice(0, d).join('/'));
    }
    for (const folding of [FULL_FOLDING, NO_FOLDING, { case: true, unicode: false }, { case: false, unicode: true }]) {
      const want = nameCollisions(paths, folding).size > 0;
      if (want) collided++;
      assert.is(mayCollide(new Map([...paths].map((p) => [p, p])), folding), want, `${[...paths].join(' ')}`);
    }
  }
  assert.ok(collided > 50, `the random trees collide often enough to test both answers (${collided})`);
});

test('foldName: case and NFC/NFD only as the target folds them', () => {
  assert.is(foldName('Caf\u00e9', NO_FOLDING), 'Caf\u00e9');
  assert.is(foldName('Cafe\u0301', FULL_FOLDING), 'caf\u00e9');
  assert.is(foldName('Cafe\u0301', { case: true, unicode: false }), 'cafe\u0301');
});

test('a colliding folder is refused with what it holds; the same tree restores whole on a target that tells them apart', () => {
  const entries = [dir('Art'), file('Art/hero.psd'), { ...file('art', 4), kind: 'symlink' as const }, file('b.txt')];
  const plan = planRestore({ entries, folding: FULL_FOLDING });
  assert.equal(
    plan.refused.map((r) => r.path),
    ['Art', 'Art/hero.psd', 'art'],
  );
  assert.match(plan.refused[1]!.reason, /its folder 'Art' is refused/);
  assert.equal(
    plan.files.map((f) => f.path),
    ['b.txt'],
  );
  assert.equal(planRestore({ entries, folding: NO_FOLDING }).refused, []);
});

test('an entry that would land in the vault store (inside the target) is ETARGETINVAULT; a refused one is not', () => {
  const where = { target: '/x', vaultDir: '/x/store' };
  const into = [dir('store'), file('store/HEAD'), file('a.txt')];
  assert.is(
    codeOfSync(() => planRestore({ entries: into, folding: NO_FOLDING, store: 'store', where })),
    'ETARGETINVAULT',
  );
  assert.is(
    codeOfSync(() => planRestore({ entries: [file('Store/HEAD')], folding: FULL_FOLDING, store: 'store', where })),
    'ETARGETINVAULT',
    'another case of the store on a case-insensitive target',
  );
  assert.is(planRestore({ entries: [file('Store/HEAD')], folding: NO_FOLDING, store: 'store', where }).files.length, 1);
  assert.is(planRestore({ entries: [file('storehouse')], folding: NO_FOLDING, store: 'store', where }).files.length, 1);
  // the usual layout: .vault entries are refused by name, the restore goes on
  const inPlace = planRestore({ entries: [file('.vault/HEAD'), file('a')], folding: NO_FOLDING, store: '.vault' });
  assert.equal(
    inPlace.files.map((f) => f.path),
    ['a'],
  );
});

test('in place: files the folder holds already are marked present (a link and a file with one id are not the same)', () => {
  const present = new Map([
    ['same.txt', { id: ID(1), kind: 'file' }],
    ['exec.sh', { id: ID(1), kind: 'file' }],
    ['link', { id: ID(1), kind: 'file' }],
    ['other.txt', { id: ID(2), kind: 'file' }],
  ]);
  const plan = planRestore({
    entries: [
      file('same.txt'),
      { ...file('exec.sh'), kind: 'exec' },
      { ...file('link'), kind: 'symlink' },
      file('other.txt'),
    ],
    folding: NO_FOLDING,
    present,
  });
  assert.equal(
    plan.files.filter((f) => f.present).map((f) => f.path),
    ['exec.sh', 'same.txt'],
  );
});

test('dirtyConflicts: a dirty path the restore would change; not one it would leave as it is, nor folders', () => {
  const present = new Map([
    ['a', { id: ID(1), kind: 'file' }],
    ['b', { id: ID(9), kind: 'file' }],
  ]);
  const dirty = new Set(['a', 'b', 'c', 'd']);
  assert.equal(dirtyConflicts([file('a'), file('b'), file('c'), dir('d')], dirty, present), ['b', 'c']);
});

/** What a plan says, comparable across one plan and many. */
function summary(plans: Iterable<RestorePlan>) {
  const dirs: string[] = [];
  const files: string[] = [];
  const refused: string[] = [];
  let bytes = 0;
  for (const p of plans) {
    dirs.push(...p.dirs.map((d) => d.path));
    files.push(...p.files.map((f) => f.path));
    refused.push(...p.refused.map((r) => `${r.path}: ${r.reason}`));
    bytes += p.bytesTotal;
  }
  return { dirs: dirs.sort(), files: files.sort(), refused: refused.sort(), bytes };
}

test('planFolders, folder by folder, plans what planRestore of the whole selection plans (random trees)', async () => {
  const { vault } = await memVault();
  const parts = ['a', 'A', 'b', 'caf\u00e9', 'cafe\u0301', 'CAF\u00c9', 'x.png', 'X.PNG', 'sub'];
  let seed = 11;
  const next = (n: number) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
  const foldings: NameFolding[] = [FULL_FOLDING, NO_FOLDING, { case: true, unicode: false }];
  let refusedSeen = 0;
  for (let round = 0; round < 60; round++) {
    const paths = new Set<string>();
    for (let k = 0, n = 2 + next(12); k < n; k++) {
      const segs = Array.from({ length: 1 + next(4) }, () => parts[next(parts.length)]!);
      for (let d = 1; d <= segs.length; d++) paths.add(segs.slice(0, d).join('/'));
    }
    const isDir = (p: string) => [...paths].some((o) => o.startsWith(`${p}/`));
    const flat = [...paths].map((path, i) =>
      isDir(path)
        ? { path, kind: 'dir' as const, size: 0, mtime: 0 }
        : { path, kind: 'file' as const, size: 1 + i, mtime: 0, obj: 'blob' as const, id: ID(1 + i) },
    );
    const writer = vault.db.writer();
    const root = await writeTrees(flat, writer);
    await writer.flush();
    const all = await flattenTree(vault.db, root);
    const asked = next(3) === 0 ? [] : [...paths].filter(() => next(4) === 0);
    // what selectEntries gave before: the paths, the folders on their way, everything under asked folders
    const selected = [...all.values()].filter(
      (e) =>
        !asked.length || asked.some((a) => e.path === a || e.path.startsWith(`${a}/`) || a.startsWith(`${e.path}/`)),
    );
    for (const folding of foldings) {
      const whole = planRestore({ entries: selected, folding });
      const byFolder: RestorePlan[] = [];
      for await (const f of planFolders(vault.db, root, asked, 'f'.repeat(64), { folding }, [])) byFolder.push(f.plan);
      assert.equal(summary(byFolder), summary([whole]), `${asked.join(',')} in ${[...paths].join(' ')}`);
      refusedSeen += whole.refused.length;
    }
  }
  assert.ok(refusedSeen > 100, `the random trees refuse entries often enough (${refusedSeen})`);
});

test('takeTurns: files of up to `window` folders in turn, each folder in order, a plan opened before its files', async () => {
  const folder = (name: string, files: number) =>
    planRestore({
      entries: [dir(`${name}/sub`), ...Array.from({ length: files }, (_, i) => file(`${name}/f${i}`))],
      folding: NO_FOLDING,
    });
  const plans = [folder('a', 3), folder('b', 0), folder('c', 1), folder('d', 2), folder('e', 2)];
  async function* source() {
    for (const plan of plans) yield { entries: [], plan };
  }
  const log: string[] = [];
  for await (const e of takeTurns(source(), 2, async (p) => void log.push(`open ${p.dirs[0]!.path}`))) log.push(e.path);
  assert.equal(log, [
    'open a/sub',
    'open b/sub',
    'open c/sub',
    'a/f0',
    'c/f0',
    'open d/sub',
    'a/f1',
    'd/f0',
    'a/f2',
    'open e/sub',
    'd/f1',
    'e/f0',
    'e/f1',
  ]);
});

test.run();
