// vault workspace and commit --workspace-note, as a user runs them: bin/vault in a temp folder (build first: node scripts/bundle.mjs).
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, runVault } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/vault.js';

const test = suite('personas/creative/workspace-cli');

test('add a folder outside the project, commit with a note, show, restore refuses without --yes off a terminal, then restores', async () => {
  const tmp = await tempDir('vault-ws-cli-');
  try {
    const dir = join(tmp.path, 'castle');
    const home = join(tmp.path, 'home', '.config', 'paint');
    await mkdir(join(home, 'brushes'), { recursive: true });
    await mkdir(dir);
    await writeFile(join(dir, 'hero.kra'), 'painting');
    await writeFile(join(home, 'layout.xml'), '<layout dock="left"/>');
    await writeFile(join(home, 'brushes', 'soft.brush'), Buffer.alloc(300_000, 7));
    assert.is((await runVault(dir, ['init', '--persona', 'creative'])).code, 0);
    const add = await runVault(dir, ['workspace', 'add', home, '--name', 'paint']);
    assert.is(add.code, 0, add.stderr);
    assert.match(add.stdout, /^workspace paint: .*\/home\/\.config\/paint/);
    const gone = await runVault(dir, ['workspace', 'add', '../nowhere']);
    assert.match(gone.stderr, /does not exist \(yet\)/);
    const list = await runVault(dir, ['workspace', 'list', '--json']);
    assert.equal(
      (JSON.parse(list.stdout) as { name: string; exists: boolean }[]).map((w) => [w.name, w.exists]),
      [
        ['paint', true],
        ['nowhere', false],
      ],
    );

    const c = await runVault(dir, ['commit', '-m', 'first', '--workspace-note', 'Krita 5.2; open: hero.kra']);
    assert.is(c.code, 0, c.stderr);
    assert.match(c.stderr, /warning: workspace: 'nowhere': .* is missing; not captured/);
    // only the workspace changed: still a snapshot
    await writeFile(join(home, 'layout.xml'), '<layout dock="right"/>');
    const c2 = await runVault(dir, ['commit', '-m', 'layout']);
    assert.match(c2.stdout, /^snapshot [0-9a-f]{64}/);

    const show = await runVault(dir, ['workspace', 'show', 'HEAD~1']);
    assert.is(show.code, 0, show.stderr);
    assert.match(show.stdout, /^note: Krita 5\.2; open: hero\.kra$/m);
    assert.match(show.stdout, /^paint\s+.*\(folder, 2 file\(s\), 293\.\d KiB\)$/m);
    assert.match(show.stdout, /^ {2}brushes\/soft\.brush {2}293\.\d KiB$/m);
    const sj = JSON.parse((await runVault(dir, ['workspace', 'show', 'HEAD~1', '--json'])).stdout);
    assert.equal(
      sj.workspaces.map((w: { name: string; kind: string }) => [w.name, w.kind]),
      [
        ['paint', 'dir'],
        ['nowhere', 'missing'],
      ],
    );

    const refused = await runVault(dir, ['workspace', 'restore', 'HEAD~1', 'paint']);
    assert.is(refused.code, 1);
    assert.match(
      refused.stderr,
      /^vault: restoring the workspace would overwrite 1 file\(s\): .*layout\.xml\nhint: pass --yes/,
    );
    assert.is(await readFile(join(home, 'layout.xml'), 'utf8'), '<layout dock="right"/>', 'nothing written');
    const rj = await runVault(dir, ['workspace', 'restore', 'HEAD~1', '--json']);
    assert.is(JSON.parse(rj.stdout).error.code, 'EOVERWRITE');

    // on a terminal it asks (util-linux `script` gives the command a pseudo-terminal; the answer comes through it)
    const onTty = (answer: string) => {
      const q = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;
      const cmd = [process.execPath, BIN, '-C', dir, 'workspace', 'restore', 'HEAD~1', 'paint'].map(q).join(' ');
      return spawnSync('script', ['-qec', cmd, '/dev/null'], {
        input: answer,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
    };
    const no = onTty('n\n');
    assert.is(no.status, 1, no.stdout);
    assert.match(no.stdout, /overwrites 1 file\(s\) that differ from the snapshot:\r?\n {2}.*layout\.xml/);
    assert.match(no.stdout, /overwrite them\? \[y\/N\]/);
    assert.match(no.stdout, /workspace restore cancelled; nothing was written/);
    assert.is(await readFile(join(home, 'layout.xml'), 'utf8'), '<layout dock="right"/>');
    const yes = onTty('y\n');
    assert.is(yes.status, 0, yes.stdout);
    assert.match(yes.stdout, /restored 1 file/);
    assert.is(await readFile(join(home, 'layout.xml'), 'utf8'), '<layout dock="left"/>');
    await writeFile(join(home, 'layout.xml'), '<layout dock="right"/>');

    const ok = await runVault(dir, ['workspace', 'restore', 'HEAD~1', 'paint', '--yes']);
    assert.is(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^restored 1 file from [0-9a-f]{12} \(1 overwritten, 1 already identical\)/);
    assert.is(await readFile(join(home, 'layout.xml'), 'utf8'), '<layout dock="left"/>');

    const rm = await runVault(dir, ['workspace', 'remove', 'nowhere']);
    assert.is(rm.code, 0, rm.stderr);
    const unknown = await runVault(dir, ['workspace', 'remove', 'nowhere', '--json']);
    assert.is(JSON.parse(unknown.stdout).error.code, 'ENOWORKSPACE');
    // a path this vault no longer declares is not written to without --yes
    assert.is((await runVault(dir, ['workspace', 'remove', 'paint'])).code, 0);
    await writeFile(join(home, 'brushes', 'soft.brush'), 'changed');
    const undeclared = await runVault(dir, ['workspace', 'restore', 'HEAD~1', '--json']);
    assert.is(JSON.parse(undeclared.stdout).error.code, 'EUNDECLARED');
    assert.is(await readFile(join(home, 'brushes', 'soft.brush'), 'utf8'), 'changed');
  } finally {
    await tmp.remove();
  }
});

test.run();
