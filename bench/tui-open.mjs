#!/usr/bin/env node
// TUI open time: how long `vault tui` takes to show its first screen on a vault of 1,000 snapshots
// with 10,000 files each (the target: under 300 ms). In-process, after `npm run build`:
//   1. a project of 10,000 small files is committed, 10 of them changed and committed again; 998 more
//      snapshots are written with plumbing on top (alternating between the two trees), so every one of
//      the 1,000 snapshots holds 10,000 files;
//   2. the vault is opened again and the TUI (dist/tui/App.js) rendered into an 80x24 fake terminal;
//      measured: opening the vault, then rendering until the first screen shows a full page of snapshots,
//      then until their change counts are on screen. Importing ink/react/the TUI is timed on its own.
//      Medians of --reps runs (default 5).
//   3. the whole command, as a user starts it: `vault -C DIR tui` spawned on a pseudo-terminal (80x24,
//      util-linux `script`), timed from the spawn to its first frame (the header on the screen), to the
//      first screen of snapshots and to their change counts, then `q`. Node start-up, the CLI bundle,
//      opening the vault and loading Ink, React and the TUI are all in it. Skipped without `script`.
// Usage: node bench/tui-open.mjs [--json FILE] [--work DIR] [--reps N] [--files N] [--snapshots N]
//   VAULT_BIN: the CLI for step 3 (default bin/vault)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import nodeFs from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { benchDir, opt } from './cli-args.mjs';

const here = benchDir;
const work = resolve(opt('--work', join(here, '..', '.bench-work', 'tui-open')));
const REPS = Number(opt('--reps', 5));
const FILES = Number(opt('--files', 10000));
const SNAPSHOTS = Number(opt('--snapshots', 1000));
const dist = join(here, '..', 'dist');
const api = await import(join(dist, 'index.js'));

const t0 = performance.now();
const [{ render }, { createElement }, { App }] = await Promise.all([
  import('ink'),
  import('react'),
  import(join(dist, 'tui', 'App.js')),
]);
const importMs = performance.now() - t0;

class FakeStdout extends EventEmitter {
  columns = 80;
  rows = 24;
  isTTY = true;
  last = '';
  write(s) {
    this.last = s;
    return true;
  }
}
class FakeStdin extends EventEmitter {
  isTTY = true;
  read = () => null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}
const strip = (s) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// ---- the vault --------------------------------------------------------------------------------
rmSync(work, { recursive: true, force: true });
const dir = join(work, 'project');
const built = performance.now();
for (let d = 0; d < FILES / 100; d++) {
  mkdirSync(join(dir, `dir${String(d).padStart(3, '0')}`), { recursive: true });
  for (let f = 0; f < 100; f++)
    writeFileSync(
      join(dir, `dir${String(d).padStart(3, '0')}`, `file${String(f).padStart(3, '0')}.txt`),
      `file ${d}/${f}\n`,
    );
}
await api.initVault({ fs: nodeFs, dir });
const open = () =>
  api.openVault({ fs: nodeFs, cwd: dir, codec: new api.InlineCodec(), author: 'Bench <bench@example.org>' });
let vault = await open();
const a = await api.readSnapshot(vault, (await api.commit({ vault, message: 'tree a' })).id);
for (let f = 0; f < 10; f++)
  writeFileSync(join(dir, 'dir000', `file${String(f).padStart(3, '0')}.txt`), `changed ${f}\n`);
const b = await api.readSnapshot(vault, (await api.commit({ vault, message: 'tree b' })).id);
let parent = b.id;
for (let i = 0; i < SNAPSHOTS - 2; i++) {
  const body = api.encodeSnapshot({
    tree: i % 2 ? b.tree : a.tree,
    parents: [parent],
    author: 'Bench <bench@example.org>',
    time: 1_700_000_000_000 + i * 1000,
    message: `snapshot ${i + 3}`,
    meta: {},
  });
  parent = await vault.db.writeLoose('snapshot', body);
}
await api.updateRef({
  ...vault.refs,
  ref: 'refs/heads/main',
  value: parent,
  expected: b.id,
  message: 'bench',
  author: vault.author,
  time: Date.now(),
});
await vault.close();
const buildS = (performance.now() - built) / 1000;

// ---- open the TUI -------------------------------------------------------------------------------
const runs = [];
for (let r = 0; r < REPS; r++) {
  const stdout = new FakeStdout();
  const s0 = performance.now();
  vault = await open();
  const opened = performance.now();
  const app = render(createElement(App, { vault, persona: undefined, pictureColor: false }), {
    stdout,
    stdin: new FakeStdin(),
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  const frame = () => strip(stdout.last);
  const until = async (ok, what) => {
    const end = performance.now() + 60000;
    while (!ok(frame())) {
      if (performance.now() > end) throw new Error(`timed out waiting for ${what}:\n${frame()}`);
      await new Promise((res) => setTimeout(res, 1));
    }
    return performance.now();
  };
  const rows = (f) => f.split('\n').filter((l) => /snapshot \d+/.test(l)).length;
  const first = await until((f) => f.includes(`snapshot ${SNAPSHOTS}`) && rows(f) >= 20, 'the first screen');
  const counts = await until((f) => (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 20, 'change counts');
  app.unmount();
  await vault.close();
  runs.push({ open_vault_ms: opened - s0, first_screen_ms: first - s0, with_counts_ms: counts - s0 });
}
// ---- the whole command, on a pseudo-terminal --------------------------------------------------------
const bin = resolve(process.env.VAULT_BIN || join(here, '..', 'bin', 'vault'));
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** One `vault tui` on a pty: ms from the spawn to the first frame, the first screen, the change counts. */
function spawnTui() {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const cmd = `stty cols 80 rows 24; exec '${bin}' -C '${dir}' tui`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, TERM: 'xterm-256color', NO_COLOR: '1' },
    });
    let out = '';
    const at = {};
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.stdout.on('data', (d) => {
      out += d.toString('utf8');
      const now = performance.now() - t0;
      const screen = strip(out);
      if (at.first === undefined && screen.includes('Vault · Timeline')) at.first = now;
      const rows = (screen.match(new RegExp(`snapshot ${SNAPSHOTS}\\b`, 'g')) ?? []).length;
      if (at.screen === undefined && rows && screen.split(/\r?\n/).filter((l) => /snapshot \d+/.test(l)).length >= 20)
        at.screen = now;
      if (at.counts === undefined && at.screen !== undefined && (screen.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 20) {
        at.counts = now;
        child.stdin.write('q');
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (at.counts === undefined)
        fail(new Error(`vault tui (exit ${code}) never showed its counts:\n${strip(out).slice(-2000)}`));
      else done(at);
    });
  });
}

const spawned = [];
if (hasScript) for (let r = 0; r < REPS; r++) spawned.push(await spawnTui());

const result = {
  snapshots: SNAPSHOTS,
  files_per_snapshot: FILES,
  terminal: '80x24',
  reps: REPS,
  build_s: Math.round(buildS * 10) / 10,
  import_ink_react_tui_ms: Math.round(importMs),
  open_vault_ms: Math.round(median(runs.map((x) => x.open_vault_ms))),
  first_screen_ms: Math.round(median(runs.map((x) => x.first_screen_ms))),
  with_change_counts_ms: Math.round(median(runs.map((x) => x.with_counts_ms))),
  /** the first run in the process also pays for starting the zstd codec (wasm) on the first object read */
  first_screen_cold_ms: Math.round(runs[0].first_screen_ms),
  target_ms: 300,
  /** the whole `vault tui` command on a pty, from the spawn (null without util-linux `script`) */
  command_first_frame_ms: spawned.length ? Math.round(median(spawned.map((x) => x.first))) : null,
  command_first_screen_ms: spawned.length ? Math.round(median(spawned.map((x) => x.screen))) : null,
  command_with_counts_ms: spawned.length ? Math.round(median(spawned.map((x) => x.counts))) : null,
};
result.result = result.first_screen_ms <= result.target_ms ? 'PASS' : 'FAIL';
const lines = [
  '### TUI open time (in-process, time to first frame)',
  '',
  `${SNAPSHOTS} snapshots x ${FILES.toLocaleString('en-US')} files, 80x24 fake terminal, median of ${REPS}; built in ${result.build_s} s.`,
  '',
  '| measured from opening the vault | ms |',
  '|---|---:|',
  `| vault opened | ${result.open_vault_ms} |`,
  `| first screen (a page of snapshots) | ${result.first_screen_ms} |`,
  `| with change counts of the visible rows | ${result.with_change_counts_ms} |`,
  `| first screen, first run in the process (zstd codec starting) | ${result.first_screen_cold_ms} |`,
  '',
  `Target: first screen <= ${result.target_ms} ms: ${result.result}. Not included: node start-up and loading the CLI bundle, and importing ink + react + the TUI (${result.import_ink_react_tui_ms} ms here); the next table has them.`,
  '',
  '### TUI open time (the whole `vault tui` command, spawned on a pty)',
  '',
  ...(spawned.length
    ? [
        `\`vault -C DIR tui\` on the same vault, 80x24 pseudo-terminal (util-linux \`script\`), median of ${REPS}.`,
        '',
        '| measured from spawning the command | ms |',
        '|---|---:|',
        `| first frame (the header and "loading history…", drawn before Ink loads) | ${result.command_first_frame_ms} |`,
        `| first screen (a page of snapshots) | ${result.command_first_screen_ms} |`,
        `| with change counts of the visible rows | ${result.command_with_counts_ms} |`,
      ]
    : ['Skipped: no util-linux `script` to run it on a pseudo-terminal.']),
];
process.stdout.write(`${lines.join('\n')}\n`);
const json = opt('--json');
if (json) {
  mkdirSync(dirname(json), { recursive: true });
  writeFileSync(json, `${JSON.stringify({ ...result, runs, command_runs: spawned }, null, 2)}\n`);
}
if (!process.env.TUI_BENCH_KEEP) rmSync(work, { recursive: true, force: true });
