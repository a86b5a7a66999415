import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runVault } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/vault.js';
import { sampleProject } from './thumbnails-fixtures.js';

const test = suite('personas/creative/timeline (CLI)');

let tmp: { path: string; remove: () => Promise<void> };
let dir: string;
const v = (args: string[], env: NodeJS.ProcessEnv = {}) => runVault(dir, args, env);

test.before(async () => {
  tmp = await tempDir('vault-timeline-');
  dir = join(tmp.path, 'castle');
  await mkdir(dir);
  await sampleProject(dir, (args) => v(args));
});
test.after(() => tmp.remove());

test('vault timeline lists versions newest first with badges and changes; text only without colour', async () => {
  const r = await v(['timeline']);
  assert.is(r.code, 0, r.stderr);
  const heads = r.stdout.split('\n').filter((l) => /^[0-9a-f]{12}  /.test(l));
  assert.is(heads.length, 3);
  assert.match(heads[0]!, /hero in blue, a sun in the sky  \[review-1\] \(main\)$/);
  assert.match(heads[1]!, /tower and crate models  ★ alpha$/);
  assert.match(r.stdout, /\+1 added  ~2 modified/);
  assert.match(r.stdout, /~ Art\/hero\.psd  /);
  assert.not.match(r.stdout, /\x1b|▀|@@@/, 'NO_COLOR and a pipe: no pictures, no colour');
});

test('--thumbnails draws pictures: truecolor half blocks when colour is on, ASCII under NO_COLOR; --no-thumbnails wins', async () => {
  const col = await v(['timeline', '-n', '1', '--thumbnails', '--width', '80'], { NO_COLOR: '', FORCE_COLOR: '3' });
  assert.is(col.code, 0, col.stderr);
  assert.match(col.stdout, /\x1b\[38;2;\d+;\d+;\d+m\x1b\[48;2;\d+;\d+;\d+m▀/);
  assert.match(col.stdout.replace(/\x1b\[[0-9;]*m/g, ''), /hero\.psd +sky\.png +part\.stl/);
  const auto = await v(['timeline', '-n', '1'], {
    NO_COLOR: '',
    FORCE_COLOR: '1',
    COLORTERM: '',
    TERM: 'xterm-256color',
    TERM_PROGRAM: '',
  });
  assert.match(auto.stdout, /▀/, 'colour forced on: pictures by default');
  assert.match(auto.stdout, /\x1b\[38;5;\d+m/, 'no sign of 24-bit colour: the 256-colour palette');
  assert.not.match(auto.stdout, /38;2;/);
  const ascii = await v(['timeline', '-n', '1', '--thumbnails']);
  assert.not.match(ascii.stdout, /\x1b/);
  assert.match(ascii.stdout, /@@@@/);
  const off = await v(['timeline', '-n', '1', '--no-thumbnails'], { NO_COLOR: '', FORCE_COLOR: '3' });
  assert.not.match(off.stdout, /▀/);
});

test('vault timeline PATH, -n and --json', async () => {
  const r = await v(['timeline', 'Art/hero.psd', '--json']);
  assert.is(r.code, 0, r.stderr);
  const vs = JSON.parse(r.stdout);
  assert.equal(
    vs.map((x: { message: string }) => x.message),
    ['hero in blue, a sun in the sky', 'first blockout'],
  );
  assert.equal(
    vs[0].files.map((f: { path: string; change: string }) => [f.path, f.change]),
    [['Art/hero.psd', 'modified']],
  );
  assert.ok(vs[0].files[0].thumbnail.id && vs[0].files[0].before.id);
  assert.equal(vs[0].tags, ['review-1']);
  const one = JSON.parse((await v(['timeline', '-n', '1', '--json'])).stdout);
  assert.is(one.length, 1);
  assert.equal(one[0].counts, { added: 1, modified: 2, deleted: 0, renamed: 0 });
  // relative to where it runs (like restore)
  const sub = await runVault(join(dir, 'Art'), ['timeline', 'sky.png', '--json']);
  assert.is(JSON.parse(sub.stdout).length, 2);
  // vault log is still log; timeline is its own command
  assert.is((await v(['log', '-n', '1'])).code, 0);
});

test('--html writes one self-contained page; bad input fails cleanly', async () => {
  const out = join(tmp.path, 'timeline.html');
  const r = await v(['timeline', '--html', out]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote .*timeline\.html: 3 version\(s\), 9 thumbnail\(s\), 2 diff image\(s\)/);
  const html = await readFile(out, 'utf8');
  assert.is([...html.matchAll(/<img /g)].length, 11);
  assert.not.match(html, /src="(?!data:)/);
  const j = JSON.parse((await v(['timeline', 'Art/sky.png', '--html', out, '--json'])).stdout);
  assert.equal([j.versions, j.thumbnails, j.diffImages, j.placeholders], [2, 3, 1, 0]);

  const nope = await v(['timeline', 'Art/missing.png']);
  assert.is(nope.code, 1);
  assert.match(nope.stderr, /path 'Art\/missing\.png' is not in the history/);
  const outside = await v(['timeline', '../elsewhere.png', '--json']);
  assert.is(outside.code, 1);
  assert.is(JSON.parse(outside.stdout).error.code, 'EOUTSIDE');
  assert.is((await v(['timeline', '-n', '0'])).code, 2);
  const folder = await v(['timeline', '--html', tmp.path]);
  assert.is(folder.code, 2);
  assert.match(folder.stderr, /is a folder/);
  const noFolder = await v(['timeline', '--html', join(tmp.path, 'no-such-folder', 'x.html')]);
  assert.is(noFolder.code, 2, noFolder.stderr);
  assert.match(noFolder.stderr, /does not exist/);
  const help = await v(['timeline', '--help']);
  assert.match(help.stdout, /Examples:/);
});

test.run();
