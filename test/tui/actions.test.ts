import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listMilestones } from '../../src/personas/game/milestones.js';
import { helpSections } from '../../src/tui/keymap.js';
import { KEYS, renderApp, sampleVault } from './harness.js';
import { must } from '../helpers/must.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const test = suite('tui actions');

const ready = (f: string) => /\+\d+ ~\d+ -\d+/.test(f) && f.includes('first blockout');

test('? shows every key of the keymap (made from it), scrolls with j/k, and hides again', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('?');
  let f = await s.waitFor((f) => f.includes('Keys (? or Esc closes this help; q or Ctrl-C quits)'), 'help');
  assert.ok(f.split('\n').length <= 24);
  // the overlay is taller than 80x24: scroll to its end, collecting what it shows
  const seen = new Set(f.split('\n'));
  for (let i = 0; i < 30 && !f.includes('k/↑ back'); i++) {
    await s.press('j');
    f = s.frame();
    for (const l of f.split('\n')) seen.add(l);
  }
  assert.match(f, /k\/↑ back/, 'scrolled to the end of the help');
  const shown = [...seen].join('\n');
  for (const view of ['timeline', 'diff'] as const)
    for (const section of helpSections(view))
      for (const [keys, text] of section.rows)
        assert.match(shown, new RegExp(`│   ${escape(keys)}\\s+${escape(text)}\\s+│`), `help lacks ${keys} ${text}`);
  for (const label of ['j/k, ↓/↑', 'PgDn/PgUp', 'g/G, Home/End', 'Esc, Backspace, h, ←', 'y/n, Y/N, Esc'])
    assert.ok(shown.includes(`  ${label} `), `help lacks ${label}`);
  await s.press('?');
  await s.waitFor((f) => !f.includes('Keys (?') && f.includes('first blockout'), 'help closed');
  await s.press('?', KEYS.esc);
  await s.waitFor((f) => !f.includes('Keys (?') && f.includes('first blockout'), 'help closed by Esc');
  s.unmount();
});

test('r asks before overwriting (naming the file), n leaves it, y restores it from the snapshot', async () => {
  const { vault, fs, dir } = await sampleVault();
  await fs.writeFile(`${dir}/Docs/notes.md`, 'unsaved scribbles\n');
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('j', KEYS.enter); // "moat": notes.md with two lines
  await s.waitFor((f) => f.includes('moat: 1 file changed') && f.includes('+moat added'), 'diff of moat');
  await s.press('r');
  let f = await s.waitFor((f) => f.includes('y: yes'), 'confirmation');
  assert.match(f, /Restore Docs\/notes\.md from snapshot [0-9a-f]{12}\?/);
  assert.match(f, /This overwrites Docs\/notes\.md in the project folder/);
  assert.match(f, /\(now 18 B, changed /);
  assert.match(f, /with the version from [0-9a-f]{12} \(24 B\)\./);
  await s.press('n');
  await s.waitFor((f) => f.includes('cancelled: nothing was changed'), 'cancelled');
  assert.is(String(await fs.readFile(`${dir}/Docs/notes.md`)), 'unsaved scribbles\n');
  await s.press('r');
  await s.waitFor((f) => f.includes('y: yes'), 'confirmation again');
  await s.press('y');
  f = await s.waitFor((f) => /restored Docs\/notes\.md from [0-9a-f]{12}/.test(f), 'restored');
  assert.is(String(await fs.readFile(`${dir}/Docs/notes.md`)), 'castle notes\nmoat added\n');
  for (const l of f.split('\n')) assert.ok(l.length <= 80, l);
  s.unmount();
});

test('R puts back the version before the change (the parent), naming what it overwrites; on an added file it says there is none', async () => {
  const { vault, fs, dir } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('j', KEYS.enter); // "moat": notes.md got its second line
  await s.waitFor((f) => f.includes('moat: 1 file changed') && f.includes('+moat added'), 'diff of moat');
  await s.press('R');
  const f = await s.waitFor((f) => f.includes('y: yes'), 'confirmation');
  assert.match(f, /Restore Docs\/notes\.md from snapshot [0-9a-f]{12}\?/);
  assert.match(f, /with the version from [0-9a-f]{12} \(13 B\)\./);
  await s.press('y');
  await s.waitFor((f) => /restored Docs\/notes\.md from [0-9a-f]{12}/.test(f), 'restored');
  assert.is(String(await fs.readFile(`${dir}/Docs/notes.md`)), 'castle notes\n');
  await s.press(KEYS.esc, 'j', KEYS.enter); // "first blockout": everything added
  await s.waitFor((f) => f.includes('first blockout') && f.includes('added'), 'diff of the first snapshot');
  await s.press('R');
  await s.waitFor((f) => /has no earlier version|was added by this snapshot/.test(f), 'nothing before');
  s.unmount();
});

test('r on a file missing from the folder says it will be created', async () => {
  const { vault, fs, dir } = await sampleVault();
  await fs.unlink(`${dir}/Art/hero.bin`);
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press(KEYS.enter);
  await s.waitFor((f) => f.includes('binary, 3000 -> 3100 bytes'), 'diff');
  await s.press('r');
  await s.waitFor(
    (f) => f.includes('Art/hero.bin is not in the project folder now:') && f.includes('it will be created (3.03 KiB)'),
    'confirmation',
  );
  await s.press('y');
  await s.waitFor((f) => f.includes('restored Art/hero.bin'), 'restored');
  assert.is((await fs.readFile(`${dir}/Art/hero.bin`)).length, 3100);
  s.unmount();
});

test('m marks the selected snapshot as a development milestone; the badge appears', async () => {
  const { vault } = await sampleVault();
  const s = renderApp(vault);
  await s.waitFor(ready, 'timeline');
  await s.press('j', 'm');
  let f = await s.waitFor((f) => f.includes('Milestone for'), 'prompt');
  await s.press(...'alpha-1'.split(''), KEYS.enter);
  f = await s.waitFor((f) => f.includes('milestone alpha-1 (development) marks'), 'done message');
  assert.match(f, /moat\s+\[◆alpha-1\]/);
  const ms = await listMilestones({ vault });
  assert.equal(
    ms.map((m) => [m.name, m.type]),
    [['alpha-1', 'development']],
  );
  const moat = f.split('\n').find((l) => l.includes('moat'))!;
  assert.ok(moat.includes(must(ms[0]).snapshot.slice(0, 8)), moat);
  // Esc cancels; an existing name is reported, not thrown
  await s.press('m', 'x', KEYS.esc);
  await s.waitFor((f) => !f.includes('Milestone for'), 'cancelled');
  await s.press('m', ...'alpha-1'.split(''), KEYS.enter);
  await s.waitFor((f) => f.includes("error: milestone 'alpha-1' already exists"), 'error line');
  assert.is((await listMilestones({ vault })).length, 1);
  s.unmount();
});

test.run();
