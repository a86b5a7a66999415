import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { bytes, plural, shortId, time } from '../../../ui/format.js';
import { progressReporter, progressWanted } from '../../../ui/progress.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../../context.js';
import { numberOption } from '../../options.js';
import { noAction, withActions } from '../../subcommands.js';

interface Args extends GlobalArgs {
  action: 'record' | 'list' | 'show';
  id?: string;
  version?: string;
  platform?: string;
  snapshot?: string;
  artifact?: string | string[];
  notes?: string;
  lockWait?: number;
}

const lockWait = numberOption('lock-wait', 'seconds', {
  default: 0,
  describe: 'seconds to wait if another command holds the vault',
});

export const buildCommand: CommandModule<GlobalArgs, Args> = {
  command: 'build',
  describe: 'record a game build (version, platform, artifacts) made from a snapshot; list and show builds',
  builder: (y) =>
    withActions<Args>(
      y,
      'build',
      [
        {
          command: 'record',
          describe: 'link a build to the snapshot it was made from, and keep its artifacts',
          builder: (s) =>
            s
              // here --version is the build's version, not Vault's (vault --version still shows that)
              .version(false)
              .option('version', { type: 'string', describe: 'the build version (e.g. 0.4.2)' })
              .option('platform', { type: 'string', describe: 'the target platform (e.g. windows)' })
              .option('snapshot', {
                alias: 's',
                type: 'string',
                describe: 'the snapshot the build was made from (default HEAD)',
              })
              .option('artifact', {
                alias: 'a',
                type: 'string',
                describe: 'a build artifact file or folder to keep (repeatable; stored deduplicated)',
              })
              .option('notes', { type: 'string', describe: 'free text' })
              .option('lock-wait', lockWait),
          examples: [
            [
              'vault build record --version 0.4.2 --platform windows --artifact export/game.pck',
              'link build 0.4.2 to HEAD and keep its package',
            ],
          ],
        },
        {
          command: 'list',
          describe: 'the recorded builds, oldest first',
          builder: (s) =>
            s
              .version(false)
              .option('version', { type: 'string', describe: 'only builds of this version' })
              .option('platform', { type: 'string', describe: 'only builds for this platform' }),
          examples: [['vault build list --platform windows', 'every windows build']],
        },
        {
          command: 'show [id]',
          describe: 'one build with its artifacts',
          builder: (s) =>
            s.positional('id', { type: 'string', describe: 'build id, id prefix, version or VERSION@PLATFORM' }),
          examples: [['vault build show 0.4.2@windows', 'one build with its artifacts']],
        },
      ],
      run,
    ),
  handler: noAction('build'),
};

async function run(argv: Args): Promise<void> {
  const { recordBuild, listBuilds, resolveBuild } = await import('../../../personas/game/builds.js');
  await withVault(argv, async (vault) => {
    if (argv.action === 'record') {
      if (!argv.version || !argv.platform)
        throw new UsageError(
          'build record needs --version and --platform',
          'e.g. vault build record --version 0.4.2 --platform windows',
        );
      if (!argv.snapshot) {
        // the build is linked to HEAD: say so when the working folder has changes HEAD lacks
        const { status } = await import('../../../porcelain/status.js');
        const st = await status({ vault });
        const n = st.added.length + st.modified.length + st.deleted.length + st.renamed.length;
        if (!st.clean)
          warn(
            `warning: ${n} uncommitted change(s) in the project folder; ` +
              `the build is linked to HEAD (commit first, or pass --snapshot)`,
          );
      }
      const bar = progressReporter(
        'storing artifacts',
        (n: number) => ({ phase: 'read', bytes: n, bytesTotal: 0, items: 0, itemsTotal: 0, unit: 'files' }),
        { enabled: progressWanted(argv) },
      );
      const b = await recordBuild({
        vault,
        version: argv.version,
        platform: argv.platform,
        snapshot: argv.snapshot,
        notes: argv.notes,
        artifacts: ([] as string[]).concat(argv.artifact ?? []).map((p) => resolve(cwdOf(argv), p)),
        lockWait: argv.lockWait,
        onBytes: bar.onProgress,
      }).finally(bar.done);
      if (argv.json) return printJson(b);
      if (argv.quiet) return;
      out(`build ${b.id} ${b.version}@${b.platform} from snapshot ${shortId(b.snapshot)}`);
      for (const a of b.artifacts) out(`  artifact ${a.path} (${bytes(a.size)})`);
      const s = b.stored;
      out(
        `  new: ${plural(s.objects, 'object')}, ${bytes(s.raw)} raw -> ${bytes(s.bytes)} ` +
          `stored after dedup and compression (${bytes(s.read)} of artifacts read)`,
      );
      return;
    }
    if (argv.action === 'list') {
      const list = await listBuilds({ vault, platform: argv.platform, version: argv.version });
      if (argv.json) return printJson(list);
      if (!list.length) return out('no builds recorded yet (vault build record --version V --platform P)');
      for (const b of list)
        out(
          `${b.id}  ${`${b.version}@${b.platform}`.padEnd(24)} ${shortId(b.snapshot)}  ${time(b.time)} ` +
            ` ${b.artifacts.length} artifact(s)${b.notes ? `  ${b.notes.split('\n')[0]}` : ''}`,
        );
      return;
    }
    if (!argv.id) throw new UsageError('build show needs a build', 'e.g. vault build show 0.4.2@windows');
    const b = await resolveBuild(vault, argv.id);
    if (argv.json) return printJson(b);
    out(`build    ${b.id}`);
    out(`version  ${b.version}`);
    out(`platform ${b.platform}`);
    out(`snapshot ${b.snapshot}`);
    out(`time     ${time(b.time)} by ${b.author}`);
    if (b.notes) out(`notes    ${b.notes}`);
    for (const f of b.files) out(`artifact ${f.path} (${bytes(f.size)}, ${f.obj} ${shortId(f.id)})`);
  });
}
