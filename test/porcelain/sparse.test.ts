// Sparse files on the real filesystem: restore keeps the holes (all-zero chunks are not written), on one
// thread and through the restore workers, and the content is byte-identical. Compared by st_blocks.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { WorkerCodec } from '../../src/plumbing/codec.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { syncFs } from '../../src/plumbing/syncFs.js';
import { commit } from '../../src/porcelain/commit.js';
import { restore } from '../../src/porcelain/restore.js';
import { prngBytes } from '../helpers/prng.js';
import { diskVault, nodeFs, tempDir } from '../helpers/vault.js';

const test = suite('porcelain/sparse');

const MiB = 1024 * 1024;
/** 48 MiB: over the 32 MiB at which restore hands whole files to worker threads */
const SIZE = 48 * MiB;

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const b of createReadStream(path)) h.update(b as Buffer);
  return h.digest('hex');
}

/** Data at the start and in the middle, holes between and at the end. */
async function makeSparse(path: string): Promise<void> {
  const fh = await open(path, 'w');
  await fh.write(prngBytes(1, 64 * 1024), 0, 64 * 1024, 0);
  await fh.write(prngBytes(2, 64 * 1024), 0, 64 * 1024, 24 * MiB);
  await fh.truncate(SIZE);
  await fh.close();
}

const allocated = async (path: string) => (await stat(path)).blocks * 512;

const CONFIGS: { name: string; fs: FsPromises; threads: number }[] = [
  { name: 'fs/promises, one thread', fs: nodeFs, threads: 0 },
  { name: 'sync fs + 2 restore workers, as the CLI', fs: syncFs, threads: 2 },
];

for (const cfg of CONFIGS)
  test(`${cfg.name}: a 48 MiB sparse file is restored sparse and byte-identical`, async () => {
    const tmp = await tempDir();
    const t = await diskVault(tmp.path, {}, { fs: cfg.fs, threads: cfg.threads, codec: new WorkerCodec(2) });
    try {
      const src = join(t.dir, 'disk.img');
      await makeSparse(src);
      assert.ok((await allocated(src)) < 4 * MiB, 'this filesystem keeps holes (the source is sparse)');
      await commit({ vault: t.vault, message: 'sparse' });
      const to = join(tmp.path, 'restored');
      const r = await restore({ vault: t.vault, snapshot: 'HEAD', to });
      assert.equal(r.failures, []);
      const out = join(to, 'disk.img');
      assert.is((await stat(out)).size, SIZE);
      assert.is(await sha256(out), await sha256(src));
      const used = await allocated(out);
      console.log(`    ${cfg.name}: the restored 48 MiB sparse file allocates ${(used / MiB).toFixed(2)} MiB`);
      assert.ok(used < 8 * MiB, `restored file allocates ${(used / MiB).toFixed(1)} MiB of its 48 MiB`);
    } finally {
      await t.vault.close();
      await tmp.remove();
    }
  });

test.run();
