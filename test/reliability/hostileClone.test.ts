// `vault clone`, `pull` and a cloned vault's `workspace restore` attacked through a git remote: an attacker's
// server holds snapshots planted with its own tooling (test/helpers/hostile.ts: loose git objects laid out as
// Vault's push lays them out, none of push's checks) naming '.git' (with a core.fsmonitor payload) and its
// case, 8.3, NTFS-stream and HFS+ aliases, '.gitmodules' and friends as symlinks, '..', '.vault', a backslash;
// and a workspace manifest that plants a symlink then writes below it. Each clone or pull is refused
// (EMALFORMED, naming the entry), leaves no working folder behind and writes nothing outside its target; the CLI
// exits non-zero without a stack trace.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addWorkspace } from '../../src/personas/creative/workspace/config.js';
import { restoreWorkspace, type WorkspaceWrite } from '../../src/personas/creative/workspace/restore.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { commit } from '../../src/porcelain/commit.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { fetch, pull } from '../../src/porcelain/sync/fetch.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { readHead, updateRef } from '../../src/refs/refs.js';
import { runVault } from '../helpers/cli.js';
import { craftSnapshot, item, link, plantSnapshot, workspaceAttachment, type Spec } from '../helpers/hostile.js';
import { codeOf, diskVault, fakeClock, nodeFs } from '../helpers/vault.js';
import { ENV, newRepo, startFixture, stopFixture, type SyncCtx } from '../sync/gitServer.js';

const test = suite<SyncCtx>('reliability/hostileClone', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const PAYLOAD = '[core]\n\tfsmonitor = "touch pwned; false"\n';

/** Every path under `root` except the git server's repositories: what it is (lstat, never followed). */
async function listing(root: string, skip: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const n of await readdir(dir)) {
      const p = join(dir, n);
      if (p === skip) continue;
      const st = await nodeFs.lstat(p);
      if (st.isSymbolicLink()) out.set(p, `-> ${String(await nodeFs.readlink(p))}`);
      else if (st.isDirectory()) {
        out.set(p, 'dir');
        await walk(p);
      } else out.set(p, await readFile(p, 'latin1'));
    }
  };
  await walk(root);
  return out;
}

const changed = (a: Map<string, string>, b: Map<string, string>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));

const HOSTILE: [string, Spec][] = [
  ...[
    '.git',
    '.GIT',
    '.Git',
    'git~1',
    'GIT~1',
    '.git.',
    '.git ',
    '.git. .',
    '.git::$INDEX_ALLOCATION',
    '.git:$DATA',
    '.g\u200cit',
    '\ufeff.git',
    '.GI\u200dT',
  ].map((n): [string, Spec] => [`folder ${JSON.stringify(n)} with a config`, { [n]: { config: PAYLOAD } }]),
  ['.git one folder down', { sub: { '.git': { config: PAYLOAD } } }],
  ['.git as a file (a gitdir pointer)', { sub: { '.git': 'gitdir: /tmp/elsewhere\n' } }],
  ...['.gitmodules', '.gitattributes', '.gitignore', '.mailmap', 'GITMOD~1', '.gitmodules .'].map(
    (n): [string, Spec] => [`symlink ${JSON.stringify(n)}`, { [n]: link('/etc/passwd') }],
  ),
  ['a folder named ..', { '..': { 'pwned.txt': 'EVIL' } }],
  ['a folder named .vault below the root', { sub: { '.vault': { HEAD: 'EVIL' } } }],
  ['.VAULT at the root', { '.VAULT': { config: 'EVIL' } }],
  ['a name with a backslash', { '..\\pwned.txt': 'EVIL' }],
];

test('clone of a remote planted with .git aliases and the like: EMALFORMED naming the entry, nothing left', async (ctx) => {
  let refused = 0;
  for (const [what, spec] of HOSTILE) {
    const repo = await newRepo(ctx);
    await plantSnapshot(repo.dir, { 'ok.txt': 'fine\n', ...spec });
    const dest = join(ctx.tmp, 'victim');
    const before = await listing(ctx.tmp, ctx.srvRoot);
    let err: { code?: string; message?: string; hint?: string } = {};
    await clone({ fs: nodeFs, url: repo.url, dir: dest, env: ENV, codec: new InlineCodec() }).catch((e) => (err = e));
    assert.is(err.code, 'EMALFORMED', `${what}: ${err.message}`);
    assert.match(String(err.message), /malformed tree [0-9a-f]{64}: entry '/, what);
    assert.ok(err.hint, `${what}: no hint`);
    assert.equal(changed(before, await listing(ctx.tmp, ctx.srvRoot)), [], `${what}: left something behind`);
    refused++;
  }
  console.log(`hostile clone figures: ${refused} planted remotes refused by clone, 0 files written`);
});

test('CLI clone of a planted .git: exit 1, the entry and a hint on stderr, no stack trace, no folder', async (ctx) => {
  const repo = await newRepo(ctx);
  await plantSnapshot(repo.dir, { 'ok.txt': 'fine\n', '.git': { config: PAYLOAD, hooks: { 'post-checkout': 'x' } } });
  const r = await runVault(ctx.tmp, ['clone', repo.url, 'victim'], ENV);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /entry '\.git': names git's own folder/);
  assert.match(r.stderr, /hint: /);
  assert.not.match(r.stderr, /internal error|\n\s+at /);
  assert.not.ok(await nodeFs.lstat(join(ctx.tmp, 'victim')).catch(() => null));
});

test('pull and fetch of a planted .git on a good snapshot: refused, working folder and HEAD unchanged', async (ctx) => {
  const repo = await newRepo(ctx);
  const first = await plantSnapshot(repo.dir, { 'ok.txt': 'fine\n' });
  const dest = join(ctx.tmp, 'victim');
  await clone({ fs: nodeFs, url: repo.url, dir: dest, env: ENV, codec: new InlineCodec() });
  await plantSnapshot(repo.dir, { 'ok.txt': 'fine\n', '.GIT': { config: PAYLOAD } }, { parent: first });
  const v = await openVault({ fs: nodeFs, cwd: dest, codec: new InlineCodec(), clock: fakeClock(), author: 'v' });
  try {
    const before = await listing(dest, join(dest, '.vault'));
    assert.is(await codeOf(() => pull({ vault: v, env: ENV })), 'EMALFORMED');
    assert.is(await codeOf(() => fetch({ vault: v, env: ENV })), 'EMALFORMED');
    assert.equal(changed(before, await listing(dest, join(dest, '.vault'))), []);
    assert.is((await readHead(v.refs)).id, first.snapshot);
  } finally {
    await v.close();
  }
  const r = await runVault(dest, ['pull'], ENV);
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /entry '\.GIT': names git's own folder/);
});

/** A vault whose main branch carries a crafted workspace attachment, pushed to a fresh repo. */
async function pushWorkspace(ctx: SyncCtx, manifest: unknown, files: Spec): Promise<string> {
  const tv = await diskVault(join(ctx.tmp, `attacker-${ctx.n}`), { 'README.md': 'a project\n' });
  await commit({ vault: tv.vault, message: 'one' });
  const snap = await craftSnapshot(tv.vault, {
    tree: { 'README.md': 'a project\n' },
    attachments: workspaceAttachment(manifest, files),
  });
  const head = await readHead(tv.vault.refs);
  await updateRef({
    ...tv.vault.refs,
    ref: 'refs/heads/main',
    value: snap,
    expected: head.id,
    author: 'm',
    time: 1,
    message: 'm',
  });
  const repo = await newRepo(ctx);
  await addRemote(nodeFs, tv.vault.vaultDir, 'origin', repo.url);
  await push({ vault: tv.vault, env: ENV });
  await tv.vault.close();
  return repo.url;
}

test('workspace restore in a clone: a symlink-then-file manifest is refused; a real one lists every write', async (ctx) => {
  const outside = join(ctx.tmp, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'target.txt'), 'ORIGINAL');
  const wsPath = join(ctx.tmp, 'home', 'settings');
  const evilUrl = await pushWorkspace(
    ctx,
    {
      v: 1,
      workspaces: [
        {
          name: 'settings',
          path: wsPath,
          kind: 'dir',
          items: [item('evil', 'symlink', { target: outside }), item('evil/target.txt', 'file', { size: 4 })],
        },
      ],
    },
    { settings: { evil: { 'target.txt': 'EVIL' } } },
  );
  const dest = join(ctx.tmp, 'victim');
  await clone({ fs: nodeFs, url: evilUrl, dir: dest, env: ENV, codec: new InlineCodec() });
  const v = await openVault({ fs: nodeFs, cwd: dest, codec: new InlineCodec(), clock: fakeClock(), author: 'v' });
  // the victim even declares the path the manifest names: no prompt stands in the way
  await addWorkspace({ vault: v, path: wsPath, name: 'settings' });
  assert.is(await codeOf(() => restoreWorkspace({ vault: v, snapshot: 'HEAD', yes: true })), 'EMALFORMED');
  await v.close();
  const cli = await runVault(dest, ['workspace', 'restore', 'HEAD', '--yes']);
  assert.is(cli.code, 1, cli.stderr);
  assert.match(cli.stderr, /is below 'evil', which is a symlink/);
  assert.is(await readFile(join(outside, 'target.txt'), 'utf8'), 'ORIGINAL');
  assert.not.ok(await nodeFs.lstat(wsPath).catch(() => null), 'nothing written in the workspace either');

  // a real workspace through a remote: the clone's prompt lists every path written, all inside the folder
  const goodUrl = await pushWorkspace(
    ctx,
    {
      v: 1,
      workspaces: [
        {
          name: 'settings',
          path: wsPath,
          kind: 'dir',
          items: [
            item('brushes', 'dir'),
            item('brushes/soft.brush', 'file', { size: 4 }),
            item('current', 'symlink', { target: 'brushes/soft.brush', mode: 0o777 }),
          ],
        },
      ],
    },
    { settings: { brushes: { 'soft.brush': 'soft' } } },
  );
  const dest2 = join(ctx.tmp, 'victim2');
  await clone({ fs: nodeFs, url: goodUrl, dir: dest2, env: ENV, codec: new InlineCodec() });
  const v2 = await openVault({ fs: nodeFs, cwd: dest2, codec: new InlineCodec(), clock: fakeClock(), author: 'v' });
  try {
    let writes: readonly WorkspaceWrite[] = [];
    let undeclared: readonly string[] = [];
    const r = await restoreWorkspace({
      vault: v2,
      snapshot: 'HEAD',
      confirm: async (a) => ((writes = a.writes), (undeclared = a.undeclared), true),
    });
    assert.equal(undeclared, [wsPath]);
    assert.equal(
      writes.map((w) => w.path),
      [wsPath, `${wsPath}/brushes`, `${wsPath}/current`, `${wsPath}/brushes/soft.brush`],
    );
    assert.ok(writes.every((w) => w.path === wsPath || w.path.startsWith(`${wsPath}/`)));
    assert.equal([...r.written].sort(), [`${wsPath}/brushes/soft.brush`, `${wsPath}/current`]);
    const on = (await listing(join(ctx.tmp, 'home'), '')).keys();
    assert.equal([...on].sort(), [wsPath, `${wsPath}/brushes`, `${wsPath}/brushes/soft.brush`, `${wsPath}/current`]);
  } finally {
    await v2.close();
  }
});

test.run();
