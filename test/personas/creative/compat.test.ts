import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DeltaBackupEngine,
  addWorkspace,
  brokenReferences,
  referencesOf,
  restoreWorkspace,
  showWorkspace,
  usedBy,
} from '../../../src/personas/creative/compat.js';
import { IncrementalBackupEngine } from '../../../src/porcelain/compat.js';
import { readAttachments } from '../../../src/porcelain/attachments.js';
import { openVault } from '../../../src/porcelain/openVault.js';
import { readSnapshot } from '../../../src/porcelain/readSnapshot.js';
import { InlineCodec } from '../../../src/plumbing/codec.js';
import { memFs } from '../../helpers/memfs.js';
import { fakeClock } from '../../helpers/vault.js';
import { writeTree } from '../../helpers/tree.js';
import { creativeProject } from './refs-fixtures.js';

const test = suite('personas/creative/compat');

test('DeltaBackupEngine: snapshots keep the reference graph and workspace; warnings reach onWarning; restoreSnapshot puts a version back', async () => {
  const { fs } = memFs();
  await writeTree(fs, '/proj', creativeProject());
  await writeTree(fs, '/home/me/.config/paint', { 'layout.xml': '<dock left/>' });
  const warnings: string[] = [];
  const clock = fakeClock();
  const engine = new DeltaBackupEngine({
    fs,
    clock,
    author: 'Tess',
    onWarning: (w) => warnings.push(`${w.attachment}: ${w.message}`),
  });
  assert.ok(engine instanceof IncrementalBackupEngine);
  const first = await engine.createSnapshot('/proj', 'assets');
  const open = () => openVault({ fs, cwd: '/proj', codec: new InlineCodec(), clock });

  let vault = await open();
  await addWorkspace({ vault, path: '/home/me/.config/paint' });
  const kinds = [...(await readAttachments(vault, (await readSnapshot(vault, first)).attachments)).keys()].sort();
  assert.ok(kinds.includes('references'), kinds.join(','));
  assert.equal(
    (await usedBy({ vault, path: 'Textures/brick.png' })).references.map((r) => r.from),
    ['Materials/brick.json', 'Models/hero.mtl', 'scenes/level.tscn'],
  );
  await vault.close();

  await fs.rename('/proj/Textures/brick.png', '/proj/Textures/brick_old.png');
  const second = await engine.createSnapshot('/proj', 'rename');
  assert.ok(
    warnings.some((w) =>
      /^references: Models\/hero\.mtl still uses Textures\/brick\.png, which this commit renames to Textures\/brick_old\.png/.test(
        w,
      ),
    ),
    warnings.join('\n'),
  );

  vault = await open();
  assert.equal(
    (await brokenReferences({ vault, snapshot: second })).references.map((r) => r.from),
    ['Materials/brick.json', 'Models/hero.mtl', 'scenes/level.tscn'],
  );
  assert.equal(
    (await referencesOf({ vault, path: 'Models/hero.mtl', snapshot: first })).references.map((r) => r.status),
    ['ok', 'ok'],
  );
  const ws = await showWorkspace({ vault, snapshot: second });
  assert.equal(
    ws.workspaces.map((w) => [w.name, w.files]),
    [['paint', 1]],
  );
  await fs.writeFile('/home/me/.config/paint/layout.xml', '<dock right/>');
  await restoreWorkspace({ vault, snapshot: second, yes: true });
  assert.is(String(await fs.readFile('/home/me/.config/paint/layout.xml', 'utf8')), '<dock left/>');
  await vault.close();

  const r = await engine.restoreSnapshot(first, '/copy');
  assert.is(r.snapshot, first);
  assert.ok(await fs.stat('/copy/Textures/brick.png'));
});

test.run();
