// Crash test: `vault commit`, `vault gc` and `vault prune` run as child processes on a real folder and are
// SIGKILLed at seeded random points. After every kill the vault verifies with --read-data, every snapshot
// still on the branch restores byte-identical, and (gc) no stored object went missing.
//   VAULT_CRASH_KILLS=50 (default 10 per command)   VAULT_CRASH_SEED=N (default 20261128)
import { spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { commit } from '../../src/porcelain/commit.js';
import { forget } from '../../src/porcelain/forget.js';
import { log } from '../../src/porcelain/log.js';
import { initVault, openVault, type Vault } from '../../src/porcelain/openVault.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { readHead } from '../../src/refs/refs.js';
import { mulberry32, prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { nodeFs, tempDir } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const KILLS = Number(process.env.VAULT_CRASH_KILLS ?? 10);
const SEED = Number(process.env.VAULT_CRASH_SEED ?? 20261128);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'vault');

const test = suite('reliability/crash');

let buildError: Error | undefined;
test.before(() => {
  if (process.env.VAULT_TEST_BUILT) return;
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) buildError = new Error(`build failed:\n${b.stdout}${b.stderr}`);
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stderr: string;
}

/** Run `vault ARGS` in `work`; kill it with SIGKILL after `killAfter` ms (if given). */
function vault(work: string, args: string[], killAfter?: number, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, '-C', work, ...args], {
      env: { ...process.env, VAULT_AUTHOR: 'Crash Test <crash@example.org>', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killAfter === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfter);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - t0, stderr });
    });
  });
}

type Phase = 'commit' | 'gc' | 'prune';
interface Figures {
  kills: number;
  completed: number;
  restores: number;
  checks: number;
}
const noFigures = (): Figures => ({ kills: 0, completed: 0, restores: 0, checks: 0 });

interface World {
  root: string;
  work: string;
  rand: () => number;
  /** what each snapshot still on the branch must restore to */
  expected: Map<string, string[]>;
  figures: Record<Phase, Figures>;
}

const open = (w: World): Promise<Vault> => openVault({ fs: nodeFs, cwd: w.work, codec: new InlineCodec(), threads: 0 });

/** Change the project a little: rewrite part of a big file, add a note, sometimes delete one. */
async function mutate(w: World, step: number): Promise<void> {
  const r = w.rand;
  const big = `big${r() % 3}.bin`;
  const old = (await nodeFs.readFile(join(w.work, big)).catch(() => Buffer.alloc(0))) as Buffer;
  const fresh = prngBytes(r(), 300_000 + (r() % 400_000));
  if (old.length) old.copy(fresh, 0, 0, Math.min(old.length, fresh.length >> 1)); // keep a prefix: dedup at work
  await nodeFs.writeFile(join(w.work, big), fresh);
  await nodeFs.writeFile(join(w.work, 'notes', `n${step}.txt`), `step ${step} ${r()}\n`);
  if (step > 3 && r() % 3 === 0) await nodeFs.unlink(join(w.work, 'notes', `n${step - 3}.txt`)).catch(() => {});
}

async function head(w: World): Promise<string | null> {
  return (await readHead({ fs: nodeFs, vaultDir: join(w.work, '.vault') })).id;
}

/** verify --read-data and restore up to `sample` snapshots (all when 0) into a scratch folder */
async function check(w: World, what: Phase, sample: number): Promise<void> {
  const v = await open(w);
  try {
    const r = await verify({ vault: v, readData: true });
    assert.equal(r.problems, [], `${what}: vault verifies`);
    const ids = [...w.expected.keys()];
    const pick = sample
      ? Array.from({ length: Math.min(sample, ids.length) }, () => must(ids[w.rand() % ids.length]))
      : ids;
    for (const id of new Set(pick)) {
      const to = join(w.root, `restore-${id.slice(0, 8)}`);
      await restore({ vault: v, snapshot: id, to });
      assert.equal(
        await listTree(nodeFs, to),
        w.expected.get(id),
        `${what}: snapshot ${id.slice(0, 12)} restores byte-identical`,
      );
      await rm(to, { recursive: true, force: true });
      w.figures[what].restores++;
    }
    w.figures[what].checks++;
  } finally {
    await v.close();
  }
}

/** Kill `args` at random points until `KILLS` kills landed while it was running. */
async function killLoop(
  w: World,
  what: Phase,
  args: string[],
  before: (i: number) => Promise<void>,
  after: (r: Run) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const f = (w.figures[what] = noFigures());
  // how long one run takes, to aim the kills inside it
  await before(-1);
  const full = await vault(w.work, args, undefined, env);
  assert.is(full.code, 0, `${what} runs: ${full.stderr}`);
  await after(full);
  let typical = full.ms;
  for (let i = 0; f.kills < KILLS && i < KILLS * 4; i++) {
    await before(i);
    const delay = Math.floor(typical * (0.15 + ((w.rand() % 1000) / 1000) * 0.95));
    const r = await vault(w.work, args, delay, env);
    if (r.signal === 'SIGKILL') f.kills++;
    else {
      assert.is(r.code, 0, `${what} exits 0 when not killed: ${r.stderr}`);
      f.completed++;
      typical = (typical + r.ms) / 2;
    }
    await after(r);
    await check(w, what, 2);
  }
  assert.ok(f.kills >= KILLS, `${what}: ${f.kills} kills landed`);
}

test('commit, gc and prune survive SIGKILL at seeded random points', async () => {
  if (buildError) throw buildError;
  const tmp = await tempDir('vault-crash-');
  const w: World = {
    root: tmp.path,
    work: join(tmp.path, 'work'),
    rand: mulberry32(SEED),
    expected: new Map(),
    figures: { commit: noFigures(), gc: noFigures(), prune: noFigures() },
  };
  try {
    await nodeFs.mkdir(join(w.work, 'notes'), { recursive: true });
    await initVault({ fs: nodeFs, dir: w.work, packSize: 512 * 1024 });
    let step = 0;
    const commitInProcess = async () => {
      await mutate(w, step++);
      const v = await open(w);
      try {
        const r = await commit({ vault: v, message: `in-process ${step}` });
        w.expected.set(r.id!, await listTree(nodeFs, w.work));
      } finally {
        await v.close();
      }
    };
    await commitInProcess();

    // 1. commit (auto-gc runs often: VAULT_GC_PACKS=6)
    let headBefore: string | null = null;
    await killLoop(
      w,
      'commit',
      ['commit', '-m', 'crash'],
      async () => {
        await mutate(w, step++);
        headBefore = await head(w);
      },
      async () => {
        const now = await head(w);
        if (now !== headBefore) w.expected.set(now!, await listTree(nodeFs, w.work)); // it got as far as moving the ref
      },
      { VAULT_GC_PACKS: '6' },
    );

    // 2. gc: each round gets loose objects and small packs to work on; no stored object may vanish
    const stored: string[] = [];
    await killLoop(
      w,
      'gc',
      ['gc'],
      async () => {
        await commitInProcess();
        const v = await open(w);
        try {
          for (let i = 0; i < 12; i++)
            stored.push(await v.db.writeLoose('blob', prngBytes(w.rand(), 2000 + (w.rand() % 30_000))));
          for (let p = 0; p < 8; p++) {
            const wr = v.db.writer();
            for (let i = 0; i < 3; i++) stored.push(await wr.put('chunk', prngBytes(w.rand(), 5000)));
            await wr.flush();
          }
        } finally {
          await v.close();
        }
      },
      async () => {
        const v = await open(w);
        try {
          for (const id of stored) assert.ok(await v.db.has(id), `gc: object ${id.slice(0, 12)} still stored`);
          for (const id of stored.slice(-30)) await v.db.read(id);
        } finally {
          await v.close();
        }
      },
    );

    // 3. prune: each round commits twice and forgets all but the last 3 snapshots
    await killLoop(
      w,
      'prune',
      ['prune', '--protect', '0', '--repack-threshold', '0.2'],
      async () => {
        await commitInProcess();
        await commitInProcess();
        const v = await open(w);
        try {
          const r = await forget({ vault: v, policy: { last: 3 } });
          const next = new Map<string, string[]>();
          for (const s of r.snapshots)
            if (s.keep) next.set(r.rewritten.find((x) => x.old === s.id)?.new ?? s.id, w.expected.get(s.id)!);
          w.expected = next;
        } finally {
          await v.close();
        }
      },
      async () => {
        const v = await open(w);
        try {
          assert.is((await log({ vault: v })).length, 3, 'prune: the branch keeps its 3 snapshots');
        } finally {
          await v.close();
        }
      },
    );

    // every snapshot left, and the CLI's own verify
    await check(w, 'prune', 0);
    const final = await vault(w.work, ['verify', '--read-data']);
    assert.is(final.code, 0, `vault verify --read-data: ${final.stderr}`);
    const f = w.figures;
    const total = f.commit.kills + f.gc.kills + f.prune.kills;
    console.log(
      `crash figures (seed ${SEED}): ${total} kills survived (commit ${f.commit.kills}, gc ${f.gc.kills}, prune ${f.prune.kills}); ` +
        `${f.commit.checks + f.gc.checks + f.prune.checks} verify --read-data runs clean; ${f.commit.restores + f.gc.restores + f.prune.restores} snapshot restores byte-identical`,
    );
  } finally {
    await tmp.remove();
  }
});

test.run();
