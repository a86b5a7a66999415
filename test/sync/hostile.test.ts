// Hostile remotes on the real git server (issue 13, item 6 and 11): a zip-bomb blob with honest and lying
// sizes, an exponential tree, a snapshot whose parent is missing, a stalled server and a signal. The big
// clones run in a child process (test/sync/pushChild.ts) so their peak RSS is their own.
import { execFile, spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InterruptedError } from '../../src/errors.js';
import { hashObject } from '../../src/objects/hashObject.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch, pull } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { readHead } from '../../src/refs/refs.js';
import { BIN, ROOT, runVault } from '../helpers/cli.js';
import { prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { codeOf, diskVault, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { chunkedFile, hostileCommit, setBranch, smallFile, zeroBlob, type Folder } from './hostileRemote.js';

const test = suite<SyncCtx>('sync/hostile', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const MiB = 1024 * 1024;
/** the bound big.test.ts holds a 300 MiB clone to */
const RSS_BOUND = 300 * MiB;
const BOMB = 400 * MiB;

interface ChildClone {
  maxRssBytes: number;
  code?: string;
  message?: string;
  imported?: number;
}

/** `clone` in a child process (limits from `env`), its result and peak RSS. */
async function cloneInChild(url: string, dir: string, env: NodeJS.ProcessEnv = {}): Promise<ChildClone> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test/sync/pushChild.ts'), 'clone', dir, url],
    { cwd: ROOT, env: { ...process.env, ...ENV, ...env }, maxBuffer: 1 << 20, timeout: 240_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildClone;
}

/** Temp files and incoming packs anywhere under the test folder but the server's repositories. */
async function leftovers(root: string): Promise<string[]> {
  const all = (await readdir(root, { recursive: true })).map(String);
  return all.filter((p) => !p.startsWith('srv') && /(\.tmp-|(^|\/)tmp-|(^|\/)incoming-)/.test(p));
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

const fakeId = (s: string) => hashObject('blob', Buffer.from(s));

test('a zip-bomb blob (400 MiB of zeros): honest, lying and manifest sizes and a user limit are refused in bounded memory, nothing left behind', async (ctx) => {
  const repo = await newRepo(ctx);
  const bomb = await zeroBlob(repo.dir, BOMB);
  const honest = await hostileCommit(repo.dir, { 'huge.bin': { oid: bomb, size: BOMB, id: fakeId('huge') } });
  // the lying ones use a smaller blob, still over the 64 MiB Vault reads whole: ECORRUPT (not ELIMIT) shows
  // that the size was checked before the blob was read
  const liar = await zeroBlob(repo.dir, 72 * MiB);
  const lying = await hostileCommit(repo.dir, { 'huge.bin': { oid: liar, size: 5, id: fakeId('five') } });
  const piece = await smallFile(repo.dir, Buffer.from('a real chunk'));
  const manifest = await hostileCommit(repo.dir, {
    'big.psd': await chunkedFile(repo.dir, [piece, { oid: liar, size: 1000 }]),
  });

  await setBranch(repo.dir, honest.commit);
  const a = await cloneInChild(repo.url, join(ctx.tmp, 'a'));
  console.log(
    `    zip bomb (${BOMB / MiB} MiB blob): clone peak RSS ${(a.maxRssBytes / MiB).toFixed(0)} MiB, ${a.code}`,
  );
  assert.is(a.code, 'ELIMIT', a.message);
  assert.ok(a.maxRssBytes < RSS_BOUND, `peak RSS ${a.maxRssBytes}`);
  assert.not.ok(await exists(join(ctx.tmp, 'a')), 'the failed clone left no folder');
  // what the user allows: the download may not inflate past --max-size
  const b = await cloneInChild(repo.url, join(ctx.tmp, 'b'), { VAULT_SYNC_MAX_SIZE: '100M' });
  assert.is(b.code, 'ELIMIT', b.message);
  assert.match(b.message!, /inflated/);
  assert.ok(b.maxRssBytes < RSS_BOUND, `peak RSS ${b.maxRssBytes}`);

  // the tree says 5 bytes, the git blob holds 640 MiB: refused before it is inflated
  await setBranch(repo.dir, lying.commit);
  const opts = { fs: nodeFs, url: repo.url, env: ENV, codec: new InlineCodec() };
  assert.is(await codeOf(() => clone({ ...opts, dir: join(ctx.tmp, 'c') })), 'ECORRUPT');
  // a manifest says one chunk is 1000 bytes
  await setBranch(repo.dir, manifest.commit);
  assert.is(await codeOf(() => clone({ ...opts, dir: join(ctx.tmp, 'd') })), 'ECORRUPT');
  for (const d of ['b', 'c', 'd']) assert.not.ok(await exists(join(ctx.tmp, d)), d);
  assert.equal(await leftovers(ctx.tmp), []);
});

/** A folder holding `x.txt`, then one folder `a` and one `b` at every level, both the same tree: 2^levels files. */
async function exponential(repoDir: string, levels: number): Promise<Folder> {
  let f: Folder = { 'x.txt': await smallFile(repoDir, Buffer.from('x')) };
  for (let i = 0; i < levels; i++) f = { a: f, b: f };
  return f;
}

test('an exponential tree (2^40 files in 41 trees) is refused before any file is written, by clone and by pull', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'a.txt': 'a\n' });
  const base = (await commit({ vault: tv.vault, message: 'base' })).id!;
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  const baseCommit = (await run('git', ['-C', repo.dir, 'rev-parse', 'main'], { encoding: 'utf8' })).stdout.trim();
  const copy = join(ctx.tmp, 'copy');
  await clone({ fs: nodeFs, url: repo.url, dir: copy, env: ENV, codec: new InlineCodec() });

  const bomb = await hostileCommit(repo.dir, await exponential(repo.dir, 40), {
    parents: [base],
    gitParents: [baseCommit],
  });
  await setBranch(repo.dir, bomb.commit);
  const r = await cloneInChild(repo.url, join(ctx.tmp, 'fresh'));
  assert.is(r.code, 'ELIMIT', r.message);
  assert.ok(r.maxRssBytes < RSS_BOUND, `peak RSS ${r.maxRssBytes}`);
  assert.not.ok(await exists(join(ctx.tmp, 'fresh')));

  // pull: the snapshot is fetched (41 trees), the checkout is refused, the folder and HEAD stay as they were
  const { openVault } = await import('../../src/porcelain/openVault.js');
  const v = await openVault({ fs: nodeFs, cwd: copy, codec: new InlineCodec() });
  const before = await listTree(nodeFs, copy);
  assert.is(await codeOf(() => pull({ vault: v, env: ENV })), 'ELIMIT');
  assert.equal(await listTree(nodeFs, copy), before);
  assert.is((await readHead(v.refs)).id, base);
  // allowing more bytes does not lift the limit on files
  assert.is(await codeOf(() => pull({ vault: v, env: ENV, limits: { maxBytes: 2 ** 50 } })), 'ELIMIT');
  await v.close();
  await tv.vault.close();
  assert.equal(await leftovers(ctx.tmp), []);
});

test('a snapshot whose parent the remote does not hold: ENOPARENT for clone and fetch, one JSON error from the CLI', async (ctx) => {
  const repo = await newRepo(ctx);
  const orphan = await hostileCommit(
    repo.dir,
    { 'a.txt': await smallFile(repo.dir, Buffer.from('a\n')) },
    {
      parents: [hashObject('snapshot', Buffer.from('never sent'))],
    },
  );
  await setBranch(repo.dir, orphan.commit);
  const opts = { fs: nodeFs, url: repo.url, env: ENV, codec: new InlineCodec() };
  assert.is(await codeOf(() => clone({ ...opts, dir: join(ctx.tmp, 'c') })), 'ENOPARENT');
  assert.not.ok(await exists(join(ctx.tmp, 'c')));

  const tv = await diskVault(ctx.tmp, { 'b.txt': 'b\n' });
  await commit({ vault: tv.vault, message: 'mine' });
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  assert.is(await codeOf(() => fetch({ vault: tv.vault, env: ENV })), 'ENOPARENT');
  assert.is((await log({ vault: tv.vault })).length, 1, 'nothing imported');
  await tv.vault.close();

  const cli = await runVault(ctx.tmp, ['clone', repo.url, 'cli-copy', '--json'], ENV);
  assert.is(cli.code, 1, cli.stderr);
  assert.is(JSON.parse(cli.stdout).error.code, 'ENOPARENT');
  assert.match(cli.stderr, /^vault: /);
  assert.not.match(cli.stderr, /internal error|\n\s+at /);
  assert.equal(await leftovers(ctx.tmp), []);
});

/**
 * Start `vault clone` and send `signal` once the download has begun (its incoming pack file has bytes in
 * it); its exit code and output.
 */
function cloneAndSignal(url: string, cwd: string, dir: string, signal: NodeJS.Signals, extra: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'clone', url, dir, ...extra], {
      cwd,
      env: { ...process.env, ...ENV, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const gitDir = join(cwd, dir, '.vault', 'git');
    const poll = setInterval(() => {
      void readdir(gitDir)
        .then(async (names) => {
          const incoming = names.find((n) => n.startsWith('incoming-'));
          if (incoming && (await stat(join(gitDir, incoming))).size > 0) {
            clearInterval(poll);
            child.kill(signal);
          }
        })
        .catch(() => {});
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

test('SIGTERM or SIGINT while a clone waits on a stalled server: exit 143/130, EINTERRUPTED, no folder or temp file left', async (ctx) => {
  const tv = await diskVault(ctx.tmp, { 'big.bin': prngBytes(5, 6 * MiB), 'a.txt': 'a\n' });
  await commit({ vault: tv.vault, message: 'one' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  await tv.vault.close();
  ctx.server.stallUploadPack = true;

  const term = await cloneAndSignal(repo.url, ctx.tmp, 'by-term', 'SIGTERM');
  assert.is(term.code, 143, term.stderr);
  assert.match(term.stderr, /vault: interrupted by SIGTERM/);
  assert.not.ok(await exists(join(ctx.tmp, 'by-term')));

  const int = await cloneAndSignal(repo.url, ctx.tmp, 'by-int', 'SIGINT', ['--json']);
  assert.is(int.code, 130, int.stderr);
  assert.is(JSON.parse(int.stdout).error.code, 'EINTERRUPTED');
  assert.not.ok(await exists(join(ctx.tmp, 'by-int')));
  assert.not.match(term.stderr + int.stderr, /internal error|\n\s+at /);
  assert.equal(await leftovers(ctx.tmp), []);
  ctx.server.stallUploadPack = false;
});

test('a clone stopped while it writes the working folder removes the whole folder', async (ctx) => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`f${i}.txt`] = `file ${i}\n`;
  const tv = await diskVault(ctx.tmp, { ...files, 'big.bin': prngBytes(9, 3 * MiB) });
  await commit({ vault: tv.vault, message: 'many files' });
  const repo = await newRepo(ctx);
  await addRemote(tv.fs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  await tv.vault.close();
  const ac = new AbortController();
  const phases: string[] = [];
  const code = await codeOf(() =>
    clone({
      fs: nodeFs,
      url: repo.url,
      dir: join(ctx.tmp, 'copy'),
      env: ENV,
      codec: new InlineCodec(),
      signal: ac.signal,
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'checkout' && p.objects > 0) ac.abort(new InterruptedError('SIGINT'));
      },
    }),
  );
  assert.ok(phases.includes('checkout'), 'the checkout had started');
  assert.is(code, 'EINTERRUPTED');
  assert.not.ok(await exists(join(ctx.tmp, 'copy')));
  assert.equal(await leftovers(ctx.tmp), []);
});

test.run();
