/**
 * End to end: the real `bin/vault tui` in a real terminal (tmux, 80x24) on a generated vault:
 * open a diff, restore a file, check it on disk, quit. Needs tmux (Debian: apt-get install -y tmux);
 * without it this test fails, unless VAULT_NO_TMUX=1 says to skip it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { prngBytes } from '../helpers/prng.js';
import { tempDir } from '../helpers/vault.js';

const test = suite('tui e2e (tmux)');
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'vault');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const name = 'tmux end-to-end: open a diff, restore a file, check it on disk, quit';
if (process.env.VAULT_NO_TMUX === '1') {
  test.skip(name, () => {});
} else {
  test(name, async () => {
    const v = spawnSync('tmux', ['-V'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) throw new Error('tmux is not installed: this test runs `vault tui` in tmux. Install it (apt-get install -y tmux), or set VAULT_NO_TMUX=1 to skip this test.');
    if (!existsSync(join(root, 'dist', 'bundle', 'main.js'))) throw new Error('dist/bundle is missing: run npm run build (npm test does)');
    const tmp = await tempDir('vault-tui-e2e-');
    // a server of our own, its socket inside the temp folder (removed with it)
    const socket = join(tmp.path, 'tmux.sock');
    const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const screen = () => tmux('capture-pane', '-p', '-t', 'e2e');
    const waitFor = async (text: string | RegExp, ms = 10000) => {
      const end = Date.now() + ms;
      let s = '';
      while (Date.now() < end) {
        s = screen();
        if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
        await sleep(50);
      }
      throw new Error(`timed out waiting for ${text} in the tmux pane:\n${s}`);
    };
    const keys = async (...k: string[]) => {
      for (const x of k) {
        tmux('send-keys', '-t', 'e2e', x);
        await sleep(150);
      }
    };
    try {
      const dir = join(tmp.path, 'project');
      const vault = (...args: string[]) => execFileSync(process.execPath, [bin, '-C', dir, ...args], { encoding: 'utf8' });
      execFileSync('mkdir', ['-p', join(dir, 'Docs'), join(dir, 'Art')]);
      writeFileSync(join(dir, 'Docs', 'notes.md'), 'castle notes\n');
      writeFileSync(join(dir, 'Art', 'hero.psd'), prngBytes(7, 30000));
      vault('init');
      vault('commit', '-m', 'first blockout');
      writeFileSync(join(dir, 'Docs', 'notes.md'), 'castle notes\nmoat added\n');
      vault('commit', '-m', 'moat');
      writeFileSync(join(dir, 'Docs', 'notes.md'), 'castle notes\nmoat added\ntowers\n');
      writeFileSync(join(dir, 'Art', 'hero.psd'), prngBytes(8, 30100));
      vault('commit', '-m', 'towers');
      vault('tag', 'first-review', 'HEAD~2');

      tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'e2e', `cd '${dir}' && '${process.execPath}' '${bin}' tui --persona game; echo $? > '${tmp.path}/exit-code'`);
      tmux('set-option', '-t', 'e2e', 'remain-on-exit', 'on');
      let s = await waitFor(/Timeline \(3 snapshots\)[\s\S]*first bloc[\s\S]*\+2 ~0 -0/);
      assert.match(s, /persona: game/);
      assert.match(s, /\[#first-review\]/);
      await keys('j');
      await waitFor(/^> .* moat/m);
      await keys('Enter');
      s = await waitFor(/moat: 1 file changed[\s\S]*\+moat added/);
      await keys('r');
      s = await waitFor(/This overwrites Docs\/notes\.md in the project folder[\s\S]*y: yes/);
      await keys('y');
      await waitFor(/restored Docs\/notes\.md from [0-9a-f]{12}/);
      assert.is(readFileSync(join(dir, 'Docs', 'notes.md'), 'utf8'), 'castle notes\nmoat added\n');
      await keys('q');
      const exitFile = join(tmp.path, 'exit-code');
      for (const end = Date.now() + 15000; Date.now() < end && !existsSync(exitFile); ) await sleep(50);
      assert.is(existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : `(still running after q)\n${screen()}`, '0', 'vault tui exit status');
      s = screen();
      // the terminal is back on its normal screen: nothing of the TUI is left on it
      assert.not.match(s, /Timeline|Diff [0-9a-f]/);
      assert.is(tmux('display-message', '-p', '-t', 'e2e', '#{alternate_on}').trim(), '0');
    } finally {
      spawnSync('tmux', ['-S', socket, 'kill-server']);
      await tmp.remove();
    }
  });
}

test.run();
