// File names on a real Linux folder (any bytes but '/' and NUL): a name that is not UTF-8 is backed up and
// restored byte for byte, beside a UTF-8 name that decodes alike; a nested vault's store is left out and named.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { flattenTree } from '../../src/plumbing/trees.js';
import { commit } from '../../src/porcelain/commit.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { restore } from '../../src/porcelain/restore.js';
import { status } from '../../src/porcelain/status.js';
import { verify } from '../../src/porcelain/verify.js';
import { diskVault, tempDir, type TestVault } from '../helpers/vault.js';

const test = suite('porcelain/names');

const at = (root: string, ...bytes: (string | number[])[]): Buffer =>
  Buffer.concat([
    Buffer.from(`${root}/`),
    ...bytes.map((x) => (typeof x === 'string' ? Buffer.from(x) : Buffer.from(x))),
  ]);

/** The project: `\xff.txt`, `\uFFFD.txt`, a latin-1 `café.psd`, and a folder `sub\xfe` holding `inner.txt`. */
async function project(root: string): Promise<TestVault> {
  const t = await diskVault(root, { 'plain.txt': 'plain\n' });
  await writeFile(at(t.dir, [0xff], '.txt'), 'bytes ff\n');
  await writeFile(at(t.dir, '\uFFFD.txt'), 'replacement character\n');
  await writeFile(at(t.dir, 'caf', [0xe9], '.psd'), 'latin-1 name\n');
  await mkdir(at(t.dir, 'sub', [0xfe]));
  await writeFile(at(t.dir, 'sub', [0xfe], '/inner.txt'), 'inside\n');
  return t;
}

/** Every name under `dir` as hex bytes, with each file's content: compares exact bytes. */
async function listing(dir: Buffer | string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { encoding: 'buffer', withFileTypes: true })) {
    const name = e.name as unknown as Buffer;
    if (!prefix && name.toString() === '.vault') continue;
    const abs = Buffer.concat([Buffer.from(dir), Buffer.from('/'), name]);
    const rel = `${prefix}${name.toString('hex')}`;
    if (e.isDirectory()) out.push(`dir ${rel}`, ...(await listing(abs, `${rel}/`)));
    else out.push(`file ${rel} ${JSON.stringify((await readFile(abs)).toString())}`);
  }
  return out.sort();
}

test('names that are not UTF-8 are committed and restored byte for byte (they were skipped or failed the commit)', async () => {
  const tmp = await tempDir();
  try {
    const t = await project(tmp.path);
    const r = await commit({ vault: t.vault, message: 'names' });
    assert.ok(r.id);
    assert.equal(r.skipped, [], 'nothing left out');
    assert.is(r.complete, true);
    const s = await readSnapshot(t.vault, 'HEAD');
    assert.equal([...(await flattenTree(t.vault.db, s.tree)).keys()].sort(), [
      '\\xff.txt',
      'caf\\xe9.psd',
      'plain.txt',
      'sub\\xfe',
      'sub\\xfe/inner.txt',
      '\uFFFD.txt',
    ]);
    assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
    const out = `${tmp.path}/out`;
    await restore({ vault: t.vault, snapshot: 'HEAD', to: out });
    assert.equal(await listing(out), await listing(t.dir), 'the exact bytes of every name, and the content');

    // status sees no change (the stat cache knows the names), then one change by its held name
    assert.is((await status({ vault: t.vault })).clean, true);
    await writeFile(at(t.dir, [0xff], '.txt'), 'changed\n');
    assert.equal(
      (await status({ vault: t.vault })).modified.map((c) => c.path),
      ['\\xff.txt'],
    );
    // restore in place brings back a deleted raw-named file and folder
    await rm(at(t.dir, [0xff], '.txt'));
    await rm(at(t.dir, 'sub', [0xfe]), { recursive: true });
    const rr = await restore({ vault: t.vault, snapshot: 'HEAD', force: true });
    assert.equal(rr.skipped, []);
    assert.equal(await listing(t.dir), await listing(out));
  } finally {
    await tmp.remove();
  }
});

test('a nested vault store (.vault, .VAULT in a subfolder) is left out with a note naming it, not silently', async () => {
  const tmp = await tempDir();
  try {
    const t = await diskVault(tmp.path, {
      'a.txt': 'a\n',
      sub: { '.vault': { HEAD: 'ref: refs/heads/main\n' }, 'b.txt': 'b\n' },
      other: { '.VAULT': { config: '{}' } },
    });
    const r = await commit({ vault: t.vault, message: 'm' });
    assert.equal(
      r.skipped.map((s) => `${s.kind} ${s.path}`),
      ['nested-vault other/.VAULT', 'nested-vault sub/.vault'],
    );
    assert.match(r.skipped[0]!.reason, /another vault's store/);
    assert.is(r.complete, true, 'left out by design: the snapshot is complete');
    const s = await readSnapshot(t.vault, 'HEAD');
    assert.equal([...(await flattenTree(t.vault.db, s.tree)).keys()].sort(), ['a.txt', 'other', 'sub', 'sub/b.txt']);
  } finally {
    await tmp.remove();
  }
});

test.run();
