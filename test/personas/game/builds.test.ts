import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { listBuilds, pickBuild, recordBuild, resolveBuild } from '../../../src/personas/game/builds.js';
import { createMilestone } from '../../../src/personas/game/milestones.js';
import { readRecords, recordRef } from '../../../src/personas/game/records.js';
import { commit } from '../../../src/porcelain/commit.js';
import { forget } from '../../../src/porcelain/forget.js';
import { gc } from '../../../src/porcelain/gc.js';
import { log } from '../../../src/porcelain/log.js';
import { prune } from '../../../src/porcelain/prune.js';
import { readStoredFile } from '../../../src/porcelain/diff.js';
import { verify } from '../../../src/porcelain/verify.js';
import { readRef } from '../../../src/refs/refs.js';
import { acquireLock } from '../../../src/plumbing/lock.js';
import { decodeSnapshot } from '../../../src/objects/snapshot.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { sampleGame, texture } from './sampleGame.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/game/builds');

async function project() {
  const t = await memVault(sampleGame());
  const first = await commit({ vault: t.vault, message: 'first playable' });
  return { ...t, first: first.id! };
}

test('record links a build to HEAD (or a named snapshot); list orders by time; show resolves id, prefix, version, VERSION@PLATFORM', async () => {
  const t = await project();
  await t.fs.writeFile('/work/Scripts/player.gd', 'extends KinematicBody2D\nvar speed = 250\n');
  const second = (await commit({ vault: t.vault, message: 'faster' })).id!;
  const a = await recordBuild({
    vault: t.vault,
    version: '0.4.1',
    platform: 'windows',
    snapshot: 'HEAD~1',
    notes: 'first',
  });
  const b = await recordBuild({ vault: t.vault, version: '0.4.2', platform: 'windows' });
  const c = await recordBuild({ vault: t.vault, version: '0.4.2', platform: 'switch' });
  assert.is(a.snapshot, t.first);
  assert.is(b.snapshot, second);
  assert.is(a.notes, 'first');
  assert.equal(
    (await listBuilds({ vault: t.vault })).map((x) => x.id),
    [a.id, b.id, c.id],
  );
  assert.equal(
    (await listBuilds({ vault: t.vault, platform: 'switch' })).map((x) => x.id),
    [c.id],
  );
  assert.is((await resolveBuild(t.vault, a.id)).id, a.id);
  assert.is((await resolveBuild(t.vault, a.id.slice(0, 6))).id, a.id);
  assert.is((await resolveBuild(t.vault, '0.4.1')).id, a.id);
  assert.is((await resolveBuild(t.vault, '0.4.2@switch')).id, c.id);
  assert.is(await codeOf(() => resolveBuild(t.vault, '0.4.2')), 'EAMBIGUOUS');
  assert.is(await codeOf(() => resolveBuild(t.vault, '9.9.9')), 'ENOBUILD');
  assert.is(await codeOf(() => recordBuild({ vault: t.vault, version: '../x', platform: 'windows' })), 'EUSAGE');
  assert.is(
    await codeOf(() => recordBuild({ vault: t.vault, version: '1.0', platform: 'windows', snapshot: 'nope' })),
    'EUNKNOWNREV',
  );
  assert.throws(() => pickBuild([], 'x'));
});

test('a build recorded on a milestone links the marked snapshot', async () => {
  const t = await project();
  await createMilestone({ vault: t.vault, name: 'alpha', type: 'alpha' });
  const b = await recordBuild({ vault: t.vault, version: '0.1', platform: 'windows', snapshot: 'alpha' });
  assert.is(b.snapshot, t.first);
});

test('artifacts are stored deduplicated and come back byte-identical; a second build of the same package stores almost nothing', async () => {
  const t = await project();
  const pck = Buffer.concat([texture(256, 256, 9), randomBytes(3 * 1024 * 1024)]);
  await t.fs.mkdir('/out');
  await t.fs.writeFile('/out/game.pck', pck);
  await t.fs.writeFile('/out/game.exe', Buffer.from('MZ fake exe'));
  const b = await recordBuild({
    vault: t.vault,
    version: '0.4.2',
    platform: 'windows',
    artifacts: ['/out/game.pck', '/out/game.exe'],
  });
  assert.equal(
    b.artifacts.map((x) => [x.path, x.size]),
    [
      ['game.pck', pck.length],
      ['game.exe', 11],
    ],
  );
  const f = b.files.find((x) => x.path === 'game.pck')!;
  assert.is(f.obj, 'chunklist');
  assert.ok(Buffer.from(await readStoredFile(t.vault, f.obj, f.id)).equals(pck));
  // the same package again (another platform's build): the records tree names the same chunk list
  await t.vault.db.ready(); // commits look ids up lean: ids() needs the whole index
  const objectsBefore = [...t.vault.db.ids()].length;
  const b2 = await recordBuild({ vault: t.vault, version: '0.4.2', platform: 'linux', artifacts: ['/out/game.pck'] });
  assert.is(must(b2.files[0]).id, f.id);
  // new objects: the record's JSON, a few trees and the records snapshot, no content
  assert.ok(
    [...t.vault.db.ids()].length - objectsBefore < 10,
    `${[...t.vault.db.ids()].length - objectsBefore} new objects`,
  );
  assert.is(
    await codeOf(() => recordBuild({ vault: t.vault, version: '1', platform: 'x', artifacts: ['/out/missing.pck'] })),
    'EUSAGE',
  );
});

test('records are a snapshot chain under refs/notes/game/builds keeping the build snapshots; log, verify, gc, forget and prune behave', async () => {
  const t = await project();
  const b1 = await recordBuild({ vault: t.vault, version: '0.1', platform: 'windows' });
  await t.fs.writeFile('/work/Docs/design.md', 'v2\n');
  const second = (await commit({ vault: t.vault, message: 'v2' })).id!;
  await t.fs.writeFile('/work/Docs/design.md', 'v3\n');
  await commit({ vault: t.vault, message: 'v3' });
  await recordBuild({ vault: t.vault, version: '0.2', platform: 'windows', snapshot: second });
  const head = (await readRef(t.vault.refs, recordRef('builds')))!;
  const snap = decodeSnapshot(await t.vault.db.readTyped(head, 'snapshot'), head);
  assert.is(snap.meta['vault.annotation'], 'game-records');
  assert.is(snap.parents.length, 2);
  assert.is(snap.parents[1], second);
  // log shows project snapshots only
  assert.equal(
    (await log({ vault: t.vault })).map((e) => e.message),
    ['v3', 'v2', 'first playable'],
  );
  assert.is((await verify({ vault: t.vault, readData: true })).problems.length, 0);
  // forget everything but the tip, then prune: the build snapshots stay (records keep them)
  const fr = await forget({ vault: t.vault, policy: { last: 1 } });
  assert.is.not(fr.newTip, fr.oldTip);
  await gc({ vault: t.vault });
  const pr = await prune({ vault: t.vault, protectMs: 0, repackThreshold: 0 });
  // the control: the rewritten branch's old tip, named by nothing, is gone
  assert.ok(pr.objectsDeleted > 0);
  assert.not.ok(await t.vault.db.has(fr.oldTip!));
  assert.is((await verify({ vault: t.vault, readData: true })).problems.length, 0);
  assert.ok(await t.vault.db.has(b1.snapshot));
  assert.ok(await t.vault.db.has(second));
  assert.equal((await readRecords(t.vault, 'builds')).length, 2);
});

test('records are written under the vault lock: a held lock is ELOCKED and stores nothing', async () => {
  const t = await project();
  const release = await acquireLock({ fs: t.fs, path: t.vault.db.paths.lock, command: 'commit' });
  assert.is(await codeOf(() => recordBuild({ vault: t.vault, version: '1', platform: 'x' })), 'ELOCKED');
  await release();
  assert.is((await listBuilds({ vault: t.vault })).length, 0);
  await recordBuild({ vault: t.vault, version: '1', platform: 'x' });
  assert.is((await listBuilds({ vault: t.vault })).length, 1);
});

test.run();
