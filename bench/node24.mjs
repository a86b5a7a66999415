// bench/node24.mjs - a Node 24 for the benchmark's vault-node24 rows: the npm registry's `node` package
// (a binary shipped inside a registry package), installed once into the bench work folder with npm itself.
// Plain Node ESM, built-ins only.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** `node --version` of the binary in `dir`, or null. */
export function nodeVersion(dir) {
  const bin = path.join(dir, 'node');
  if (!fs.existsSync(bin)) return null;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * The folder holding Node 24's `node`: `given` when set (checked), else `<work>/node24`, installed there with
 * `npm install node@24` when it is not yet. Returns { dir, version } or { error }.
 */
export function ensureNode24(work, given, log) {
  if (given) {
    const v = nodeVersion(given);
    if (!v?.startsWith('v24.')) return { error: `--node24 ${given}: no Node 24 \`node\` there (${v ?? 'none'})` };
    return { dir: path.resolve(given), version: v };
  }
  const prefix = path.join(work, 'node24');
  const dir = path.join(prefix, 'node_modules', '.bin');
  let v = nodeVersion(dir);
  if (!v?.startsWith('v24.')) {
    fs.mkdirSync(prefix, { recursive: true });
    log(`installing Node 24 from the npm registry: npm install --prefix ${prefix} node@24`);
    const r = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', 'node@24'], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 600_000,
    });
    if (r.status !== 0) return { error: `npm install node@24 failed: ${(r.stderr || '').trim().split('\n').pop()}` };
    v = nodeVersion(dir);
    if (!v?.startsWith('v24.')) return { error: `npm installed node ${v ?? 'nothing'} in ${dir}` };
  }
  return { dir, version: v };
}
