// Seeded fuzzing of the restores that write outside the project's own tree walk: `workspace restore` with
// random manifests (item paths built from hostile parts: '..', '.', '', '.vault', '.git' and its aliases, a
// backslash, NUL; random kinds, symlink items pointing outside, hostile workspace paths) over disks with
// symlinks planted on the way, and `playtest restore` of sessions whose file trees are named the same way over
// targets with planted symlinks. Only typed VaultErrors may escape, nothing outside the target may change, and
// nothing written may carry a name a tree may not hold.
//   VAULT_FUZZ_CASES=N scales the case count (default 1500: 300 per target)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { VaultError } from '../../src/errors.js';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { badEntryName } from '../../src/objects/tree.js';
import { addWorkspace } from '../../src/personas/creative/workspace/config.js';
import { restoreWorkspace } from '../../src/personas/creative/workspace/restore.js';
import { restorePlaytest } from '../../src/personas/game/playtests.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { commit } from '../../src/porcelain/commit.js';
import { updateRef } from '../../src/refs/refs.js';
import { craftSnapshot, craftTree, item, workspaceAttachment, type Spec } from '../helpers/hostile.js';
import { mulberry32 } from '../helpers/prng.js';
import { memVault } from '../helpers/vault.js';

const test = suite('reliability/fuzzPaths');
const CASES = Math.max(50, Math.floor(Number(process.env.VAULT_FUZZ_CASES ?? 1500) / 5));
const rand = mulberry32(0xa7a5);
const pick = <T>(xs: readonly T[]): T => xs[rand() % xs.length]!;

const BENIGN = ['a', 'b', 'sub', 'brushes', 'x.txt', '.config', '.gitignore', 'git'];
const HOSTILE_PARTS = [
  '..',
  '.',
  '',
  '.vault',
  '.VAULT',
  '.git',
  '.GIT',
  'git~1',
  '.git.',
  '.git ',
  '.git::$INDEX_ALLOCATION',
  '.g\u200cit',
  'a\\b',
  'a\u0000b',
  '.gitmodules',
];
/** half the cases are hostile by name; the others attack through what is on disk only */
let hostile = true;
const part = () => (hostile && rand() % 4 === 0 ? pick(HOSTILE_PARTS) : pick(BENIGN));
const relPath = () => Array.from({ length: 1 + (rand() % 3) }, part).join(hostile && rand() % 9 === 0 ? '//' : '/');
const cleanRel = (rel: string, kind?: 'file' | 'dir' | 'symlink') =>
  rel !== '' && rel.split('/').every((p, i, all) => !badEntryName(p, i === all.length - 1 ? kind : 'dir'));

/** Every path below `root` that is not below one of `except`: file content, link target or 'dir' (lstat). */
async function listing(fs: FsPromises, root: string, except: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const n of (await fs.readdir(dir)) as string[]) {
      const p = dir === '/' ? `/${n}` : `${dir}/${n}`;
      if (except.includes(p)) continue;
      const st = await fs.lstat(p);
      if (st.isSymbolicLink()) out.set(p, `-> ${String(await fs.readlink(p))}`);
      else if (st.isDirectory()) {
        out.set(p, 'dir');
        await walk(p);
      } else out.set(p, String(await fs.readFile(p, 'latin1')));
    }
  };
  await walk(root);
  return out;
}
const changed = (a: Map<string, string>, b: Map<string, string>) =>
  [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));

/** Only typed errors; anything else fails with the case that caused it. */
async function typed(what: string, f: () => Promise<unknown>): Promise<'ok' | 'refused'> {
  try {
    await f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof VaultError))
      assert.unreachable(`${what}: untyped ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
    return 'refused';
  }
}

const WS = '/home/a/ws';
const ROOTS = [WS, WS, WS, WS, '/home/a/ws/../../../outside', 'home/a/ws', '/', `${WS}/`, '/home/a/.git'];

function randomManifest(): { manifest: unknown; files: Spec; rels: string[] } {
  const items: ReturnType<typeof item>[] = [];
  const files: Record<string, Spec | string> = {};
  const rels: string[] = [];
  for (let i = 0, n = 1 + (rand() % 6); i < n; i++) {
    const kind = pick(['file', 'file', 'dir', 'symlink'] as const);
    const rel = relPath();
    rels.push(rel);
    items.push(item(rel, kind, kind === 'symlink' ? { target: pick(['/outside', '../../../outside', 'a']) } : {}));
    if (kind !== 'file' || !cleanRel(rel)) continue;
    // the file's content under files/ws/REL (only where the attachment tree can hold the name)
    let at = files as Record<string, Spec | string>;
    const parts = rel.split('/');
    for (const p of parts.slice(0, -1)) {
      if (typeof at[p] !== 'object') at[p] = {};
      at = at[p] as Record<string, Spec | string>;
    }
    if (at[parts[parts.length - 1]!] === undefined) at[parts[parts.length - 1]!] = 'EVIL';
  }
  const ws: Record<string, unknown> = { name: 'ws', path: hostile ? pick(ROOTS) : WS, kind: 'dir', items };
  if (hostile && rand() % 10 === 0) ws.kind = pick(['file', 'symlink', 'missing', 'nope']);
  if (rand() % 3 === 0) ws.items = items.reverse();
  return { manifest: { v: 1, workspaces: [ws] }, files: { ws: files as Spec }, rels };
}

test('workspace restore: random manifests over disks with planted symlinks write nothing outside the workspace', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  await commit({ vault: t.vault, message: 'one' });
  await addWorkspace({ vault: t.vault, path: WS, name: 'ws' });
  const counts = { ok: 0, refused: 0, skipped: 0, written: 0 };
  for (let i = 0; i < CASES; i++) {
    await t.fs.rm('/home', { recursive: true, force: true });
    await t.fs.rm('/outside', { recursive: true, force: true });
    await t.fs.mkdir('/outside', { recursive: true });
    await t.fs.writeFile('/outside/target.txt', 'ORIGINAL');
    await t.fs.mkdir(WS, { recursive: true });
    hostile = i % 2 === 0;
    const { manifest, files, rels } = randomManifest();
    // plant a symlink to outside (or a file) where some item's folder goes
    for (const rel of rels.filter(() => rand() % 3 === 0)) {
      const up = rel.split('/').slice(0, 1 + (rand() % Math.max(1, rel.split('/').length - 1)));
      if (!cleanRel(up.join('/'))) continue;
      for (let k = 1; k < up.length; k++) await t.fs.mkdir(`${WS}/${up.slice(0, k).join('/')}`).catch(() => {});
      if (rand() % 4) await t.fs.symlink('/outside', `${WS}/${up.join('/')}`).catch(() => {});
      else await t.fs.writeFile(`${WS}/${up.join('/')}`, 'in the way').catch(() => {});
    }
    const snap = await craftSnapshot(t.vault, { attachments: workspaceAttachment(manifest, files) });
    const before = await listing(t.fs, '/', ['/work', WS]);
    let r: Awaited<ReturnType<typeof restoreWorkspace>> | undefined;
    const got = await typed(`case ${i} ${JSON.stringify(manifest)}`, async () => {
      r = await restoreWorkspace({ vault: t.vault, snapshot: snap, yes: true });
    });
    assert.equal(
      changed(before, await listing(t.fs, '/', ['/work', WS])),
      [],
      `case ${i}: ${JSON.stringify(manifest)}`,
    );
    for (const w of r?.written ?? [])
      assert.ok(w.startsWith(`${WS}/`) && cleanRel(w.slice(WS.length + 1)), `case ${i}: wrote ${JSON.stringify(w)}`);
    counts[got]++;
    if (r?.skipped.length) counts.skipped++;
    counts.written += r?.written.length ?? 0;
  }
  console.log(
    `fuzz paths figures: workspace: ${CASES} random manifests: ${counts.refused} refused, ${counts.ok} restored ` +
      `(${counts.skipped} with skips reported, ${counts.written} files written inside), 0 writes outside`,
  );
});

function randomFiles(depth = 0): Spec {
  const out: Record<string, Spec | string> = {};
  for (let i = 0, n = 1 + (rand() % 3); i < n; i++) {
    const name = part();
    out[name] = depth < 2 && rand() % 2 ? randomFiles(depth + 1) : 'EVIL';
  }
  return out;
}

test('playtest restore: random session file trees over targets with planted symlinks write nothing outside', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  const counts = { ok: 0, refused: 0 };
  const target = '/out/t';
  for (let i = 0; i < CASES; i++) {
    await t.fs.rm('/out', { recursive: true, force: true });
    await t.fs.rm('/outside', { recursive: true, force: true });
    await t.fs.mkdir(target, { recursive: true });
    await t.fs.mkdir('/outside');
    await t.fs.writeFile('/outside/target.txt', 'ORIGINAL');
    hostile = i % 2 === 0;
    const files = randomFiles();
    for (const name of Object.keys(files))
      if (rand() % 4 === 0 && cleanRel(name)) await t.fs.symlink('/outside', `${target}/${name}`).catch(() => {});
    const id = `fuzz${String(i).padStart(8, '0')}`;
    const record = { id, build: 'b', version: '1', platform: 'p', snapshot: 'a'.repeat(64), tester: 't', time: 1 };
    const tree = await craftTree(t.vault, { [id]: { 'record.json': JSON.stringify({ ...record, files: [] }), files } });
    const snap = await t.vault.db.writeLoose(
      'snapshot',
      encodeSnapshot({ tree, parents: [], author: 'm', time: 1, message: 'fuzz', meta: {} }),
    );
    await updateRef({
      ...t.vault.refs,
      ref: 'refs/notes/game/playtests',
      value: snap,
      author: 'm',
      time: 1,
      message: 'f',
    });
    const before = await listing(t.fs, '/', ['/work', target]);
    const inside = await listing(t.fs, target, []);
    const got = await typed(`case ${i} ${JSON.stringify(files)}`, () =>
      restorePlaytest({ vault: t.vault, session: id, to: target, force: rand() % 2 === 0 }),
    );
    assert.equal(
      changed(before, await listing(t.fs, '/', ['/work', target])),
      [],
      `case ${i}: ${JSON.stringify(files)}`,
    );
    for (const p of changed(inside, await listing(t.fs, target, [])))
      assert.ok(cleanRel(p.slice(target.length + 1)), `case ${i}: wrote ${JSON.stringify(p)}`);
    counts[got]++;
  }
  console.log(
    `fuzz paths figures: playtest: ${CASES} random sessions: ${counts.refused} refused, ${counts.ok} restored, 0 writes outside`,
  );
});

test.run();
