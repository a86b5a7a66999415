#!/usr/bin/env node
// bench/scale.mjs - the scale scenario: how Vault's cost grows with the number of files and the bytes of content,
// next to git and restic. For each point (10k, 100k, 1M small files; 1, 4, 16 GiB of make-corpus content) every
// tool runs: init, commit (initial), commit (unchanged), status, log, restore into a fresh folder. Wall time,
// CPU and peak RSS come from GNU /usr/bin/time; a growth table compares each point with the linear extrapolation
// from the point before it. Plain Node ESM, built-ins only. See bench/README.md.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.dirname(BENCH_DIR);
const MAKE_CORPUS = path.join(BENCH_DIR, 'make-corpus');
const VAULT_BIN = path.resolve(process.env.VAULT_BIN || path.join(PROJECT, 'bin', 'vault'));
const STEPS = ['commit-initial', 'commit-unchanged', 'status', 'log', 'restore'];
const MiB = 1024 * 1024;
const LIMITS = { growth: 1.2, unchangedVsGitStatus: 3, rssAtMostFilesMiB: 300 };

const USAGE = `Usage: node bench/scale.mjs [options]

  --files LIST   small-file points (default 10k,100k,1M; "" = none)
  --bytes LIST   content points, make-corpus --size (default 1G,4G,16G; "" = none)
  --tools LIST   default vault,git,restic
  --node24 DIR   run Vault with the node in DIR (default: this machine's node)
  --seed N       corpus seed (default 1)
  --work DIR     corpora and repositories (default <project>/.bench-work/scale)
  --json FILE    results (default <work>/scale.json)
  --keep-corpora keep generated corpora (default: a point's corpus is removed after it, they are big)
  -h, --help     this help`;

function parseArgs(argv) {
  const o = { files: '10k,100k,1M', bytes: '1G,4G,16G', tools: 'vault,git,restic', seed: 1, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--files') o.files = val();
    else if (a === '--bytes') o.bytes = val();
    else if (a === '--tools') o.tools = val();
    else if (a === '--node24') o.node24 = val();
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--work') o.work = val();
    else if (a === '--json') o.json = val();
    else if (a === '--keep-corpora') o.keep = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else die(`unknown option ${a}\n\n${USAGE}`);
  }
  const list = (s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  o.files = list(o.files);
  o.bytes = list(o.bytes);
  o.tools = list(o.tools);
  o.work = path.resolve(o.work ?? path.join(PROJECT, '.bench-work', 'scale'));
  o.json = path.resolve(o.json ?? path.join(o.work, 'scale.json'));
  return o;
}

function die(msg, code = 2) {
  process.stderr.write(`scale: ${msg}\n`);
  process.exit(code);
}
const log = (msg) => process.stderr.write(`[scale ${new Date().toTimeString().slice(0, 8)}] ${msg}\n`);

/** 10k -> 10000, 1M -> 1000000; 4G -> bytes */
function amount(s) {
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(s);
  if (!m) die(`bad point ${s}`);
  return Number(m[1]) * ({ k: 1e3, K: 1e3, m: 1e6, M: 1e6, g: 1, G: 1 }[m[2]] ?? 1);
}

/** Run a command under /usr/bin/time: wall, CPU and peak RSS; stdout/stderr to `logBase`.{out,err}. */
function timed(cmd, args, { cwd, env, logBase }) {
  const timeFile = `${logBase}.time`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, cmd, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', fs.openSync(`${logBase}.out`, 'w'), fs.openSync(`${logBase}.err`, 'w')],
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const [u, s, kib] = (fs.existsSync(timeFile) ? fs.readFileSync(timeFile, 'utf8') : '')
    .trim()
    .split('\n')
    .pop()
    .split(' ')
    .map(Number);
  return { ok: r.status === 0, rc: r.status, wall, cpu: u + s, rssMiB: kib / 1024 };
}

/** The commands of each tool: [cmd, args, env] per step, for source `src`, state in `dir`, restore into `dest`. */
function toolSteps(tool, src, dir, dest, node24) {
  const sh = (script, ...a) => ['bash', ['-c', script, '_', ...a]];
  if (tool === 'vault') {
    const env = { VAULT_DIR: path.join(dir, 'repo'), ...(node24 ? { PATH: `${node24}:${process.env.PATH}` } : {}) };
    return {
      env,
      init: [VAULT_BIN, ['init']],
      'commit-initial': [VAULT_BIN, ['commit', '-m', 'initial']],
      'commit-unchanged': [VAULT_BIN, ['commit', '-m', 'unchanged']],
      status: [VAULT_BIN, ['status']],
      log: [VAULT_BIN, ['log']],
      restore: [VAULT_BIN, ['restore', 'HEAD', '--to', dest]],
    };
  }
  if (tool === 'git') {
    const env = {
      GIT_DIR: path.join(dir, 'repo.git'),
      GIT_WORK_TREE: src,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@localhost',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@localhost',
    };
    return {
      env,
      init: sh('git init -q && git config gc.auto 0'),
      'commit-initial': sh('git add -A && git commit -q --allow-empty -m initial'),
      'commit-unchanged': sh('git add -A && git commit -q --allow-empty -m unchanged'),
      status: ['git', ['status', '--porcelain']],
      log: ['git', ['log', '--oneline']],
      restore: sh(
        'GIT_INDEX_FILE=$2/restore.index git read-tree HEAD && GIT_INDEX_FILE=$2/restore.index git checkout-index -a --prefix="$1/"',
        dest,
        dir,
      ),
    };
  }
  if (tool === 'restic') {
    const env = {
      RESTIC_REPOSITORY: path.join(dir, 'repo'),
      RESTIC_PASSWORD: 'bench',
      RESTIC_CACHE_DIR: path.join(dir, 'cache'),
    };
    return {
      env,
      init: ['restic', ['init']],
      'commit-initial': ['restic', ['backup', '.']],
      'commit-unchanged': ['restic', ['backup', '.']],
      // restic has no status: a dry-run backup is what tells it what changed
      status: ['restic', ['backup', '--dry-run', '.']],
      log: ['restic', ['snapshots']],
      restore: ['restic', ['restore', 'latest', '--target', dest]],
    };
  }
  die(`unknown tool ${tool}`);
}

/** Every regular file's count and bytes under `dir`. */
function treeStats(dir) {
  const r = spawnSync(
    'bash',
    ['-c', 'find "$1" -type f -printf "%s\\n" | awk \'{n++; s+=$1} END {print n, s}\'', '_', dir],
    {
      encoding: 'utf8',
    },
  );
  const [files, bytes] = r.stdout.trim().split(' ').map(Number);
  return { files, bytes };
}

function ensureCorpus(o, kind, point) {
  const dir = path.join(o.work, `corpus-${kind}-${point}-s${o.seed}`);
  const marker = `${dir}.complete`;
  if (fs.existsSync(marker) && fs.existsSync(dir)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  const args = [
    'generate',
    dir,
    '--seed',
    String(o.seed),
    ...(kind === 'files' ? ['--files', point] : ['--size', point]),
  ];
  log(`make-corpus ${args.join(' ')}`);
  const r = spawnSync('python3', [MAKE_CORPUS, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) die(`make-corpus failed for ${kind} ${point}`, 1);
  fs.writeFileSync(marker, 'ok\n');
  return dir;
}

function runPoint(o, kind, point) {
  const src = ensureCorpus(o, kind, point);
  const stats = treeStats(src);
  log(`${kind} ${point}: ${stats.files} files, ${(stats.bytes / MiB).toFixed(1)} MiB`);
  const results = {};
  for (const tool of o.tools) {
    const dir = path.join(o.work, 'run', tool);
    const dest = path.join(dir, 'restore');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
    const t = toolSteps(tool, src, dir, dest, o.node24);
    const res = (results[tool] = {});
    for (const step of ['init', ...STEPS]) {
      const [cmd, args] = t[step];
      spawnSync('sync');
      const r = timed(cmd, args, { cwd: src, env: t.env, logBase: path.join(dir, 'logs', step) });
      res[step] = r;
      log(`${tool} ${step}: ${r.ok ? '' : `FAILED rc=${r.rc} `}${r.wall.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB`);
      if (!r.ok) {
        const err = fs
          .readFileSync(path.join(dir, 'logs', `${step}.err`), 'utf8')
          .trim()
          .split('\n')
          .slice(-3);
        log(`  ${err.join('\n  ')}`);
        break;
      }
    }
    if (tool === 'vault' && res.restore?.ok) {
      const d = spawnSync('diff', ['-rq', src, dest], { encoding: 'utf8', maxBuffer: 64 * MiB });
      res.restore.check = d.status === 0 ? 'identical' : `DIFFERS (${d.stdout.split('\n').length - 1} lines)`;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!o.keep) {
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(`${src}.complete`, { force: true });
  }
  return { kind, point, amount: kind === 'files' ? amount(point) : stats.bytes, ...stats, results };
}

const fmt = (v, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

function mdTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const w = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i < 2 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
  const sep = `|${w.map((n, i) => (i < 2 ? '-'.repeat(n + 2) : '-'.repeat(n + 1) + ':')).join('|')}|`;
  return [line(all[0]), sep, ...all.slice(1).map(line)].join('\n');
}

/** Per tool and step: each point's time over the linear extrapolation from the point before it. */
function growth(points, tool, step) {
  const out = [];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1].results[tool]?.[step];
    const b = points[i].results[tool]?.[step];
    if (!a?.ok || !b?.ok) out.push(null);
    else out.push(b.wall / (a.wall * (points[i].amount / points[i - 1].amount)));
  }
  return out;
}

function report(o, series) {
  const out = ['### Scale: how cost grows with files and bytes', ''];
  out.push(
    `Wall s (peak RSS MiB) per step; each series on its own corpus (make-corpus --files N, or --size S), ` +
      `Vault on node ${o.nodeVersion}; load average at start ${o.loadStart.map((x) => x.toFixed(2)).join('/')}, ` +
      `at end ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join('/')} (2 cores shared with other work: times are noisy).`,
  );
  const targets = [];
  for (const [kind, points] of Object.entries(series)) {
    if (!points.length) continue;
    out.push('', `**${kind === 'files' ? 'Small files' : 'Bytes of content'}**`, '');
    const head = ['tool', 'step', ...points.map((p) => `${p.point} (${p.files} files, ${fmt(p.bytes / MiB, 0)} MiB)`)];
    const rows = [];
    for (const tool of o.tools)
      for (const step of STEPS)
        rows.push([
          tool,
          step,
          ...points.map((p) => {
            const r = p.results[tool]?.[step];
            if (!r) return 'not run';
            return r.ok
              ? `${fmt(r.wall)} (${fmt(r.rssMiB, 0)})${r.check && r.check !== 'identical' ? ` ${r.check}` : ''}`
              : 'FAILED';
          }),
        ]);
    out.push(mdTable(head, rows));
    if (points.length > 1) {
      out.push(
        '',
        `Growth: time at each point / (time at the point before x the ${kind} ratio); <= ${LIMITS.growth} passes`,
        '',
      );
      const gHead = ['tool', 'step', ...points.slice(1).map((p, i) => `${points[i].point} -> ${p.point}`)];
      const gRows = [];
      for (const tool of o.tools)
        for (const step of STEPS) {
          const g = growth(points, tool, step);
          gRows.push([tool, step, ...g.map((x) => (x === null ? '-' : `${x.toFixed(2)}x`))]);
          if (tool === 'vault') {
            const worst = Math.max(...g.filter((x) => x !== null));
            if (Number.isFinite(worst))
              targets.push({
                target: `vault ${step}: linear in ${kind} (worst step)`,
                value: worst,
                limit: LIMITS.growth,
              });
          }
        }
      out.push(mdTable(gHead, gRows));
    }
  }
  const last = series.files?.at(-1);
  if (last) {
    const git = last.results.git?.status;
    const v = last.results.vault ?? {};
    for (const step of ['commit-unchanged', 'status'])
      if (git?.ok && v[step]?.ok)
        targets.push({
          target: `vault ${step} of ${last.point} files <= 3x git status`,
          value: v[step].wall / git.wall,
          limit: LIMITS.unchangedVsGitStatus,
        });
    const rss = Math.max(...STEPS.map((s) => (v[s]?.ok ? v[s].rssMiB : 0)));
    targets.push({
      target: `vault peak RSS at ${last.point} files < 300 MiB`,
      value: rss,
      limit: LIMITS.rssAtMostFilesMiB,
    });
  }
  if (targets.length) {
    out.push('', '**Scale targets**', '');
    for (const t of targets) t.result = t.value <= t.limit ? 'PASS' : 'FAIL';
    out.push(
      mdTable(
        ['target', 'result', 'value', 'limit'],
        targets.map((t) => [t.target, t.result, fmt(t.value), fmt(t.limit)]),
      ),
    );
  }
  return { markdown: out.join('\n') + '\n', targets };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  o.loadStart = os.loadavg();
  o.nodeVersion = o.node24
    ? spawnSync(path.join(o.node24, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()
    : process.version;
  fs.mkdirSync(o.work, { recursive: true });
  const series = { files: [], bytes: [] };
  for (const p of o.files) series.files.push(runPoint(o, 'files', p));
  for (const p of o.bytes) series.bytes.push(runPoint(o, 'bytes', p));
  const { markdown, targets } = report(o, series);
  process.stdout.write('\n' + markdown);
  fs.mkdirSync(path.dirname(o.json), { recursive: true });
  fs.writeFileSync(
    o.json,
    JSON.stringify({ date: new Date().toISOString(), options: o, series, targets, markdown }, null, 2) + '\n',
  );
}

main();
