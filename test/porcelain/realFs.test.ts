import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeChunkList } from '../../src/objects/chunkList.js';
import { WorkerCodec } from '../../src/plumbing/codec.js';
import { StatCache } from '../../src/plumbing/statCache.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { syncFs } from '../../src/plumbing/syncFs.js';
import { commit } from '../../src/porcelain/commit.js';
import { ls } from '../../src/porcelain/ls.js';
import { restore } from '../../src/porcelain/restore.js';
import { status } from '../../src/porcelain/status.js';
import { hashObject } from '../../src/objects/hashObject.js';
import { verify } from '../../src/porcelain/verify.js';
import { makeZip } from '../../bench/containers.mjs';
import { prngBytes } from '../helpers/prng.js';
import { exec, listTree, symlink, writeTree, type FileTree } from '../helpers/tree.js';
import { diskVault, nodeFs, tempDir, type TestVault } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

interface Ctx {
  root: string;
  remove: () => Promise<void>;
  t: TestVault;
}

const test = suite('porcelain/realFs');

/** The two ways Vault meets a real disk: fs/promises on one thread, and the CLI's way (sync fs, worker threads). */
const CONFIGS: { name: string; fs: FsPromises; threads: number; many: number }[] = [
  { name: 'fs/promises, one thread', fs: nodeFs, threads: 0, many: 0 },
  // 1,000 extra files: enough for commit and restore to hand the work to worker threads
  { name: 'sync fs + 2 worker threads, as the CLI', fs: syncFs, threads: 2, many: 1000 },
];

const outsideDir = (root: string) => join(root, 'outside');

const tree = (root: string, many: number): FileTree => {
  const manyFiles: Record<string, string> = {};
  for (let i = 0; i < many; i++) manyFiles[`m${i}.txt`] = `small file ${i}\n`;
  return {
    'plain.txt': 'just text\n',
    'zero.bin': '',
    'run.sh': exec('#!/bin/sh\necho run\n'),
    'big.psd': prngBytes(77, 3 * 1024 * 1024 + 123),
    'text.log': Buffer.from('2026-11-28 05:41:43 INFO compressible line of a log file\n'.repeat(60_000)),
    Empty: {},
    Nested: { Deeper: { EmptyToo: {} }, 'n.txt': 'n' },
    Ünïcødé: { '日本語.txt': 'こんにちは\n', 'emoji 😀.md': '# 😀\n' },
    'link-rel': symlink('plain.txt'),
    'link-dangling': symlink('does/not/exist'),
    'link-abs-dir': symlink(outsideDir(root)),
    ...(many ? { Many: manyFiles } : {}),
  };
};

async function withVault(cfg: (typeof CONFIGS)[number], f: (ctx: Ctx) => Promise<void>): Promise<void> {
  const tmp = await tempDir();
  await writeTree(nodeFs, outsideDir(tmp.path), { 'not-mine.txt': 'outside the project' });
  const t = await diskVault(tmp.path, tree(tmp.path, cfg.many), {
    fs: cfg.fs,
    threads: cfg.threads,
    codec: new WorkerCodec(2),
  });
  try {
    await f({ root: tmp.path, remove: tmp.remove, t });
  } finally {
    await t.vault.close();
    await tmp.remove();
  }
}

for (const cfg of CONFIGS) {
  test(`${cfg.name}: commit, then restore --to elsewhere: contents, exec bits, links, empty folders and unicode names come back`, () =>
    withVault(cfg, async ({ root, t }) => {
      const r = await commit({ vault: t.vault, message: 'all kinds' });
      assert.ok(r.id);
      assert.equal(r.skipped, []);
      assert.is(r.files, 11 + cfg.many);
      const to = join(root, 'restored');
      const rr = await restore({ vault: t.vault, snapshot: 'HEAD', to });
      assert.equal(rr.skipped, []);
      assert.equal(await listTree(nodeFs, to), await listTree(nodeFs, t.dir));

      // the same checks spelled out
      assert.ok((await nodeFs.readFile(join(to, 'big.psd'))).equals(prngBytes(77, 3 * 1024 * 1024 + 123)));
      assert.ok((await nodeFs.readFile(join(to, 'text.log'))).equals(await nodeFs.readFile(join(t.dir, 'text.log'))));
      assert.is((await nodeFs.stat(join(to, 'zero.bin'))).size, 0);
      assert.ok((await nodeFs.stat(join(to, 'run.sh'))).mode & 0o111, 'exec bit');
      assert.not.ok((await nodeFs.stat(join(to, 'plain.txt'))).mode & 0o111, 'no exec bit');
      for (const [name, target] of [
        ['link-rel', 'plain.txt'],
        ['link-dangling', 'does/not/exist'],
        ['link-abs-dir', outsideDir(root)],
      ] as [string, string][]) {
        assert.ok((await nodeFs.lstat(join(to, name))).isSymbolicLink(), name);
        assert.is(await nodeFs.readlink(join(to, name)), target, name);
      }
      assert.ok((await nodeFs.stat(join(to, 'Empty'))).isDirectory());
      assert.equal(await nodeFs.readdir(join(to, 'Empty')), []);
      assert.ok((await nodeFs.stat(join(to, 'Nested/Deeper/EmptyToo'))).isDirectory());
      assert.is(await nodeFs.readFile(join(to, 'Ünïcødé', '日本語.txt'), 'utf8'), 'こんにちは\n');
      // nothing was written through the link to the outside folder
      assert.equal(await nodeFs.readdir(outsideDir(root)), ['not-mine.txt']);
    }));

  test(`${cfg.name}: a symlink to a folder outside is stored as a link: nothing behind it is read or stored`, () =>
    withVault(cfg, async ({ t }) => {
      await commit({ vault: t.vault, message: 'm' });
      const entries = (await ls({ vault: t.vault, rev: 'HEAD' })).entries;
      const link = entries.find((e) => e.path === 'link-abs-dir')!;
      assert.is(link.kind, 'symlink');
      assert.not.ok(entries.some((e) => e.path.includes('not-mine')));
      assert.is(link.size, Buffer.byteLength(await nodeFs.readlink(join(t.dir, 'link-abs-dir'))));
    }));

  test(`${cfg.name}: unchanged on disk: the second commit reads and records nothing, status is clean`, () =>
    withVault(cfg, async ({ t }) => {
      const a = await commit({ vault: t.vault, message: 'a' });
      assert.ok(a.id);
      const st = await status({ vault: t.vault });
      assert.ok(st.clean, JSON.stringify({ m: st.modified, a: st.added, d: st.deleted }));
      const b = await commit({ vault: t.vault, message: 'b' });
      assert.is(b.id, null);
      // files written in the same instant as the stat cache may be re-read once (racy); never all of them
      assert.ok(b.filesRead <= 2, `${b.filesRead} files read`);
      const c = await commit({ vault: t.vault, message: 'c' });
      assert.is(c.id, null);
      // the same through the cache read a window at a time, as a cache over one piece (1 MiB) is
      StatCache.piece = 256;
      try {
        const st2 = await status({ vault: t.vault });
        assert.ok(st2.clean, 'clean, the cache read a piece at a time');
        const d = await commit({ vault: t.vault, message: 'd' });
        assert.is(d.id, null);
        assert.is(d.cacheDropped, null);
        assert.is(d.filesRead, 0, 'every file vouched for');
      } finally {
        StatCache.piece = 1024 * 1024;
      }
    }));

  test(`${cfg.name}: every small file changed: status names each (hashed by the workers), a commit stores them`, () =>
    withVault(cfg, async ({ t }) => {
      await commit({ vault: t.vault, message: 'a' });
      const changed = Math.max(cfg.many, 1);
      for (let i = 0; i < changed; i++) {
        const path = cfg.many ? join(t.dir, 'Many', `m${i}.txt`) : join(t.dir, 'run.sh');
        await nodeFs.appendFile(path, `changed ${i}\n`);
      }
      const st = await status({ vault: t.vault });
      assert.is(st.modified.length, changed);
      assert.is(st.added.length + st.deleted.length, 0);
      // the ids status gave are the files' blob ids (what a commit records for small files)
      for (const m of st.modified) {
        const bytes = await nodeFs.readFile(join(t.dir, ...m.path.split('/')));
        assert.is(m.newId, hashObject('blob', bytes), m.path);
      }
      const c = await commit({ vault: t.vault, message: 'b' });
      assert.ok(c.id);
      assert.is(c.filesRead, changed);
      assert.ok((await status({ vault: t.vault })).clean, 'clean once committed');
    }));

  test(`${cfg.name}: in place: exec bit and link changes are seen, and restore puts them back`, () =>
    withVault(cfg, async ({ t }) => {
      await commit({ vault: t.vault, message: 'a' });
      const before = await listTree(nodeFs, t.dir);
      await nodeFs.chmod(join(t.dir, 'run.sh'), 0o644);
      await nodeFs.unlink(join(t.dir, 'link-rel'));
      await nodeFs.symlink('zero.bin', join(t.dir, 'link-rel'));
      await nodeFs.rm(join(t.dir, 'Empty'), { recursive: true });
      await nodeFs.writeFile(join(t.dir, 'big.psd'), 'overwritten');
      const st = await status({ vault: t.vault });
      assert.equal(
        st.modified.map((c) => c.path),
        ['big.psd', 'link-rel', 'run.sh'],
      );
      await restore({ vault: t.vault, snapshot: 'HEAD', force: true });
      assert.equal(await listTree(nodeFs, t.dir), before);
      assert.ok((await status({ vault: t.vault })).clean);
    }));

  test(`${cfg.name}: a big change then a commit: only the new content is stored; the old snapshot still restores`, () =>
    withVault(cfg, async ({ root, t }) => {
      const a = await commit({ vault: t.vault, message: 'a' });
      const old = await listTree(nodeFs, t.dir);
      const big = await nodeFs.readFile(join(t.dir, 'big.psd'));
      await nodeFs.writeFile(
        join(t.dir, 'big.psd'),
        Buffer.concat([big.subarray(0, 1_000_000), Buffer.from('inserted'), big.subarray(1_000_000)]),
      );
      const b = await commit({ vault: t.vault, message: 'b' });
      assert.ok(b.id && b.parent === a.id);
      assert.ok(b.newBytesStored < 1_500_000, `${b.newBytesStored} bytes stored for an 8-byte insertion`);
      await restore({ vault: t.vault, snapshot: 'HEAD~1', to: join(root, 'old') });
      assert.equal(await listTree(nodeFs, join(root, 'old')), old);
    }));

  test(`${cfg.name}: the same content in several files is stored once`, () =>
    withVault(cfg, async ({ t }) => {
      const dup = prngBytes(5150, 6 * 1024 * 1024);
      await writeTree(nodeFs, t.dir, {
        Copies: { 'a.psd': dup, 'b.psd': dup, 'c.psd': dup, Deeper: { 'd.psd': dup } },
      });
      const r = await commit({ vault: t.vault, message: 'copies' });
      // 4 copies of 6 MiB plus ~7 MiB of other files: stored once that is ~13 MiB, four times ~31 MiB
      assert.ok(r.newBytesRaw < 14 * 1024 * 1024, `${r.newBytesRaw} raw bytes stored`);
      const ids = new Set(
        (await ls({ vault: t.vault, rev: 'HEAD', path: 'Copies' })).entries
          .filter((e) => e.kind === 'file')
          .map((e) => e.id),
      );
      assert.is(ids.size, 1);
    }));

  test(`${cfg.name}: a damaged chunk in a pack: that file fails with ECORRUPT, leaves no file (or temp file), the rest is restored`, () =>
    withVault(cfg, async ({ root, t }) => {
      await commit({ vault: t.vault, message: 'a' });
      const e = must((await ls({ vault: t.vault, rev: 'HEAD', path: 'big.psd' })).entries[0]);
      assert.is(e.obj, 'chunklist');
      const list = decodeChunkList(await t.vault.db.readTyped(e.id, 'chunklist'));
      const victim = must(list.chunks[Math.floor(list.chunks.length / 2)]);
      await t.vault.db.ready(); // a commit looks ids up lean: locate needs the whole index
      const loc = t.vault.db.locate(victim.id);
      assert.ok(loc, 'the chunk is packed');
      await nodeFs.chmod(loc!.packPath, 0o644);
      const fh = await nodeFs.open(loc!.packPath, 'r+');
      const at = loc!.entry.offset + loc!.entry.length - 1;
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, at);
      b[0]! ^= 0x20; // b holds one byte
      await fh.write(b, 0, 1, at);
      await fh.close();
      const to = join(root, 'restored');
      const r = await restore({ vault: t.vault, snapshot: 'HEAD', to });
      assert.equal(
        r.failures.map((f) => [f.path, f.code]),
        [['big.psd', 'ECORRUPT']],
      );
      assert.equal(
        await listTree(nodeFs, to),
        (await listTree(nodeFs, t.dir)).filter((l) => !l.includes('.vault') && !l.includes('big.psd')),
        'every other file, link and folder is restored',
      );
      const names = await nodeFs.readdir(to).catch(() => [] as string[]);
      assert.not.ok(
        names.some((n) => n.includes('big.psd')),
        `left behind: ${names.filter((n) => n.includes('big.psd')).join(', ')}`,
      );
    }));
}

test('a FIFO (neither file, link nor folder) is skipped and reported, not waited on', () =>
  withVault(must(CONFIGS[0]), async ({ t }) => {
    const fifo = join(t.dir, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo here: nothing to test
    const skipped: string[] = [];
    const r = await commit({ vault: t.vault, message: 'm', onSkip: (p) => skipped.push(p) });
    assert.ok(r.id);
    assert.equal(skipped, ['pipe']);
  }));

test('worker threads: a build of 6,000 tiny entries, more objects than the shared id set was sized for, commits whole', async () => {
  const tmp = await tempDir();
  try {
    // each stored zip entry becomes a blob; the set is sized at a chunk per 64 KiB of the zip, so it fills up
    const entries = Array.from({ length: 6000 }, (_, i) => ({ name: `e/${i}.txt`, data: Buffer.from(`entry ${i}\n`) }));
    const zip: Buffer = makeZip(entries);
    const many: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) many[`m${i}.txt`] = `small file ${i}\n`;
    const t = await diskVault(tmp.path, { 'game.zip': zip, Many: many }, { fs: syncFs, threads: 2 });
    try {
      const r = await commit({ vault: t.vault, message: 'build' });
      assert.is(r.files, 1001);
      assert.equal(r.skipped, []);
      const v = await verify({ vault: t.vault });
      assert.equal(v.problems, []);
      const to = join(tmp.path, 'restored');
      await restore({ vault: t.vault, snapshot: 'HEAD', to });
      assert.ok(((await nodeFs.readFile(join(to, 'game.zip'))) as Buffer).equals(zip));
      assert.equal(await listTree(nodeFs, to), await listTree(nodeFs, t.dir));
    } finally {
      await t.vault.close();
    }
  } finally {
    await tmp.remove();
  }
});

test.run();
