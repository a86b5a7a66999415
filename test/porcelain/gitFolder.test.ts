// A project that is also a git checkout: git's own store (.git, at any depth, any case) is left out of every
// snapshot like .vault, never descended into, and reported once through onGitFolder (a note, not a skip);
// other names git refuses (git~1, a .gitmodules symlink) are skipped with a reason; .gitignore and friends as
// files are ordinary content. The CLI's commit and status print the note once.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { flattenTree } from '../../src/plumbing/trees.js';
import { commit } from '../../src/porcelain/commit.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { status } from '../../src/porcelain/status.js';
import { watchFs } from '../helpers/memfs.js';
import { runVault } from '../helpers/cli.js';
import { symlink, type FileTree } from '../helpers/tree.js';
import { diskVault, memVault, tempDir } from '../helpers/vault.js';

const test = suite('porcelain/gitFolder');

const PROJECT: FileTree = {
  'README.md': '# castle\n',
  '.gitignore': 'build/\n',
  '.gitattributes': '*.psd filter=lfs\n',
  '.git': { config: '[core]\n\tbare = false\n', HEAD: 'ref: refs/heads/main\n', objects: { pack: {} } },
  Art: { 'hero.psd': 'layers', '.GIT': { HEAD: 'x' } },
  vendor: { lib: { '.git': 'gitdir: ../../.git/modules/lib\n', 'lib.c': 'int x;\n' } },
  'git~1': { 'notes.txt': 'n' },
  '.gitmodules': symlink('README.md'),
};

test('commit leaves .git out at any depth without descending into it, reports it once, skips names git refuses', async () => {
  const t = await memVault(PROJECT);
  const watched = watchFs(t.fs, ['readdir', 'lstat', 'open']);
  const vault = { ...t.vault, fs: watched.fs };
  const gitFolders: string[] = [];
  const skipped: string[] = [];
  const r = await commit({
    vault,
    message: 'one',
    onGitFolder: (p) => gitFolders.push(p),
    onSkip: (p, why) => skipped.push(`${p}: ${why}`),
  });
  assert.equal(gitFolders.sort(), ['.git', 'Art/.GIT', 'vendor/lib/.git']);
  assert.equal(skipped, [
    '.gitmodules: cannot be stored: its name names .gitmodules, which git refuses as a symlink',
    "git~1: cannot be stored: its name names git's own folder (.git, or a name a filesystem takes for it)",
  ]);
  const s = await readSnapshot(t.vault, r.id!);
  assert.equal([...(await flattenTree(t.vault.db, s.tree)).keys()].sort(), [
    '.gitattributes',
    '.gitignore',
    'Art',
    'Art/hero.psd',
    'README.md',
    'vendor',
    'vendor/lib',
    'vendor/lib/lib.c',
  ]);
  const touched = watched.calls.filter((c) => /\/\.git\/|\/\.GIT\/|git~1\//.test(c.path));
  assert.equal(touched, [], 'nothing inside a .git folder (or another name git refuses) is listed or read');

  const st = await status({ vault: t.vault, onGitFolder: (p) => gitFolders.push(p) });
  assert.ok(st.clean, 'the .git folders are not changes');
  assert.is(gitFolders.length, 6);
});

test('CLI: commit and status print one note about .git (not an error: exit 0)', async () => {
  const tmp = await tempDir();
  try {
    const t = await diskVault(tmp.path, { 'README.md': 'x\n', '.git': { config: '[core]\n', refs: { heads: {} } } });
    await t.vault.close();
    const c = await runVault(t.dir, ['commit', '-m', 'one']);
    assert.is(c.code, 0, c.stderr);
    assert.equal(
      c.stderr.split('\n').filter((l) => l.startsWith('note:')),
      ["note: .git: git's own store, not project content; snapshots leave it out, as they do .vault"],
    );
    assert.not.match(c.stdout, /skipped/);
    const s = await runVault(t.dir, ['status']);
    assert.is(s.code, 0, s.stderr);
    assert.match(s.stderr, /^note: \.git: git's own store/m);
    assert.match(s.stdout, /nothing to commit/);
    const ls = await runVault(t.dir, ['ls', 'HEAD']);
    assert.not.match(ls.stdout, /\.git\b/);
  } finally {
    await tmp.remove();
  }
});

test.run();
