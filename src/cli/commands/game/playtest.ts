import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { bytes, shortId, time } from '../../../ui/format.js';
import { progressReporter, progressWanted } from '../../../ui/progress.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../../context.js';
import { numberOption } from '../../options.js';
import { noAction, withActions } from '../../subcommands.js';

interface Args extends GlobalArgs {
  action: 'save' | 'list' | 'show' | 'restore';
  args?: string[];
  build?: string;
  tester?: string;
  notes?: string;
  to?: string;
  force?: boolean;
  lockWait?: number;
}

export const playtestCommand: CommandModule<GlobalArgs, Args> = {
  command: 'playtest',
  describe: "keep a playtest session's recordings, logs, saves and telemetry with its build; list, show, restore them",
  builder: (y) =>
    withActions<Args>(
      y,
      'playtest',
      [
        {
          command: 'save [args..]',
          describe: "store a session's files (recordings, logs, saves, telemetry) with its build",
          builder: (s) =>
            s
              .positional('args', { type: 'string', array: true, describe: 'the files or folders of the session' })
              .option('build', { alias: 'b', type: 'string', describe: 'build id, version or VERSION@PLATFORM' })
              .option('tester', { type: 'string', describe: 'who played' })
              .option('notes', { type: 'string', describe: 'free text' })
              .option(
                'lock-wait',
                numberOption('lock-wait', 'seconds', {
                  default: 0,
                  describe: 'seconds to wait if another command holds the vault',
                }),
              ),
          examples: [
            [
              'vault playtest save --build 0.4.2@windows --tester ana captures/ana-run1.mp4 saves/',
              "store a session's files",
            ],
          ],
        },
        {
          command: 'list',
          describe: 'the stored sessions',
          builder: (s) =>
            s
              .option('build', { alias: 'b', type: 'string', describe: 'only sessions of this build' })
              .option('tester', { type: 'string', describe: 'only sessions of this tester' }),
        },
        {
          command: 'show [args..]',
          describe: 'one session: build, tester, time and files',
          builder: (s) => s.positional('args', { type: 'string', array: true, describe: 'the session id' }),
        },
        {
          command: 'restore [args..]',
          describe: "put a session's files back, byte-identical",
          builder: (s) =>
            s
              .positional('args', { type: 'string', array: true, describe: 'the session id' })
              .option('to', {
                type: 'string',
                describe: 'into this folder (default: the project folder, at the saved paths)',
              })
              .option('force', { alias: 'f', type: 'boolean', describe: 'overwrite files that differ' }),
          examples: [['vault playtest restore 3fa9c2 --to /tmp/session', 'get the files back, byte-identical']],
        },
      ],
      run,
    ),
  handler: noAction('playtest'),
};

async function run(argv: Args): Promise<void> {
  const p = await import('../../../personas/game/playtests.js');
  const rest = (argv.args ?? []).map(String);
  await withVault(argv, async (vault) => {
    if (argv.action === 'save') {
      if (!argv.build || !argv.tester)
        throw new UsageError(
          'playtest save needs --build and --tester',
          'e.g. vault playtest save --build 0.4.2 --tester ana captures/run1.mp4',
        );
      const bar = progressReporter(
        'storing session',
        (n: number) => ({ phase: 'read', bytes: n, bytesTotal: 0, items: 0, itemsTotal: 0, unit: 'files' }),
        { enabled: progressWanted(argv) },
      );
      const s = await p
        .savePlaytest({
          vault,
          build: argv.build,
          tester: argv.tester,
          notes: argv.notes,
          paths: rest.map((x) => resolve(cwdOf(argv), x)),
          lockWait: argv.lockWait,
          onBytes: bar.onProgress,
          onSkip: (path, why) => warn(`skipped ${path}: ${why}`),
        })
        .finally(bar.done);
      if (argv.json) return printJson(s);
      if (argv.quiet) return;
      out(
        `playtest ${s.id}: ${s.files.length} file(s), ${bytes(s.files.reduce((n, f) => n + f.size, 0))} ` +
          `with build ${s.version}@${s.platform} (${shortId(s.build)})`,
      );
      return;
    }
    if (argv.action === 'list') {
      const list = await p.listPlaytests({ vault, build: argv.build, tester: argv.tester });
      if (argv.json) return printJson(list);
      if (!list.length) return out('no playtest sessions yet');
      for (const s of list)
        out(
          `${s.id}  ${`${s.version}@${s.platform}`.padEnd(22)} ${s.tester.padEnd(12)} ${time(s.time)} ` +
            ` ${s.files.length} file(s), ${bytes(s.files.reduce((n, f) => n + f.size, 0))}`,
        );
      return;
    }
    const [session] = rest;
    if (rest.length !== 1 || session === undefined)
      throw new UsageError(`playtest ${argv.action} needs one session id`, "run 'vault playtest list'");
    if (argv.action === 'show') {
      const s = await p.findSession(vault, session);
      if (argv.json) return printJson(s);
      out(`session  ${s.id}`);
      out(`build    ${s.version}@${s.platform} (${s.build}), snapshot ${shortId(s.snapshot)}`);
      out(`tester   ${s.tester}`);
      out(`time     ${time(s.time)} by ${s.author}`);
      if (s.notes) out(`notes    ${s.notes}`);
      for (const f of s.stored) out(`  ${f.path} (${bytes(f.size)})`);
      return;
    }
    const r = await p.restorePlaytest({
      vault,
      session,
      to: argv.to === undefined ? undefined : resolve(cwdOf(argv), argv.to),
      force: argv.force,
    });
    if (argv.json) return printJson(r);
    if (argv.quiet) return;
    out(
      `restored ${r.files - r.unchanged} file(s), ${bytes(r.bytes)} into ` +
        `${r.target}${r.unchanged ? ` (${r.unchanged} already identical)` : ''}`,
    );
  });
}
