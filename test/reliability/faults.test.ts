// Fault injection: an fs wrapper around memfs fails one chosen call (ENOSPC, EIO or EACCES) under commit,
// gc and prune. The command must fail with an error that has a code (or succeed, when the failed call was
// not needed), release the lock, and leave a vault that verifies with every earlier snapshot intact.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { VaultError } from '../../src/errors.js';
import { InlineCodec } from '../../src/plumbing/codec.js';
import type { FileHandle, FsPromises } from '../../src/plumbing/fs.js';
import { commit } from '../../src/porcelain/commit.js';
import { forget } from '../../src/porcelain/forget.js';
import { gc } from '../../src/porcelain/gc.js';
import { openVault, type Vault } from '../../src/porcelain/openVault.js';
import { prune } from '../../src/porcelain/prune.js';
import { restore } from '../../src/porcelain/restore.js';
import { verify } from '../../src/porcelain/verify.js';
import { mulberry32, prngBytes } from '../helpers/prng.js';
import { listTree } from '../helpers/tree.js';
import { fakeClock, memVault, type TestVault } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('reliability/faults');
const TRIALS = Number(process.env.VAULT_FAULT_TRIALS ?? 16);
const CODES = ['ENOSPC', 'EIO', 'EACCES'] as const;
const HANDLE_OPS = new Set(['write', 'sync', 'read', 'close', 'writeFile', 'truncate']);

/**
 * Wrap an fs so that the `failAt`-th call (counting fs calls and file-handle
 * calls; 0: never) fails with `code`. Calls on the vault lock are left alone
 * (a lock that cannot be removed is a different story). `count()` tells how
 * many calls were made.
 */
function faultyFs(
  fs: FsPromises,
  failAt: number,
  code: string,
): { fs: FsPromises; count: () => number; fired: () => string | null } {
  let n = 0;
  let fired: string | null = null;
  const hit = (what: string, path: string): void => {
    if (path.endsWith('/lock')) return;
    n++;
    if (n === failAt) {
      fired = `${what} ${path}`;
      throw Object.assign(new Error(`${code}: injected fault, ${what} '${path}'`), { code, syscall: what, path });
    }
  };
  const wrapHandle = (fh: FileHandle, path: string): FileHandle =>
    new Proxy(fh, {
      get(target, prop, recv) {
        const v = Reflect.get(target, prop, recv);
        if (typeof v !== 'function') return v;
        if (!HANDLE_OPS.has(String(prop))) return v.bind(target);
        return async (...args: unknown[]) => {
          hit(`fh.${String(prop)}`, path);
          return v.apply(target, args);
        };
      },
    });
  const src = fs as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    out[k] = async (...args: unknown[]) => {
      hit(k, String(args[0]));
      const r = await must(src[k])(...args);
      return k === 'open' ? wrapHandle(r as FileHandle, String(args[0])) : r;
    };
  }
  return { fs: out as unknown as FsPromises, count: () => n, fired: () => fired };
}

interface Setup {
  t: TestVault;
  /** snapshot id -> listing */
  expected: Map<string, string[]>;
}

async function build(kind: 'commit' | 'gc' | 'prune'): Promise<Setup> {
  const t = await memVault({ 'a.txt': 'alpha\n', art: { 'big.psd': prngBytes(1, 600_000) } }, { packSize: 150_000 });
  const expected = new Map<string, string[]>();
  for (let i = 0; i < 3; i++) {
    await t.fs.writeFile('/work/art/big.psd', prngBytes(10 + i, 600_000));
    await t.fs.writeFile(`/work/n${i}.txt`, `note ${i}\n`);
    expected.set((await commit({ vault: t.vault, message: `c${i}` })).id!, await listTree(t.fs, '/work'));
  }
  if (kind === 'commit') {
    await t.fs.writeFile('/work/art/big.psd', prngBytes(99, 700_000));
    await t.fs.writeFile('/work/new.txt', 'new\n');
  }
  if (kind === 'gc') {
    for (let i = 0; i < 10; i++) await t.vault.db.writeLoose('blob', prngBytes(200 + i, 3000));
    for (let p = 0; p < 8; p++) {
      const w = t.vault.db.writer();
      await w.put('chunk', prngBytes(300 + p, 4000));
      await w.flush();
    }
  }
  if (kind === 'prune') {
    const r = await forget({ vault: t.vault, policy: { last: 1 } });
    const next = new Map<string, string[]>();
    for (const s of r.snapshots)
      if (s.keep) next.set(r.rewritten.find((x) => x.old === s.id)?.new ?? s.id, expected.get(s.id)!);
    expected.clear();
    for (const [k, v] of next) expected.set(k, v);
  }
  return { t, expected };
}

async function run(kind: 'commit' | 'gc' | 'prune', vault: Vault): Promise<unknown> {
  if (kind === 'commit') return commit({ vault, message: 'faulty' });
  if (kind === 'gc') return gc({ vault });
  return prune({ vault, protectMs: 0, repackThreshold: 0.1 });
}

const figures = { trials: 0, failedCleanly: 0, typed: 0, succeeded: 0 };

for (const kind of ['commit', 'gc', 'prune'] as const) {
  test(`${kind}: a failed fs call at any point fails cleanly and leaves the vault verifiable`, async () => {
    // how many calls the command makes
    const probe = await build(kind);
    const counter = faultyFs(probe.t.fs, 0, 'EIO');
    await run(
      kind,
      await openVault({ fs: counter.fs, cwd: '/work', codec: new InlineCodec(), clock: fakeClock(1_800_000_000_000) }),
    );
    const calls = counter.count();
    assert.ok(calls > 10, `${kind} makes ${calls} calls`);
    const rand = mulberry32(kind.length * 7919);
    for (let i = 0; i < TRIALS; i++) {
      const at = 1 + (rand() % calls);
      const code = must(CODES[rand() % CODES.length]);
      const { t, expected } = await build(kind);
      const f = faultyFs(t.fs, at, code);
      // opening counts too: the probe counted its calls, so a fault may land there
      let v: Vault | undefined;
      figures.trials++;
      try {
        v = await openVault({ fs: f.fs, cwd: '/work', codec: new InlineCodec(), clock: fakeClock(1_800_000_000_000) });
        await run(kind, v);
        figures.succeeded++;
      } catch (e) {
        const c = (e as { code?: unknown }).code;
        assert.type(c, 'string', `${kind}: the error has a code (${(e as Error).stack})`);
        figures.failedCleanly++;
        if (e instanceof VaultError) figures.typed++;
        else if (process.env.VAULT_FAULT_DEBUG)
          console.log(`untyped: ${kind} ${f.fired()} ${(e as Error).stack?.split('\n').slice(0, 4).join(' / ')}`);
      } finally {
        await v?.close().catch(() => {});
      }
      // the lock is released and the vault verifies on the healthy fs
      assert.is(
        await t.fs.stat('/work/.vault/lock').then(
          () => 'held',
          () => 'free',
        ),
        'free',
        `${kind}: lock released after ${f.fired()}`,
      );
      const ok = await t.reopen();
      const r = await verify({ vault: ok, readData: true });
      assert.equal(r.problems, [], `${kind}: vault verifies after ${code} on ${f.fired()}`);
      for (const [id, want] of expected) {
        await restore({ vault: ok, snapshot: id, to: '/copy' });
        assert.equal(
          await listTree(t.fs, '/copy'),
          want,
          `${kind}: ${id.slice(0, 12)} restores after ${code} on ${f.fired()}`,
        );
        await t.fs.rm('/copy', { recursive: true, force: true });
      }
      // and the same command works once the disk is healthy again
      await run(kind, ok);
      assert.equal((await verify({ vault: ok, readData: true })).problems, []);
    }
  });
}

test('figures', () => {
  console.log(
    `fault figures: ${figures.trials} injected faults (ENOSPC/EIO/EACCES) under commit, gc, prune: ${figures.failedCleanly} clean failures ` +
      `(${figures.typed} as typed VaultErrors), ${figures.succeeded} runs unaffected; the vault verified after every one`,
  );
});

test.run();
