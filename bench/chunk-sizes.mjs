#!/usr/bin/env node
// Measures dedup against object count for average chunk sizes from 64 KiB to 1 MiB:
// for each size, a fresh vault commits a copy of the corpus, `make-corpus mutate` applies one day
// of work, and a second commit stores the changes. Prints objects, repository size and the
// growth of the second commit against the mutation's new_bytes.
// Usage: node bench/chunk-sizes.mjs [--size 1G] [--sizes 64,128,256,512,1024] [--work DIR]   (after npm run build)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchDir, opt } from './cli-args.mjs';

const here = benchDir;
const size = opt('--size', '1G');
const work = resolve(opt('--work', join(here, '..', '.bench-work', 'chunk-sizes')));
const api = await import(join(here, '..', 'dist', 'index.js'));
mkdirSync(work, { recursive: true });
const corpus = join(work, `corpus-${size}`);
if (!existsSync(join(work, `corpus-${size}.complete`))) {
  rmSync(corpus, { recursive: true, force: true });
  execFileSync('python3', [join(here, 'make-corpus'), 'generate', corpus, '--size', size, '--seed', '1'], {
    stdio: 'inherit',
  });
  execFileSync('touch', [join(work, `corpus-${size}.complete`)]);
}
const du = (p) => Number(execFileSync('du', ['-sb', p]).toString().split('\t')[0]);
const rows = [];
const sizes = opt('--sizes', '64,128,256,512,1024').split(',').map(Number);
for (const kib of sizes) {
  const src = join(work, 'src');
  const vaultDir = join(work, 'vault');
  rmSync(src, { recursive: true, force: true });
  rmSync(vaultDir, { recursive: true, force: true });
  execFileSync('cp', ['-a', corpus, src]);
  const chunker = new api.FileTypeAwareChunker({
    cdcAvgSize: kib * 1024,
    smallFileMax: kib * 1024,
    mediaAvgSize: Math.max(kib, 512) * 1024,
  });
  await api.initVault({ fs: api.syncFs, dir: src, vaultDir, chunker });
  const run = async (message) => {
    const v = await api.openVault({ fs: api.syncFs, cwd: src, vaultDir, threads: 2 });
    try {
      return await api.commit({ vault: v, message });
    } finally {
      await v.close();
    }
  };
  const t0 = performance.now();
  const first = await run('initial');
  const t1 = performance.now();
  const size1 = du(vaultDir);
  const mutation = JSON.parse(
    execFileSync('python3', [join(here, 'make-corpus'), 'mutate', src, '--seed', '1']).toString(),
  );
  const second = await run('mutated');
  const size2 = du(vaultDir);
  if (process.env.DEBUG_CHUNKS)
    console.log(
      JSON.stringify({ first, second: { ...second, skipped: second.skipped.length } }),
      execFileSync('ls', ['-la', join(vaultDir, 'packs')]).toString(),
    );
  rows.push({
    avgKiB: kib,
    objects: first.newObjects + second.newObjects,
    initialSeconds: +((t1 - t0) / 1000).toFixed(2),
    repoMiB: +(size1 / 2 ** 20).toFixed(1),
    growthMiB: +((size2 - size1) / 2 ** 20).toFixed(2),
    newBytesMiB: +(mutation.new_bytes / 2 ** 20).toFixed(2),
    growthRatio: +((size2 - size1) / mutation.new_bytes).toFixed(3),
  });
  console.log(JSON.stringify(rows.at(-1)));
}
console.log('\n| avg chunk | objects | initial commit s | repo MiB | growth after mutation MiB | growth / new bytes |');
console.log('|--:|--:|--:|--:|--:|--:|');
for (const r of rows)
  console.log(
    `| ${r.avgKiB} KiB | ${r.objects} | ${r.initialSeconds} | ${r.repoMiB} | ${r.growthMiB} | ${r.growthRatio} |`,
  );
