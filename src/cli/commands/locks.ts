import { builtinFs } from '../../builtins.js';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { PathOutsideError, UsageError } from '../../errors.js';
import type { ObjectId } from '../../objects/types.js';
import type { Vault } from '../../porcelain/openVault.js';
import type { LockNotes, LockView, ModeResult, BreakRecord } from '../../porcelain/locks/index.js';
import { quotePath, time } from '../../ui/format.js';
import { examplesText } from '../examples.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';

// the lock module pulls in the git HTTP code: loaded only when locks are used
const locks = () => import('../../porcelain/locks/index.js');

interface RemoteArgs extends GlobalArgs {
  remote?: string;
}

/** Paths are given relative to where the command runs; locks name project-relative paths. */
function projectPaths(argv: GlobalArgs, vault: Vault, paths: readonly string[]): string[] {
  const cwd = cwdOf(argv);
  return paths.map((p) => {
    const abs = resolve(cwd, p);
    if (abs.startsWith(`${vault.workTree}/`)) return abs.slice(vault.workTree.length + 1);
    throw new PathOutsideError(p, vault.workTree);
  });
}

function remoteOption<T>(y: import('yargs').Argv<T>) {
  return y.option('remote', {
    alias: 'r',
    type: 'string',
    default: 'origin',
    describe: 'the remote holding the locks',
  });
}

/** "Ana <ana@studio> on ana-pc, 3 min ago: "sky"" */
function holder(l: LockView, now = Date.now()): string {
  const { describeHolder } = lockText;
  return describeHolder(l.record, now);
}

/** Loaded with the module: the text helpers of porcelain/locks/errors.ts. */
let lockText: Awaited<ReturnType<typeof locks>>;

function brokenNotices(list: readonly BreakRecord[]): void {
  for (const b of list)
    warn(
      `note: your lock on ${quotePath(b.path)} was broken by ` +
        `${lockText.showOwner(b.brokenBy)}${b.host ? ` (on ${b.host})` : ''} at ${time(b.time)}`,
    );
}

function modeNotes(m: ModeResult | undefined): void {
  if (!m) return;
  for (const f of m.failed) warn(`warning: could not change the mode of ${quotePath(f.path)}: ${f.reason}`);
  if (m.readOnly.length)
    warn(
      `note: ${m.readOnly.length} lockable file(s) made read-only ` +
        `(${m.readOnly.slice(0, 3).map(quotePath).join(', ')}${m.readOnly.length > 3 ? ', ...' : ''}); ` +
        `run 'vault lock PATH' before editing one`,
    );
}

interface LockArgs extends RemoteArgs {
  paths: string[];
  message?: string;
}

export const lockCommand: CommandModule<GlobalArgs, LockArgs> = {
  command: 'lock <paths..>',
  describe: 'lock files on the remote so nobody else changes them (and make them writable here)',
  builder: (y) =>
    remoteOption(
      y
        .positional('paths', { type: 'string', array: true, demandOption: true })
        .option('message', { alias: 'm', type: 'string', describe: 'why (shown to the others)' }),
    ).epilog(
      examplesText([
        ['vault lock Art/hero.psd -m "repainting the sky"', 'take the lock before editing'],
        ['vault locks', 'who holds what'],
      ]),
    ),
  handler: async (argv) => {
    lockText = await locks();
    const r = await withVault(argv, async (vault) => {
      const paths = projectPaths(argv, vault, argv.paths);
      for (const p of paths)
        if (builtinFs.statSync(join(vault.workTree, p), { throwIfNoEntry: false })?.isDirectory())
          throw new UsageError(`${quotePath(p)} is a folder`, 'lock files, one by one (a lock names one file)');
      return lockText.lock({ vault, remote: argv.remote, paths, message: argv.message });
    });
    if (argv.json) return printJson(r);
    for (const l of r.locked) out(`locked ${quotePath(l.record!.path)} on ${r.remote}`);
    for (const l of r.alreadyHeld) out(`${quotePath(l.record!.path)} was already locked by you (${holder(l)})`);
  },
};

interface UnlockArgs extends RemoteArgs {
  paths: string[];
  force?: boolean;
}

export const unlockCommand: CommandModule<GlobalArgs, UnlockArgs> = {
  command: 'unlock <paths..>',
  describe: 'release your locks (lockable files become read-only again); --force breaks another person’s',
  builder: (y) =>
    remoteOption(
      y.positional('paths', { type: 'string', array: true, demandOption: true }).option('force', {
        type: 'boolean',
        describe: "break someone else's lock (recorded on the remote; they are told on their next fetch)",
      }),
    ).epilog(examplesText([['vault unlock Art/hero.psd', 'done with it: push first, then unlock']])),
  handler: async (argv) => {
    lockText = await locks();
    const r = await withVault(argv, (vault) =>
      lockText.unlock({ vault, remote: argv.remote, paths: projectPaths(argv, vault, argv.paths), force: argv.force }),
    );
    if (argv.json) return printJson(r);
    for (const l of r.unlocked) out(`unlocked ${quotePath(l.record?.path ?? l.ref)}`);
    for (const b of r.broken)
      out(`broke the lock of ${holder(b)} on ${quotePath(b.break.path)} (recorded: they are told on their next fetch)`);
    for (const p of r.notLocked) out(`${quotePath(p)} was not locked`);
  },
};

interface LocksArgs extends RemoteArgs {
  mine?: boolean;
  offline?: boolean;
}

export const locksCommand: CommandModule<GlobalArgs, LocksArgs> = {
  command: 'locks',
  describe: "the remote's locks (offline: as last seen, and how old that is)",
  builder: (y) =>
    remoteOption(y)
      .option('mine', { type: 'boolean', describe: 'only the locks you hold' })
      .option('offline', { type: 'boolean', describe: 'do not ask the remote: the state last seen' })
      .epilog(
        examplesText([
          ['vault locks', 'who holds what on origin'],
          ['vault locks --mine --json', 'your locks, as data'],
        ]),
      ),
  handler: async (argv) => {
    lockText = await locks();
    const r = await withVault(argv, (vault) =>
      lockText.listLocks({ vault, remote: argv.remote, offline: argv.offline }),
    );
    const list = argv.mine ? r.locks.filter((l) => l.mine) : r.locks;
    const now = Date.now();
    const asOf = r.fetchedAt === null ? 'never read from the remote' : `as of ${lockText.ageOf(now - r.fetchedAt)} ago`;
    if (r.error) warn(`warning: cannot reach ${r.remote} (${r.error.message}); showing the locks ${asOf}`);
    brokenNotices(r.brokenLocks);
    if (argv.json)
      return printJson({
        remote: r.remote,
        cached: r.cached,
        fetchedAt: r.fetchedAt === null ? null : new Date(r.fetchedAt).toISOString(),
        locks: list.map(jsonLock),
        brokenLocks: r.brokenLocks,
      });
    if (r.cached) out(`locks on ${r.remote} ${asOf}:`);
    if (!list.length) return out(argv.mine ? 'you hold no locks' : 'no locks');
    for (const l of list) out(`${l.mine ? '*' : ' '} ${quotePath(l.record?.path ?? l.ref)}  ${holder(l, now)}`);
  },
};

function jsonLock(l: LockView) {
  return {
    path: l.record?.path ?? null,
    ref: l.ref,
    commit: l.oid,
    mine: l.mine,
    owner: l.record?.owner ?? null,
    host: l.record?.host ?? null,
    time: l.record ? new Date(l.record.time).toISOString() : null,
    message: l.record?.message ?? null,
  };
}

export const lockCommands = [lockCommand, unlockCommand, locksCommand];

// ---- hooks other commands call (each a no-op in a project without .vaultlockable) ----

function lockable(vault: Vault): boolean {
  return builtinFs.existsSync(join(vault.workTree, '.vaultlockable'));
}

/** A project that has lockable files, or a vault that has met a lock (its cache exists). */
function usesLocks(vault: Vault): boolean {
  return lockable(vault) || builtinFs.existsSync(join(vault.vaultDir, 'locks.json'));
}

/** status/commit: the lockable files changed without a lock, as warnings; for --json, `{ locks: [...] }`. */
export async function lockWarnings(
  vault: Vault,
  changes:
    Parameters<Awaited<ReturnType<typeof locks>>['changedPaths']>[0] | { parent: ObjectId | null; id: ObjectId | null },
): Promise<{ locks?: ReturnType<typeof jsonNote>[] }> {
  const none =
    'id' in changes
      ? !changes.id
      : !changes.added.length && !changes.modified.length && !changes.deleted.length && !changes.renamed.length;
  if (none || !lockable(vault)) return {};
  const m = await locks();
  const n: LockNotes =
    'id' in changes
      ? await m.commitLockNotes({ vault, ...changes })
      : await m.lockNotes({ vault, paths: m.changedPaths(changes) });
  if (!n.notes.length) return {};
  const now = Date.now();
  const asOf =
    n.fetchedAt === null ? 'locks never read from the remote' : `locks as of ${m.ageOf(now - n.fetchedAt)} ago`;
  for (const x of n.notes) {
    const who = x.lock ? `it is locked by ${m.describeHolder(x.lock.record, now)}` : 'nobody holds its lock';
    warn(`warning: you changed ${quotePath(x.path)} without locking it: ${who}; ${asOf}`);
  }
  warn(
    n.notes.some((x) => x.lock)
      ? 'hint: your push will be refused for files locked by others; talk to them, or keep your version aside'
      : "hint: run 'vault lock PATH' so nobody else changes it meanwhile",
  );
  return { locks: n.notes.map(jsonNote) };
}

function jsonNote(x: LockNotes['notes'][number]) {
  return { path: x.path, lock: x.lock ? jsonLock(x.lock) : null };
}

/**
 * After fetch, pull and clone: read the remote's locks (the owner of a broken lock is told), then, after a
 * checkout (pull, clone), make lockable files read-only unless you hold them. A failure here is a warning:
 * the sync itself is done.
 */
export function afterSync<T>(vault: Vault, remote: string | undefined, checkout: boolean): (r: T) => Promise<T> {
  return async (r) => {
    if (!usesLocks(vault)) return r;
    const m = await locks();
    lockText = m;
    try {
      brokenNotices((await m.refreshLocks({ vault, remote })).brokenLocks);
    } catch (e) {
      warn(`warning: the remote's locks were not read: ${(e as Error).message}`);
    }
    if (checkout) modeNotes(await m.applyLockModes({ vault }));
    return r;
  };
}

/** After an in-place restore: the restored lockable files you have not locked are read-only. */
export async function afterRestore(vault: Vault, snapshot: ObjectId, paths: readonly string[]): Promise<void> {
  if (!lockable(vault)) return;
  const m = await locks();
  modeNotes(await m.applyLockModes({ vault, snapshot, paths: paths.length ? paths : undefined }));
}

/**
 * After a push: name the files it changed that others locked (--ignore-locks); with `--unlock`, once everything
 * is pushed, release your locks on the files the push changed. A push
 * that left a ref behind keeps the locks (its changes may not be on the remote); an unlock that fails after a
 * good push says so and exits 1 (the push itself is done).
 */
export function afterPush<
  T extends { rejected: readonly unknown[]; locks: { mine: readonly string[]; others: readonly LockView[] } },
>(
  vault: Vault,
  remote: string | undefined,
  wanted: boolean | undefined,
): (r: T) => Promise<T & { unlocked?: string[] }> {
  return async (r) => {
    if (r.locks.others.length) {
      const m = await locks();
      for (const l of r.locks.others)
        warn(
          `warning: pushed changes to ${quotePath(l.record!.path)}, locked ` +
            `by ${m.describeHolder(l.record, Date.now())} (--ignore-locks)`,
        );
    }
    if (!wanted) return r;
    if (r.rejected.length) {
      warn('warning: --unlock: the push did not complete, so your locks are kept');
      return { ...r, unlocked: [] };
    }
    if (!r.locks.mine.length) {
      warn('note: --unlock: this push changed no file you had locked');
      return { ...r, unlocked: [] };
    }
    const m = await locks();
    try {
      const u = await m.unlock({ vault, remote, paths: r.locks.mine });
      const unlocked = u.unlocked.map((l) => l.record?.path ?? l.ref);
      for (const p of unlocked) warn(`unlocked ${quotePath(p)}`);
      return { ...r, unlocked };
    } catch (e) {
      warn(`error: the push is done, but your locks were not released: ${(e as Error).message}`);
      warn(`hint: run 'vault unlock ${r.locks.mine.map(quotePath).join(' ')}'`);
      process.exitCode = 1;
      return { ...r, unlocked: [] };
    }
  };
}
