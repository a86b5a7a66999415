#!/usr/bin/env node
// bench/run.mjs - `npm run bench`: Vault against restic, borg and git.
//
// Generates (or reuses) a seeded synthetic corpus with bench/make-corpus, runs
// bench/peers on it (every tool, Vault included, goes through the same timing
// code), then prints a summary table, Vault's ratios to each peer and the
// issue's targets with PASS/FAIL, and writes the same data as JSON.
// Plain Node ESM, built-in modules only.  See bench/README.md.

import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode24 } from './node24.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const PROJECT = path.dirname(BENCH_DIR);
const MAKE_CORPUS = path.join(BENCH_DIR, 'make-corpus');
const PEERS = path.join(BENCH_DIR, 'peers');
const VAULT_BIN = path.resolve(process.env.VAULT_BIN || path.join(PROJECT, 'bin', 'vault'));

const STEPS = ['backup-initial', 'backup-nochange', 'backup-mutated', 'restore'];
const KNOWN_TOOLS = ['vault-node24', 'vault', 'restic', 'restic-max', 'borg', 'git'];
/** Vault on Node 24 from the npm registry (installed into the work dir), and on this machine's node */
const VAULT_TOOLS = ['vault-node24', 'vault'];
const GiB = 1024 * 1024 * 1024;
const PEER_TOOLS = ['restic', 'restic-max', 'borg', 'git'];
const MiB = 1024 * 1024;

// Issue targets (see bench/README.md)
const LIMITS = {
  initialVsBackupPeers: 0.8,
  initialCpuVsBorg: 1.0,
  nochangeVsGit: 3.0,
  mutatedVsBackupPeers: 0.8,
  growthVsNewBytes: 1.0,
  restoreVsFastestPeer: 0.8,
  repoVsBorg: 1.0,
  peakRssMiB: 150,
};

const USAGE = `Usage: npm run bench -- [options]      (or: node bench/run.mjs [options])

  --size SIZE    corpus size for make-corpus (default 1G; e.g. 100M, 2G)
  --quick        --size 100M and 1 repetition (explicit --size/--reps win)
  --reps N       repetitions of every tool's sequence (default 1; the
                 published table uses 3); the table shows medians
  --seed N       corpus and mutation seed (default 1)
  --tools LIST   comma separated, run in this order (default
                 vault-node24,vault,restic,borg,git; also restic-max).
                 vault = Vault on this machine's node; vault-node24 = on
                 Node 24 from the npm registry (see --node24)
  --node24 DIR   folder holding a Node 24 \`node\` for vault-node24 (default:
                 npm install node@24 into <work>/node24 once); none = skip
  --work DIR     work dir: corpus, peers' repos/logs, results
                 (default <project>/.bench-work, git-ignored)
  --json FILE    JSON results (default <work>/results.json)
  --no-install   never try to apt-get install missing peers
  --no-builds    skip the builds scenario (game asset chunker vs plain CDC)
  --no-images    skip the images scenario (visual diff of 8192x8192 and 16384x8192 PNGs)
  --no-sync      skip the sync scenario (vault push/clone vs git push/clone --mirror over a
                 local git http-backend: bench/sync.mjs)
  --no-tui       skip the TUI open time (1,000 snapshots x 10,000 files: in-process,
                 and the whole vault tui command on a pty to its first frame)
  --scale        also run the scale scenario (bench/scale.mjs: 10k..1M files,
                 1..16 GiB; long: see bench/README.md)
  -h, --help     this help

Environment: VAULT_BIN = Vault CLI run as \`$VAULT_BIN\` (through its #! line)
(default <project>/bin/vault; \`npm run bench\` builds first).
Exit status: 0 = ran (targets missed are reported, not fatal); 1 = Vault
failed a step or its restore DIFFERS from the source; 2 = usage/setup error.`;

// ---------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------
function die(msg, code = 2) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = {
    size: null,
    reps: null,
    seed: 1,
    tools: 'vault-node24,vault,restic,borg,git',
    node24: null,
    work: null,
    json: null,
    install: true,
    quick: false,
  };
  const need = (i, name) => {
    if (i + 1 >= argv.length) die(`${name} needs a value\n\n${USAGE}`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const val = () => (inline !== null ? inline : need(i++, a));
    switch (a) {
      case '--size':
        o.size = val();
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--reps':
        o.reps = val();
        break;
      case '--seed':
        o.seed = val();
        break;
      case '--tools':
        o.tools = val();
        break;
      case '--work':
        o.work = val();
        break;
      case '--json':
        o.json = val();
        break;
      case '--no-install':
        o.install = false;
        break;
      case '--no-images':
        o.images = false;
        break;
      case '--no-builds':
        o.builds = false;
        break;
      case '--no-tui':
        o.tui = false;
        break;
      case '--no-sync':
        o.sync = false;
        break;
      case '--scale':
        o.scale = true;
        break;
      case '--node24':
        o.node24 = val();
        break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        die(`unknown option ${argv[i]}\n\n${USAGE}`);
    }
  }
  o.size = o.size ?? (o.quick ? '100M' : '1G');
  if (!/^\d+(\.\d+)?[KMGkmg]?$/.test(o.size)) die(`bad --size ${o.size} (e.g. 100M, 1G)`);
  o.reps = Number(o.reps ?? 1);
  if (!Number.isInteger(o.reps) || o.reps < 1) die('--reps must be a positive integer');
  o.seed = Number(o.seed);
  if (!Number.isInteger(o.seed) || o.seed < 0) die('--seed must be a non-negative integer');
  o.tools = o.tools
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of o.tools) if (!KNOWN_TOOLS.includes(t)) die(`unknown tool ${t} (known: ${KNOWN_TOOLS.join(', ')})`);
  if (new Set(o.tools).size !== o.tools.length) die('--tools lists a tool twice');
  o.work = path.resolve(o.work ?? path.join(PROJECT, '.bench-work'));
  o.json = path.resolve(o.json ?? path.join(o.work, 'results.json'));
  return o;
}

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

function which(cmd) {
  if (cmd.includes('/')) {
    try {
      fs.accessSync(cmd, fs.constants.X_OK);
      return cmd;
    } catch {
      return null;
    }
  }
  for (const dir of (process.env.PATH || '').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return null;
}

function capture(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) return null;
  return (r.stdout || r.stderr || '').trim().split('\n')[0];
}

function runInherit(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    child.on('error', (e) => {
      log(`${cmd}: ${e.message}`);
      resolve(127);
    });
    child.on('close', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
  });
}

const median = (v) => {
  const s = v.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const num = (x) => (x === undefined || x === '' || x === '-' ? NaN : Number(x));
const fmt = (v, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const ratio = (a, b) =>
  a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : a / b;
function tailOf(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n') || null;
  } catch {
    return null;
  }
}
function headOf(file, n) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(0, n).join('\n') || null;
  } catch {
    return null;
  }
}
const fmtX = (r) => (r === null ? '-' : `${r.toFixed(2)}x`);

// markdown table, columns padded so it also reads well in a terminal
function mdTable(header, rows, align) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const w = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const pad = (s, i) => (align[i] === 'r' ? s.padStart(w[i]) : s.padEnd(w[i]));
  const line = (r) => `| ${r.map(pad).join(' | ')} |`;
  const sep = `|${w.map((n, i) => (align[i] === 'r' ? '-'.repeat(n + 1) + ':' : '-'.repeat(n + 2))).join('|')}|`;
  return [line(all[0]), sep, ...all.slice(1).map(line)].join('\n');
}

// ---------------------------------------------------------------------------
// prerequisites
// ---------------------------------------------------------------------------
const TOOL_CMD = { restic: 'restic', 'restic-max': 'restic', borg: 'borg', git: 'git' };
const APT_PKG = {
  restic: 'restic',
  borg: 'borgbackup',
  git: 'git',
  zstd: 'zstd',
  '/usr/bin/time': 'time',
  python3: 'python3',
};
const BASE_PKGS = ['restic', 'borgbackup', 'zstd', 'time'];

function missingCommands(opts) {
  const needed = new Set(['python3', '/usr/bin/time', 'zstd']);
  for (const t of opts.tools) if (TOOL_CMD[t]) needed.add(TOOL_CMD[t]);
  return [...needed].filter((c) => !which(c));
}

async function checkPrereqs(opts) {
  let missing = missingCommands(opts);
  if (missing.length) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const apt = which('apt-get');
    if (opts.install && isRoot && apt) {
      const pkgs = [...BASE_PKGS];
      for (const c of missing) if (APT_PKG[c] && !pkgs.includes(APT_PKG[c])) pkgs.push(APT_PKG[c]);
      log(`missing: ${missing.join(', ')}; running as root, so installing them:`);
      log(`apt-get update && apt-get install -y ${pkgs.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      let rc = await runInherit('apt-get', ['update'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      if (rc === 0)
        rc = await runInherit('apt-get', ['install', '-y', ...pkgs], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      if (rc !== 0) log(`apt-get failed (exit ${rc}); continuing with what is installed`);
      missing = missingCommands(opts);
    } else {
      const why = !opts.install ? '--no-install given' : !isRoot ? 'not running as root' : 'apt-get not found';
      log(
        `missing: ${missing.join(', ')}; not installing (${why}). ` +
          `To install: sudo apt-get install -y ${BASE_PKGS.join(' ')}`,
      );
    }
  }
  for (const c of ['python3', '/usr/bin/time']) {
    if (missing.includes(c))
      die(
        `${c} is required (make-corpus needs python3, peers times with GNU /usr/bin/time); install package ${APT_PKG[c]}`,
      );
  }
  const skipped = [];
  const tools = [];
  for (const t of opts.tools) {
    const c = TOOL_CMD[t];
    if (c && missing.includes(c)) {
      skipped.push({ tool: t, reason: `\`${c}\` not found (apt-get install ${APT_PKG[c]})` });
    } else tools.push(t);
  }
  let node24 = null;
  if (tools.includes('vault-node24')) {
    const n = opts.node24 === 'none' ? { error: '--node24 none' } : ensureNode24(opts.work, opts.node24, log);
    if (n.error) {
      skipped.push({ tool: 'vault-node24', reason: n.error });
      tools.splice(tools.indexOf('vault-node24'), 1);
    } else node24 = n;
  }
  for (const s of skipped) log(`skipping ${s.tool}: ${s.reason}`);
  const baseline = !missing.includes('zstd');
  if (!baseline) log('zstd not found: skipping the physical baseline (peers -B)');
  if (tools.some((t) => VAULT_TOOLS.includes(t)) && !fs.existsSync(VAULT_BIN)) {
    die(
      `no Vault CLI at ${VAULT_BIN}: build the project first (\`npm run bench\` does), set VAULT_BIN, or leave vault out of --tools`,
    );
  }
  return { tools, skipped, baseline, node24 };
}

// ---------------------------------------------------------------------------
// corpus
// ---------------------------------------------------------------------------
async function ensureCorpus(opts) {
  const dir = path.join(opts.work, `corpus-${opts.size}-s${opts.seed}`);
  // the marker lives next to the corpus, not inside it (it would be backed up)
  const marker = `${dir}.complete`;
  if (fs.existsSync(marker) && fs.existsSync(dir)) {
    log(`reusing corpus ${dir}`);
    return dir;
  }
  fs.rmSync(marker, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(opts.work, { recursive: true });
  log(`generating corpus ${dir} (--size ${opts.size} --seed ${opts.seed})`);
  const rc = await runInherit(
    'python3',
    [MAKE_CORPUS, 'generate', dir, '--size', opts.size, '--seed', String(opts.seed)],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (rc !== 0) die(`make-corpus failed (exit ${rc})`);
  fs.writeFileSync(marker, JSON.stringify({ size: opts.size, seed: opts.seed, date: new Date().toISOString() }) + '\n');
  return dir;
}

// ---------------------------------------------------------------------------
// results
// ---------------------------------------------------------------------------
function readTsv(file) {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length);
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
  });
}

function aggregate(rows) {
  const groups = new Map();
  for (const r of rows) {
    const k = `${r.tool}\t${r.step}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const out = new Map();
  for (const [k, rs] of groups) {
    const [tool, step] = k.split('\t');
    const notes = [...new Set(rs.map((r) => r.note).filter(Boolean))];
    const failed = notes.some((n) => n.startsWith('FAILED'));
    out.set(k, {
      tool,
      step,
      reps: rs.length,
      wall_s: median(rs.map((r) => num(r.wall_s))),
      wall_s_min: Math.min(...rs.map((r) => num(r.wall_s))),
      cpu_s: median(rs.map((r) => num(r.cpu_s))),
      peak_rss_mib: Math.max(...rs.map((r) => num(r.peak_rss_KiB) || 0)) / 1024,
      repo_bytes: median(rs.map((r) => num(r.repo_bytes))),
      data_bytes: median(rs.map((r) => num(r.data_bytes))),
      other_cpu_pct_max: Math.max(...rs.map((r) => num(r.other_cpu_pct) || 0)),
      failed,
      check: step === 'restore' ? (notes.length ? notes.join('; ') : '-') : failed ? notes.join('; ') : '',
      notes,
    });
  }
  return out;
}

function readMutate(logsDir) {
  let files = [];
  try {
    files = fs
      .readdirSync(logsDir)
      .filter((f) => f.endsWith('.mutate.json'))
      .sort();
  } catch {
    /* none */
  }
  if (!files.length) return null;
  // prefer vault's own mutate log; all should be identical (peers warns if not)
  const pick = files.find((f) => f.startsWith('vault.')) ?? files[0];
  try {
    const d = JSON.parse(fs.readFileSync(path.join(logsDir, pick), 'utf8'));
    const ops = {};
    for (const o of d.ops || []) ops[o.op] = (ops[o.op] || 0) + 1;
    const distinct = new Set(files.map((f) => fs.readFileSync(path.join(logsDir, f), 'utf8'))).size;
    return { file: path.join(logsDir, pick), new_bytes: d.new_bytes, ops, identical_across_runs: distinct === 1 };
  } catch (e) {
    log(`cannot read ${pick}: ${e.message}`);
    return null;
  }
}

function machineInfo() {
  const cpus = os.cpus();
  let kernel = os.release();
  return {
    cores: cpus.length,
    ram_bytes: os.totalmem(),
    ram_gib: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    cpu_model: cpus[0]?.model?.trim() || 'unknown',
    kernel,
    platform: `${os.platform()} ${os.arch()}`,
    node: process.version,
    hostname: os.hostname(),
  };
}

function toolVersions(tools, node24) {
  const v = {};
  for (const t of tools) {
    if (t === 'vault')
      v.vault = fs.existsSync(VAULT_BIN) ? `${capture(VAULT_BIN, ['--version'])} on node ${process.version}` : null;
    else if (t === 'vault-node24' && node24) v['vault-node24'] = `on node ${node24.version} (${node24.dir})`;
    else if (t.startsWith('restic')) v[t] = capture('restic', ['version']);
    else if (t === 'borg') v.borg = capture('borg', ['--version']);
    else if (t === 'git') v.git = capture('git', ['--version']);
  }
  const z = capture('zstd', ['--version']);
  v.zstd = z ? (z.match(/v\d+\.\d+\.\d+/)?.[0] ?? z) : null;
  v.python3 = capture('python3', ['--version']);
  return v;
}

function corpusStats(dir) {
  let files = 0,
    bytes = 0;
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        files++;
        bytes += fs.statSync(p).size;
      }
    }
  })(dir);
  return { files, bytes };
}

// ---------------------------------------------------------------------------
// Vault against its peers, per runtime (vault, vault-node24)
// ---------------------------------------------------------------------------
const okRow = (a) => a && !a.failed && Number.isFinite(a.wall_s);

function vaultRatios(get, vt, peers) {
  const out = [];
  for (const step of STEPS) {
    const v = get(vt, step);
    for (const p of peers) {
      const o = get(p, step);
      const both = v && o && !v.failed && !o.failed;
      out.push({
        vault: vt,
        step,
        peer: p,
        wall: both ? ratio(v.wall_s, o.wall_s) : null,
        cpu: both ? ratio(v.cpu_s, o.cpu_s) : null,
        peak_rss: v && o ? ratio(v.peak_rss_mib, o.peak_rss_mib) : null,
        repo: v && o ? ratio(v.repo_bytes, o.repo_bytes) : null,
      });
    }
  }
  return out;
}

function target(vt, name, vaultVal, refVal, refDesc, limit, unit) {
  const r = ratio(vaultVal, refVal);
  let result;
  // no Vault value = the Vault step failed or did not run: the target is not met
  if (vaultVal === null || vaultVal === undefined || !Number.isFinite(vaultVal)) result = 'FAIL';
  else if (refVal === null || refVal === undefined || !Number.isFinite(refVal)) result = 'n/a';
  else result = r <= limit ? 'PASS' : 'FAIL';
  return {
    vault: vt,
    target: name,
    value: vaultVal ?? null,
    reference: refVal ?? null,
    reference_desc: refDesc,
    ratio: r,
    limit,
    unit,
    result,
    hard: false,
  };
}

function vaultTargets(get, vt, peers, mutate, agg) {
  const fastest = (tools, step) => {
    let best = null;
    for (const t of tools) {
      const a = get(t, step);
      if (okRow(a) && (!best || a.wall_s < best.wall_s)) best = a;
    }
    return best;
  };
  const [vi, vn, vm, vr] = STEPS.map((st) => get(vt, st));
  const backupPeers = peers.filter((p) => p === 'restic' || p === 'borg');
  const wall = (a) => (okRow(a) ? a.wall_s : null);
  const desc = (a, what) => (a ? `${a.tool} ${fmt(a.wall_s)} s` : what);
  const out = [];
  let ref = fastest(backupPeers, 'backup-initial');
  out.push(
    target(
      vt,
      'initial backup time <= 0.8x faster of restic/borg',
      wall(vi),
      ref?.wall_s,
      desc(ref, 'restic/borg not run'),
      LIMITS.initialVsBackupPeers,
      's',
    ),
  );
  const borgI = get('borg', 'backup-initial');
  out.push(
    target(
      vt,
      'initial backup CPU <= 1.0x borg',
      okRow(vi) ? vi.cpu_s : null,
      okRow(borgI) ? borgI.cpu_s : null,
      okRow(borgI) ? `borg ${fmt(borgI.cpu_s)} CPU s` : 'borg not run',
      LIMITS.initialCpuVsBorg,
      'CPU s',
    ),
  );
  ref = okRow(get('git', 'backup-nochange')) ? get('git', 'backup-nochange') : null;
  out.push(
    target(
      vt,
      'unchanged re-backup time <= 3x git',
      wall(vn),
      ref?.wall_s,
      desc(ref, 'git not run'),
      LIMITS.nochangeVsGit,
      's',
    ),
  );
  ref = fastest(backupPeers, 'backup-mutated');
  out.push(
    target(
      vt,
      'backup after mutation time <= 0.8x faster of restic/borg',
      wall(vm),
      ref?.wall_s,
      desc(ref, 'restic/borg not run'),
      LIMITS.mutatedVsBackupPeers,
      's',
    ),
  );
  const growth =
    okRow(vn) && okRow(vm) && Number.isFinite(vn.repo_bytes) && Number.isFinite(vm.repo_bytes)
      ? (vm.repo_bytes - vn.repo_bytes) / MiB
      : null;
  const newMiB = mutate && Number.isFinite(mutate.new_bytes) ? mutate.new_bytes / MiB : null;
  out.push(
    target(
      vt,
      'repo growth nochange->mutated <= 1.0x mutation new_bytes',
      growth,
      newMiB,
      newMiB !== null ? `new_bytes ${fmt(newMiB, 1)} MiB` : 'no mutate log',
      LIMITS.growthVsNewBytes,
      'MiB',
    ),
  );
  ref = fastest(peers, 'restore');
  out.push(
    target(
      vt,
      'restore time <= 0.8x fastest peer',
      wall(vr),
      ref?.wall_s,
      desc(ref, 'no peer run'),
      LIMITS.restoreVsFastestPeer,
      's',
    ),
  );
  out.push(
    target(
      vt,
      'repo size after initial <= borg',
      okRow(vi) ? vi.repo_bytes / MiB : null,
      okRow(borgI) ? borgI.repo_bytes / MiB : null,
      okRow(borgI) ? `borg ${fmt(borgI.repo_bytes / MiB, 1)} MiB` : 'borg not run',
      LIMITS.repoVsBorg,
      'MiB',
    ),
  );
  const vaultRows = [...agg.values()].filter((a) => a.tool === vt);
  const rss = vaultRows.length ? Math.max(...vaultRows.map((a) => a.peak_rss_mib)) : null;
  out.push(target(vt, 'vault peak RSS <= 150 MiB (max over all steps)', rss, LIMITS.peakRssMiB, '150 MiB', 1.0, 'MiB'));
  // hard check: restore must reproduce the source exactly
  const check = vr ? vr.check : 'not run';
  out.push({
    vault: vt,
    target: 'restore check identical (hard)',
    value: check,
    reference: 'identical',
    reference_desc: 'diff -r',
    ratio: null,
    limit: null,
    unit: '',
    result: check === 'identical' ? 'PASS' : 'FAIL',
    hard: true,
  });
  return out;
}

/**
 * Per repetition: the first step of `vt` that failed or did not run (peers aborts the tool's sequence there),
 * with the tail of its stderr; and a restore that is not identical to the source.
 */
function vaultHardFailures(rows, vt, reps, logsDir) {
  const out = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const step of ['init', ...STEPS]) {
      const r = rows.find((x) => x.tool === vt && x.rep === String(rep) && x.step === step);
      const errFile = path.join(logsDir, `${vt}.r${rep}.${step}.err`);
      if (!r || r.note.startsWith('FAILED')) {
        out.push({
          vault: vt,
          rep,
          step,
          what: r ? r.note : fs.existsSync(errFile) ? 'FAILED' : 'not run',
          file: fs.existsSync(errFile) ? errFile : path.join(logsDir, '*'),
          excerpt: tailOf(errFile, 15),
        });
        break;
      }
      if (step === 'restore' && r.note !== 'identical') {
        const diffFile = path.join(logsDir, `${vt}.r${rep}.diff`);
        out.push({ vault: vt, rep, step, what: r.note || 'no check', file: diffFile, excerpt: headOf(diffFile, 15) });
      }
    }
  }
  return out;
}

/** CPU seconds per GiB of data (source tree for backups, restored tree for restore), per tool. */
function cpuPerGiBRows(get, tools) {
  return tools.map((tool) => {
    const per = (step) => {
      const a = get(tool, step);
      return okRow(a) && a.data_bytes > 0 ? a.cpu_s / (a.data_bytes / GiB) : null;
    };
    return { tool, initial: per('backup-initial'), mutated: per('backup-mutated'), restore: per('restore') };
  });
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------
async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = new Date();
  const loadStart = os.loadavg();
  const pre = await checkPrereqs(opts);
  const corpus = await ensureCorpus(opts);
  const peersWork = path.join(opts.work, 'peers');

  const peerArgs = ['-w', peersWork, '-t', pre.tools.join(','), '-n', String(opts.reps), '-s', String(opts.seed)];
  if (!pre.baseline) peerArgs.push('-B');
  peerArgs.push(corpus);
  log(`bash ${PEERS} ${peerArgs.join(' ')}`);
  const peersRc = await runInherit('bash', [PEERS, ...peerArgs], {
    env: { ...process.env, VAULT_BIN, ...(pre.node24 ? { VAULT_NODE24_DIR: pre.node24.dir } : {}) },
    // peers prints its own markdown report on stdout; it is also in results.md
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tsvFile = path.join(peersWork, 'results.tsv');
  if (peersRc !== 0 || !fs.existsSync(tsvFile)) die(`peers failed (exit ${peersRc}); see above and ${peersWork}/logs`);

  const rows = readTsv(tsvFile);
  const agg = aggregate(rows);
  const get = (tool, step) => agg.get(`${tool}\t${step}`) ?? null;
  const mutate = readMutate(path.join(peersWork, 'logs'));
  const machine = machineInfo();
  const versions = toolVersions(pre.tools, pre.node24);
  const cstats = corpusStats(corpus);
  const peers = pre.tools.filter((t) => PEER_TOOLS.includes(t));
  const hasVault = pre.tools.some((t) => VAULT_TOOLS.includes(t));

  // ---- main table -------------------------------------------------------
  const results = [];
  for (const step of STEPS) {
    for (const tool of pre.tools) {
      const a = get(tool, step);
      results.push(a ?? { tool, step, missing: true });
    }
  }
  const noisy = (a) => a.other_cpu_pct_max >= 50 && a.wall_s >= 0.5;
  const disturbed = results.filter((a) => !a.missing && noisy(a));
  const mainRows = results.map((a) =>
    a.missing
      ? [a.step, a.tool, '-', '-', '-', '-', 'NOT RUN (see log)']
      : [
          a.step,
          a.tool,
          fmt(a.wall_s),
          fmt(a.cpu_s),
          fmt(a.peak_rss_mib, 0),
          fmt(a.repo_bytes / MiB, 1),
          [a.check, noisy(a) ? 'noisy*' : ''].filter(Boolean).join(' '),
        ],
  );

  // ---- ratios, targets, hard failures: for each Vault runtime ------------------
  const vaultTools = pre.tools.filter((t) => VAULT_TOOLS.includes(t));
  const ratios = vaultTools.flatMap((vt) => vaultRatios(get, vt, peers));
  const targets = vaultTools.flatMap((vt) => vaultTargets(get, vt, peers, mutate, agg));
  const hardFailures = vaultTools.flatMap((vt) => vaultHardFailures(rows, vt, opts.reps, path.join(peersWork, 'logs')));
  const cpuPerGiB = cpuPerGiBRows(get, pre.tools);
  const exitCode = hardFailures.length ? 1 : 0;

  // ---- print ----------------------------------------------------------------
  const out = [];
  out.push(`## Vault benchmark: ${pre.tools.join(', ')}`);
  out.push('');
  out.push(
    `- date: ${started.toISOString().replace(/\.\d+Z$/, 'Z')}; machine: ${machine.cores} cores, ${machine.ram_gib} GiB RAM, ${machine.cpu_model}, ${machine.platform}, kernel ${machine.kernel}, node ${machine.node}`,
  );
  out.push(
    `- corpus: make-corpus --size ${opts.size} --seed ${opts.seed}: ${cstats.files} files, ${fmt(cstats.bytes / MiB, 1)} MiB`,
  );
  if (mutate) {
    out.push(
      `- mutation (make-corpus mutate --seed ${opts.seed}): ${Object.entries(mutate.ops)
        .sort()
        .map(([k, n]) => `${k} x${n}`)
        .join(', ')}; new_bytes ${fmt(mutate.new_bytes / MiB, 1)} MiB` +
        (mutate.identical_across_runs ? '' : ' (WARNING: mutate logs differ between runs)'),
    );
  }
  const loadEnd = os.loadavg();
  out.push(
    `- load average (1/5/15 min, ${machine.cores} cores; other helpers' work shows here): at start ` +
      `${loadStart.map((x) => x.toFixed(2)).join('/')}, at end ${loadEnd.map((x) => x.toFixed(2)).join('/')}`,
  );
  out.push(
    `- repetitions: ${opts.reps}${opts.reps > 1 ? ' (wall/CPU/repo = median, peak RSS = max)' : ''}; page cache warm`,
  );
  out.push(
    `- versions: ${Object.entries(versions)
      .map(([k, v]) => `${k}: ${v ?? 'unknown'}`)
      .join('; ')}`,
  );
  for (const s of pre.skipped) out.push(`- skipped ${s.tool}: ${s.reason}`);
  const base = [...agg.values()].filter((a) => a.tool === 'baseline');
  if (base.length)
    out.push(`- physical baseline (warm cache, wall s): ${base.map((a) => `${a.step} ${fmt(a.wall_s)}`).join(', ')}`);
  out.push('');
  out.push('### Results');
  out.push('');
  out.push(
    mdTable(['step', 'tool', 'wall s', 'CPU s', 'peak RSS MiB', 'repo MiB', 'check'], mainRows, [
      'l',
      'l',
      'r',
      'r',
      'r',
      'r',
      'l',
    ]),
  );
  if (disturbed.length)
    out.push(
      '\n\\* noisy: other processes used >= 50% of a core during this step (of >= 0.5 s); its timing may be disturbed.',
    );
  out.push('');
  out.push('### CPU seconds per GiB (user + system, all threads; data = source tree, restored tree for restore)');
  out.push('');
  out.push(
    mdTable(
      ['tool', 'initial backup', 'backup after mutation', 'restore'],
      cpuPerGiB.map((c) => [c.tool, fmt(c.initial), fmt(c.mutated), fmt(c.restore)]),
      ['l', 'r', 'r', 'r'],
    ),
  );
  if (hasVault && ratios.length) {
    out.push('');
    out.push('### Vault / peer (below 1.00x = Vault is faster / smaller)');
    out.push('');
    out.push(
      mdTable(
        ['vault', 'step', 'peer', 'wall', 'CPU', 'peak RSS', 'repo'],
        ratios.map((r) => [r.vault, r.step, r.peer, fmtX(r.wall), fmtX(r.cpu), fmtX(r.peak_rss), fmtX(r.repo)]),
        ['l', 'l', 'l', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  if (hasVault) {
    out.push('');
    out.push('### Targets');
    out.push('');
    out.push(
      mdTable(
        ['runtime', 'target', 'vault', 'reference', 'ratio', 'limit', 'result'],
        targets.map((t) => [
          t.vault,
          t.target,
          typeof t.value === 'number' ? `${fmt(t.value, t.unit === 'MiB' ? 1 : 2)} ${t.unit}` : (t.value ?? '-'),
          t.reference_desc,
          t.ratio === null ? '-' : `${t.ratio.toFixed(3)}x`,
          t.limit === null ? '-' : `${t.limit.toFixed(2)}x`,
          t.result,
        ]),
        ['l', 'l', 'r', 'l', 'r', 'r', 'l'],
      ),
    );
    const pass = targets.filter((t) => t.result === 'PASS').length;
    const fail = targets.filter((t) => t.result === 'FAIL').length;
    out.push('');
    out.push(`Targets: ${pass} PASS, ${fail} FAIL, ${targets.length - pass - fail} n/a.`);
  } else {
    out.push('');
    out.push('(vault not in --tools: no ratios or targets)');
  }
  if (hardFailures.length) {
    out.push('');
    out.push('**HARD FAILURE** (exit 1):');
    for (const h of hardFailures) {
      out.push('');
      out.push(`- ${h.vault} ${h.step} (rep ${h.rep}): ${h.what}; see ${h.file}`);
      if (h.excerpt) out.push('', '```', h.excerpt, '```');
    }
  }
  out.push('');
  out.push(
    `Raw: ${tsvFile}, ${path.join(peersWork, 'results.md')}, logs in ${path.join(peersWork, 'logs')}; JSON: ${opts.json}`,
  );
  // ---- builds scenario (Vault alone: game asset chunker vs plain CDC) ------------
  let builds = null;
  if (opts.builds !== false && hasVault) {
    const buildsJson = path.join(opts.work, 'builds.json');
    const r = spawnSync(
      process.execPath,
      [path.join(PROJECT, 'bench', 'builds.mjs'), '--json', buildsJson, '--work', path.join(opts.work, 'builds')],
      { encoding: 'utf8' },
    );
    if (r.status === 0) {
      out.push('', r.stdout.trim());
      builds = JSON.parse(fs.readFileSync(buildsJson, 'utf8'));
    } else
      out.push(
        '',
        `builds scenario failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-5).join(' | ')}`,
      );
  }
  // ---- images scenario (Vault alone: visual diff of 8k and 16k PNGs, bench/images.mjs) ----
  let images = null;
  if (opts.images !== false && pre.tools.includes('vault')) {
    const imagesJson = path.join(opts.work, 'images.json');
    const r = spawnSync(
      process.execPath,
      [path.join(PROJECT, 'bench', 'images.mjs'), '--json', imagesJson, '--work', path.join(opts.work, 'images')],
      { encoding: 'utf8' },
    );
    if (r.status === 0) {
      out.push('', r.stdout.trim());
      images = JSON.parse(fs.readFileSync(imagesJson, 'utf8'));
    } else
      out.push(
        '',
        `images scenario failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-5).join(' | ')}`,
      );
  }
  // ---- TUI open time (Vault alone, in-process: bench/tui-open.mjs) ------------------
  let tuiOpen = null;
  if (opts.tui !== false && hasVault) {
    const tuiJson = path.join(opts.work, 'tui-open.json');
    const r = spawnSync(
      process.execPath,
      [path.join(PROJECT, 'bench', 'tui-open.mjs'), '--json', tuiJson, '--work', path.join(opts.work, 'tui-open')],
      { encoding: 'utf8' },
    );
    if (r.status === 0) {
      out.push('', r.stdout.trim());
      tuiOpen = JSON.parse(fs.readFileSync(tuiJson, 'utf8'));
    } else
      out.push(
        '',
        `TUI open-time measurement failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-5).join(' | ')}`,
      );
  }
  // ---- sync scenario (bench/sync.mjs: push and clone vs git over a local git http-backend) ----
  let sync = null;
  if (opts.sync !== false && hasVault) {
    const syncJson = path.join(opts.work, 'sync.json');
    const args = [path.join(BENCH_DIR, 'sync.mjs'), '--corpus', corpus, '--seed', String(opts.seed)];
    args.push('--json', syncJson, '--work', path.join(opts.work, 'sync'));
    if (pre.node24) args.push('--node24', pre.node24.dir);
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, VAULT_BIN } });
    if (r.status === 0) {
      out.push('', r.stdout.trim());
      sync = JSON.parse(fs.readFileSync(syncJson, 'utf8'));
    } else
      out.push(
        '',
        `sync scenario failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-5).join(' | ')}`,
      );
  }
  // ---- scale scenario (bench/scale.mjs: how cost grows with files and bytes) ------------------
  let scale = null;
  if (opts.scale && hasVault) {
    const scaleJson = path.join(opts.work, 'scale.json');
    const args = [path.join(BENCH_DIR, 'scale.mjs'), '--json', scaleJson, '--work', path.join(opts.work, 'scale')];
    if (pre.node24) args.push('--node24', pre.node24.dir);
    const rc = await runInherit(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    if (rc === 0) {
      scale = JSON.parse(fs.readFileSync(scaleJson, 'utf8'));
      out.push('', scale.markdown.trim());
    } else out.push('', `scale scenario failed (exit ${rc}); see its log above`);
  }
  const text = out.join('\n') + '\n';
  process.stdout.write('\n' + text);
  fs.mkdirSync(opts.work, { recursive: true });
  fs.writeFileSync(path.join(opts.work, 'summary.md'), text);

  // ---- JSON -----------------------------------------------------------------
  const json = {
    date: started.toISOString(),
    finished: new Date().toISOString(),
    options: {
      size: opts.size,
      quick: opts.quick,
      reps: opts.reps,
      seed: opts.seed,
      tools_requested: opts.tools,
      tools_run: pre.tools,
      work: opts.work,
      baseline: pre.baseline,
    },
    machine: { ...machine, load_start: loadStart, load_end: loadEnd },
    tool_versions: versions,
    skipped: pre.skipped,
    corpus: { path: corpus, ...cstats },
    mutate,
    results: results.map((a) =>
      a.missing
        ? a
        : {
            tool: a.tool,
            step: a.step,
            reps: a.reps,
            wall_s: a.wall_s,
            wall_s_min: a.wall_s_min,
            cpu_s: a.cpu_s,
            peak_rss_mib: a.peak_rss_mib,
            repo_bytes: a.repo_bytes,
            repo_mib: a.repo_bytes / MiB,
            data_bytes: a.data_bytes,
            other_cpu_pct_max: a.other_cpu_pct_max,
            failed: a.failed,
            check: a.check || null,
          },
    ),
    baseline: base.map((a) => ({
      step: a.step,
      wall_s: a.wall_s,
      cpu_s: a.cpu_s,
      peak_rss_mib: a.peak_rss_mib,
      note: a.notes.join('; '),
    })),
    ratios_vault_over_peer: ratios,
    cpu_s_per_gib: cpuPerGiB,
    targets,
    hard_failures: hardFailures,
    builds,
    images,
    tui_open: tuiOpen,
    sync,
    scale,
    exit_code: exitCode,
    raw: { tsv: tsvFile, rows },
  };
  fs.mkdirSync(path.dirname(opts.json), { recursive: true });
  fs.writeFileSync(opts.json, JSON.stringify(json, null, 2) + '\n');
  process.exit(exitCode);
}

main().catch((e) => die(e.stack || String(e)));
