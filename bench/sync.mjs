#!/usr/bin/env node
// The "sync" scenario: Vault's push and clone against git's over the same local smart-HTTP server.
// A node http server on 127.0.0.1 runs git's own `git http-backend` per request (as test/sync/gitServer.ts
// does) and counts the request bytes of every receive-pack POST. The corpus is committed once with Vault
// (VAULT_DIR outside the tree) and once with plain git (GIT_DIR outside the tree; not timed), then, each
// under GNU time (wall, CPU, peak RSS):
//   push        `vault push` of the whole vault    vs  `git push --mirror` of the git repo (empty remotes)
//   clone       `vault clone` (vault + checkout)   vs  `git clone --mirror` (and `git clone`, with checkout)
//   mutate      `make-corpus mutate` (one day of work), then `vault commit` and a git commit (not timed)
//   push-incr   `vault push`                       vs  `git push --mirror`: request bytes vs new content
// Targets (issue 15): full push and clone within 1.5x git's wall time (`--mirror`), incremental push at most
// 1.0x the new content in bytes sent, clone peak RSS under 300 MiB.
// Usage: node bench/sync.mjs --corpus DIR [--work DIR] [--json FILE] [--seed N] [--node24 DIR]
//        node bench/sync.mjs --size 100M   (makes the corpus in <work>/corpus-100M-s1 when missing)
// (after npm run build; VAULT_BIN overrides bin/vault)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { benchDir, opt } from './cli-args.mjs';

const MiB = 1024 * 1024;
const work = path.resolve(opt('--work', path.join(benchDir, '..', '.bench-work', 'sync')));
const jsonOut = opt('--json', null);
const seed = opt('--seed', '1');
const node24 = opt('--node24', null);
const VAULT = process.env.VAULT_BIN ?? path.join(benchDir, '..', 'bin', 'vault');
const MAKE_CORPUS = path.join(benchDir, 'make-corpus');
const LIMIT_WALL = 1.5;
const LIMIT_INCR = 1.0;
const LIMIT_RSS_MIB = 300;

const log = (m) => process.stderr.write(`[sync] ${m}\n`);

/** A git smart-HTTP server (git http-backend), no auth; counts receive-pack request bytes. */
async function startServer(root) {
  const counter = { receive: 0, upload: 0 };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const receive = u.pathname.endsWith('/git-receive-pack') || u.searchParams.get('service') === 'git-receive-pack';
    const env = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'bench',
      REMOTE_ADDR: '127.0.0.1',
      GIT_HTTP_MAX_REQUEST_BUFFER: '4000M',
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin.on('error', () => {});
    req.on('data', (d) => {
      if (receive && req.method === 'POST') counter.receive += d.length;
      else if (req.method === 'POST') counter.upload += d.length;
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let done = false;
    child.stdout.on('data', (d) => {
      if (done) {
        if (!res.write(d)) {
          child.stdout.pause();
          res.once('drain', () => child.stdout.resume());
        }
        return;
      }
      head = Buffer.concat([head, d]);
      let i = head.indexOf('\r\n\r\n');
      let sep = 4;
      if (i < 0) [i, sep] = [head.indexOf('\n\n'), 2];
      if (i < 0) return;
      done = true;
      let status = 200;
      const headers = {};
      for (const line of head.subarray(0, i).toString('latin1').split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c < 0) continue;
        const k = line.slice(0, c).trim();
        if (k.toLowerCase() === 'status') status = parseInt(line.slice(c + 1), 10);
        else headers[k] = line.slice(c + 1).trim();
      }
      res.writeHead(status, headers);
      res.write(head.subarray(i + sep));
    });
    child.stdout.on('end', () => {
      if (!done) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, counter, url: (repo) => `http://127.0.0.1:${server.address().port}/${repo}` };
}

/** Run under GNU time without blocking the event loop (the server runs in this process). */
function timed(label, cmd, args, opts = {}) {
  const tf = path.join(work, `time-${label}.txt`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', tf, cmd, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new Error(`${label}: ${cmd} ${args.join(' ')} exited ${code}\n${err.slice(-2000)}`));
      const [wall, user, sys, rssKb] = fs.readFileSync(tf, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
      resolve({ label, wall_s: wall, cpu_s: user + sys, peak_rss_mib: rssKb / 1024, stdout: out });
    });
  });
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...opts,
    env: { ...process.env, ...opts.env },
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || '').slice(-2000)}`);
  return r.stdout;
}

function duBytes(dir) {
  return Number(sh('du', ['-sb', dir]).split('\t')[0]);
}

async function main() {
  let corpus = opt('--corpus', null);
  if (!corpus) {
    const size = opt('--size', '100M');
    corpus = path.join(path.dirname(work), `corpus-${size}-s${seed}`);
    if (!fs.existsSync(`${corpus}.complete`)) {
      fs.rmSync(corpus, { recursive: true, force: true });
      sh('python3', [MAKE_CORPUS, 'generate', corpus, '--size', size, '--seed', seed], { stdio: 'inherit' });
      fs.writeFileSync(`${corpus}.complete`, '');
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const src = path.join(work, 'src');
  const srvRoot = path.join(work, 'srv');
  fs.mkdirSync(srvRoot);
  sh('cp', ['-a', `${corpus}/.`, src]);
  const corpusBytes = duBytes(src);
  const vaultEnv = {
    VAULT_DIR: path.join(work, 'vault-repo'),
    VAULT_AUTHOR: 'Bench <bench@example.org>',
    NO_COLOR: '1',
    VAULT_GIT_CREDENTIAL_HELPER: '0',
    ...(node24 ? { PATH: `${node24}${path.delimiter}${process.env.PATH}` } : {}),
  };
  const gitEnv = {
    GIT_DIR: path.join(work, 'git-repo'),
    GIT_WORK_TREE: src,
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.org',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.org',
  };
  const git = (args, env = {}) => sh('git', args, { cwd: src, env: { ...gitEnv, ...env } });
  for (const name of ['vault.git', 'mirror.git']) {
    sh('git', ['init', '--quiet', '--bare', '-b', 'main', path.join(srvRoot, name)]);
    sh('git', ['-C', path.join(srvRoot, name), 'config', 'http.receivepack', 'true']);
  }
  const srv = await startServer(srvRoot);
  try {
    log(`commit the corpus (${(corpusBytes / MiB).toFixed(1)} MiB) with vault and git (not timed)`);
    sh(VAULT, ['init'], { cwd: src, env: vaultEnv });
    sh(VAULT, ['commit', '-m', 'initial'], { cwd: src, env: vaultEnv });
    sh(VAULT, ['remote', 'add', 'origin', srv.url('vault.git')], { cwd: src, env: vaultEnv });
    git(['init', '--quiet', '-b', 'main']);
    git(['config', 'gc.auto', '0']);
    git(['add', '-A']);
    git(['commit', '--quiet', '-m', 'initial']);
    git(['remote', 'add', 'origin', srv.url('mirror.git')]);
    // packed, as a git user's repository is after `git gc`: git push then sends its pack as it is
    git(['repack', '-a', '-d', '-q']);

    const rows = {};
    const measure = async (key, label, cmd, args, opts) => {
      log(`${label}`);
      srv.counter.receive = 0;
      const r = await timed(key, cmd, args, opts);
      rows[key] = { ...r, sent_bytes: srv.counter.receive, what: label };
      delete rows[key].stdout;
      return r;
    };
    await measure('vault-push', 'vault push (whole vault)', VAULT, ['push', '--json'], { cwd: src, env: vaultEnv });
    await measure('git-push', 'git push --mirror', 'git', ['push', '--quiet', '--mirror', 'origin'], {
      cwd: src,
      env: gitEnv,
    });
    await measure(
      'vault-clone',
      'vault clone (vault and checkout)',
      VAULT,
      ['clone', srv.url('vault.git'), path.join(work, 'vault-clone')],
      { cwd: work, env: { ...vaultEnv, VAULT_DIR: '' } },
    );
    // the same download without the checkout: a new vault, then `vault fetch` (next to git clone --mirror)
    const fetchDir = path.join(work, 'vault-fetch');
    fs.mkdirSync(fetchDir);
    sh(VAULT, ['init'], { cwd: fetchDir, env: { ...vaultEnv, VAULT_DIR: '' } });
    sh(VAULT, ['remote', 'add', 'origin', srv.url('vault.git')], {
      cwd: fetchDir,
      env: { ...vaultEnv, VAULT_DIR: '' },
    });
    await measure('vault-fetch', 'vault fetch into a new vault (clone without checkout)', VAULT, ['fetch'], {
      cwd: fetchDir,
      env: { ...vaultEnv, VAULT_DIR: '' },
    });
    await measure(
      'git-clone-mirror',
      'git clone --mirror',
      'git',
      ['clone', '--quiet', '--mirror', srv.url('mirror.git'), path.join(work, 'git-mirror')],
      { cwd: work },
    );
    await measure(
      'git-clone',
      'git clone (with checkout)',
      'git',
      ['clone', '--quiet', srv.url('mirror.git'), path.join(work, 'git-clone')],
      { cwd: work },
    );
    // the clones must hold the corpus
    for (const d of ['vault-clone', 'git-clone']) {
      const r = spawnSync('diff', ['-r', '-q', '-x', '.vault', '-x', '.git', src, path.join(work, d)], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`${d} differs from the source:\n${r.stdout.slice(0, 2000)}`);
    }

    log('mutate (one day of work), then commit with vault and git (not timed)');
    const mutate = JSON.parse(sh('python3', [MAKE_CORPUS, 'mutate', src, '--seed', seed]));
    sh(VAULT, ['commit', '-m', 'mutated'], { cwd: src, env: vaultEnv });
    git(['add', '-A']);
    git(['commit', '--quiet', '-m', 'mutated']);
    await measure('vault-push-incr', 'vault push (after mutate)', VAULT, ['push', '--json'], {
      cwd: src,
      env: vaultEnv,
    });
    await measure(
      'git-push-incr',
      'git push --mirror (after mutate)',
      'git',
      ['push', '--quiet', '--mirror', 'origin'],
      {
        cwd: src,
        env: gitEnv,
      },
    );
    const fsck = spawnSync('git', ['-C', path.join(srvRoot, 'vault.git'), 'fsck', '--full', '--strict'], {
      encoding: 'utf8',
    });

    const newBytes = mutate.new_bytes;
    const ratio = (a, b) => (rows[a] && rows[b] && rows[b].wall_s > 0 ? rows[a].wall_s / rows[b].wall_s : null);
    const targets = [
      { target: 'full push wall / git push --mirror', value: ratio('vault-push', 'git-push'), limit: LIMIT_WALL },
      {
        target: 'clone wall (fetch, no checkout) / git clone --mirror',
        value: ratio('vault-fetch', 'git-clone-mirror'),
        limit: LIMIT_WALL,
      },
      {
        target: 'clone wall (with checkout) / git clone (with checkout)',
        value: ratio('vault-clone', 'git-clone'),
        limit: LIMIT_WALL,
      },
      {
        target: 'incremental push bytes sent / new content',
        value: newBytes > 0 ? rows['vault-push-incr'].sent_bytes / newBytes : null,
        limit: LIMIT_INCR,
      },
      { target: 'clone peak RSS (MiB)', value: rows['vault-clone'].peak_rss_mib, limit: LIMIT_RSS_MIB },
    ].map((t) => ({ ...t, result: t.value === null ? 'n/a' : t.value <= t.limit ? 'PASS' : 'FAIL' }));

    const f = (x, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
    const out = [];
    out.push('### Sync: push and clone over a local git http-backend (Vault vs git)');
    out.push('');
    out.push(
      `- corpus ${(corpusBytes / MiB).toFixed(1)} MiB; mutate --seed ${seed}: new_bytes ${(newBytes / MiB).toFixed(1)} MiB; ` +
        `${cpus().length} cores, load ${loadavg()
          .map((x) => x.toFixed(2))
          .join('/')}; vault on ${node24 ? 'Node 24' : `node ${process.version}`}; ` +
        `git fsck --full --strict of Vault's remote: ${fsck.status === 0 ? 'clean' : 'FAILED'}`,
    );
    out.push('');
    out.push('| step | wall s | CPU s | peak RSS MiB | request MiB |');
    out.push('|---|--:|--:|--:|--:|');
    for (const r of Object.values(rows))
      out.push(
        `| ${r.what} | ${f(r.wall_s)} | ${f(r.cpu_s)} | ${f(r.peak_rss_mib, 0)} | ${f(r.sent_bytes / MiB, 1)} |`,
      );
    out.push('');
    out.push(
      `vault clone / git clone --mirror: ${f(ratio('vault-clone', 'git-clone-mirror'))}x; ` +
        `incremental push: vault ${f(rows['vault-push-incr'].sent_bytes / MiB, 1)} MiB, git ${f(rows['git-push-incr'].sent_bytes / MiB, 1)} MiB sent for ${f(newBytes / MiB, 1)} MiB of new content`,
    );
    out.push('');
    out.push('| target | value | limit | result |');
    out.push('|---|--:|--:|---|');
    for (const t of targets) out.push(`| ${t.target} | ${f(t.value)} | ${f(t.limit)} | ${t.result} |`);
    process.stdout.write(out.join('\n') + '\n');
    if (jsonOut)
      fs.writeFileSync(
        jsonOut,
        JSON.stringify(
          { corpus_bytes: corpusBytes, new_bytes: newBytes, rows, targets, fsck_clean: fsck.status === 0 },
          null,
          2,
        ) + '\n',
      );
    if (fsck.status !== 0) {
      log(`git fsck failed: ${fsck.stderr}`);
      process.exitCode = 1;
    }
  } finally {
    srv.server.close();
    srv.server.closeAllConnections?.();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
