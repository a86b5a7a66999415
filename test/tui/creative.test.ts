import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fitCols, picturePaths } from '../../src/tui/use-thumbnails.js';
import { pictureColorWanted, truecolorWanted } from '../../src/tui/theme.js';
import { commit } from '../../src/porcelain/commit.js';
import { thumbnailsAttachment } from '../../src/personas/creative/thumbnails/index.js';
import { memVault } from '../helpers/vault.js';
import { KEYS, creativeVault, renderApp } from './harness.js';
import { must } from '../helpers/must.js';

const test = suite('tui creative persona');

const ready = (f: string) => (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 2 && f.includes('first paint');

test('fitCols keeps pictures within rows x cols; picturePaths lists changed images and models, not deleted ones', () => {
  assert.is(fitCols(128, 128, 6, 14), 12);
  assert.is(fitCols(128, 64, 6, 14), 14);
  assert.is(fitCols(32, 128, 6, 14), 3);
  const kind = (p: string) => (p.endsWith('.png') ? 'image' : p.endsWith('.glb') ? 'model' : null);
  const ch = (path: string) => ({ kind: 'added' as const, path });
  const c = {
    parent: null,
    snapshot: 'x',
    added: [ch('b.glb'), ch('n.md')],
    modified: [ch('a.png')],
    deleted: [ch('gone.png')],
    renamed: [],
  };
  assert.equal(picturePaths(c, kind), [
    { path: 'a.png', kind: 'image' },
    { path: 'b.glb', kind: 'model' },
  ]);
  assert.is(truecolorWanted({ COLORTERM: 'truecolor', TERM: 'xterm-256color' }), true);
  assert.is(truecolorWanted({ COLORTERM: 'truecolor', NO_COLOR: '1' }), false);
  assert.is(truecolorWanted({ TERM: 'xterm-256color' }), false);
  assert.is(pictureColorWanted({ TERM: 'xterm-256color' }), '256');
  assert.is(pictureColorWanted({ TERM: 'xterm-256color', COLORTERM: '24bit' }), 'truecolor');
  assert.is(pictureColorWanted({ TERM: 'xterm-256color', NO_COLOR: '1' }), false);
});

test("the timeline shows the selected snapshot's changed pictures from stored thumbnails (ASCII without colour)", async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative' });
  await s.waitFor(ready, 'timeline');
  let f = await s.waitFor(
    (f) => f.includes('hero.png') && /pictures changed in [0-9a-f]{8}: 1\b/.test(f),
    'strip for "red shield"',
  );
  const lines = f.split('\n');
  assert.ok(lines.length <= 24, `${lines.length} lines`);
  for (const l of lines) assert.ok(l.length <= 80, l);
  // the ASCII ramp: the blue picture with a (brighter) red box in the middle
  const pic = lines.filter((l) => /^[ .:\-=+*#%@]{12}\s*$/.test(l) && /[^ ]/.test(l));
  assert.is(pic.length, 6, f);
  assert.ok(must(pic[2]).slice(0, 12) !== must(pic[0]).slice(0, 12), `the box shows in the middle rows:\n${f}`);
  await s.press('j');
  f = await s.waitFor(
    (f) => /pictures changed in [0-9a-f]{8}: 2\b/.test(f) && f.includes('sky.png'),
    'strip for "first paint"',
  );
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

test('colours without truecolour: the xterm 256-colour palette', async () => {
  const { vault } = await creativeVault();
  const s = renderApp(vault, { persona: 'creative', pictureColor: '256' });
  await s.waitFor((f) => f.includes('▀'), 'half blocks');
  assert.match(s.raw(), /\x1b\[38;5;\d+m/);
  assert.not.match(s.raw(), /\x1b\[38;2;/);
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
  const pics = lines.filter(
    (l) => /^[ .:\-=+*#%@]{12}  [ .:\-=+*#%@]{12}  [ .:\-=+*#%@]{12}\s*$/.test(l) && /[^ ]/.test(l),
  );
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

/** an OBJ box (one unit, or wider by dx), with a roof object when `roof` */
const house = (dx: number, roof: boolean) =>
  `o Box\nv 0 0 0\nv ${1 + dx} 0 0\nv ${1 + dx} 1 0\nv 0 1 0\nv 0 0 1\nv ${1 + dx} 0 1\nv ${1 + dx} 1 1\nv 0 1 1\nf 1 2 3 4\nf 5 6 7 8\nf 1 2 6 5\nf 2 3 7 6\nf 3 4 8 7\nf 4 1 5 8\n` +
  (roof ? 'o Roof\nv 0 1 0\nv 2 1 0\nv 1 2 0.5\nf 9 10 11\n' : '');

test('Diff of a 3D model: rendered before / after / diff pictures, then the parts that changed', async () => {
  const t = await memVault({ Models: { 'house.obj': house(0, false) } });
  const attachments = [thumbnailsAttachment()];
  await commit({ vault: t.vault, message: 'house', attachments });
  await t.fs.writeFile(`${t.dir}/Models/house.obj`, house(1, true));
  await commit({ vault: t.vault, message: 'wider house, roof', attachments });
  const s = renderApp(t.vault, { persona: 'creative' });
  await s.waitFor(
    (f) => f.includes('house.obj') && /pictures changed in [0-9a-f]{8}: 1/.test(f),
    'strip with the model',
  );
  await s.press(KEYS.enter);
  const f = await s.waitFor((f) => f.includes('parts     1 changed, 1 added'), 'model summary');
  // a model's only pixel figure is the thumbnails' (~); an image's is the report's (see the image test)
  assert.match(f, /before\s+after\s+diff ~\d+\.\d+%/);
  assert.match(f, /total\s+1 parts, 8 vertices, 12 triangles/);
  assert.match(f, /changed\s+object Box: bounds \[0, 0, 0\]\.\.\[1, 1, 1\] -> \[0, 0, 0\]\.\.\[2, 1, 1\]/);
  assert.match(f, /added\s+object Roof: 3 vertices, 1 triangles/);
  s.unmount();
});

test.run();
