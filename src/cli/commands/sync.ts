import { builtinFs } from '../../builtins.js';
import { availableParallelism, constants } from 'node:os';
import { basename, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { WorkerCodec } from '../../plumbing/codec.js';
import { safeUrl } from '../../plumbing/git/errors.js';
import type { SyncProgress } from '../../porcelain/sync/common.js';
// push/fetch/pull/clone pull in isomorphic-git and the pack code: loaded only when such a
// command runs, so every other command starts as fast as before
const sync = {
  clone: async (...a: Parameters<typeof import('../../porcelain/sync/clone.js').clone>) =>
    (await import('../../porcelain/sync/clone.js')).clone(...a),
  fetch: async (...a: Parameters<typeof import('../../porcelain/sync/fetch.js').fetch>) =>
    (await import('../../porcelain/sync/fetch.js')).fetch(...a),
  pull: async (...a: Parameters<typeof import('../../porcelain/sync/fetch.js').pull>) =>
    (await import('../../porcelain/sync/fetch.js')).pull(...a),
  push: async (...a: Parameters<typeof import('../../porcelain/sync/push.js').push>) =>
    (await import('../../porcelain/sync/push.js')).push(...a),
};
import { addRemote, getRemote, listRemotes, removeRemote } from '../../porcelain/sync/state.js';
import type { LeaseSpec } from '../../porcelain/sync/planPush.js';
import { PushRejectedError } from '../../porcelain/sync/rejected.js';
import { syncLimits, type SyncLimits } from '../../porcelain/sync/limits.js';
import { InterruptedError, UsageError } from '../../errors.js';
import { hasPassword } from '../../plumbing/git/credentials.js';
import type { Credentials } from '../../plumbing/git/http.js';
import { bytes, shortId } from '../../ui/format.js';
import { cwdOf, nodeFs, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { fromSyncProgress, progressReporter } from '../../ui/progress.js';
import { examplesText } from '../examples.js';
import { noAction, withActions } from '../subcommands.js';
import { numberOption } from '../options.js';
import { afterSync, afterPush } from './locks.js';
import { conflictLine } from './merge.js';
import { commitAttachments } from '../../ui/attachments.js';
import { fileMergerFor } from '../../ui/fileMerger.js';
import { quotePath } from '../../ui/format.js';
import { EXIT_INCOMPLETE } from '../context.js';

/** One progress line on stderr (a terminal, or VAULT_PROGRESS=1), redrawn at most 10 times a second. */
function syncProgress(label: string, quiet?: boolean): { onProgress: (p: SyncProgress) => void; done: () => void } {
  const enabled = !quiet && (process.stderr.isTTY === true || process.env.VAULT_PROGRESS === '1');
  const tty = process.stderr.isTTY === true;
  // a terminal: one redrawn line with a bar, bytes, rate and time left (src/ui/progress.ts)
  if (tty) return progressReporter((s) => `${label}: ${s.phase}`, fromSyncProgress, { enabled, delayMs: 0 });
  let last = 0;
  let shown = false;
  let lastPhase = '';
  return {
    onProgress: (p) => {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 100 && p.phase === lastPhase && p.phase !== 'done') return;
      last = now;
      lastPhase = p.phase;
      const parts = [`${label}: ${p.phase}`];
      if (p.objectsTotal) parts.push(`${p.objects}/${p.objectsTotal} objects`);
      if (p.bytesTotal)
        parts.push(`${bytes(p.bytes)}/${bytes(p.bytesTotal)} (${Math.floor((100 * p.bytes) / p.bytesTotal)}%)`);
      process.stderr.write(tty ? `\r${parts.join(' ')}\x1b[K` : `${parts.join(' ')}\n`);
      shown = true;
    },
    done: () => {
      if (shown && tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Ask for a username and password on the terminal (the password is not echoed). */
async function askCredentials(url: string): Promise<Credentials> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const ask = (q: string, hidden: boolean) =>
    new Promise<string>((resolveAnswer) => {
      const w = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
      const orig = w._writeToOutput.bind(rl);
      w._writeToOutput = (s: string) => (hidden && !s.startsWith(q) ? undefined : orig(s));
      rl.question(q, (a) => {
        w._writeToOutput = orig;
        if (hidden) process.stderr.write('\n');
        resolveAnswer(a);
      });
    });
  try {
    const username = await ask(`Username for ${safeUrl(url)}: `, false);
    const password = await ask('Password (or token): ', true);
    return { username, password };
  } finally {
    rl.close();
  }
}

/**
 * Run a sync operation; when the server refuses the credentials and nobody set them in the
 * environment, ask on the terminal once and try again (nothing is written to disk).
 */
async function withPrompt<T>(url: () => Promise<string>, run: (c?: Credentials) => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
    const fromEnv = process.env.VAULT_GIT_PASSWORD || process.env.VAULT_GIT_TOKEN;
    if ((e as { code?: string }).code !== 'EAUTH' || !interactive || fromEnv) throw e;
    return run(await askCredentials(await url()));
  }
}

/**
 * SIGINT or SIGTERM while a fetch, pull or clone runs: abort it, so its own failure paths remove what it
 * started (the temp pack, a half-made clone folder); it then ends with EINTERRUPTED and exit status
 * 128 + the signal's number. A second signal ends the process at once, after `onForce` (clone: remove the
 * folder it was making).
 */
async function interruptible<T>(run: (signal: AbortSignal) => Promise<T>, onForce?: () => void): Promise<T> {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) {
      onForce?.();
      process.exit(128 + (constants.signals[sig] ?? 0));
    }
    ac.abort(new InterruptedError(sig));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await run(ac.signal);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}

interface LimitArgs {
  maxSize?: string;
  maxFiles?: string;
}

interface SaveArgs {
  saveCredentials?: boolean;
}

/** --save-credentials of push, fetch, pull and clone (see plumbing/git/credentials.ts). */
function saveOption<T>(y: import('yargs').Argv<T>) {
  return y.option('save-credentials', {
    type: 'boolean',
    describe:
      "hand a password given in the URL or typed when asked to git's credential helper once the remote took it (env VAULT_GIT_SAVE_CREDENTIALS=1); Vault itself never stores one",
  });
}

/** --max-size / --max-files of fetch, pull and clone (see porcelain/sync/limits.ts). */
function limitOptions<T>(y: import('yargs').Argv<T>) {
  return y
    .option('max-size', {
      type: 'string',
      describe:
        'most bytes the download may inflate to and one checkout may write (e.g. 200G; env VAULT_SYNC_MAX_SIZE; default: 100x what was downloaded or stored, at least 4G)',
    })
    .option('max-files', {
      type: 'string',
      describe:
        'most files and folders one checkout may create (env VAULT_SYNC_MAX_FILES; default: 100x distinct, at least 100000)',
    });
}

function limitsOf(argv: LimitArgs): SyncLimits {
  return syncLimits({ maxSize: argv.maxSize, maxFiles: argv.maxFiles });
}

interface RemoteArgs extends GlobalArgs {
  verbose?: boolean;
  action?: string;
  name?: string;
  url?: string;
}

export const remoteCommand: CommandModule<GlobalArgs, RemoteArgs> = {
  command: 'remote',
  describe: 'list, add or remove git remotes (smart HTTP)',
  builder: (y) =>
    withActions<RemoteArgs>(
      y,
      'remote',
      [
        {
          command: 'list',
          describe: 'the remotes (the default)',
          isDefault: true,
          builder: (s) => s.option('verbose', { alias: 'v', type: 'boolean', describe: 'show URLs' }),
          examples: [['vault remote -v', 'list remotes with their URLs']],
        },
        {
          command: 'add [name] [url]',
          describe: 'add a remote: a git repository reached over smart HTTP',
          builder: (s) => s.positional('name', { type: 'string' }).positional('url', { type: 'string' }),
          examples: [['vault remote add origin https://git.example.com/team/castle.git', 'add a remote']],
        },
        {
          command: 'remove [name]',
          aliases: ['rm'],
          describe: 'forget a remote (nothing on the remote changes)',
          builder: (s) => s.positional('name', { type: 'string' }),
        },
      ],
      runRemote,
    ),
  handler: noAction('remote'),
};

async function runRemote(argv: RemoteArgs): Promise<void> {
  await withVault(argv, async (vault) => {
    const { UsageError } = await import('../../errors.js');
    if (argv.action === 'add') {
      if (!argv.name || !argv.url) throw new UsageError('usage: vault remote add NAME URL');
      const r = await addRemote(vault.fs, vault.vaultDir, argv.name, argv.url);
      const dropped = hasPassword(argv.url);
      if (argv.json) return printJson({ ...r, url: safeUrl(r.url), passwordStored: false });
      if (!argv.quiet) out(`added remote ${r.name} ${safeUrl(r.url)}`);
      if (dropped)
        warn(
          "note: the password in the URL was not stored; set VAULT_GIT_PASSWORD (or VAULT_GIT_TOKEN), log in with git's credential helper, or type it when asked",
        );
      return;
    }
    if (argv.action === 'remove' || argv.action === 'rm') {
      if (!argv.name) throw new UsageError('usage: vault remote remove NAME');
      await removeRemote(vault.fs, vault.vaultDir, argv.name);
      if (argv.json) return printJson({ removed: argv.name });
      if (!argv.quiet) out(`removed remote ${argv.name}`);
      return;
    }
    const list = await listRemotes(vault.fs, vault.vaultDir);
    if (argv.json) return printJson(list.map((r) => ({ name: r.name, url: safeUrl(r.url) })));
    for (const r of list) out(argv.verbose ? `${r.name}\t${safeUrl(r.url)}` : r.name);
  });
}

interface SyncArgs extends GlobalArgs {
  remote?: string;
}

type LeaseArg = string | string[] | undefined;

/** `--force-with-lease` (every ref), `--force-with-lease=REF`, `--force-with-lease=REF:EXPECTED`, repeatable. */
function leaseOf(arg: LeaseArg): true | LeaseSpec[] | undefined {
  if (arg === undefined) return undefined;
  const list = (Array.isArray(arg) ? arg : [arg]).map(String);
  if (list.some((x) => x === '' || x === 'true')) return true;
  return list.map((x) => {
    const i = x.indexOf(':');
    return i < 0 ? { ref: x } : { ref: x.slice(0, i), expected: x.slice(i + 1) };
  });
}

function listOf(arg: string | string[] | undefined): string[] | undefined {
  if (arg === undefined) return undefined;
  const list = (Array.isArray(arg) ? arg : [arg]).map(String).filter(Boolean);
  if (!list.length) throw new UsageError('--delete needs a ref', "e.g. 'vault push --delete old-branch'");
  return list;
}

export const pushCommand: CommandModule<
  GlobalArgs,
  SyncArgs &
    SaveArgs & {
      batchMb?: number;
      resend?: boolean;
      ignoreLocks?: boolean;
      unlock?: boolean;
      forceWithLease?: LeaseArg;
      delete?: string | string[];
    }
> = {
  command: 'push [remote]',
  describe: 'send snapshots, branches, milestones and tags the remote lacks',
  builder: (y) =>
    saveOption(y)
      .positional('remote', { type: 'string', default: 'origin' })
      .option('batch-mb', numberOption('batch-mb', 'positive', { describe: 'MiB per upload request (default 64)' }))
      .option('resend', {
        type: 'boolean',
        describe: 'do not trust what the remote is believed to hold; send all the refs need',
      })
      .option('ignore-locks', { type: 'boolean', describe: 'push changes to files someone else has locked' })
      .option('unlock', { type: 'boolean', describe: 'then release your locks on the files this push changed' })
      .option('force-with-lease', {
        type: 'string',
        describe:
          "replace the remote's refs (or REF) whatever their history, only while they are what this vault last fetched (REF:EXPECTED: a snapshot or git commit; REF: the remote must not have it)",
      })
      .option('delete', {
        type: 'string',
        describe: 'delete REF (branch, tag or milestone) on the remote; nothing else is pushed (repeatable)',
      })
      .epilog(
        examplesText([
          ['vault push', 'push to origin'],
          ['vault push --force-with-lease', "replace the remote's history after 'vault forget'"],
          ['vault push --delete old-branch', 'delete a branch (or tag, milestone) on origin'],
        ]),
      ),
  handler: async (argv) => {
    const bar = syncProgress('push', argv.quiet || argv.json);
    const r = await withVault(argv, (vault) =>
      withPrompt(
        async () => (await getRemote(vault.fs, vault.vaultDir, argv.remote ?? 'origin')).url,
        (credentials) =>
          sync.push({
            vault,
            remote: argv.remote,
            credentials,
            saveCredentials: argv.saveCredentials,
            resend: argv.resend,
            batchBytes: argv.batchMb ? argv.batchMb * 1024 * 1024 : undefined,
            onProgress: bar.onProgress,
            ignoreLocks: argv.ignoreLocks,
            forceWithLease: leaseOf(argv.forceWithLease),
            delete: listOf(argv.delete),
          }),
      ).then(afterPush(vault, argv.remote, argv.unlock)),
    ).finally(bar.done);
    // a ref left behind: the push is not done (exit 1, EREJECTED naming each; --json: the error lists them)
    const refused = r.rejected.length
      ? new PushRejectedError(r.remote, r.rejected, { updated: r.updated.map((u) => ({ ...u })) })
      : null;
    if (argv.json) {
      if (refused) throw refused;
      return printJson(r);
    }
    if (!argv.quiet) {
      for (const u of r.updated) out(`${u.ref} -> ${shortId(u.snapshot)} (git ${u.commit.slice(0, 12)})`);
      for (const d of r.deleted) out(`${d} deleted on ${r.remote}`);
      if (!r.updated.length && !r.rejected.length && !r.deleted.length) out(`${r.remote} is up to date`);
      else if (r.objectsSent || r.updated.length)
        out(`sent ${r.objectsSent} objects, ${bytes(r.bytesSent)} in ${r.requests} request(s)`);
    }
    if (refused) throw refused;
  },
};

/**
 * Entries a pull or clone could not put into the working folder: each named on stderr, and the exit
 * status is 1 (with --json too) because the folder does not match the branch it checked out.
 */
function checkoutReport(c: import('../../porcelain/sync/fetch.js').PullResult['checkout'], json?: boolean): void {
  if (!c || (!c.skipped.length && !c.failures.length)) return;
  for (const x of c.skipped) warn(`warning: not restored: ${x.path}: ${x.reason}`);
  for (const x of c.failures) warn(`error: not restored: ${x.path}: ${x.reason}`);
  process.exitCode = 1;
  const n = c.skipped.length + c.failures.length;
  if (!json) out(`the project folder does not match HEAD: ${n} entr${n === 1 ? 'y' : 'ies'} not restored (see above)`);
}

/**
 * What a fetch, pull or clone brought in that needs saying: refs it could not import (each named; exit 1,
 * since something on the remote is not here), Git LFS pointers kept as pointers, a shallow history.
 */
function importReport(r: { skipped: { ref: string; reason: string }[]; lfsPointers?: number; shallow?: number }): void {
  for (const s of r.skipped) warn(`error: not imported: ${s.ref}: ${s.reason}`);
  if (r.skipped.length) process.exitCode = 1;
  if (r.lfsPointers)
    warn(
      `warning: ${r.lfsPointers} Git LFS pointer file(s) imported as they are (pointers, not the files they name): fetch the files with git lfs, copy them into the project and commit`,
    );
}

function fetchSummary(
  quiet: boolean | undefined,
  r: {
    remote: string;
    imported: number;
    created: string[];
    conflicts: { ref: string; local: string; remote: string }[];
    skipped: { ref: string; reason: string }[];
    lfsPointers?: number;
    shallow?: number;
    deletedBranches: string[];
    gone: string[];
    pruned: string[];
  },
): void {
  importReport(r);
  for (const c of r.conflicts)
    warn(`warning: ${c.ref} is ${shortId(c.local)} here but ${shortId(c.remote)} on ${r.remote}; kept the local one`);
  for (const g of r.gone)
    warn(
      `note: ${g.replace(/^refs\//, '')} was deleted on ${r.remote}; 'vault fetch ${r.remote} --prune' deletes it here`,
    );
  if (quiet) return;
  out(`fetched ${r.imported} new snapshot(s) from ${r.remote}${r.shallow ? ' (shallow history)' : ''}`);
  for (const c of r.created) out(`  new ${c.replace(/^refs\//, '')}`);
  for (const b of r.deletedBranches) out(`  ${r.remote}/${b.replace(/^refs\/heads\//, '')} deleted on ${r.remote}`);
  for (const p of r.pruned) out(`  pruned ${p.replace(/^refs\//, '')} (deleted on ${r.remote})`);
}

function pruneOption<T>(y: import('yargs').Argv<T>) {
  return y.option('prune', {
    type: 'boolean',
    describe: 'delete local tags and milestones the remote deleted (only those that came from it)',
  });
}

export const fetchCommand: CommandModule<
  GlobalArgs,
  SyncArgs & LimitArgs & SaveArgs & { prune?: boolean; deepen?: number }
> = {
  command: 'fetch [remote]',
  describe: "download the remote's snapshots; moves no branch",
  builder: (y) =>
    pruneOption(limitOptions(saveOption(y).positional('remote', { type: 'string', default: 'origin' })))
      .option(
        'deepen',
        numberOption('deepen', 'count', {
          describe: 'a shallow clone: fetch N more snapshots back from where its history stops',
        }),
      )
      .epilog(
        examplesText([
          ['vault fetch', 'fetch from origin'],
          ['vault fetch --prune', 'and delete the tags and milestones deleted on origin'],
          ['vault fetch --deepen 10', 'a shallow clone: ten more snapshots of history'],
        ]),
      ),
  handler: async (argv) => {
    const limits = limitsOf(argv);
    const bar = syncProgress('fetch', argv.quiet || argv.json);
    const r = await withVault(argv, (vault) =>
      interruptible((signal) =>
        withPrompt(
          async () => (await getRemote(vault.fs, vault.vaultDir, argv.remote ?? 'origin')).url,
          (credentials) =>
            sync.fetch({
              vault,
              remote: argv.remote,
              credentials,
              saveCredentials: argv.saveCredentials,
              onProgress: bar.onProgress,
              limits,
              signal,
              deepen: argv.deepen,
              prune: argv.prune,
            }),
        ),
      ).then(afterSync(vault, argv.remote, false)),
    ).finally(bar.done);
    if (argv.json) return printJson(r);
    fetchSummary(argv.quiet, r);
    if (argv.quiet) return;
    for (const [ref, id] of Object.entries(r.refs))
      if (ref.startsWith('refs/heads/')) out(`  ${r.remote}/${ref.slice(11)} ${shortId(id)}`);
  },
};

export const pullCommand: CommandModule<
  GlobalArgs,
  SyncArgs & LimitArgs & SaveArgs & { prune?: boolean; ffOnly?: boolean }
> = {
  command: 'pull [remote]',
  describe: "fetch, then bring the current branch and the working folder up to the remote's (fast-forward or merge)",
  builder: (y) =>
    pruneOption(limitOptions(saveOption(y).positional('remote', { type: 'string', default: 'origin' })))
      .option('ff-only', {
        type: 'boolean',
        describe: 'only fast-forward; refuse (EDIVERGED) when both sides have new snapshots',
      })
      .epilog(
        examplesText([
          ['vault pull', 'bring in what teammates pushed (merging it with yours)'],
          ['vault pull --ff-only', 'only when nothing needs merging'],
        ]),
      ),
  handler: async (argv) => {
    const limits = limitsOf(argv);
    const bar = syncProgress('pull', argv.quiet || argv.json);
    const r = await withVault(argv, async (vault) => {
      // what a merge of diverged histories needs, as for 'vault merge' (persona file merger, attachments)
      const mergeFile = await fileMergerFor(vault);
      const attachments = await commitAttachments(vault);
      return interruptible((signal) =>
        withPrompt(
          async () => (await getRemote(vault.fs, vault.vaultDir, argv.remote ?? 'origin')).url,
          (credentials) =>
            sync.pull({
              vault,
              remote: argv.remote,
              credentials,
              saveCredentials: argv.saveCredentials,
              onProgress: bar.onProgress,
              limits,
              signal,
              prune: argv.prune,
              ffOnly: argv.ffOnly,
              mergeFile,
              attachments,
              onWarning: (w) => warn(`warning: ${w.attachment}: ${w.message}`),
              onSkip: (path, reason) => warn(`warning: not backed up: ${quotePath(path)}: ${reason}`),
            }),
        ),
      ).then(afterSync(vault, argv.remote, true));
    }).finally(bar.done);
    // a merge that waits for conflicts (or could not write some paths) is not done: exit 1
    if (r.merge && (r.merge.conflicts.length || r.merge.notDone.length)) process.exitCode = 1;
    else if (r.merge?.commit && !r.merge.commit.complete) process.exitCode = EXIT_INCOMPLETE;
    if (argv.json) {
      printJson(r);
      return checkoutReport(r.checkout, true);
    }
    fetchSummary(argv.quiet, r);
    if (r.merge) for (const n of r.merge.notDone) warn(`error: not written: ${quotePath(n.path)}: ${n.reason}`);
    if (argv.quiet) return checkoutReport(r.checkout, true);
    const b = r.branch.replace(/^refs\/heads\//, '');
    const theirs = `${r.remote}/${b}`;
    if (r.outcome === 'fast-forward' || r.outcome === 'new-branch')
      out(`${b}: ${r.from ? shortId(r.from) : '(none)'} -> ${shortId(r.to!)} (fast-forward)`);
    else if (r.outcome === 'rewritten')
      out(`${b}: ${shortId(r.from!)} -> ${shortId(r.to!)} (${r.remote} replaced its history; yours had nothing new)`);
    else if (r.outcome === 'merged') {
      out(`${b}: merged ${theirs} (${shortId(r.merge!.theirs)}): snapshot ${r.to}`);
      out(`run 'vault push ${r.remote}' to send the merge`);
    } else if (r.outcome === 'conflicts') {
      out(`${b}: merging ${theirs} (${shortId(r.merge!.theirs)}): ${r.merge!.conflicts.length} conflict(s) to resolve`);
      for (const c of r.merge!.conflicts) {
        out(conflictLine(c));
        for (const line of c.report) out(`     ${line}`);
      }
      out(
        "resolve each with 'vault resolve PATH --ours|--theirs|--both' (or edit it, then 'vault resolve PATH'), " +
          `then 'vault commit' and 'vault push ${r.remote}'; 'vault merge --abort' puts the folder back`,
      );
    } else if (r.outcome === 'stopped') out(`${b}: merging ${theirs} stopped: some paths could not be written`);
    else if (r.outcome === 'ahead') out(`${b} is ahead of ${r.remote}: run 'vault push'`);
    else if (r.outcome === 'no-remote-branch') out(`${r.remote} has no branch ${b}`);
    else out(`${b} is up to date`);
    checkoutReport(r.checkout);
  },
};

/** The folder `vault clone URL` makes: the repository's name without `.git`, like git. */
function cloneDirName(url: string): string {
  let path = '';
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') path = decodeURIComponent(u.pathname);
  } catch {
    /* below */
  }
  const name = basename(path.replace(/\/+$/, '')).replace(/\.git$/, '');
  if (!name || name === '.' || name === '..' || name.includes('\0') || Buffer.byteLength(name) > 255)
    throw new UsageError(
      `cannot make a folder name from '${url.slice(0, 80)}'`,
      'give an http(s) URL of a repository, or name the folder: vault clone URL DIR',
    );
  return name;
}

/** --since DATE of clone: an ISO date or time (2024-05-01, 2024-05-01T12:00Z), or N days/weeks/months ago. */
export function parseSince(text: string, now = Date.now()): number {
  const rel = /^(\d+)\s*(day|week|month|year)s?(\s+ago)?$/i.exec(text.trim());
  if (rel) {
    const [, count, unit = ''] = rel; // both groups take part in a match
    const days = { day: 1, week: 7, month: 30, year: 365 }[unit.toLowerCase() as 'day'];
    return now - Number(count) * days * 86_400_000;
  }
  const t = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(t))
    throw new UsageError(
      `--since must be a date such as 2024-05-01 or '30 days', not '${text.slice(0, 40)}'`,
      'give a date (YYYY-MM-DD, optionally with a time) or a span: 2 weeks, 30 days, 6 months',
    );
  return t;
}

export const cloneCommand: CommandModule<
  GlobalArgs,
  { url: string; dir?: string; depth?: number; since?: string } & GlobalArgs & LimitArgs & SaveArgs
> = {
  command: 'clone <url> [dir]',
  describe: 'a new project folder with the full vault of a git remote',
  builder: (y) =>
    limitOptions(
      saveOption(y)
        .positional('url', { type: 'string', demandOption: true })
        .positional('dir', { type: 'string', describe: 'default: the repository name' })
        .option(
          'depth',
          numberOption('depth', 'count', {
            describe:
              "only the newest N snapshots of each branch (a shallow clone; 'vault fetch --deepen N' adds more)",
          }),
        )
        .option('since', {
          type: 'string',
          describe: "only the snapshots made since DATE (2024-05-01, or '30 days'; a shallow clone)",
        }),
    ).epilog(
      examplesText([
        ['vault clone https://git.example.com/team/castle.git', 'clone into ./castle'],
        ['vault clone --depth 1 https://git.example.com/team/castle.git', 'only the newest snapshot'],
      ]),
    ),
  handler: async (argv) => {
    const limits = limitsOf(argv);
    const since = argv.since === undefined ? undefined : parseSince(argv.since);
    const dir = resolve(cwdOf(argv), argv.dir ?? cloneDirName(argv.url));
    const made = !builtinFs.existsSync(dir);
    const bar = syncProgress('clone', argv.quiet || argv.json);
    const r = await interruptible(
      (signal) =>
        withPrompt(
          async () => argv.url,
          (credentials) =>
            sync.clone({
              fs: nodeFs,
              url: argv.url,
              dir,
              codec: new WorkerCodec(),
              credentials,
              saveCredentials: argv.saveCredentials,
              threads: Number(process.env.VAULT_THREADS ?? Math.min(4, availableParallelism())),
              onProgress: bar.onProgress,
              limits,
              signal,
              depth: argv.depth,
              since,
            }),
        ),
      () => made && builtinFs.rmSync(dir, { recursive: true, force: true }),
    )
      .then((c) =>
        withVault({ ...argv, C: c.dir, vaultDir: undefined }, (v) => afterSync<typeof c>(v, undefined, true)(c)),
      )
      .finally(bar.done);
    if (argv.json) {
      printJson(r);
      if (r.skipped.length) process.exitCode = 1;
      return checkoutReport(r.checkout, true);
    }
    importReport(r);
    if (argv.quiet) return checkoutReport(r.checkout, true);
    out(
      `cloned ${safeUrl(argv.url)} into ${r.dir}: ${r.imported} snapshot(s)${r.shallow ? ' (shallow history)' : ''}${r.branch ? `, ${r.branch.replace(/^refs\/heads\//, '')} at ${shortId(r.head!)}` : ' (empty remote)'}`,
    );
    if (r.settings.persona)
      out(`persona: ${r.settings.persona}${r.settings.with ? ` (with ${r.settings.with.join(', ')})` : ''}`);
    if (r.settingsIgnored.length) warn(`warning: vault settings not taken over: ${r.settingsIgnored.join(', ')}`);
    checkoutReport(r.checkout);
  },
};
