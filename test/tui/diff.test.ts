import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS, renderApp, sampleVault } from './harness.js';
import { must } from '../helpers/must.js';

const test = suite('tui diff');

const ready = (f: string) => /\+\d+ ~\d+ -\d+/.test(f) && f.includes('first blockout');

test('Enter opens the changed files with sizes; the binary one shows sizes, j moves to the text diff', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press(KEYS.enter);
  let f = await s.waitFor((f) => f.includes('binary, 3000 -> 3100 bytes'), 'the first file');
  const lines = f.split('\n');
  assert.match(must(lines[0]), /Vault · Diff [0-9a-f]{12}/);
  assert.match(f, /towers, new hero: 2 files changed since [0-9a-f]{8}/);
  assert.match(f, /\s+modified Art\/hero\.bin\s+2\.93 KiB -> 3\.03 KiB/);
  assert.match(f, /  modified Docs\/notes\.md\s+24 B -> 31 B/);
  // files are sorted by path, the cursor starts on the first: hero.bin is binary
  assert.match(f, /> modified Art\/hero\.bin/);
  await s.press('j');
  f = await s.waitFor((f) => f.includes('+towers'), 'text patch of notes.md');
  assert.match(
    f,
    /--- a\/Docs\/notes\.md\n\+\+\+ b\/Docs\/notes\.md\n@@ -1,2 \+1,3 @@\n castle notes\n moat added\n\+towers/,
  );
  for (const l of f.split('\n')) assert.ok(l.length <= 80, l);
  s.unmount();
});

test('the first snapshot diffs against nothing: everything added', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('G', KEYS.enter);
  const f = await s.waitFor((f) => f.includes('(first snapshot)'), 'root diff');
  assert.match(f, /added\s+Art\/hero\.bin\s+2\.93 KiB/);
  assert.match(f, /added\s+Docs\/notes\.md\s+13 B/);
  s.unmount();
});

test('Tab moves the focus to the patch pane (j then scrolls it); Esc and Backspace go back', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press(KEYS.enter);
  await s.waitFor((f) => f.includes('binary, 3000 -> 3100 bytes'), 'diff');
  await s.press('j');
  await s.waitFor((f) => f.includes('+towers'), 'notes.md patch');
  await s.press(KEYS.tab);
  let f = await s.waitFor((f) => /▶ Docs\/notes\.md/.test(f), 'patch pane focused');
  assert.match(f, /^  [0-9a-f]{8} towers/m);
  // j scrolls the patch, not the files (this one fits: it stays put)
  await s.press('j', 'k', 'k');
  f = await s.waitFor((f) => f.includes('--- a/Docs/notes.md'), 'patch unchanged');
  assert.match(f, /^> modified Docs\/notes\.md/m);
  await s.press(KEYS.tab);
  await s.waitFor((f) => /▶ [0-9a-f]{8} towers/.test(f), 'files pane focused again');
  await s.press(KEYS.esc);
  await s.waitFor((f) => f.includes('Timeline (3 snapshots)'), 'back to the timeline');
  await s.press('j', KEYS.enter);
  await s.waitFor((f) => f.includes('moat: 1 file changed'), 'diff of moat');
  await s.press(KEYS.backspace);
  f = await s.waitFor((f) => f.includes('Timeline (3 snapshots)'), 'back again');
  assert.match(f, /^> .* moat/m);
  s.unmount();
});

test('the patch keeps tab indentation: one tab and two tabs look different (tab stops of 4 after the +/- column)', async () => {
  const { memVault } = await import('../helpers/vault.js');
  const { commit } = await import('../../src/porcelain/commit.js');
  const t = await memVault({ 'player.gd': 'extends Node\n\nfunc _ready():\n\tpass\n' });
  await commit({ vault: t.vault, message: 'player' });
  await t.fs.writeFile(`${t.dir}/player.gd`, 'extends Node\n\nfunc _ready():\n\tif ok:\n\t\tstart()\n\tpass\n');
  await commit({ vault: t.vault, message: 'start when ok' });
  const s = renderApp(t.vault);
  await s.waitFor((f) => f.includes('start when ok'), 'timeline');
  await s.press(KEYS.enter);
  const f = await s.waitFor((f) => f.includes('start()'), 'the patch');
  assert.match(f, /^\+    if ok:$/m);
  assert.match(f, /^\+        start\(\)$/m);
  assert.match(f, /^     pass$/m);
  assert.not.match(f, /\t/);
  s.unmount();
});

test.run();
