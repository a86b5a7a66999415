// A clone keeps the persona and the vault settings that travel with the vault (issue 15): they are recorded
// in each snapshot's meta (`vault.settings`) and taken over from the cloned branch's history.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeSnapshot } from '../../src/objects/snapshot.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { RollingHashChunker } from '../../src/plumbing/chunkers/index.js';
import { defaultConfig } from '../../src/plumbing/config.js';
import { commit } from '../../src/porcelain/commit.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { SETTINGS_META, setConfigExtra } from '../../src/porcelain/settings.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { runVault, vaultOk } from '../helpers/cli.js';
import { diskVault, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { must } from '../helpers/must.js';

const test = suite<SyncCtx>('sync/settingsTravel', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const configOf = async (dir: string) => JSON.parse(await readFile(join(dir, '.vault', 'config'), 'utf8'));

test('CLI: init --persona game --with creative, commit, push, clone: the clone is a game vault too', async (ctx) => {
  const src = join(ctx.tmp, 'castle');
  await vaultOk(ctx.tmp, ['init', 'castle', '--persona', 'game', '--with', 'creative']);
  await run('sh', ['-c', `printf 'hello\\n' > ${src}/readme.txt`]);
  await vaultOk(src, ['commit', '-m', 'first']);
  const repo = await newRepo(ctx);
  await vaultOk(src, ['remote', 'add', 'origin', repo.url]);
  assert.is((await runVault(src, ['push'], ENV)).code, 0);
  const c = await runVault(ctx.tmp, ['clone', repo.url, 'copy'], ENV);
  assert.is(c.code, 0, c.stderr);
  assert.match(c.stdout, /persona: game \(with creative\)/);
  const copy = join(ctx.tmp, 'copy');
  assert.is((await vaultOk(copy, ['persona'])).stdout.trim(), 'game (with creative)');
  assert.equal((await configOf(copy)).chunker, (await configOf(src)).chunker);
  // the game persona's ignore rules travel as a file of the tree
  assert.is(await readFile(join(copy, 'readme.txt'), 'utf8'), 'hello\n');
  // and back to none: the next snapshot says so, and a new clone is a plain vault
  await vaultOk(src, ['persona', 'none', '--with', 'none']);
  await run('sh', ['-c', `printf 'two\\n' > ${src}/two.txt`]);
  await vaultOk(src, ['commit', '-m', 'second']);
  assert.is((await runVault(src, ['push'], ENV)).code, 0);
  assert.is((await runVault(ctx.tmp, ['clone', repo.url, 'copy2'], ENV)).code, 0);
  assert.is((await vaultOk(join(ctx.tmp, 'copy2'), ['persona'])).stdout.trim(), 'none');
  assert.equal((await configOf(join(ctx.tmp, 'copy2'))).extra, {});
});

test('the chunker and attachment switches travel; a plain vault records nothing; workspace stays local', async (ctx) => {
  const chunker = new RollingHashChunker({ avgSize: 4096, minSize: 1024, maxSize: 16384 });
  const tv = await diskVault(ctx.tmp, { 'a.bin': Buffer.alloc(50_000, 7) }, { chunker });
  const first = await commit({ vault: tv.vault, message: 'one' });
  let snap = decodeSnapshot(await tv.vault.db.readTyped(first.id!, 'snapshot'), first.id!);
  assert.equal(JSON.parse(must(snap.meta[SETTINGS_META], 'the settings')), {
    chunker: { name: chunker.name, params: chunker.params },
  });
  await setConfigExtra(tv.vault, { thumbnails: false, elementMerge: true, workspace: [{ path: '/elsewhere' }] });
  await tv.fs.writeFile(join(tv.dir, 'b.txt'), 'b\n');
  const second = await commit({ vault: tv.vault, message: 'two' });
  snap = decodeSnapshot(await tv.vault.db.readTyped(second.id!, 'snapshot'), second.id!);
  assert.equal(Object.keys(JSON.parse(must(snap.meta[SETTINGS_META], 'the settings'))).sort(), [
    'chunker',
    'elementMerge',
    'thumbnails',
  ]);
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  await tv.vault.close();
  const dir = join(ctx.tmp, 'copy');
  const c = await clone({ fs: nodeFs, url: repo.url, dir, env: ENV, codec: new InlineCodec() });
  assert.equal(c.settingsIgnored, []);
  const cfg = await configOf(dir);
  assert.equal(cfg.chunker, { name: chunker.name, params: chunker.params });
  assert.equal(cfg.extra, { thumbnails: false, elementMerge: true });
  // the clone commits with the same chunker: an edit made there is cut into the same chunks
  const v = await openVault({ fs: nodeFs, cwd: dir, codec: new InlineCodec() });
  assert.equal(v.config.chunker, cfg.chunker);
  await v.close();

  // a vault left as it was made records no settings: its snapshots are as before
  const plain = await diskVault(join(ctx.tmp, 'plain'), { 'p.txt': 'p\n' });
  const p = await commit({ vault: plain.vault, message: 'p' });
  assert.equal(decodeSnapshot(await plain.vault.db.readTyped(p.id!, 'snapshot'), p.id!).meta, {});
  await plain.vault.close();
});

test('settings from a remote are checked: a chunker over 64 MiB, an unknown persona or key are not taken over', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  const bad = {
    persona: 'evil',
    with: ['creative'],
    chunker: { name: 'FIXED-v1', params: { size: 1024 * 1024 * 1024 } },
    colour: 'red',
  };
  await commit({ vault: tv.vault, message: 'odd', meta: { [SETTINGS_META]: JSON.stringify(bad) } });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  await tv.vault.close();
  const dir = join(ctx.tmp, 'copy');
  const c = await clone({ fs: nodeFs, url: repo.url, dir, env: ENV, codec: new InlineCodec() });
  assert.equal(c.settingsIgnored.sort(), ['chunker', 'colour', 'persona']);
  assert.equal(c.settings, { with: ['creative'] });
  const cfg = await configOf(dir);
  assert.equal(cfg.chunker, defaultConfig().chunker);
  assert.equal(cfg.extra, { with: ['creative'] });
  const cli = await runVault(ctx.tmp, ['clone', repo.url, 'cli-copy'], ENV);
  assert.is(cli.code, 0, cli.stderr);
  assert.match(cli.stderr, /not taken over: persona, chunker, colour/);
});

test.run();
