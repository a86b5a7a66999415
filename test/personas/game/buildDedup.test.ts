// A build recorded right after committing its project costs almost nothing: the stored-zip/pck dedup figure
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { recordBuild } from '../../../src/personas/game/builds.js';
import { FileTypeAwareChunker } from '../../../src/plumbing/chunkers/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { restore } from '../../../src/porcelain/restore.js';
import { verify } from '../../../src/porcelain/verify.js';
import { readStoredFile } from '../../../src/porcelain/diff.js';
import { prngBytes } from '../../helpers/prng.js';
import type { FileTree } from '../../helpers/tree.js';
import { memVault, type VaultOptions } from '../../helpers/vault.js';
import { makePck, makeZip } from '../../../bench/containers.mjs';
import { godotProject } from './godotProject.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/game/build-dedup');

/** Letters, like source text (compressible, but different in every file). */
function text(seed: number, n: number): Buffer {
  const b = prngBytes(seed, n);
  for (let i = 0; i < n; i++) b[i] = 97 + (must(b[i]) % 26);
  return b;
}

/** The Godot project plus what a real one has most of: many small scripts, scenes, textures and their imports. */
function bigProject(): FileTree {
  const scripts: Record<string, Buffer> = {};
  const levels: Record<string, Buffer> = {};
  const sprites: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) scripts[`enemy_${i}.gd`] = text(100 + i, 1500 + i * 90);
  for (let i = 0; i < 30; i++) levels[`room_${i}.tscn`] = text(200 + i, 2500 + i * 150);
  for (let i = 0; i < 60; i++) {
    sprites[`sprite_${i}.png`] = prngBytes(300 + i, 4000 + i * 450);
    sprites[`sprite_${i}.png.import`] = text(400 + i, 650);
  }
  const big = { 'cave_far.png': prngBytes(7, 420_000), 'cave_near.png': prngBytes(8, 610_000) };
  const base = godotProject();
  delete (base as Record<string, unknown>)['.godot'];
  return { ...base, enemies: scripts, rooms: levels, sprites, backgrounds: big };
}

async function projectFiles(t: Awaited<ReturnType<typeof memVault>>): Promise<{ name: string; data: Buffer }[]> {
  const out: { name: string; data: Buffer }[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const n of ((await t.fs.readdir(dir)) as string[]).sort()) {
      if (n === '.vault') continue;
      const p = `${dir}/${n}`;
      const name = rel ? `${rel}/${n}` : n;
      if ((await t.fs.stat(p)).isDirectory()) await walk(p, name);
      else out.push({ name, data: (await t.fs.readFile(p)) as Buffer });
    }
  };
  await walk('/work', '');
  return out;
}

async function recordRightAfterCommit(opts: VaultOptions = {}) {
  const t = await memVault(bigProject(), opts);
  await commit({ vault: t.vault, message: 'release candidate' });
  const files = await projectFiles(t);
  await t.fs.mkdir('/export', { recursive: true });
  const out: Record<string, { size: number; stored: number; id: string }> = {};
  for (const [format, make] of [
    ['zip', makeZip],
    ['pck', makePck],
  ] as const) {
    const bytes: Buffer = make(files);
    await t.fs.writeFile(`/export/game.${format}`, bytes);
    const b = await recordBuild({
      vault: t.vault,
      version: '1.0',
      platform: format,
      artifacts: [`/export/game.${format}`],
    });
    assert.is(b.stored.read, bytes.length);
    const file = must(b.files[0], `the ${format} artifact`);
    out[format] = { size: bytes.length, stored: b.stored.bytes, id: file.id };
    // the artifact reads back byte for byte
    assert.ok((await readStoredFile(t.vault, file.obj, file.id)).equals(bytes), format);
  }
  return { t, out, files };
}

test('a stored zip and a pck of the project, recorded right after committing it, add at most 5% of their size', async () => {
  const { t, out, files } = await recordRightAfterCommit();
  assert.ok(files.length > 200, `${files.length} files`);
  for (const [format, r] of Object.entries(out)) {
    assert.ok(r.size > 2 * 1024 * 1024, `${format}: ${r.size} bytes`);
    assert.ok(
      r.stored <= 0.05 * r.size,
      `${format}: ${r.stored} of ${r.size} bytes stored (${((100 * r.stored) / r.size).toFixed(2)}%)`,
    );
  }
  assert.is((await verify({ vault: t.vault, readData: true })).problems.length, 0);
  // restoring the project still works (its small files are blobs a chunk list also names)
  await restore({ vault: t.vault, snapshot: 'HEAD', to: '/restored' });
  assert.ok(
    ((await t.fs.readFile('/restored/enemies/enemy_3.gd')) as Buffer).equals(
      files.find((f) => f.name === 'enemies/enemy_3.gd')!.data,
    ),
  );
});

test('the control: a FILETYPE-v2 vault (small entries as chunks) stores far more than 5% for the same zip', async () => {
  const { out } = await recordRightAfterCommit({ chunker: new FileTypeAwareChunker({ containers: true }) });
  const zip = must(out.zip);
  assert.ok(zip.stored > 0.05 * zip.size, `${zip.stored} of ${zip.size}`);
});

test.run();
