import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, creativeVault, renderApp } from './harness.js';

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
  await s.waitFor((f) => /it has no value sky: the one from [0-9a-f]{12} is added back;/.test(f), 'confirmation');
  await s.press('y');
  const f = await s.waitFor((f) => /inserted value sky of Scenes\/level\.json/.test(f), 'inserted');
  // the undo snapshot (the file as it was) is committed first, and the timeline shows it
  assert.match(f, /Timeline \(3 snapshots\)|Diff /);
  await s.press(KEYS.esc);
  const t = await s.waitFor((f) => f.includes('Timeline (3 snapshots)'), 'timeline with the undo snapshot');
  const rows = t.split('\n');
  assert.match(rows[1], /^  .* before restoring/, 'the undo snapshot on top');
  assert.match(rows[3], /^> .* first paint/, 'the selection stays on the snapshot it was on');
  assert.equal(JSON.parse(String(await fs.readFile(`${dir}/Scenes/level.json`))), {
    hero: { hp: 20, speed: 3 },
    sky: 'blue',
  });
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
