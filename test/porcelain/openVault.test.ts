import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FixedSizeChunker } from '../../src/plumbing/chunkers/index.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { readConfig } from '../../src/plumbing/config.js';
import { commit } from '../../src/porcelain/commit.js';
import { ls } from '../../src/porcelain/ls.js';
import { initVault, locateVault, openVault } from '../../src/porcelain/openVault.js';
import { memFs } from '../helpers/memfs.js';
import { writeTree } from '../helpers/tree.js';
import { codeOf, fakeClock } from '../helpers/vault.js';

const test = suite('porcelain/openVault');

test('init lays out an empty vault: HEAD -> refs/heads/main, config last', async () => {
  const { fs, vol } = memFs();
  const r = await initVault({ fs, dir: '/work' });
  assert.equal(r, { workTree: '/work', vaultDir: '/work/.vault' });
  assert.is(vol.readFileSync('/work/.vault/HEAD', 'utf8'), 'ref: refs/heads/main\n');
  for (const d of ['objects', 'packs', 'refs/heads', 'refs/milestones', 'refs/tags', 'logs'])
    assert.ok(vol.statSync(`/work/.vault/${d}`).isDirectory(), d);
  const cfg = await readConfig(fs, '/work/.vault');
  assert.is(cfg.format, 1);
  assert.is(cfg.chunker.name, 'FILETYPE-v3');
  assert.is(cfg.compression.level, 3);
});

test('init twice: EALREADYVAULT, and the first vault is untouched', async () => {
  const { fs, vol } = memFs();
  await initVault({ fs, dir: '/work', level: 5 });
  const before = vol.readFileSync('/work/.vault/config', 'utf8');
  assert.is(await codeOf(() => initVault({ fs, dir: '/work' })), 'EALREADYVAULT');
  assert.is(vol.readFileSync('/work/.vault/config', 'utf8'), before);
});

test('an init killed before writing config can simply be run again', async () => {
  const { fs, vol } = memFs({ '/work/.vault/HEAD': 'ref: refs/heads/main\n', '/work/a.txt': 'a' });
  await initVault({ fs, dir: '/work' });
  assert.ok(vol.existsSync('/work/.vault/config'));
});

test('init records chunker, level and pack size; open uses them', async () => {
  const { fs } = memFs();
  await initVault({ fs, dir: '/work', chunker: new FixedSizeChunker({ size: 4096 }), level: 9, packSize: 1234567 });
  const v = await openVault({ fs, cwd: '/work', codec: new InlineCodec() });
  assert.equal(v.config.chunker, { name: 'FIXED-v1', params: { size: 4096 } });
  assert.is(v.db.level, 9);
  assert.is(v.db.packSize, 1234567);
});

test('open finds the vault from a subfolder; the work tree is the folder holding .vault', async () => {
  const { fs } = memFs({ '/work/Art/Characters/hero.txt': 'x' });
  await initVault({ fs, dir: '/work' });
  const v = await openVault({ fs, cwd: '/work/Art/Characters', codec: new InlineCodec() });
  assert.is(v.workTree, '/work');
  assert.is(v.vaultDir, '/work/.vault');
});

test('outside any vault: ENOTVAULT (also at / and for a folder that does not exist)', async () => {
  const { fs } = memFs({ '/elsewhere/a.txt': 'x' });
  await initVault({ fs, dir: '/work' });
  for (const cwd of ['/elsewhere', '/', '/no/such/folder'])
    assert.is(await codeOf(() => openVault({ fs, cwd })), 'ENOTVAULT', cwd);
  assert.is(await codeOf(() => locateVault({ fs, cwd: '/work', vaultDir: '/elsewhere' })), 'ENOTVAULT');
});

test('a broken config: ECONFIG', async () => {
  const cases: [string, string][] = [
    ['not JSON', '{'],
    [
      'unknown format',
      JSON.stringify({ format: 2, chunker: { name: 'FIXED-v1', params: {} }, compression: { level: 3 } }),
    ],
    ['bad level', JSON.stringify({ format: 1, chunker: { name: 'FIXED-v1', params: {} }, compression: { level: 99 } })],
    ['no chunker', JSON.stringify({ format: 1, compression: { level: 3 } })],
  ];
  for (const [what, body] of cases) {
    const { fs, vol } = memFs();
    await initVault({ fs, dir: '/work' });
    vol.writeFileSync('/work/.vault/config', body);
    assert.is(await codeOf(() => openVault({ fs, cwd: '/work' })), 'ECONFIG', what);
  }
});

test('a vault folder kept inside the project under another name is not snapshotted', async () => {
  const { fs } = memFs();
  await writeTree(fs, '/work', { 'a.txt': 'a', sub: { 'b.txt': 'b' } });
  await initVault({ fs, dir: '/work', vaultDir: '/work/store' });
  const vault = await openVault({
    fs,
    cwd: '/work',
    vaultDir: '/work/store',
    codec: new InlineCodec(),
    clock: fakeClock(),
  });
  const r = await commit({ vault, message: 'm' });
  assert.ok(r.id);
  const paths = (await ls({ vault, rev: 'HEAD' })).entries.map((e) => e.path);
  assert.equal(paths.sort(), ['a.txt', 'sub', 'sub/b.txt']);
});

test.run();
