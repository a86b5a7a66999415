/**
 * The HTML timeline opened in a real browser: headless Chromium (Debian's `chromium`
 * package; CI installs it) loads the page, the page's own script counts pictures that
 * decoded (`img.complete && naturalWidth > 0`) and marks <body>; --dump-dom gives the result.
 * Without chromium this test FAILS: install it (apt-get install chromium) or set CHROMIUM.
 *
 * VAULT_DOCS_IMAGES=1 also writes docs/images/timeline.png (1000x700) for the README.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { ROOT, runVault } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/vault.js';
import { sampleProject } from './thumbnails-fixtures.js';

const test = suite('personas/creative/timeline (headless Chromium)');

function findChromium(): string | null {
  const names = process.env.CHROMIUM ? [process.env.CHROMIUM] : ['chromium', 'chromium-browser', 'google-chrome'];
  for (const n of names) if (spawnSync(n, ['--version'], { stdio: 'ignore' }).status === 0) return n;
  return null;
}

function chromium(
  bin: string,
  profile: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      bin,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** What the page's script wrote on <body> after load. */
async function imageCounts(
  bin: string,
  profile: string,
  file: string,
): Promise<{ ok: number; broken: number; expected: number }> {
  const r = await chromium(bin, profile, ['--virtual-time-budget=5000', '--dump-dom', `file://${file}`]);
  const body = /<body([^>]*)>/.exec(r.stdout)?.[1];
  assert.ok(body, `chromium printed no <body> (exit ${r.code}): ${r.stderr.slice(-500)}`);
  const attr = (n: string) => Number(new RegExp(`${n}="(\\d+)"`).exec(body!)?.[1] ?? NaN);
  return { ok: attr('data-images-ok'), broken: attr('data-images-broken'), expected: attr('data-images-expected') };
}

let tmp: { path: string; remove: () => Promise<void> };
let dir: string;
let profile: string;
const NEEDED =
  'headless Chromium is needed for this test: install it (apt-get install chromium) or point CHROMIUM at a Chrome/Chromium binary';

test.before(async () => {
  tmp = await tempDir('vault-chromium-');
  dir = join(tmp.path, 'castle');
  profile = join(tmp.path, 'profile');
  await mkdir(dir);
  await sampleProject(dir, (args) => runVault(dir, args));
});
test.after(() => tmp.remove());

test('every thumbnail and diff image of the HTML timeline renders in Chromium', async () => {
  const bin = findChromium();
  if (!bin) assert.unreachable(NEEDED);
  {
    const page = join(tmp.path, 'timeline.html');
    const made = await runVault(dir, ['timeline', '--html', page, '--json']);
    assert.is(made.code, 0, made.stderr);
    const j = JSON.parse(made.stdout);
    const expected = j.thumbnails + j.diffImages;
    assert.is(expected, 11);
    const counts = await imageCounts(bin!, profile, page);
    assert.equal(counts, { ok: expected, broken: 0, expected });

    // the check can fail: the same page with one picture's data cut short
    const html = await readFile(page, 'utf8');
    const cut = html.replace(/(src="data:image\/png;base64,)[A-Za-z0-9+/]{40}/, '$1AAAA');
    assert.is.not(cut, html);
    const bad = join(tmp.path, 'broken.html');
    await writeFile(bad, cut);
    assert.equal(await imageCounts(bin!, profile, bad), { ok: expected - 1, broken: 1, expected });

    // a screenshot of the page (docs/images/timeline.png with VAULT_DOCS_IMAGES=1)
    const shot = join(tmp.path, 'timeline.png');
    const s = await chromium(bin!, profile, [
      '--hide-scrollbars',
      '--window-size=1000,700',
      `--screenshot=${shot}`,
      `file://${page}`,
    ]);
    assert.is(s.code, 0, s.stderr.slice(-500));
    const png = pngjs.PNG.sync.read(await readFile(shot));
    assert.equal([png.width, png.height], [1000, 700]);
    if (process.env.VAULT_DOCS_IMAGES === '1') await copyFile(shot, join(ROOT, 'docs', 'images', 'timeline.png'));
  }
});

/** Terminal output (SGR colour codes) as HTML, one <span> per run of the same colours. */
function ansiToHtml(text: string): string {
  const esc = (t: string) => t.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  const named: Record<number, string> = { 31: '#e06c75', 32: '#98c379', 33: '#e5c07b', 36: '#56b6c2' };
  let fg: string | null = null;
  let bg: string | null = null;
  let bold = false;
  let dim = false;
  let out = '';
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    const m = /^\x1b\[([0-9;]*)m$/.exec(part);
    if (!m) {
      if (part)
        out += `<span style="${fg ? `color:${fg};` : ''}${bg ? `background:${bg};` : ''}${bold ? 'font-weight:bold;' : ''}${dim ? 'opacity:.6;' : ''}">${esc(part)}</span>`;
      continue;
    }
    const codes = (m[1] || '0').split(';').map(Number);
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c === 0) [fg, bg, bold, dim] = [null, null, false, false];
      else if (c === 1) bold = true;
      else if (c === 2) dim = true;
      else if (c === 39) fg = null;
      else if (c === 49) bg = null;
      else if (named[c]) fg = named[c]!;
      else if ((c === 38 || c === 48) && codes[i + 1] === 2) {
        const rgb = `rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`;
        if (c === 38) fg = rgb;
        else bg = rgb;
        i += 4;
      }
    }
  }
  return out;
}

test("the terminal pictures of vault timeline, drawn by a browser, show the thumbnails' colours", async () => {
  const bin = findChromium();
  if (!bin) assert.unreachable(NEEDED);
  const r = await runVault(dir, ['timeline', '--thumbnails', '--width', '100'], { NO_COLOR: '', FORCE_COLOR: '3' });
  assert.is(r.code, 0, r.stderr);
  const page = join(tmp.path, 'terminal.html');
  // line-height 1: the half blocks of neighbouring rows meet, as in a terminal
  await writeFile(
    page,
    `<!doctype html><meta charset="utf-8"><body style="margin:0;background:#1d1f21"><pre style="margin:0;padding:10px 14px;font:13px/1 'DejaVu Sans Mono',monospace;color:#d8d8d8">${ansiToHtml(r.stdout)}</pre></body>`,
  );
  const shot = join(tmp.path, 'terminal.png');
  const s = await chromium(bin!, profile, [
    '--hide-scrollbars',
    '--window-size=860,720',
    `--screenshot=${shot}`,
    `file://${page}`,
  ]);
  assert.is(s.code, 0, s.stderr.slice(-500));
  const png = pngjs.PNG.sync.read(await readFile(shot));
  const seen = new Set<string>();
  for (let i = 0; i < png.data.length; i += 4) seen.add(`${png.data[i]},${png.data[i + 1]},${png.data[i + 2]}`);
  // the hero PSD's square: red in the first version, blue in the last; the crate's clay top
  assert.ok(seen.has('220,40,40'), 'red square of the first hero.psd');
  assert.ok(seen.has('40,80,220'), 'blue square of the last hero.psd');
  if (process.env.VAULT_DOCS_IMAGES === '1')
    await copyFile(shot, join(ROOT, 'docs', 'images', 'timeline-terminal.png'));
});

test.run();
