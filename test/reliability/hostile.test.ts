// A vault crafted by an attacker: tree entries named '..', '../x', '/abs', '.vault', '.VAULT', with '\' or NUL,
// '.git' and its aliases (a config with a core.fsmonitor payload in it), '.gitmodules' and friends as symlinks,
// duplicate names, unsorted entries, a symlink pointing outside followed by a folder of the same name, a chunk
// list whose sizes do not add up. Each sits in its own tagged snapshot next to a
// good file. restore writes nothing outside its target and refuses or skips each; verify flags each one.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeChunkList } from '../../src/objects/chunkList.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import type { TreeEntry } from '../../src/objects/types.js';
import type { Vault } from '../../src/porcelain/openVault.js';
import { restoreElement } from '../../src/personas/creative/elements/index.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { updateRef } from '../../src/refs/refs.js';
import { codeOf, memVault } from '../helpers/vault.js';

const test = suite('reliability/hostile');

const file = (name: string, id: string, size: number): TreeEntry => ({
  name,
  kind: 'file',
  size,
  mtime: 0,
  obj: 'blob',
  id,
});
const dir = (name: string, id: string): TreeEntry => ({ name, kind: 'dir', size: 0, mtime: 0, obj: 'tree', id });
const link = (name: string, id: string, size: number): TreeEntry => ({
  name,
  kind: 'symlink',
  size,
  mtime: 0,
  obj: 'blob',
  id,
});

/** a tree stored exactly as given: no sorting, no checks */
const rawTree = (v: Vault, entries: TreeEntry[]) => v.db.writeLoose('tree', Buffer.from(JSON.stringify({ entries })));

test('every hostile entry is refused or skipped by restore (nothing outside the target) and flagged by verify', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  const v = t.vault;
  const evil = await v.db.writeLoose('blob', Buffer.from('EVIL'));
  const good = await v.db.writeLoose('blob', Buffer.from('good'));
  const outside = await v.db.writeLoose('blob', Buffer.from('/etc'));
  const inner = await rawTree(v, [file('passwd', evil, 4)]);
  const fsmonitor = Buffer.from('[core]\n\tfsmonitor = "touch pwned; false"\n');
  const gitConfig = await rawTree(v, [file('config', await v.db.writeLoose('blob', fsmonitor), fsmonitor.length)]);
  const chunk = await v.db.writeLoose('chunk', Buffer.from('12345'));
  const lyingList = await v.db.writeLoose(
    'chunklist',
    Buffer.concat([
      encodeChunkList({ size: 5, chunks: [{ id: chunk, size: 5 }] }).subarray(0, 8),
      Buffer.from([0, 0, 0, 1]),
      Buffer.from(chunk, 'hex'),
      Buffer.from([0, 0, 0, 9]),
    ]),
  );
  // (a tree that contains itself cannot be stored: its id is the hash of its own content; flattenTree and
  // verify guard against cycles anyway)
  const cases: { name: string; entries: () => Promise<TreeEntry[]> }[] = [
    ...[
      '..',
      '../x',
      '/abs',
      '.vault',
      '.VAULT',
      'a\\b',
      'a\0b',
      '.',
      '',
      'a/b',
      '.git',
      '.GIT',
      'git~1',
      '.git.',
      '.git ',
      '.git::$INDEX_ALLOCATION',
      '.git:$DATA',
      '.g\u200cit',
    ].map((n) => ({
      name: `entry ${JSON.stringify(n)}`,
      entries: async () => [file('ok.txt', good, 4), file(n, evil, 4)],
    })),
    { name: 'duplicate names', entries: async () => [file('ok.txt', good, 4), file('x', evil, 4), file('x', evil, 4)] },
    { name: 'unsorted entries', entries: async () => [file('z', evil, 4), file('ok.txt', good, 4)] },
    {
      name: 'symlink outside, then a folder under it',
      entries: async () => [link('etc', outside, 4), dir('etc', inner), file('ok.txt', good, 4)],
    },
    {
      name: 'chunk list whose sizes do not add up',
      entries: async () => [
        file('ok.txt', good, 4),
        { name: 'big.bin', kind: 'file', size: 9, mtime: 0, obj: 'chunklist', id: lyingList },
      ],
    },
    { name: '.vault folder nested', entries: async () => [file('ok.txt', good, 4), dir('.vault', inner)] },
    { name: '.git folder with a config', entries: async () => [dir('.git', gitConfig), file('ok.txt', good, 4)] },
    { name: 'GIT~1 folder with a config', entries: async () => [dir('GIT~1', gitConfig), file('ok.txt', good, 4)] },
    ...['.gitmodules', '.gitattributes', '.gitignore', '.mailmap', 'gitmod~1', 'GI7EBA~1'].map((n) => ({
      name: `symlink ${JSON.stringify(n)}`,
      entries: async () => [link(n, outside, 4), file('ok.txt', good, 4)].sort((a, b) => (a.name < b.name ? -1 : 1)),
    })),
  ];
  let refused = 0;
  let flagged = 0;
  for (const [i, c] of cases.entries()) {
    const root = await rawTree(v, await c.entries());
    const snap = await v.db.writeLoose(
      'snapshot',
      encodeSnapshot({ tree: root, parents: [], author: 'mallory', time: 0, message: c.name, meta: {} }),
    );
    await updateRef({ ...v.refs, ref: `refs/tags/hostile-${i}`, value: snap, author: 'm', time: 0, message: c.name });
    // restore: refused (typed error) or the entry skipped, and nothing written outside the target
    t.vol.mkdirSync(`/out/t${i}`, { recursive: true });
    const before = new Set(Object.keys(t.vol.toJSON()));
    let skipped = 0;
    const code = await codeOf(async () => {
      skipped = (await restore({ vault: v, snapshot: snap, to: `/out/t${i}` })).skipped.length;
    });
    const added = Object.keys(t.vol.toJSON()).filter((p) => !before.has(p));
    assert.equal(
      added.filter((p) => !p.startsWith(`/out/t${i}/`)),
      [],
      `${c.name}: written outside the target`,
    );
    assert.equal(
      added.filter((p) => /\/(\.git|git~1)/i.test(p)),
      [],
      `${c.name}: git's folder planted in the target`,
    );
    for (const [p, body] of Object.entries(t.vol.toJSON()))
      if (!p.startsWith(`/out/`)) assert.is.not(body, 'EVIL', `${c.name}: ${p}`);
    if (code === '(did not throw)') assert.ok(skipped > 0, `${c.name}: restored without complaint`);
    else assert.ok(['EMALFORMED', 'EUNSAFEPATH'].includes(code), `${c.name}: ${code}`);
    refused++;
    // verify flags it, naming the snapshot
    const r = await verify({ vault: v });
    const mine = r.problems.filter((p) => p.snapshots.includes(snap) || p.id === root || p.id === lyingList);
    assert.ok(
      mine.length > 0,
      `${c.name}: verify does not flag it: ${JSON.stringify(r.problems.map((p) => p.message))}`,
    );
    flagged++;
    await updateRef({ ...v.refs, ref: `refs/tags/hostile-${i}`, value: null, author: 'm', time: 0, message: 'done' });
  }
  console.log(
    `hostile figures: ${cases.length} hostile entries: ${refused} refused or skipped by restore with nothing written outside the target, ${flagged} flagged by verify`,
  );
});

test('element restore refuses paths through .git and its aliases (and out of the project): nothing written', async () => {
  const t = await memVault({ 'settings.json': '{"a": 1}', '.GIT': { 'config.json': '{"core": {}}' } });
  const before = JSON.stringify(t.vol.toJSON());
  for (const path of [
    '.git/config.json',
    '.GIT/config.json',
    'git~1/config.json',
    '.git./config.json',
    '.git::$INDEX_ALLOCATION/config.json',
    '.g\u200cit/config.json',
    '../settings.json',
    '.vault/config.json',
  ]) {
    const code = await codeOf(() => restoreElement({ vault: t.vault, rev: 'HEAD', path, element: 'core' }));
    assert.is(code, 'EUNSAFEPATH', path);
  }
  assert.is(JSON.stringify(t.vol.toJSON()), before, 'nothing written, no undo snapshot made');
});

test.run();
