// vault refs and the commit warning, as a user runs them: bin/vault in a temp folder (build first: node scripts/bundle.mjs).
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runVault } from '../../helpers/cli.js';
import { writeTree } from '../../helpers/tree.js';
import { nodeFs, tempDir } from '../../helpers/vault.js';
import { creativeProject } from './refs-fixtures.js';

const test = suite('personas/creative/refs-cli');

async function project(persona: string | null) {
  const tmp = await tempDir('vault-refs-cli-');
  const dir = join(tmp.path, 'castle');
  await writeTree(nodeFs, dir, creativeProject());
  const init = await runVault(dir, ['init', ...(persona ? ['--persona', persona] : [])]);
  assert.is(init.code, 0, init.stderr);
  const c = await runVault(dir, ['commit', '-m', 'assets']);
  assert.is(c.code, 0, c.stderr);
  assert.not.match(c.stderr, /references:/);
  return { dir, remove: tmp.remove };
}

test('refs PATH -r, --used-by, and a rename the commit warns about, then --broken (text and --json)', async () => {
  const p = await project('creative');
  try {
    const uses = await runVault(p.dir, ['refs', 'Models/hero.obj', '-r']);
    assert.is(uses.code, 0, uses.stderr);
    assert.match(uses.stdout, /ok\s+mtllib\s+Models\/hero\.mtl/);
    assert.match(uses.stdout, /ok\s+texture\s+Models\/hero\.mtl -> Textures\/brick_normal\.png/);
    const inModels = await runVault(join(p.dir, 'Models'), ['refs', 'hero.mtl', '--json']);
    assert.is(JSON.parse(inModels.stdout).path, 'Models/hero.mtl', 'paths are relative to where the command runs');
    const users = await runVault(p.dir, ['refs', '--used-by', 'Textures/brick.png', '--json']);
    assert.equal(
      (JSON.parse(users.stdout).references as { from: string }[]).map((r) => r.from),
      ['Materials/brick.json', 'Models/hero.mtl', 'scenes/level.tscn'],
    );

    await rename(join(p.dir, 'Textures/brick.png'), join(p.dir, 'Textures/brick_old.png'));
    const c = await runVault(p.dir, ['commit', '-m', 'rename the texture']);
    assert.is(c.code, 0, c.stderr);
    assert.match(
      c.stderr,
      /^warning: references: Models\/hero\.mtl still uses Textures\/brick\.png, which this commit renames to Textures\/brick_old\.png/m,
    );
    assert.match(c.stderr, /warning: references: scenes\/level\.tscn still uses Textures\/brick\.png/);

    const broken = await runVault(p.dir, ['refs', '--broken']);
    assert.is(broken.code, 0, broken.stderr);
    assert.match(broken.stdout, /^3 broken reference\(s\) in snapshot [0-9a-f]{12}:/);
    assert.match(broken.stdout, /Models\/hero\.mtl:3 -> Textures\/brick\.png/);
    const j = JSON.parse((await runVault(p.dir, ['refs', '--broken', '--json'])).stdout);
    assert.ok(j.stored);
    assert.equal(
      (j.references as { from: string; status: string }[]).map((r) => [r.from, r.status]),
      [
        ['Materials/brick.json', 'missing'],
        ['Models/hero.mtl', 'missing'],
        ['scenes/level.tscn', 'missing'],
      ],
    );
    const before = await runVault(p.dir, ['refs', '--broken', 'HEAD~1']);
    assert.match(before.stdout, /^no broken references in snapshot/);
    const old = await runVault(p.dir, ['refs', 'Models/hero.mtl', '--rev', 'HEAD~1', '--json']);
    assert.equal(
      (JSON.parse(old.stdout).references as { status: string }[]).map((r) => r.status),
      ['ok', 'ok'],
    );
  } finally {
    await p.remove();
  }
});

test('a vault without the persona: no stored graph, refs computes it; usage errors are typed', async () => {
  const p = await project(null);
  try {
    const r = await runVault(p.dir, ['refs', 'Models/ship.gltf', '--json']);
    assert.is(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.is(j.stored, false);
    assert.equal(
      (j.references as { kind: string; target: string }[]).map((x) => [x.kind, x.target]),
      [
        ['buffer', 'Models/ship.bin'],
        ['image', 'Textures/hull paint.png'],
      ],
    );
    const text = await runVault(p.dir, ['refs', 'Models/ship.gltf']);
    assert.match(text.stdout, /computed from the snapshot's files/);
    const none = await runVault(p.dir, ['refs']);
    assert.is(none.code, 2);
    assert.match(none.stderr, /^vault: name a file/);
    const missing = await runVault(p.dir, ['refs', 'Models/nope.obj', '--json']);
    assert.is(missing.code, 1);
    assert.is(JSON.parse(missing.stdout).error.code, 'ENOPATH');
  } finally {
    await p.remove();
  }
});

test.run();
