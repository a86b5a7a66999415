import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMilestone, deleteMilestone, listMilestones } from '../../src/personas/game/milestones.js';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { codeOf, memVault } from '../helpers/vault.js';

const test = suite('personas/game/milestones');

async function twoSnapshots() {
  const t = await memVault({ 'game.cfg': 'speed=1\n' });
  const a = await commit({ vault: t.vault, message: 'first playable' });
  await t.fs.writeFile('/work/game.cfg', 'speed=2\n');
  const b = await commit({ vault: t.vault, message: 'faster' });
  return { ...t, a: a.id!, b: b.id! };
}

test('create marks HEAD (or a named snapshot) with a type, message, author and time', async () => {
  const t = await twoSnapshots();
  const alpha = await createMilestone({
    vault: t.vault,
    name: 'alpha',
    type: 'alpha',
    message: 'to the testers',
    snapshot: 'HEAD~1',
  });
  const beta = await createMilestone({ vault: t.vault, name: 'beta', type: 'beta' });
  assert.is(alpha.snapshot, t.a);
  assert.is(beta.snapshot, t.b);
  assert.is(alpha.message, 'to the testers');
  const all = await listMilestones({ vault: t.vault });
  assert.equal(
    all.map((m) => [m.name, m.type, m.snapshot]),
    [
      ['alpha', 'alpha', t.a],
      ['beta', 'beta', t.b],
    ],
  );
  assert.equal(
    (await listMilestones({ vault: t.vault, type: 'beta' })).map((m) => m.name),
    ['beta'],
  );
});

test('log names milestones on the snapshots they mark; --milestones keeps only those', async () => {
  const t = await twoSnapshots();
  await createMilestone({ vault: t.vault, name: 'alpha', type: 'alpha', snapshot: t.a });
  const entries = await log({ vault: t.vault });
  assert.ok(entries.find((e) => e.id === t.a)!.refs.includes('milestones/alpha'));
  assert.equal(
    (await log({ vault: t.vault, milestonesOnly: true })).map((e) => e.id),
    [t.a],
  );
});

test('a milestone restores like a snapshot, and the vault verifies', async () => {
  const t = await twoSnapshots();
  await createMilestone({ vault: t.vault, name: 'alpha', snapshot: t.a });
  await restore({ vault: t.vault, snapshot: 'alpha', to: '/alpha' });
  assert.is(String(await t.fs.readFile('/alpha/game.cfg', 'utf8')), 'speed=1\n');
  assert.is((await verify({ vault: t.vault, readData: true })).problems.length, 0);
});

test('milestones are protected: duplicate names, deletion without force, unknown types are refused', async () => {
  const t = await twoSnapshots();
  await createMilestone({ vault: t.vault, name: 'rc1', type: 'release-candidate' });
  assert.is(await codeOf(() => createMilestone({ vault: t.vault, name: 'rc1' })), 'EEXIST');
  assert.is(await codeOf(() => deleteMilestone({ vault: t.vault, name: 'rc1' })), 'EPROTECTED');
  assert.is(await codeOf(() => createMilestone({ vault: t.vault, name: 'x', type: 'gold' as never })), 'EUSAGE');
  assert.is(await codeOf(() => deleteMilestone({ vault: t.vault, name: 'nope', force: true })), 'ENOREF');
  await deleteMilestone({ vault: t.vault, name: 'rc1', force: true });
  assert.is((await listMilestones({ vault: t.vault })).length, 0);
});

test('marking a milestone on another milestone marks the snapshot itself', async () => {
  const t = await twoSnapshots();
  await createMilestone({ vault: t.vault, name: 'beta', type: 'beta', snapshot: t.a });
  const gold = await createMilestone({ vault: t.vault, name: 'gold', type: 'release', snapshot: 'beta' });
  assert.is(gold.snapshot, t.a);
});

test.run();
