// `vault workspace restore` attacked as restore is: crafted manifests (symlink item then a file below it,
// traversal, absolute, NUL, .vault, .git and its aliases, empty parts, items below files, hostile workspace paths),
// symlinks already on disk where the manifest omits folder items, a symlink racing in while the restore runs.
// Each asserts that nothing outside the workspace folder changed and that the restore refused (typed error) or
// reported a skip; the CLI exits non-zero for both.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFile, readdir, rm, symlink as fsSymlink, mkdir, writeFile } from 'node:fs/promises';
import { addWorkspace } from '../../src/personas/creative/workspace/config.js';
import { restoreWorkspace } from '../../src/personas/creative/workspace/restore.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { commit } from '../../src/porcelain/commit.js';
import { runVault } from '../helpers/cli.js';
import { craftSnapshot, item, workspaceAttachment, type Spec } from '../helpers/hostile.js';
import { codeOf, diskVault, memVault, tempDir } from '../helpers/vault.js';

const test = suite('reliability/hostileWorkspace');
const WS = '/home/a/ws';
const ws = (items: unknown[], over: Record<string, unknown> = {}) => ({
  v: 1,
  workspaces: [{ name: 'ws', path: WS, kind: 'dir', items, ...over }],
});

/** Every path under `root` with what it is: file content, symlink target or folder (lstat, never followed). */
async function listing(fs: FsPromises, root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const n of (await fs.readdir(dir)) as string[]) {
      const p = dir === '/' ? `/${n}` : `${dir}/${n}`;
      const st = await fs.lstat(p);
      if (st.isSymbolicLink()) out.set(p, `-> ${String(await fs.readlink(p))}`);
      else if (st.isDirectory()) {
        out.set(p, 'dir');
        await walk(p);
      } else out.set(p, String(await fs.readFile(p, 'utf8')));
    }
  };
  await walk(root);
  return out;
}

function changedOutside(before: Map<string, string>, after: Map<string, string>, inside: string): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => !k.startsWith(`${inside}/`) && before.get(k) !== after.get(k));
}

interface Case {
  name: string;
  manifest: unknown;
  files?: Spec;
  /** what is on disk first */
  prepare?: (fs: FsPromises) => Promise<void>;
  /** 'skip': restored the rest and reported the item; 'written': safe to write (inside); else the error code */
  expect: 'EMALFORMED' | 'EUNSAFEPATH' | 'skip' | 'written';
}

const evilFile = { ws: { 'pwned.txt': 'EVIL' } };

/** The attacks, for a vault at R/work, the workspace folder R/home/a/ws and a folder R/outside to protect. */
function cases(R: string): Case[] {
  const WS = `${R}/home/a/ws`;
  const OUT = `${R}/outside`;
  const ws = (items: unknown[], over: Record<string, unknown> = {}) => ({
    v: 1,
    workspaces: [{ name: 'ws', path: WS, kind: 'dir', items, ...over }],
  });
  const refusedRel = (rel: string, kind: 'file' | 'dir' | 'symlink' = 'file'): Case => ({
    name: `item path ${JSON.stringify(rel)} (${kind})`,
    manifest: ws([item(rel, kind, kind === 'symlink' ? { target: OUT } : {})]),
    files: evilFile,
    expect: 'EMALFORMED',
  });
  const refusedRoot = (path: string): Case => ({
    name: `workspace path ${JSON.stringify(path)}`,
    manifest: ws([item('pwned.txt', 'file')], { path }),
    files: evilFile,
    expect: 'EMALFORMED',
  });
  return [
    {
      name: 'symlink item evil -> outside, then a file item evil/pwned.txt',
      manifest: ws([item('evil', 'symlink', { target: OUT }), item('evil/pwned.txt', 'file', { size: 4 })]),
      files: { ws: { evil: { 'pwned.txt': 'EVIL' } } },
      expect: 'EMALFORMED',
    },
    {
      name: 'a relative symlink item out of the workspace, then a file below it (listed first)',
      manifest: ws([item('up/pwned.txt', 'file', { size: 4 }), item('up', 'symlink', { target: '../../../outside' })]),
      files: { ws: { up: { 'pwned.txt': 'EVIL' } } },
      expect: 'EMALFORMED',
    },
    {
      name: 'symlink item and a folder item of the same name',
      manifest: ws([item('evil', 'symlink', { target: OUT }), item('evil', 'dir'), item('evil/pwned.txt', 'file')]),
      files: { ws: { evil: { 'pwned.txt': 'EVIL' } } },
      expect: 'EMALFORMED',
    },
    {
      name: 'a file item below a file item',
      manifest: ws([item('f', 'file'), item('f/pwned.txt', 'file')]),
      files: { ws: { f: 'x' } },
      expect: 'EMALFORMED',
    },
    ...[
      '..',
      '../pwned.txt',
      'a/../../pwned.txt',
      `${OUT}/target.txt`,
      'a//b',
      './a',
      'a/./b',
      'a/',
      '',
      'a\0b',
      '..\\pwned.txt',
      '.vault/config',
      'sub/.VAULT/HEAD',
      '.git/config',
      '.GIT/config',
      'git~1/config',
      'GIT~1/hooks/post-checkout',
      '.git./config',
      '.git /config',
      '.git::$INDEX_ALLOCATION/config',
      '.git:$DATA',
      '.g\u200cit/config',
      'sub/.git/config',
    ].map((rel) => refusedRel(rel)),
    refusedRel('.gitmodules', 'symlink'),
    refusedRel('sub/.gitattributes', 'symlink'),
    refusedRel('GITMOD~1', 'symlink'),
    ...[`${WS}/../../../outside`, WS.slice(1), '/', `${WS}/`, `${R}/home/a/.git/hooks`, `${R}/home/a/git~1`].map(
      refusedRoot,
    ),
    refusedRoot(`${WS}\0/x`),
    refusedRoot(`${R}/work/.vault`),
    {
      name: 'workspace path holding the vault (the project folder)',
      manifest: ws([item('a.txt', 'file')], { path: `${R}/work` }),
      files: { ws: { 'a.txt': 'EVIL' } },
      expect: 'EUNSAFEPATH',
    },
    {
      name: 'a file workspace with an item below it',
      manifest: ws([item('pwned.txt', 'file')], { kind: 'file' }),
      files: evilFile,
      expect: 'EMALFORMED',
    },
    {
      name: 'folder items omitted, a symlink to outside already on disk where the folder goes',
      manifest: ws([item('sub/pwned.txt', 'file', { size: 4 })]),
      files: { ws: { sub: { 'pwned.txt': 'EVIL' } } },
      prepare: (fs) => fs.symlink(OUT, `${WS}/sub`),
      expect: 'skip',
    },
    {
      name: 'folder items omitted, a symlink two folders down',
      manifest: ws([item('d/e/f/pwned.txt', 'file', { size: 4 })]),
      files: { ws: { d: { e: { f: { 'pwned.txt': 'EVIL' } } } } },
      prepare: async (fs) => {
        await fs.mkdir(`${WS}/d`);
        await fs.symlink(OUT, `${WS}/d/e`);
      },
      expect: 'skip',
    },
    {
      name: 'a folder item where a symlink to outside is on disk',
      manifest: ws([item('sub', 'dir'), item('sub/pwned.txt', 'file', { size: 4 })]),
      files: { ws: { sub: { 'pwned.txt': 'EVIL' } } },
      prepare: (fs) => fs.symlink(OUT, `${WS}/sub`),
      expect: 'skip',
    },
    {
      name: 'the workspace folder itself is a symlink to outside now',
      manifest: ws([item('pwned.txt', 'file', { size: 4 })], { path: `${R}/home/a/lnk` }),
      files: evilFile,
      prepare: (fs) => fs.symlink(OUT, `${R}/home/a/lnk`),
      expect: 'skip',
    },
    {
      name: 'a file item where a symlink to an outside file is on disk (replaced, not followed)',
      manifest: ws([item('pwned.txt', 'file', { size: 4 })]),
      files: evilFile,
      prepare: (fs) => fs.symlink(`${OUT}/target.txt`, `${WS}/pwned.txt`),
      expect: 'written',
    },
  ];
}

/** A vault at R/work (memfs: R = ''; or a temp folder), R/outside/target.txt, the declared workspace R/home/a/ws. */
async function setup(R = '') {
  const t = R ? await diskVault(R, { 'a.txt': 'a' }) : await memVault({ 'a.txt': 'a' });
  await commit({ vault: t.vault, message: 'one' });
  await t.fs.mkdir(`${R}/outside`, { recursive: true });
  await t.fs.writeFile(`${R}/outside/target.txt`, 'ORIGINAL');
  await t.fs.mkdir(`${R}/home/a/ws`, { recursive: true });
  await t.fs.writeFile(`${R}/home/a/ws/keep.txt`, 'keep');
  await addWorkspace({ vault: t.vault, path: `${R}/home/a/ws`, name: 'ws' });
  return t;
}

test('crafted manifests and hostile disks (real folder): nothing outside the workspace changes; refused or reported', async () => {
  const tmp = await tempDir();
  const R = tmp.path;
  const WS = `${R}/home/a/ws`;
  let refused = 0;
  let skipped = 0;
  const all = cases(R);
  try {
    for (const [i, c] of all.entries()) {
      await rm(`${R}/work`, { recursive: true, force: true });
      await rm(`${R}/home`, { recursive: true, force: true });
      await rm(`${R}/outside`, { recursive: true, force: true });
      const t = await setup(R);
      await c.prepare?.(t.fs);
      const snap = await craftSnapshot(t.vault, { attachments: workspaceAttachment(c.manifest, c.files) });
      const before = await listing(t.fs, R);
      let result: Awaited<ReturnType<typeof restoreWorkspace>> | undefined;
      const code = await codeOf(async () => {
        result = await restoreWorkspace({ vault: t.vault, snapshot: snap, yes: true });
      });
      await t.vault.close();
      const after = await listing(t.fs, R);
      const name = `case ${i}: ${c.name}`;
      assert.equal(changedOutside(before, after, WS), [], `${name}: changed outside the workspace`);
      assert.is(after.get(`${R}/outside/target.txt`), 'ORIGINAL', name);
      assert.not.ok(after.has(`${R}/outside/pwned.txt`), name);
      if (c.expect === 'written') {
        assert.is(code, '(did not throw)', name);
        assert.equal(result!.written, [`${WS}/pwned.txt`], name);
        assert.is(after.get(`${WS}/pwned.txt`), 'EVIL', `${name}: the link itself is replaced`);
      } else if (c.expect === 'skip') {
        assert.is(code, '(did not throw)', name);
        assert.ok(result!.skipped.length > 0, `${name}: not reported`);
        skipped++;
      } else {
        assert.is(code, c.expect, name);
        assert.equal(changedOutside(before, after, '/nowhere'), [], `${name}: refused, yet something was written`);
        refused++;
      }
    }
  } finally {
    await tmp.remove();
  }
  console.log(
    `hostile workspace figures: ${all.length} attacks: ${refused} refused before writing, ${skipped} skipped and ` +
      `reported, ${all.length - refused - skipped} written safely inside, 0 writes outside`,
  );
});

test('a symlink racing in after the plan (as the restore makes a folder) is caught before writing below it', async () => {
  const t = await setup();
  const snap = await craftSnapshot(t.vault, {
    attachments: workspaceAttachment(ws([item('new', 'dir'), item('new/pwned.txt', 'file', { size: 4 })]), {
      ws: { new: { 'pwned.txt': 'EVIL' } },
    }),
  });
  // the attacker wins the race: where the restore makes the folder, a symlink to outside appears instead
  const racing = {
    ...t.fs,
    mkdir: async (p: string, o?: unknown) => {
      if (p === `${WS}/new`) {
        await t.fs.symlink('/outside', p);
        throw Object.assign(new Error('EEXIST'), { code: 'EEXIST' });
      }
      return t.fs.mkdir(p, o as never);
    },
  } as FsPromises;
  const r = await restoreWorkspace({ vault: { ...t.vault, fs: racing }, snapshot: snap, yes: true });
  assert.equal(
    r.skipped.map((s) => s.path),
    [`${WS}/new`, `${WS}/new/pwned.txt`],
  );
  assert.equal(r.written, []);
  assert.equal(((await t.fs.readdir('/outside')) as string[]).sort(), ['target.txt']);
});

test('the confirmation lists every path that would be written (symlinks with targets), and nothing else is', async () => {
  const t = await setup();
  const other = '/home/b/settings';
  const snap = await craftSnapshot(t.vault, {
    attachments: workspaceAttachment(
      {
        v: 1,
        workspaces: [
          {
            name: 'other',
            path: other,
            kind: 'dir',
            items: [
              item('brushes', 'dir'),
              item('brushes/soft.brush', 'file', { size: 4 }),
              item('current', 'symlink', { target: '/etc/passwd', mode: 0o777 }),
            ],
          },
        ],
      },
      { other: { brushes: { 'soft.brush': 'soft' } } },
    ),
  });
  let asked: string[] = [];
  const before = await listing(t.fs, '/');
  assert.is(
    await codeOf(() =>
      restoreWorkspace({
        vault: t.vault,
        snapshot: snap,
        confirm: async (a) => ((asked = a.writes.map((w) => (w.target ? `${w.path} -> ${w.target}` : w.path))), false),
      }),
    ),
    'ECANCELED',
  );
  assert.equal(asked, [other, `${other}/brushes`, `${other}/current -> /etc/passwd`, `${other}/brushes/soft.brush`]);
  assert.equal(changedOutside(before, await listing(t.fs, '/'), '/nowhere'), [], 'cancelled: nothing written');
  const r = await restoreWorkspace({ vault: t.vault, snapshot: snap, confirm: async () => true });
  const written = [...(await listing(t.fs, other)).keys()].sort();
  assert.equal(written, [`${other}/brushes`, `${other}/brushes/soft.brush`, `${other}/current`]);
  assert.equal([...r.written].sort(), [`${other}/brushes/soft.brush`, `${other}/current`]);
});

test('CLI: a crafted manifest exits 1 naming it; a symlinked folder on disk is skipped with a warning, exit 1', async () => {
  const tmp = await tempDir();
  try {
    const t = await diskVault(tmp.path, { 'a.txt': 'a' });
    await commit({ vault: t.vault, message: 'one' });
    const outside = join(tmp.path, 'outside');
    const wsPath = join(tmp.path, 'ws');
    await mkdir(outside);
    await writeFile(join(outside, 'target.txt'), 'ORIGINAL');
    await mkdir(wsPath);
    await addWorkspace({ vault: t.vault, path: wsPath, name: 'ws' });
    const evil = await craftSnapshot(t.vault, {
      attachments: workspaceAttachment(
        {
          v: 1,
          workspaces: [
            {
              name: 'ws',
              path: wsPath,
              kind: 'dir',
              items: [item('evil', 'symlink', { target: outside }), item('evil/target.txt', 'file', { size: 4 })],
            },
          ],
        },
        { ws: { evil: { 'target.txt': 'EVIL' } } },
      ),
    });
    const r1 = await runVault(t.dir, ['workspace', 'restore', evil]);
    assert.is(r1.code, 1, r1.stderr);
    assert.match(r1.stderr, /malformed workspace manifest: item 'evil\/target.txt' of 'ws' is below 'evil'/);
    assert.match(r1.stderr, /hint: /);
    assert.not.match(r1.stderr, /internal error/);
    assert.equal(await readdir(wsPath), []);

    const omitted = await craftSnapshot(t.vault, {
      attachments: workspaceAttachment(
        {
          v: 1,
          workspaces: [
            {
              name: 'ws',
              path: wsPath,
              kind: 'dir',
              items: [item('sub/target.txt', 'file', { size: 4 }), item('ok.txt', 'file', { size: 2 })],
            },
          ],
        },
        { ws: { sub: { 'target.txt': 'EVIL' }, 'ok.txt': 'ok' } },
      ),
    });
    await fsSymlink(outside, join(wsPath, 'sub'));
    const r2 = await runVault(t.dir, ['workspace', 'restore', omitted]);
    assert.is(r2.code, 1, r2.stderr);
    assert.match(r2.stderr, /skipped .*sub\/target\.txt: .*sub is a symlink; not writing through it/);
    assert.match(r2.stdout, /restored 1 file /);
    assert.match(r2.stderr, /1 path not restored/);
    assert.is(await readFile(join(wsPath, 'ok.txt'), 'utf8'), 'ok');
    assert.is(await readFile(join(outside, 'target.txt'), 'utf8'), 'ORIGINAL');
    assert.equal(await readdir(outside), ['target.txt']);
  } finally {
    await tmp.remove();
  }
});

test.run();
