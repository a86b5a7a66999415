// Corruption test: flip a byte in, truncate, or delete each of a sample of stored objects, and damage each
// pack file and index; `verify --read-data` must detect every one, name the damaged object, the snapshots
// and the paths, and restoring a path the damage does not touch must still work.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeChunkList } from '../../src/objects/chunkList.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { decodeTree } from '../../src/objects/tree.js';
import { decodePackIndex, encodePackIndex } from '../../src/plumbing/pack/index.js';
import { commit } from '../../src/porcelain/commit.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { collectRoots, reachableObjects } from '../../src/porcelain/reachable.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { updateRef } from '../../src/refs/refs.js';
import type { Vault } from '../../src/porcelain/openVault.js';
import { mulberry32, prngBytes } from '../helpers/prng.js';
import { memVault } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('reliability/corruption');
const SAMPLE = Number(process.env.VAULT_CORRUPT_SAMPLE ?? 24);

/** for each snapshot and file path: the objects restoring it needs, and its content */
async function needs(v: Vault, snap: string): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const s = await readSnapshot(v, snap);
  const walk = async (tree: string, base: string, chain: string[]) => {
    for (const e of decodeTree(await v.db.readTyped(tree, 'tree'), tree).entries) {
      const path = base ? `${base}/${e.name}` : e.name;
      if (e.kind === 'dir') await walk(e.id, path, [...chain, e.id]);
      else if (e.obj === 'blob') out.set(path, new Set([...chain, e.id]));
      else
        out.set(
          path,
          new Set([
            ...chain,
            e.id,
            ...decodeChunkList(await v.db.readTyped(e.id, 'chunklist'), e.id).chunks.map((c) => c.id),
          ]),
        );
    }
  };
  await walk(s.tree, '', [snap, s.tree]);
  // restore reads the snapshot's whole tree (every folder) before it writes a path
  const trees = new Set<string>();
  for (const ids of out.values()) for (const id of ids) if ((await v.db.typeOf(id)) === 'tree') trees.add(id);
  for (const ids of out.values()) for (const id of trees) ids.add(id);
  return out;
}

test('verify detects every flipped byte, truncation and deletion, names snapshots and paths; undamaged paths still restore', async () => {
  const rand = mulberry32(4242);
  const t = await memVault({ docs: { 'a.md': '# a\n', 'b.md': '# b\n' }, art: {} }, { packSize: 200_000 });
  const content = new Map<string, Map<string, Buffer>>(); // snapshot -> path -> bytes
  const snaps: string[] = [];
  for (let i = 0; i < 4; i++) {
    await t.fs.writeFile(`/work/art/big.psd`, prngBytes(10 + i, 700_000));
    await t.fs.writeFile(`/work/art/small${i}.txt`, `small ${i}\n`.repeat(50));
    const id = (await commit({ vault: t.vault, message: `c${i}` })).id!;
    snaps.push(id);
    const files = new Map<string, Buffer>();
    for (const p of [
      'docs/a.md',
      'docs/b.md',
      'art/big.psd',
      ...Array.from({ length: i + 1 }, (_, k) => `art/small${k}.txt`),
    ])
      files.set(p, (await t.fs.readFile(`/work/${p}`)) as Buffer);
    content.set(id, files);
  }
  // one reachable loose object: a snapshot written by plumbing and tagged
  const head = await readSnapshot(t.vault, 'HEAD');
  const loose = await t.vault.db.writeLoose(
    'snapshot',
    encodeSnapshot({ ...head, parents: [head.id], message: 'plumbing', meta: {} }),
  );
  await updateRef({ ...t.vault.refs, ref: 'refs/tags/plumbing', value: loose, author: 'x', time: 1, message: 'tag' });
  snaps.push(loose);
  content.set(loose, content.get(head.id)!);

  const need = new Map<string, Map<string, Set<string>>>();
  for (const s of snaps) need.set(s, await needs(t.vault, s));
  const live = [...(await reachableObjects(t.vault.db, await collectRoots(t.vault, 0, Date.now())))].sort();
  assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
  const snapIds = new Set(snaps);
  const rootTrees = new Set<string>();
  for (const s of snaps) rootTrees.add((await readSnapshot(t.vault, s)).tree);

  // the pristine store, to undo each damage
  const pristine = new Map<string, Buffer>();
  const walkFiles = async (dir: string): Promise<string[]> => {
    const out: string[] = [];
    for (const n of (await t.fs.readdir(dir)) as string[]) {
      const p = `${dir}/${n}`;
      if ((await t.fs.stat(p)).isDirectory()) out.push(...(await walkFiles(p)));
      else out.push(p);
    }
    return out;
  };
  for (const dir of ['/work/.vault/packs', '/work/.vault/objects'])
    for (const p of await walkFiles(dir)) pristine.set(p, (await t.fs.readFile(p)) as Buffer);
  const undo = async () => {
    for (const dir of ['/work/.vault/packs', '/work/.vault/objects'])
      for (const p of await walkFiles(dir)) if (!pristine.has(p)) await t.fs.unlink(p);
    for (const [p, b] of pristine) {
      await t.fs.chmod(p, 0o644).catch(() => {});
      await t.fs.writeFile(p, b);
    }
  };
  const write = async (p: string, b: Buffer) => {
    await t.fs.chmod(p, 0o644);
    await t.fs.writeFile(p, b);
  };

  const figures: Record<
    string,
    { cases: number; detected: number; named: number; restored: number; harmless: number }
  > = {};
  /** the object still reads back as itself: db.read re-hashes the decoded body against the id */
  const allReadIntact = async (v: Awaited<ReturnType<typeof t.reopen>>, ids: Set<string>) => {
    for (const id of ids) {
      try {
        await v.db.read(id);
      } catch {
        return false;
      }
    }
    return true;
  };
  /** damage, then check: detected, damaged ids named with snapshots (and paths for content), an untouched path restores */
  const trial = async (kind: string, damaged: Set<string>, act: () => Promise<void>) => {
    const f = (figures[kind] ??= { cases: 0, detected: 0, named: 0, restored: 0, harmless: 0 });
    f.cases++;
    await act();
    const v = await t.reopen();
    const r = await verify({ vault: v, readData: true });
    const hits = r.problems.filter((p) => damaged.has(p.id) || p.kind === 'bad-pack');
    if (r.problems.length) f.detected++;
    else if (kind === 'flip' && (await allReadIntact(v, damaged))) {
      // some bits of a zstd frame do not change what it decodes to (e.g. window size, a block-type
      // bit of an equivalent encoding): every read re-hashes, so the object is provably intact
      f.harmless++;
      await v.close();
      await undo();
      return;
    } else
      assert.unreachable(`${kind}: damage to ${[...damaged].map((d) => d.slice(0, 12)).join(',')} went undetected`);
    const reachableDamaged = [...damaged].filter((d) => live.includes(d));
    // content and folders are named by path; a snapshot or a root tree by the snapshot itself
    const named = hits.some(
      (p) => p.snapshots.length > 0 && (p.paths.length > 0 || snapIds.has(p.id) || rootTrees.has(p.id)),
    );
    if (named || !reachableDamaged.length) f.named++;
    else assert.unreachable(`${kind}: problems do not name a damaged snapshot: ${JSON.stringify(r.problems)}`);
    // a path whose objects are all intact restores byte-identical
    let done = false;
    for (const s of snaps) {
      for (const [path, ids] of need.get(s)!) {
        if ([...ids].some((id) => damaged.has(id))) continue;
        await restore({ vault: v, snapshot: s, paths: [path], to: '/restored' });
        assert.ok(
          ((await t.fs.readFile(`/restored/${path}`)) as Buffer).equals(content.get(s)!.get(path)!),
          `${kind}: ${path} restores`,
        );
        await t.fs.rm('/restored', { recursive: true, force: true });
        done = true;
        break;
      }
      if (done) break;
    }
    if (done) f.restored++;
    await v.close();
    await undo();
  };

  // 1. a sample of objects, each flipped, truncated and deleted
  const sample = [...live]
    .sort(() => 0)
    .filter((_, i) => i % Math.max(1, Math.floor(live.length / SAMPLE)) === 0)
    .slice(0, SAMPLE);
  if (!sample.includes(loose)) sample.push(loose);
  for (const id of sample) {
    const loc = t.vault.db.locate(id);
    if (!loc) {
      const p = t.vault.db.looseObjectPath(id);
      const buf = Buffer.from(pristine.get(p)!);
      await trial('flip', new Set([id]), async () => {
        buf[rand() % buf.length]! ^= 1 << (rand() % 8); // a loose object is never empty
        await write(p, buf);
      });
      await trial('truncate', new Set([id]), () => write(p, buf.subarray(0, rand() % buf.length)));
      await trial('delete', new Set([id]), () => t.fs.unlink(p));
      continue;
    }
    const pack = pristine.get(loc.packPath)!;
    const { offset, length } = loc.entry;
    await trial('flip', new Set([id]), async () => {
      const b = Buffer.from(pack);
      b[offset + (rand() % length)]! ^= 1 << (rand() % 8); // inside the record
      await write(loc.packPath, b);
    });
    // truncating inside this record damages it and every record after it
    const idxPath = loc.packPath.replace(/\.pack$/, '.idx');
    const entries = decodePackIndex(pristine.get(idxPath)!, idxPath);
    const cut = offset + (rand() % length);
    await trial('truncate', new Set(entries.filter((e) => e.offset + e.length > cut).map((e) => e.id)), () =>
      write(loc.packPath, pack.subarray(0, cut)),
    );
    await trial('delete', new Set([id]), () => write(idxPath, encodePackIndex(entries.filter((e) => e.id !== id))));
  }

  // 2. every pack file and index: deleted, truncated, a byte flipped
  for (const p of [...pristine.keys()].filter((k) => k.endsWith('.idx'))) {
    const ids = new Set(decodePackIndex(pristine.get(p)!, p).map((e) => e.id));
    if (![...ids].some((id) => live.includes(id))) continue;
    const packPath = p.replace(/\.idx$/, '.pack');
    await trial('pack deleted', ids, () => t.fs.unlink(packPath));
    await trial('pack truncated', ids, () =>
      write(packPath, pristine.get(packPath)!.subarray(0, 8 + (rand() % (pristine.get(packPath)!.length - 8)))),
    );
    await trial('index deleted', ids, () => t.fs.unlink(p));
    await trial('index flipped', ids, async () => {
      const b = Buffer.from(pristine.get(p)!);
      b[rand() % b.length]! ^= 0x10; // an index is never empty
      await write(p, b);
    });
  }
  const cases = Object.values(figures).reduce((s, f) => s + f.cases, 0);
  const detected = Object.values(figures).reduce((s, f) => s + f.detected, 0);
  const restored = Object.values(figures).reduce((s, f) => s + f.restored, 0);
  const harmless = Object.values(figures).reduce((s, f) => s + f.harmless, 0);
  assert.is(detected + harmless, cases);
  assert.ok(
    harmless <= must(figures.flip).cases / 4,
    `${harmless} of ${figures.flip?.cases} flips changed nothing: too many to be zstd's spare bits`,
  );
  console.log(
    `corruption figures: ${detected}/${cases} damages detected (${Object.entries(figures)
      .map(([k, f]) => `${k} ${f.detected}/${f.cases}${f.harmless ? ` + ${f.harmless} harmless` : ''}`)
      .join(', ')}); ${restored} untouched paths restored byte-identical next to the damage`,
  );
});

test.run();
