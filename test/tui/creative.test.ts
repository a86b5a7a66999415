import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fitCols, picturePaths } from '../../src/tui/use-thumbnails.js';
import { truecolorWanted } from '../../src/tui/theme.js';
import { KEYS, creativeVault, renderApp } from './harness.js';

const test = suite('tui creative persona');

const ready = (f: string) => (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 2 && f.includes('first paint');

test('fitCols keeps pictures within rows x cols; picturePaths lists changed images and models, not deleted ones', () => {
  assert.is(fitCols(128, 128, 6, 14), 12);
  assert.is(fitCols(128, 64, 6, 14), 14);
  assert.is(fitCols(32, 128, 6, 14), 3);
  const kind = (p: string) => (p.endsWith('.png') ? 'image' : p.endsWith('.glb') ? 'model' : null);
  const ch = (path: string) => ({ kind: 'added' as const, path });
  const c = { parent: null, snapshot: 'x', added: [ch('b.glb'), ch('n.md')], modified: [ch('a.png')], deleted: [ch('gone.png')], renamed: [] };
  assert.equal(picturePaths(c, kind), [
    { path: 'a.png', kind: 'image' },
    { path: 'b.glb', kind: 'model' },
  ]);
  assert.is(truecolorWanted({ COLORTERM: 'truecolor', TERM: 'xterm-256color' }), true);
  assert.is(truecolorWanted({ COLORTERM: 'truecolor', NO_COLOR: '1' }), false);
  assert.is(truecolorWanted({ TERM: 'xterm-256color' }), false);
});

test('the timeline shows the selected snapshot\'s changed pictures from stored thumbnails (ASCII without colour)', async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative' });
  await s.waitFor(ready, 'timeline');
  let f = await s.waitFor((f) => f.includes('hero.png') && /pictures changed in [0-9a-f]{8}: 1\b/.test(f), 'strip for "red shield"');
  const lines = f.split('\n');
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  for (const l of lines) assert.ok(l.length <= 80, l);
  // the ASCII ramp: the blue picture with a (brighter) red box in the middle
  const pic = lines.filter((l) => /^[ .:\-=+*#%@]{12}\s*$/.test(l) && /[^ ]/.test(l));
  assert.is(pic.length, 6, f);
  assert.ok(pic[2].slice(0, 12) !== pic[0].slice(0, 12), `the box shows in the middle rows:\n${f}`);
  await s.press('j');
  f = await s.waitFor((f) => /pictures changed in [0-9a-f]{8}: 2\b/.test(f) && f.includes('sky.png'), 'strip for "first paint"');
  assert.match(f, /hero\.png\s+sky\.png/);
  s.unmount();
});

test('with truecolour the pictures are 24-bit half blocks', async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative', pictureColor: true });
  await s.waitFor((f) => f.includes('▀'), 'half blocks');
  // 20,60,200 is the blue of the picture
  assert.match(s.raw(), /\x1b\[38;2;20;60;200m/);
  s.unmount();
});

test('without the creative persona there is no strip; a short terminal drops it too', async () => {
  const { vault } = await creativeVault();
  let s = renderApp(vault, { persona: 'game' });
  let f = await s.waitFor(ready, 'timeline');
  await new Promise((r) => setTimeout(r, 200));
  assert.not.match(s.frame(), /pictures changed/);
  s.unmount();
  s = renderApp(vault, { persona: 'creative', rows: 12 });
  f = await s.waitFor(ready, 'timeline');
  await new Promise((r) => setTimeout(r, 200));
  assert.not.match(s.frame(), /pictures changed/);
  assert.ok(f.split('\n').length <= 12);
  void KEYS;
  s.unmount();
});

test('Diff of an image: before / after / diff pictures from the thumbnails, then the share of pixels changed in the originals', async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative' });
  await s.waitFor(ready, 'timeline');
  await s.press(KEYS.enter);
  let f = await s.waitFor((f) => f.includes('changed   25.0% of pixels'), 'visual diff of hero.png');
  assert.match(f, /> modified Art\/hero\.png/);
  assert.match(f, /before\s+after\s+diff 25\.0%/);
  assert.match(f, /size\s+64x64 png .* -> 64x64 png/);
  assert.match(f, /regions\s+1\n\s+1\. x=16 y=16 32x32 \(1,024 px changed\)/);
  const lines = f.split('\n');
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  for (const l of lines) assert.ok(l.length <= 80, l);
  // three pictures side by side: 12 columns each, two apart
  const pics = lines.filter((l) => /^[ .:\-=+*#%@]{12}  [ .:\-=+*#%@]{12}  [ .:\-=+*#%@]{12}\s*$/.test(l) && /[^ ]/.test(l));
  assert.is(pics.length, 6, f);
  // a text file keeps its patch
  await s.press('j');
  f = await s.waitFor((f) => f.includes('+with a gold shield'), 'notes.md patch');
  assert.not.match(f, /before\s+after/);
  s.unmount();
});

test('Diff of the first snapshot: only "after" pictures, nothing to compare', async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative' });
  await s.waitFor(ready, 'timeline');
  await s.press('j', KEYS.enter);
  const f = await s.waitFor((f) => f.includes('first snapshot: nothing to compare with'), 'root diff of hero.png');
  assert.match(f, /before: none\s+after/);
  s.unmount();
});

test.run();
