import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { shortId } from '../../../ui/format.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../../context.js';
import { numberOption } from '../../options.js';
import { noAction, withActions } from '../../subcommands.js';

interface Args extends GlobalArgs {
  action: 'add' | 'import' | 'report' | 'list';
  text?: string[];
  file?: string;
  allowEmptyMessage?: boolean;
  build?: string;
  tester?: string;
  rating?: number;
  tag?: string | string[];
  since?: string;
  format?: 'csv' | 'json';
  lockWait?: number;
  all?: boolean;
}

const lockWait = numberOption('lock-wait', 'seconds', {
  default: 0,
  describe: 'seconds to wait if another command holds the vault',
});

export const feedbackCommand: CommandModule<GlobalArgs, Args> = {
  command: 'feedback',
  describe:
    'playtest feedback on builds: add one, import a CSV/JSON export, list, report which change made things worse',
  builder: (y) =>
    withActions<Args>(
      y,
      'feedback',
      [
        {
          command: 'add [text..]',
          describe: "record one tester's feedback on a build",
          builder: (s) =>
            s
              .positional('text', { type: 'string', array: true, describe: 'what the tester said' })
              .option('build', { alias: 'b', type: 'string', describe: 'build id, version or VERSION@PLATFORM' })
              .option('tester', { type: 'string', describe: 'who played' })
              .option('rating', numberOption('rating', 'count', { alias: 'r', max: 5, describe: '1..5' }))
              // not array: true, which would swallow the TEXT after it; repeating --tag gives an array
              .option('tag', { alias: 't', type: 'string', describe: 'a tag such as crash or perf (repeatable)' })
              .option('allow-empty-message', { type: 'boolean', describe: 'record the feedback without any text' })
              .option('lock-wait', lockWait),
          examples: [
            [
              'vault feedback add --build 0.4.2@windows --tester ana --rating 2 --tag crash "crashed in the cave"',
              "one tester's feedback",
            ],
          ],
        },
        {
          command: 'import [file]',
          describe: 'add the rows of a CSV or JSON export of playtest forms',
          builder: (s) =>
            s
              .positional('file', {
                type: 'string',
                describe: 'the export: columns build, platform, tester, rating, tags, text[, time]',
              })
              .option('format', {
                choices: ['csv', 'json'] as const,
                describe: 'file format (default: from the extension)',
              })
              .option('lock-wait', lockWait),
          examples: [
            ['vault feedback import forms/week12.csv', 'columns: build, platform, tester, rating, tags, text[, time]'],
          ],
        },
        {
          command: 'list',
          describe: 'the feedback recorded so far',
          builder: (s) => s.option('build', { alias: 'b', type: 'string', describe: 'only feedback on this build' }),
        },
        {
          command: 'report',
          describe: 'ratings per build, and the changes behind each build that got worse than the one before',
          builder: (s) =>
            s
              .option('since', { type: 'string', describe: "only builds made after this milestone's snapshot" })
              .option('all', {
                type: 'boolean',
                describe: 'list every changed file and every path of a group (default: what fits the terminal)',
              }),
          examples: [
            [
              'vault feedback report --since beta-1 --json',
              'per-build ratings and the changes behind regressions, as data',
            ],
          ],
        },
      ],
      run,
    ),
  handler: noAction('feedback'),
};

async function run(argv: Args): Promise<void> {
  const fb = await import('../../../personas/game/feedback.js');
  await withVault(argv, async (vault) => {
    const rest = (argv.text ?? (argv.file === undefined ? [] : [argv.file])).map(String);
    if (argv.action === 'add') {
      if (!argv.build || !argv.tester || argv.rating === undefined)
        throw new UsageError(
          'feedback add needs --build, --tester and --rating',
          'e.g. vault feedback add --build 0.4.2 --tester ana --rating 4 "fun"',
        );
      if (!rest.join(' ').trim() && !argv.allowEmptyMessage)
        throw new UsageError(
          'feedback add needs the feedback TEXT',
          'e.g. vault feedback add --build 0.4.2 --tester ana --rating 4 "fun"; or pass --allow-empty-message',
        );
      const r = await fb.addFeedback({
        vault,
        build: argv.build,
        tester: argv.tester,
        rating: argv.rating,
        tags: ([] as string[]).concat(argv.tag ?? []),
        text: rest.join(' '),
        lockWait: argv.lockWait,
      });
      if (argv.json) return printJson(r);
      if (argv.quiet) return;
      return out(
        r.added
          ? `feedback ${r.feedback.id} on build ${r.feedback.build} ` +
              `(${r.feedback.rating}/5${r.feedback.tags.length ? `, ${r.feedback.tags.join(', ')}` : ''})`
          : `feedback ${r.feedback.id} was recorded already`,
      );
    }
    if (argv.action === 'import') {
      const [file] = rest;
      if (rest.length !== 1 || file === undefined)
        throw new UsageError('feedback import needs one FILE', 'e.g. vault feedback import forms/week12.csv');
      const r = await fb.importFeedback({
        vault,
        path: resolve(cwdOf(argv), file),
        format: argv.format,
        lockWait: argv.lockWait,
      });
      if (argv.json) printJson(r);
      else {
        if (!argv.quiet)
          out(
            `imported ${r.added} of ${r.rows} ` +
              `row(s)${r.duplicates ? `, ${r.duplicates} already recorded` : ''}${r.problems.length ? `, ${r.problems.length} bad` : ''}`,
          );
        if (r.ignoredColumns.length)
          warn(
            `warning: ${rest[0]}: ignored column(s) ${r.ignoredColumns.join(', ')} (known: ` +
              `build or version, platform, tester, rating, tags, text or comment, time)`,
          );
        for (const p of r.problems) warn(`${rest[0]}:${p.line}: ${p.reason}`);
      }
      if (r.problems.length) process.exitCode = 1;
      return;
    }
    if (argv.action === 'list') {
      const list = await fb.listFeedback({ vault, build: argv.build });
      if (argv.json) return printJson(list);
      for (const f of list)
        out(
          `${f.id}  ${shortId(f.build)}  ${f.rating}/5  ${f.tester.padEnd(12)} ` +
            `${f.tags.length ? `[${f.tags.join(', ')}] ` : ''}${f.text.split('\n')[0]}`,
        );
      if (!list.length) out('no feedback yet');
      return;
    }
    const { feedbackReport } = await import('../../../personas/game/feedbackReport.js');
    const r = await feedbackReport({ vault, since: argv.since });
    if (argv.json) return printJson(r);
    const { feedbackReportLines } = await import('../../../ui/feedbackReportText.js');
    const width = Math.max(60, process.stdout.columns || 100);
    for (const line of feedbackReportLines(r, { width, all: argv.all })) out(line);
  });
}
