// OBJ --list-elements counts an object's vertices: its own `v` lines and those its faces use from
// elsewhere, such as a shared pool listed before the first `o` line (the README's hero.obj).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listElements } from '../../../src/personas/creative/elements/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { memVault } from '../../helpers/vault.js';

const test = suite('personas/creative/obj-vertices');

test('vertices before the o line, shared, relative and own: each object counts the distinct ones it uses', async () => {
  const obj = [
    'mtllib hero.mtl',
    'v 0 0 0',
    'v 1 0 0',
    'v 0 1 0',
    'v 0 0 1',
    'o Body',
    'f 1 2 3',
    'f 1 3 4',
    'f 1 4 2',
    'f 2 4 3',
    'o Hat',
    'v 0 1 0',
    'v 0.5 1.6 0.2',
    'v 0.3 1 0.5',
    'f 5 6 7',
    'o Strap',
    'f -1 -2 3/1/1',
    'o Empty',
    '',
  ].join('\n');
  const t = await memVault({ 'hero.obj': obj });
  const c = await commit({ vault: t.vault, message: 'hero' });
  const list = await listElements(t.vault, c.id!, 'hero.obj');
  assert.equal(
    list.elements.map((e) => [e.name, e.details?.vertices, e.details?.faces]),
    [
      ['Body', 4, 4],
      ['Hat', 3, 1],
      ['Strap', 3, 1],
      ['Empty', 0, 0],
    ],
  );
});

test.run();
