import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BackupEngine, GameVersionType } from '../../../src/personas/game/backupEngine.js';
import { listMilestones } from '../../../src/personas/game/milestones.js';
import { openVault } from '../../../src/porcelain/openVault.js';
import { readSnapshot } from '../../../src/porcelain/readSnapshot.js';
import { InlineCodec } from '../../../src/plumbing/codec.js';
import { memFs } from '../../helpers/memfs.js';
import { fakeClock } from '../../helpers/vault.js';
import { writeTree } from '../../helpers/tree.js';
import { sampleGame } from './sampleGame.js';

const test = suite('personas/game/backupEngine');

test('createBackup snapshots the project (vault made on first use), marks a milestone when asked; restoreVersion writes any version into a folder', async () => {
  const { fs } = memFs();
  await writeTree(fs, '/game', sampleGame());
  const engine = new BackupEngine('/game', { fs, clock: fakeClock(), author: 'Tess' });
  const alpha = await engine.createBackup({ name: 'alpha-1', versionType: GameVersionType.ALPHA, isMilestone: true });
  assert.is(alpha.versionType, 'alpha');
  assert.is(alpha.milestone?.snapshot, alpha.id);
  await fs.writeFile('/game/README.md', '# Cave Runner 2\n');
  const dev = await engine.createBackup({ name: 'nightly', versionType: 'development' });
  assert.is(dev.milestone, null);
  const same = await engine.createBackup({ name: 'nightly-2' });
  assert.is.not(same.id, dev.id, 'a backup is taken even when nothing changed');

  const v = await openVault({ fs, cwd: '/game', codec: new InlineCodec() });
  assert.equal(
    (await listMilestones({ vault: v })).map((m) => [m.name, m.type]),
    [['alpha-1', 'alpha']],
  );
  assert.is((await readSnapshot(v, dev.id)).meta['game.versionType'], 'development');
  assert.is(v.config.extra.persona, 'game');
  await v.close();

  await engine.restoreVersion('alpha-1', '/restored');
  assert.is(String(await fs.readFile('/restored/README.md', 'utf8')), '# Cave Runner\n');
  await engine.restoreVersion(dev.id.slice(0, 10), '/restored');
  assert.is(String(await fs.readFile('/restored/README.md', 'utf8')), '# Cave Runner 2\n');
  assert.equal(Object.values(GameVersionType), [
    'prototype',
    'development',
    'alpha',
    'beta',
    'release-candidate',
    'release',
    'patch',
    'hotfix',
  ]);
});

test.run();
