// The streaming pack reader against packs git itself writes (with ofs-deltas and chains of them).
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PackFileReader, applyDelta } from '../../src/plumbing/git/packReader.js';
import { codeOf, nodeFs, tempDir } from '../helpers/vault.js';
import { run } from './gitServer.js';

const test = suite('sync/packReader');

function packObjects(dir: string, revs: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const c = spawn(
      'git',
      ['-C', dir, 'pack-objects', '--stdout', '--revs', '--delta-base-offset', '--window=50', '--depth=20'],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    const parts: Buffer[] = [];
    c.stdout.on('data', (d: Buffer) => parts.push(d));
    c.on('error', reject);
    c.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(parts)) : reject(new Error(`pack-objects exit ${code}`)),
    );
    c.stdin.end(`${revs}\n`);
  });
}

test('reads every object of a git pack with delta chains, byte for byte', async () => {
  const t = await tempDir('vault-pack-');
  const dir = `${t.path}/repo`;
  const g = (...a: string[]) => run('git', ['-C', dir, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
  await run('git', ['init', '-q', '-b', 'main', dir]);
  await g('config', 'user.email', 't@example.org');
  await g('config', 'user.name', 'T');
  let text = Array.from({ length: 4000 }, (_, i) => `line ${i} of a long text file that git will deltify\n`).join('');
  for (let i = 0; i < 6; i++) {
    text = text.replace(`line ${i * 100} `, `edited line ${i * 100} `) + `appended ${i}\n`;
    await writeFile(`${dir}/notes.txt`, text);
    await writeFile(`${dir}/n${i}.txt`, `small ${i}\n`);
    await g('add', '-A');
    await g('commit', '-q', '-m', `c${i}`);
  }
  const pack = await packObjects(dir, 'main');
  console.log(`    pack: ${pack.length} bytes for 6 versions of a ${text.length}-byte file`);
  assert.ok(pack.length < 40_000, 'git deltified the versions (so the delta path is tested)');
  await writeFile(`${t.path}/p.pack`, pack);
  const r = await PackFileReader.open(nodeFs, `${t.path}/p.pack`);
  const all = (await g('rev-list', '--objects', 'main')).stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[0]);
  assert.is(r.objectCount, all.length);
  for (const oid of all) {
    const o = await r.read(oid);
    assert.ok(o, oid);
    const type = (await g('cat-file', '-t', oid)).stdout.trim();
    const body = (await run('git', ['-C', dir, 'cat-file', type, oid], { encoding: 'buffer', maxBuffer: 64 << 20 }))
      .stdout as Buffer;
    assert.is(o!.type, type);
    assert.ok(o!.body.equals(body), `content of ${oid}`);
  }
  await r.close();
  // a truncated download is refused
  await writeFile(`${t.path}/bad.pack`, pack.subarray(0, pack.length - 100));
  assert.is(await codeOf(() => PackFileReader.open(nodeFs, `${t.path}/bad.pack`)), 'ECORRUPT');
  await t.remove();
});

test('applyDelta: copy and insert instructions; a corrupt delta is refused', () => {
  const base = Buffer.from('hello world');
  // base size 11, result 11: copy 6 bytes from 0 ("hello "), insert "there"
  const delta = Buffer.from([11, 11, 0x80 | 0x10, 6, 5, ...Buffer.from('there')]);
  assert.is(applyDelta(base, delta, () => new Error('bad')).toString(), 'hello there');
  assert.throws(() => applyDelta(base, Buffer.from([12, 1, 1, 65]), () => new Error('bad')));
});

test.run();
