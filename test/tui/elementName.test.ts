// the TUI's element action names the element with its kind, so same-named elements of different kinds work
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import { elementChoices, elementRestorePlan } from '../../src/tui/actions.js';
import { memVault } from '../helpers/vault.js';

const test = suite('tui/elementName');

const OBJ = (z: number) =>
  `o Cube\nv 0 0 0\nv 1 0 0\nv 1 1 ${z}\nf 1 2 3\ng Cube\nv 5 0 0\nv 6 0 0\nv 6 1 ${z}\nf 4 5 6\n`;

test('an object and a group both called Cube: restoring the group from the list restores only the group', async () => {
  const t = await memVault({ 'model.obj': OBJ(0) });
  const one = await commit({ vault: t.vault, message: 'one' });
  await t.fs.writeFile('/work/model.obj', OBJ(9));
  await commit({ vault: t.vault, message: 'two' });
  const choices = await elementChoices(t.vault, one.id!, 'model.obj');
  const group = choices.find((c) => c.kind === 'group' && c.name === 'Cube');
  assert.ok(group, JSON.stringify(choices));
  assert.ok(choices.some((c) => c.kind === 'object' && c.name === 'Cube'));
  const plan = await elementRestorePlan(t.vault, one.id!, 'model.obj', group!);
  await plan.run(() => {});
  const now = String(await t.fs.readFile('/work/model.obj', 'utf8'));
  assert.match(now, /v 1 1 9/, 'the object keeps its current vertices');
  assert.match(now, /v 6 1 0/, 'the group is back as it was');
  assert.not.match(now, /v 6 1 9/);
});

test.run();
