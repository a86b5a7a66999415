// `vault playtest restore` attacked as restore is: a crafted records tree whose session files are named '..',
// '.vault', '.git' and its aliases, with a backslash or NUL; a symlinked folder already on disk (in the project
// folder and under --to); a symlink where a file goes; a symlink racing in while folders are made; and saving
// a folder that holds a .git. Nothing outside the target changes, each attempt is refused with a typed error
// (before anything is written) and the CLI exits non-zero without a stack trace.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { recordBuild } from '../../src/personas/game/builds.js';
import { restorePlaytest, savePlaytest } from '../../src/personas/game/playtests.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { commit } from '../../src/porcelain/commit.js';
import { updateRef } from '../../src/refs/refs.js';
import { runVault } from '../helpers/cli.js';
import { craftTree, type Spec } from '../helpers/hostile.js';
import { codeOf, diskVault, nodeFs, tempDir, type TestVault } from '../helpers/vault.js';

const test = suite('reliability/hostilePlaytest');

/** Every path under `root`: file content, symlink target or 'dir' (lstat, never followed). */
async function listing(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const n of await readdir(dir)) {
      const p = join(dir, n);
      if (n === '.vault') continue;
      const st = await nodeFs.lstat(p);
      if (st.isSymbolicLink()) out.set(p, `-> ${String(await nodeFs.readlink(p))}`);
      else if (st.isDirectory()) {
        out.set(p, 'dir');
        await walk(p);
      } else out.set(p, await readFile(p, 'utf8'));
    }
  };
  await walk(root);
  return out;
}

function changed(before: Map<string, string>, after: Map<string, string>, except = '\0'): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter(
    (k) => !k.startsWith(except) && before.get(k) !== after.get(k),
  );
}

/** A vault with one build and one real session (saves/slot1/game.sav), and R/outside/target.txt to protect. */
async function setup(R: string): Promise<TestVault & { session: string; outside: string }> {
  const t = await diskVault(R, { 'game.cfg': 'speed=1\n' });
  await commit({ vault: t.vault, message: 'first playable' });
  await recordBuild({ vault: t.vault, version: '0.1.0', platform: 'linux' });
  await mkdir(join(t.dir, 'saves', 'slot1'), { recursive: true });
  await writeFile(join(t.dir, 'saves', 'slot1', 'game.sav'), 'level=3\n');
  const s = await savePlaytest({ vault: t.vault, build: '0.1.0', tester: 'ana', paths: ['saves'] });
  const outside = join(R, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'target.txt'), 'ORIGINAL');
  return { ...t, session: s.id, outside };
}

/** Replace the playtest records with one crafted session whose files are `files`. */
async function craftSession(t: TestVault, files: Spec): Promise<string> {
  const id = 'c0ffee000001';
  const record = {
    id,
    build: 'b',
    version: '0.1.0',
    platform: 'linux',
    snapshot: 'a'.repeat(64),
    tester: 'mallory',
    time: 1,
    author: 'm',
    files: [],
  };
  const tree = await craftTree(t.vault, { [id]: { 'record.json': JSON.stringify(record), files } });
  const snap = await t.vault.db.writeLoose(
    'snapshot',
    encodeSnapshot({ tree, parents: [], author: 'm', time: 1, message: 'crafted', meta: {} }),
  );
  await updateRef({
    ...t.vault.refs,
    ref: 'refs/notes/game/playtests',
    value: snap,
    author: 'm',
    time: 1,
    message: 'x',
  });
  return id;
}

const HOSTILE_NAMES = [
  '..',
  '.',
  '',
  '.vault',
  '.VAULT',
  '.git',
  '.GIT',
  'git~1',
  'GIT~1',
  '.git.',
  '.git ',
  '.git::$INDEX_ALLOCATION',
  '.git:$DATA',
  '.g\u200cit',
  '\ufeff.git',
  'a\\b',
  'a\0b',
  'a/b',
  '/abs',
];

test('a crafted session whose files are named to escape or to plant .git: EMALFORMED, nothing written', async () => {
  const tmp = await tempDir();
  try {
    const t = await setup(tmp.path);
    const target = join(tmp.path, 'restored');
    let refused = 0;
    for (const name of HOSTILE_NAMES) {
      for (const files of [{ [name]: { config: 'EVIL' } }, { saves: { [name]: 'EVIL' } }] as Spec[]) {
        const id = await craftSession(t, files);
        const before = await listing(tmp.path);
        const code = await codeOf(() => restorePlaytest({ vault: t.vault, session: id, to: target }));
        assert.is(code, 'EMALFORMED', `${JSON.stringify(name)} ${JSON.stringify(Object.keys(files))}`);
        assert.equal(changed(before, await listing(tmp.path)), [], JSON.stringify(name));
        refused++;
      }
    }
    assert.is(await readFile(join(t.outside, 'target.txt'), 'utf8'), 'ORIGINAL');
    console.log(`hostile playtest figures: ${refused} crafted sessions refused, 0 files written`);
  } finally {
    await tmp.remove();
  }
});

test('a symlinked folder (project folder and --to) or a symlink where a file goes: refused, outside untouched', async () => {
  const tmp = await tempDir();
  try {
    const t = await setup(tmp.path);
    const to = join(tmp.path, 'to');
    const layouts: [string, (root: string) => Promise<void>][] = [
      ['saves -> outside', (root) => symlink(t.outside, join(root, 'saves'))],
      [
        'saves/slot1 -> outside',
        async (root) => {
          await mkdir(join(root, 'saves'), { recursive: true });
          await symlink(t.outside, join(root, 'saves', 'slot1'));
        },
      ],
      [
        'saves/slot1/game.sav -> outside/target.txt',
        async (root) => {
          await mkdir(join(root, 'saves', 'slot1'), { recursive: true });
          await symlink(join(t.outside, 'target.txt'), join(root, 'saves', 'slot1', 'game.sav'));
        },
      ],
    ];
    for (const [what, plant] of layouts) {
      for (const root of [t.dir, to]) {
        await nodeFs.rm(join(t.dir, 'saves'), { recursive: true, force: true });
        await nodeFs.rm(to, { recursive: true, force: true });
        await mkdir(to);
        await plant(root);
        const before = await listing(tmp.path);
        for (const force of [false, true]) {
          const code = await codeOf(() =>
            restorePlaytest({ vault: t.vault, session: t.session, to: root === to ? to : undefined, force }),
          );
          assert.is(code, 'EUNSAFEPATH', `${what} in ${root} (force ${force})`);
        }
        assert.equal(changed(before, await listing(tmp.path)), [], `${what} in ${root}`);
      }
    }
    assert.equal(await readdir(t.outside), ['target.txt']);
    assert.is(await readFile(join(t.outside, 'target.txt'), 'utf8'), 'ORIGINAL');
  } finally {
    await tmp.remove();
  }
});

test('a symlink that races in when the restore makes a folder: refused before the file is written', async () => {
  const tmp = await tempDir();
  try {
    const t = await setup(tmp.path);
    const to = join(tmp.path, 'to');
    const racing = {
      ...nodeFs,
      mkdir: async (p: string, o?: unknown) => {
        if (p === join(to, 'saves')) {
          await symlink(t.outside, p);
          throw Object.assign(new Error('EEXIST'), { code: 'EEXIST' });
        }
        return nodeFs.mkdir(p, o as never);
      },
    } as FsPromises;
    const code = await codeOf(() => restorePlaytest({ vault: { ...t.vault, fs: racing }, session: t.session, to }));
    assert.is(code, 'EUNSAFEPATH');
    assert.equal(await readdir(t.outside), ['target.txt']);
  } finally {
    await tmp.remove();
  }
});

test("saving a folder that holds a .git: git's store is skipped and reported, the rest is kept", async () => {
  const tmp = await tempDir();
  try {
    const t = await setup(tmp.path);
    await mkdir(join(t.dir, 'captures', '.git'), { recursive: true });
    await writeFile(join(t.dir, 'captures', '.git', 'config'), '[core]\n\tfsmonitor = echo pwned\n');
    await writeFile(join(t.dir, 'captures', 'run.log'), 'ok');
    const skipped: string[] = [];
    const s = await savePlaytest({
      vault: t.vault,
      build: '0.1.0',
      tester: 'bo',
      paths: ['captures'],
      onSkip: (p) => skipped.push(p),
    });
    assert.equal(
      s.files.map((f) => f.path),
      ['captures/run.log'],
    );
    assert.equal(skipped, [join(t.dir, 'captures', '.git')]);
  } finally {
    await tmp.remove();
  }
});

test('CLI: a symlinked folder under --to and a crafted .git session exit 1 with the reason, no stack', async () => {
  const tmp = await tempDir();
  try {
    const t = await setup(tmp.path);
    const to = join(tmp.path, 'to');
    await mkdir(to);
    await symlink(t.outside, join(to, 'saves'));
    const r1 = await runVault(t.dir, ['playtest', 'restore', t.session, '--to', to, '--force']);
    assert.is(r1.code, 1, r1.stderr);
    assert.match(
      r1.stderr,
      /refusing unsafe entry 'saves\/slot1\/game.sav': .*saves is a symlink; not writing through it/,
    );
    const id = await craftSession(t, { '.git': { config: '[core]\n\tfsmonitor = echo pwned\n' } });
    const r2 = await runVault(t.dir, ['playtest', 'restore', id, '--json']);
    assert.is(r2.code, 1, r2.stderr);
    assert.is(JSON.parse(r2.stdout).error.code, 'EMALFORMED');
    // with --json the error is the JSON object only
    assert.match(JSON.parse(r2.stdout).error.message, /entry '\.git': names git's own folder/);
    for (const r of [r1, r2]) assert.not.match(r.stderr, /internal error|\n\s+at /);
    assert.not.ok(await nodeFs.lstat(join(t.dir, '.git')).catch(() => null));
    assert.equal(await readdir(t.outside), ['target.txt']);
  } finally {
    await tmp.remove();
  }
});

test.run();
