#!/usr/bin/env node
// The "builds" scenario: what storing game builds costs, with the container-aware chunker
// (FILETYPE-v2, GameAssetChunker) beside plain content-defined chunking (FILETYPE-v1).
// For each container (Godot pck, zip with stored entries, zip with deflated entries, tar):
//   1. a fresh vault commits a sample project (textures, meshes, scenes, audio);
//   2. the build artifact made from it is committed: growth vs the artifact's size;
//   3. one texture changes, the project is committed, the artifact rebuilt and committed:
//      growth of that build commit vs the changed texture's size.
// Also: chunking throughput of the game asset chunker vs plain FastCDC on the same bytes.
// Usage: node bench/builds.mjs [--json FILE] [--work DIR]   (after npm run build)
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { benchDir, opt } from './cli-args.mjs';
import { makePck, makeTar, makeZip } from './containers.mjs';

const here = benchDir;
const work = resolve(opt('--work', join(here, '..', '.bench-work', 'builds')));
const api = await import(join(here, '..', 'dist', 'index.js'));
const KiB = 1024;

/** deterministic bytes: random (compressed media) or smooth (meshes) */
function bytes(seed, n, kind) {
  const out = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i += 4) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = (t ^ (t >>> 14)) >>> 0;
    if (kind === 'smooth')
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (((i + k) >> 7) + ((r >>> (8 * k)) & 7)) & 0xff;
    else out.writeUInt32LE(r, i <= n - 4 ? i : 0);
  }
  return out;
}

function project(textureSeed = 0) {
  const files = [];
  for (let i = 0; i < 12; i++)
    files.push({
      name: `textures/t${i}.png`,
      data: bytes(100 + i + (i === 5 ? textureSeed : 0), (300 + i * 100) * KiB),
    });
  for (let i = 0; i < 4; i++)
    files.push({ name: `meshes/m${i}.glb`, data: bytes(200 + i, (2048 + i * 1024) * KiB, 'smooth') });
  for (let i = 0; i < 30; i++)
    files.push({ name: `scenes/s${i}.tscn`, data: Buffer.from(`[gd_scene load_steps=${i}]\n`.repeat(40 + i)) });
  for (let i = 0; i < 3; i++) files.push({ name: `audio/a${i}.ogg`, data: bytes(300 + i, 1024 * KiB) });
  return files;
}
const CHANGED = 'textures/t5.png';

const FORMATS = {
  pck: (files) => makePck(files),
  'zip (stored)': (files) => makeZip(files),
  'zip (deflated)': (files) =>
    makeZip(files.map((f) => ({ ...f, deflate: !f.name.endsWith('.png') && !f.name.endsWith('.ogg') }))),
  tar: (files) => makeTar(files),
};
const EXT = { pck: 'pck', 'zip (stored)': 'zip', 'zip (deflated)': 'zip', tar: 'tar' };

function writeProject(dir, files) {
  for (const f of files) {
    mkdirSync(join(dir, 'Assets', dirname(f.name)), { recursive: true });
    writeFileSync(join(dir, 'Assets', f.name), f.data);
  }
}

async function scenario(format, containers) {
  const dir = join(work, 'project');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const chunker = new api.FileTypeAwareChunker({ containers });
  await api.initVault({ fs: api.syncFs, dir, chunker });
  const run = async (message) => {
    const v = await api.openVault({ fs: api.syncFs, cwd: dir });
    try {
      return await api.commit({ vault: v, message });
    } finally {
      await v.close();
    }
  };
  const files = project();
  writeProject(dir, files);
  await run('project');
  const artifact = FORMATS[format](files);
  mkdirSync(join(dir, 'Build'), { recursive: true });
  writeFileSync(join(dir, 'Build', `game.${EXT[format]}`), artifact);
  const first = await run('build 1');
  const files2 = project(1000);
  writeProject(dir, files2);
  await run('texture changed');
  const changed = files2.find((f) => f.name === CHANGED).data.length;
  writeFileSync(join(dir, 'Build', `game.${EXT[format]}`), FORMATS[format](files2));
  const second = await run('build 2');
  return {
    format,
    chunker: containers ? 'FILETYPE-v2 (game assets)' : 'FILETYPE-v1 (plain CDC)',
    artifactBytes: artifact.length,
    firstBuildGrowth: first.newBytesStored,
    firstBuildRatio: +(first.newBytesStored / artifact.length).toFixed(4),
    changedTextureBytes: changed,
    secondBuildGrowth: second.newBytesStored,
    secondBuildLimit: Math.round(1.1 * changed + 64 * KiB),
  };
}

function throughput() {
  const files = project();
  const pck = makePck(files);
  const plain = new api.RollingHashChunker();
  const aware = new api.FileTypeAwareChunker({ containers: true });
  const time = (strategy) => {
    let best = Infinity;
    for (let r = 0; r < 5; r++) {
      const s = typeof strategy === 'function' ? strategy() : strategy;
      s.reset();
      const t = performance.now();
      let start = 0;
      while (start < pck.length) {
        const end = Math.min(pck.length, start + s.maxSize + 64 * KiB);
        start += s.nextSplitPoint(pck, start, end, end === pck.length);
      }
      best = Math.min(best, performance.now() - t);
    }
    return pck.length / best / 1e3;
  };
  const plainMBs = time(plain);
  const awareMBs = time(() => aware.planFile('game.pck', pck.length, pck.subarray(0, 16)).strategy);
  return {
    bytes: pck.length,
    plainMBs: Math.round(plainMBs),
    gameAssetMBs: Math.round(awareMBs),
    ratio: +(awareMBs / plainMBs).toFixed(3),
  };
}

const rows = [];
for (const format of Object.keys(FORMATS))
  for (const containers of [true, false]) rows.push(await scenario(format, containers));
const speed = throughput();
rmSync(work, { recursive: true, force: true });

const mib = (n) => (n / 2 ** 20).toFixed(2);
console.log('### Builds scenario (game asset chunker vs plain CDC)');
console.log(
  '| container | chunker | artifact MiB | 1st build stored MiB | / artifact | 2nd build stored MiB (1 texture of ' +
    mib(rows[0].changedTextureBytes) +
    ' MiB changed) | limit MiB | result |',
);
console.log('|---|---|--:|--:|--:|--:|--:|---|');
for (const r of rows) {
  const firstOk = r.format === 'tar' || r.format === 'zip (deflated)' || r.firstBuildRatio <= 0.1;
  const ok = r.secondBuildGrowth <= r.secondBuildLimit && firstOk;
  console.log(
    `| ${r.format} | ${r.chunker} | ${mib(r.artifactBytes)} | ${mib(r.firstBuildGrowth)} | ${(r.firstBuildRatio * 100).toFixed(1)}% | ${mib(r.secondBuildGrowth)} | ${mib(r.secondBuildLimit)} | ${r.chunker.startsWith('FILETYPE-v2') ? (ok ? 'PASS' : 'FAIL') : '(reference)'} |`,
  );
}
console.log(
  `\nChunking throughput on a ${mib(speed.bytes)} MiB pck: plain FastCDC ${speed.plainMBs} MB/s, game asset chunker ${speed.gameAssetMBs} MB/s (ratio ${speed.ratio}; target >= 0.9)`,
);
const json = opt('--json');
if (json)
  writeFileSync(
    json,
    JSON.stringify(
      { rows, throughput: speed, digest: createHash('sha256').update(JSON.stringify(rows)).digest('hex') },
      null,
      2,
    ),
  );
