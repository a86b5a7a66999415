import { existsSync, rmSync } from 'node:fs';
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

export const pushCommand: CommandModule<
  GlobalArgs,
  SyncArgs & SaveArgs & { batchMb?: number; resend?: boolean; ignoreLocks?: boolean; unlock?: boolean }
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
      .epilog(examplesText([['vault push', 'push to origin']])),
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
          }),
      ).then(afterPush(vault, argv.remote, argv.unlock)),
    ).finally(bar.done);
    if (argv.json) return printJson(r);
    for (const x of r.rejected) warn(`warning: ${x.ref} not pushed: ${x.reason}`);
    if (argv.quiet) return;
    for (const u of r.updated) out(`${u.ref} -> ${shortId(u.snapshot)} (git ${u.commit.slice(0, 12)})`);
    if (!r.updated.length && !r.rejected.length) out(`${r.remote} is up to date`);
    else out(`sent ${r.objectsSent} objects, ${bytes(r.bytesSent)} in ${r.requests} request(s)`);
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

function fetchSummary(
  quiet: boolean | undefined,
  r: {
    remote: string;
    imported: number;
    created: string[];
    conflicts: { ref: string; local: string; remote: string }[];
    skipped: { ref: string; reason: string }[];
  },
): void {
  for (const s of r.skipped) warn(`warning: skipped ${s.ref}: ${s.reason}`);
  for (const c of r.conflicts)
    warn(`warning: ${c.ref} is ${shortId(c.local)} here but ${shortId(c.remote)} on ${r.remote}; kept the local one`);
  if (quiet) return;
  out(`fetched ${r.imported} new snapshot(s) from ${r.remote}`);
  for (const c of r.created) out(`  new ${c.replace(/^refs\//, '')}`);
}

export const fetchCommand: CommandModule<GlobalArgs, SyncArgs & LimitArgs & SaveArgs> = {
  command: 'fetch [remote]',
  describe: "download the remote's snapshots; moves no branch",
  builder: (y) =>
    limitOptions(saveOption(y).positional('remote', { type: 'string', default: 'origin' })).epilog(
      examplesText([['vault fetch', 'fetch from origin']]),
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

export const pullCommand: CommandModule<GlobalArgs, SyncArgs & LimitArgs & SaveArgs> = {
  command: 'pull [remote]',
  describe: 'fetch, then fast-forward the current branch and the working folder',
  builder: (y) =>
    limitOptions(saveOption(y).positional('remote', { type: 'string', default: 'origin' })).epilog(
      examplesText([['vault pull', 'bring in what teammates pushed']]),
    ),
  handler: async (argv) => {
    const limits = limitsOf(argv);
    const bar = syncProgress('pull', argv.quiet || argv.json);
    const r = await withVault(argv, (vault) =>
      interruptible((signal) =>
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
            }),
        ),
      ).then(afterSync(vault, argv.remote, true)),
    ).finally(bar.done);
    if (argv.json) {
      printJson(r);
      return checkoutReport(r.checkout, true);
    }
    fetchSummary(argv.quiet, r);
    if (argv.quiet) return checkoutReport(r.checkout, true);
    const b = r.branch.replace(/^refs\/heads\//, '');
    if (r.outcome === 'fast-forward' || r.outcome === 'new-branch')
      out(`${b}: ${r.from ? shortId(r.from) : '(none)'} -> ${shortId(r.to!)} (fast-forward)`);
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

export const cloneCommand: CommandModule<
  GlobalArgs,
  { url: string; dir?: string } & GlobalArgs & LimitArgs & SaveArgs
> = {
  command: 'clone <url> [dir]',
  describe: 'a new project folder with the full vault of a git remote',
  builder: (y) =>
    limitOptions(
      saveOption(y)
        .positional('url', { type: 'string', demandOption: true })
        .positional('dir', { type: 'string', describe: 'default: the repository name' }),
    ).epilog(examplesText([['vault clone https://git.example.com/team/castle.git', 'clone into ./castle']])),
  handler: async (argv) => {
    const limits = limitsOf(argv);
    const dir = resolve(cwdOf(argv), argv.dir ?? cloneDirName(argv.url));
    const made = !existsSync(dir);
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
            }),
        ),
      () => made && rmSync(dir, { recursive: true, force: true }),
    )
      .then((c) =>
        withVault({ ...argv, C: c.dir, vaultDir: undefined }, (v) => afterSync<typeof c>(v, undefined, true)(c)),
      )
      .finally(bar.done);
    if (argv.json) {
      printJson(r);
      return checkoutReport(r.checkout, true);
    }
    if (argv.quiet) return checkoutReport(r.checkout, true);
    out(
      `cloned ${safeUrl(argv.url)} into ${r.dir}: ${r.imported} snapshot(s)${r.branch ? `, ${r.branch.replace(/^refs\/heads\//, '')} at ${shortId(r.head!)}` : ' (empty remote)'}`,
    );
    if (r.settings.persona)
      out(`persona: ${r.settings.persona}${r.settings.with ? ` (with ${r.settings.with.join(', ')})` : ''}`);
    if (r.settingsIgnored.length) warn(`warning: vault settings not taken over: ${r.settingsIgnored.join(', ')}`);
    checkoutReport(r.checkout);
  },
};
