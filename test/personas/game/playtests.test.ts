import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes, createHash } from 'node:crypto';
import { readFile, writeFile, mkdir, symlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { recordBuild } from '../../../src/personas/game/builds.js';
import { findSession, listPlaytests, restorePlaytest, savePlaytest } from '../../../src/personas/game/playtests.js';
import { commit } from '../../../src/porcelain/commit.js';
import { status } from '../../../src/porcelain/status.js';
import { verify } from '../../../src/porcelain/verify.js';
import { codeOf, diskVault, memVault, tempDir } from '../../helpers/vault.js';
import { sampleGame } from './sampleGame.js';

const test = suite('personas/game/playtests');

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

test('save keeps project paths (and names for outside files); restore --to gives them back byte-identical; a 24 MiB recording is chunked and a second session of it stores nothing new', async () => {
  const tmp = await tempDir();
  const t = await diskVault(tmp.path, sampleGame());
  try {
    await commit({ vault: t.vault, message: 'first playable' });
    const b = await recordBuild({ vault: t.vault, version: '0.4.2', platform: 'windows' });
    const rec = randomBytes(24 * 1024 * 1024);
    await mkdir(join(t.dir, 'captures'));
    await writeFile(join(t.dir, 'captures', 'ana-run1.mp4'), rec);
    await mkdir(join(t.dir, 'saves', 'slot1'), { recursive: true });
    await writeFile(join(t.dir, 'saves', 'slot1', 'game.sav'), 'level=3\n');
    await writeFile(join(tmp.path, 'telemetry.jsonl'), '{"fps": 58}\n');
    const s = await savePlaytest({
      vault: t.vault,
      build: '0.4.2',
      tester: 'ana',
      paths: ['captures/ana-run1.mp4', join(t.dir, 'saves'), join(tmp.path, 'telemetry.jsonl')],
      notes: 'cave run',
    });
    assert.equal(s.files.map((f) => f.path).sort(), [
      'captures/ana-run1.mp4',
      'saves/slot1/game.sav',
      'telemetry.jsonl',
    ]);
    assert.is(s.build, b.id);
    assert.is(s.snapshot, b.snapshot);
    const video = s.stored.find((f) => f.path === 'captures/ana-run1.mp4')!;
    assert.is(video.obj, 'chunklist');
    const before = [...t.vault.db.ids()].length;
    const s2 = await savePlaytest({ vault: t.vault, build: b.id, tester: 'bo', paths: ['captures/ana-run1.mp4'] });
    assert.ok([...t.vault.db.ids()].length - before < 10, 'the same recording again adds only the record');
    assert.equal(
      (await listPlaytests({ vault: t.vault })).map((x) => x.id),
      [s.id, s2.id],
    );
    assert.equal(
      (await listPlaytests({ vault: t.vault, tester: 'bo' })).map((x) => x.id),
      [s2.id],
    );
    assert.is((await findSession(t.vault, s.id.slice(0, 6))).notes, 'cave run');

    const out = join(tmp.path, 'restored');
    const r = await restorePlaytest({ vault: t.vault, session: s.id, to: out });
    assert.is(r.files, 3);
    assert.is(r.bytes, rec.length + 8 + 12);
    assert.is(sha(await readFile(join(out, 'captures', 'ana-run1.mp4'))), sha(rec));
    assert.is(await readFile(join(out, 'saves', 'slot1', 'game.sav'), 'utf8'), 'level=3\n');
    assert.is(await readFile(join(out, 'telemetry.jsonl'), 'utf8'), '{"fps": 58}\n');
    // again: everything identical, nothing written
    assert.is((await restorePlaytest({ vault: t.vault, session: s.id, to: out })).unchanged, 3);
    assert.is((await verify({ vault: t.vault, readData: true })).problems.length, 0);
    // records are not project files
    assert.equal((await status({ vault: t.vault })).modified, []);
  } finally {
    await t.vault.close();
    await tmp.remove();
  }
});

test('restore into the project refuses to overwrite a different file unless forced, and never writes through a symlinked folder', async () => {
  const tmp = await tempDir();
  const t = await diskVault(tmp.path, sampleGame());
  try {
    await commit({ vault: t.vault, message: 'first playable' });
    await recordBuild({ vault: t.vault, version: '1.0', platform: 'linux' });
    await mkdir(join(t.dir, 'logs'));
    await writeFile(join(t.dir, 'logs', 'run.log'), 'ok\n');
    const s = await savePlaytest({ vault: t.vault, build: '1.0', tester: 'cy', paths: ['logs'] });
    await writeFile(join(t.dir, 'logs', 'run.log'), 'overwritten later\n');
    assert.is(await codeOf(() => restorePlaytest({ vault: t.vault, session: s.id })), 'EDIRTY');
    assert.is(await readFile(join(t.dir, 'logs', 'run.log'), 'utf8'), 'overwritten later\n', 'nothing half-written');
    const r = await restorePlaytest({ vault: t.vault, session: s.id, force: true });
    assert.is(r.files, 1);
    assert.is(await readFile(join(t.dir, 'logs', 'run.log'), 'utf8'), 'ok\n');
    // a symlinked folder in the way
    const elsewhere = join(tmp.path, 'elsewhere');
    await mkdir(elsewhere);
    const to = join(tmp.path, 'to');
    await mkdir(to);
    await symlink(elsewhere, join(to, 'logs'));
    assert.is(await codeOf(() => restorePlaytest({ vault: t.vault, session: s.id, to })), 'EUNSAFEPATH');
    assert.is(await codeOf(() => stat(join(elsewhere, 'run.log'))), 'ENOENT');
  } finally {
    await t.vault.close();
    await tmp.remove();
  }
});

test('bad input: unknown build or session, no files, no tester', async () => {
  const t = await memVault(sampleGame());
  await commit({ vault: t.vault, message: 'x' });
  await recordBuild({ vault: t.vault, version: '1.0', platform: 'linux' });
  assert.is(
    await codeOf(() => savePlaytest({ vault: t.vault, build: '2.0', tester: 'a', paths: ['README.md'] })),
    'ENOBUILD',
  );
  assert.is(await codeOf(() => savePlaytest({ vault: t.vault, build: '1.0', tester: 'a', paths: [] })), 'EUSAGE');
  assert.is(
    await codeOf(() => savePlaytest({ vault: t.vault, build: '1.0', tester: '', paths: ['README.md'] })),
    'EUSAGE',
  );
  assert.is(
    await codeOf(() => savePlaytest({ vault: t.vault, build: '1.0', tester: 'a', paths: ['nope.mp4'] })),
    'EUSAGE',
  );
  assert.is(await codeOf(() => restorePlaytest({ vault: t.vault, session: 'abcdef' })), 'ENOSESSION');
  // memfs works too (injected fs)
  const s = await savePlaytest({ vault: t.vault, build: '1.0', tester: 'a', paths: ['README.md'] });
  await restorePlaytest({ vault: t.vault, session: s.id, to: '/copy' });
  assert.is(String(await t.fs.readFile('/copy/README.md', 'utf8')), '# Cave Runner\n');
});

test.run();
