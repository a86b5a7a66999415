import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { forget, type KeepPolicy } from '../../porcelain/forget.js';
import { parseDuration } from '../../porcelain/reachable.js';
import { shortId, time } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithin?: string;
  branch?: string;
  dropRef?: string[];
  dryRun?: boolean;
  lockWait?: number;
}

export const forgetCommand: CommandModule<GlobalArgs, Args> = {
  command: 'forget',
  describe: "thin out a branch's history by a retention policy (then run vault prune to free space)",
  builder: (y) =>
    y
      .option('keep-last', numberOption('keep-last', 'whole', { describe: 'keep the N newest snapshots' }))
      .option(
        'keep-hourly',
        numberOption('keep-hourly', 'whole', {
          describe: 'keep the newest snapshot of each of the last N hours that have one',
        }),
      )
      .option(
        'keep-daily',
        numberOption('keep-daily', 'whole', {
          describe: 'keep the newest snapshot of each of the last N days that have one',
        }),
      )
      .option('keep-weekly', numberOption('keep-weekly', 'whole', { describe: '... of the last N ISO weeks' }))
      .option('keep-monthly', numberOption('keep-monthly', 'whole', { describe: '... of the last N months' }))
      .option('keep-yearly', numberOption('keep-yearly', 'whole', { describe: '... of the last N years' }))
      .option('keep-within', {
        type: 'string',
        describe: 'keep every snapshot within this of the newest, e.g. 30d, 2w, 1y6m, 12h',
      })
      .option('branch', { type: 'string', describe: 'the branch to thin (default: the current one)' })
      .option('drop-ref', {
        type: 'string',
        array: true,
        describe: 'delete this milestone or tag so its snapshot is no longer protected',
      })
      .option('dry-run', {
        alias: 'n',
        type: 'boolean',
        describe: 'list what would be kept and forgotten; change nothing',
      })
      .option(
        'lock-wait',
        numberOption('lock-wait', 'seconds', {
          default: 0,
          describe: 'seconds to wait if another command holds the vault',
        }),
      )
      .epilog(
        examplesText([
          [
            'vault forget --keep-daily 7 --keep-weekly 5 --keep-monthly 12 --dry-run',
            'see what a typical policy would drop',
          ],
        ]),
      ),
  handler: async (argv) => {
    let withinMs: number | undefined;
    if (argv.keepWithin !== undefined) {
      withinMs = parseDuration(argv.keepWithin);
      if (Number.isNaN(withinMs))
        throw new UsageError(`--keep-within takes a duration like 30d, 2w, 1y6m or 12h, got '${argv.keepWithin}'`);
    }
    const policy: KeepPolicy = {
      last: argv.keepLast,
      hourly: argv.keepHourly,
      daily: argv.keepDaily,
      weekly: argv.keepWeekly,
      monthly: argv.keepMonthly,
      yearly: argv.keepYearly,
      withinMs,
    };
    for (const k of Object.keys(policy) as (keyof KeepPolicy)[]) if (policy[k] === undefined) delete policy[k];
    const r = await withVault(argv, (vault) =>
      forget({ vault, policy, ref: argv.branch, dryRun: argv.dryRun, dropRefs: argv.dropRef, lockWait: argv.lockWait }),
    );
    if (argv.json) return printJson(r);
    if (argv.quiet) return;
    for (const s of r.snapshots) {
      out(
        `${s.keep ? 'keep  ' : 'forget'} ${shortId(s.id)} ${time(s.time)} ` +
          `${s.message.split('\n')[0]}${s.keep ? `  (${s.reasons.join(', ')})` : ''}`,
      );
    }
    out(
      `${r.dryRun ? 'would keep' : 'kept'} ${r.kept} of ${r.snapshots.length} ` +
        `snapshot(s) on ${r.ref}; ${r.forgotten} ${r.dryRun ? 'would be ' : ''}forgotten`,
    );
    if (r.rewritten.length)
      out(
        `${r.dryRun ? 'would re-write' : 're-wrote'} ${r.rewritten.length} kept ` +
          `snapshot(s) onto the thinned chain (meta.original keeps the old id)`,
      );
    for (const m of r.movedRefs)
      out(`${r.dryRun ? 'would move' : 'moved'} ${m.ref}: ${shortId(m.old)} -> ${shortId(m.new)}`);
    for (const d of r.droppedRefs) out(`${r.dryRun ? 'would delete' : 'deleted'} ${d}`);
    if (!r.dryRun && r.forgotten)
      out("run 'vault prune' to free the space (the reflog protects forgotten snapshots for 14 days; see --protect)");
  },
};
