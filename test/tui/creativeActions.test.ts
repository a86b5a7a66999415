import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { restore } from '../../src/porcelain/restore.js';
import { readHead } from '../../src/refs/refs.js';
import { KEYS, creativeVault, png, renderApp } from './harness.js';
import { must } from '../helpers/must.js';

const test = suite('tui creative actions: element restore, HTML timeline');

const ready = (f: string) => (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 2 && f.includes('first paint');

test('e lists the elements of the file in that snapshot; Enter asks what it overwrites; y puts the old element into the current file', async () => {
  const { vault, fs, dir } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative' });
  await s.waitFor(ready, 'timeline');
  // "first paint": level.json with hero.hp 10 and sky blue
  await s.press('j', KEYS.enter);
  await s.waitFor(
    (f) => f.includes('added   Scenes/level.json') || /added\s+Scenes\/level\.json/.test(f),
    'diff of first paint',
  );
  await s.press('j', 'j', 'j');
  await s.waitFor((f) => /^> added\s+Scenes\/level\.json/m.test(f), 'level.json selected');
  await s.press('e');
  let f = await s.waitFor((f) => f.includes('4 elements of Scenes/level.json in'), 'element list');
  assert.match(f, /^> object\s+hero\n  value\s+hero\.hp\n  value\s+hero\.speed\n  value\s+sky\n/m);
  // j/k move; back on "hero"
  await s.press('j', 'j', 'k', 'k');
  await s.waitFor((f) => /^> object\s+hero\s*$/m.test(f), 'hero selected');
  await s.press(KEYS.enter);
  f = await s.waitFor((f) => f.includes('y: yes'), 'confirmation');
  assert.match(f, /Restore object hero of Scenes\/level\.json from snapshot [0-9a-f]{12}\?/);
  assert.match(
    f,
    /This changes Scenes\/level\.json in the project folder\s*│\n│ \(now \d+ B, changed [\d-]+ [\d:]+\):/,
  );
  assert.match(f, /its object hero is overwritten by the one from [0-9a-f]{12};/);
  await s.press('y');
  f = await s.waitFor((f) => /replaced object hero of Scenes\/level\.json from [0-9a-f]{12}/.test(f), 'restored');
  const now = JSON.parse(String(await fs.readFile(`${dir}/Scenes/level.json`)));
  assert.equal(now, { hero: { hp: 10, speed: 3 }, sky: 'red' });
  s.unmount();
});

test('an element the current file lacks is added back, and the confirmation says so', async () => {
  const { vault, fs, dir } = await creativeVault();
  await fs.writeFile(`${dir}/Scenes/level.json`, '{\n  "hero": { "hp": 20, "speed": 3 }\n}\n');
  const s = renderApp(vault, { persona: 'creative' });
  await s.waitFor(ready, 'timeline');
  await s.press('j', KEYS.enter);
  await s.waitFor((f) => /added\s+Scenes\/level\.json/.test(f), 'diff of first paint');
  await s.press('j', 'j', 'j', 'e');
  await s.waitFor((f) => f.includes('4 elements of Scenes/level.json'), 'element list');
  await s.press('j', 'j', 'j');
  await s.waitFor((f) => /^> value\s+sky\s*$/m.test(f), 'sky selected');
  await s.press(KEYS.enter);
  const c = await s.waitFor(
    (f) => /it has no value sky: the one from [0-9a-f]{12} is added back;/.test(f),
    'confirmation',
  );
  assert.not.match(c, /also commits/, 'level.json is the only uncommitted change');
  await s.press('y');
  const f = await s.waitFor((f) => /inserted value sky of Scenes\/level\.json/.test(f), 'inserted');
  // the undo snapshot (the file as it was) is committed first, and the timeline shows it
  assert.match(f, /Timeline \(3 snapshots\)|Diff /);
  await s.press(KEYS.esc);
  const t = await s.waitFor((f) => f.includes('Timeline (3 snapshots)'), 'timeline with the undo snapshot');
  const rows = t.split('\n');
  assert.match(must(rows[1]), /^  .* before restoring/, 'the undo snapshot on top');
  assert.match(must(rows[3]), /^> .* first paint/, 'the selection stays on the snapshot it was on');
  assert.equal(JSON.parse(String(await fs.readFile(`${dir}/Scenes/level.json`))), {
    hero: { hp: 20, speed: 3 },
    sky: 'blue',
  });
  s.unmount();
});

test('80 columns: the undo command is shown whole (wrapped, short id) and it works; the confirmation names the other uncommitted changes the undo snapshot takes', async () => {
  const { vault, fs, dir } = await creativeVault();
  // unrelated work in progress: the undo snapshot is a commit of the whole project, so it holds these too
  await fs.writeFile(`${dir}/Docs/notes.md`, 'hero is blue\nwith a gold shield\nand a cape\n');
  await fs.writeFile(`${dir}/Art/cape.png`, png(8, 8, [200, 0, 0]));
  const s = renderApp(vault, { persona: 'creative', columns: 80 });
  await s.waitFor(ready, 'timeline');
  await s.press('j', KEYS.enter);
  await s.waitFor((f) => /added\s+Scenes\/level\.json/.test(f), 'diff of first paint');
  await s.press('j', 'j', 'j', 'e');
  await s.waitFor((f) => f.includes('4 elements of Scenes/level.json'), 'element list');
  await s.press('j', KEYS.enter);
  let f = await s.waitFor((f) => f.includes('y: yes'), 'confirmation');
  assert.match(f, /│ The undo snapshot also commits 2 other uncommitted changes:\s+│/);
  assert.match(f, /│ Art\/cape\.png, Docs\/notes\.md\s+│/);
  await s.press('y');
  f = await s.waitFor((f) => f.includes('undo: vault restore'), 'restored');
  for (const l of f.split('\n')) assert.ok(l.length <= 80, `wider than 80: ${l}`);
  const undo = /^undo: (vault restore ([0-9a-f]{12}) Scenes\/level\.json --force)$/m.exec(f);
  assert.ok(undo, `the whole undo command on a line of its own:\n${f}`);
  assert.match(f, /^replaced value hero\.hp of Scenes\/level\.json from [0-9a-f]{12}$/m);
  const head = (await readHead(vault.refs)).id!;
  assert.is(undo[2], head.slice(0, 12), 'the undo snapshot is the new HEAD');
  // the command as shown puts the file back
  assert.equal(JSON.parse(String(await fs.readFile(`${dir}/Scenes/level.json`))).hero.hp, 10);
  await restore({ vault, snapshot: must(undo[2]), paths: ['Scenes/level.json'], force: true });
  assert.equal(JSON.parse(String(await fs.readFile(`${dir}/Scenes/level.json`))).hero.hp, 20);
  s.unmount();
});

test('e on a file without elements says so; Esc closes the list', async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative' });
  await s.waitFor(ready, 'timeline');
  await s.press(KEYS.enter);
  await s.waitFor((f) => /^> modified Art\/hero\.png/m.test(f), 'diff');
  await s.press('j');
  await s.waitFor((f) => /^> modified Docs\/notes\.md/m.test(f), 'notes.md');
  await s.press('e');
  await s.waitFor(
    (f) => /error: Docs\/notes\.md: element restore is not supported: '\.md' files/.test(f),
    'unsupported',
  );
  await s.press('j', 'e');
  await s.waitFor((f) => f.includes('4 elements of Scenes/level.json'), 'list');
  await s.press(KEYS.esc);
  const f = await s.waitFor((f) => !f.includes('4 elements of') && f.includes('Scenes/level.json'), 'closed');
  assert.match(f, /^Vault · Diff /, 'Esc closes the list only, the diff stays');
  s.unmount();
});

test('o writes the HTML timeline to a file and shows its path', async () => {
  const { vault, fs } = await creativeVault();
  const opened: string[] = [];
  const s = renderApp(vault, { persona: 'creative', htmlDir: '/tmp/tui-html', opener: (p) => (opened.push(p), true) });
  await s.waitFor(ready, 'timeline');
  await s.press('o');
  await s.waitFor((f) => f.includes('HTML timeline: /tmp/tui-html/timeline.html (opening) · 2 versions'), 'written');
  const html = String(await fs.readFile('/tmp/tui-html/timeline.html'));
  assert.match(html, /<html/i);
  assert.match(html, /gold shield/);
  assert.match(html, /data:image\/png;base64,/);
  assert.equal(opened, ['/tmp/tui-html/timeline.html']);
  s.unmount();
});

test.run();
