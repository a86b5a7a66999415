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

function chromium(bin: string, profile: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
async function imageCounts(bin: string, profile: string, file: string): Promise<{ ok: number; broken: number; expected: number }> {
  const r = await chromium(bin, profile, ['--virtual-time-budget=5000', '--dump-dom', `file://${file}`]);
  const body = /<body([^>]*)>/.exec(r.stdout)?.[1];
  assert.ok(body, `chromium printed no <body> (exit ${r.code}): ${r.stderr.slice(-500)}`);
  const attr = (n: string) => Number(new RegExp(`${n}="(\\d+)"`).exec(body!)?.[1] ?? NaN);
  return { ok: attr('data-images-ok'), broken: attr('data-images-broken'), expected: attr('data-images-expected') };
}

test('every thumbnail and diff image of the HTML timeline renders in Chromium', async () => {
  const bin = findChromium();
  if (!bin) assert.unreachable('headless Chromium is needed for this test: install it (apt-get install chromium) or point CHROMIUM at a Chrome/Chromium binary');
  const tmp = await tempDir('vault-chromium-');
  try {
    const dir = join(tmp.path, 'castle');
    await mkdir(dir);
    await sampleProject(dir, (args) => runVault(dir, args));
    const page = join(tmp.path, 'timeline.html');
    const made = await runVault(dir, ['timeline', '--html', page, '--json']);
    assert.is(made.code, 0, made.stderr);
    const j = JSON.parse(made.stdout);
    const expected = j.thumbnails + j.diffImages;
    assert.is(expected, 11);
    const profile = join(tmp.path, 'profile');
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
    const s = await chromium(bin!, profile, ['--hide-scrollbars', '--window-size=1000,700', `--screenshot=${shot}`, `file://${page}`]);
    assert.is(s.code, 0, s.stderr.slice(-500));
    const png = pngjs.PNG.sync.read(await readFile(shot));
    assert.equal([png.width, png.height], [1000, 700]);
    if (process.env.VAULT_DOCS_IMAGES === '1') await copyFile(shot, join(ROOT, 'docs', 'images', 'timeline.png'));
  } finally {
    await tmp.remove();
  }
});

test.run();
