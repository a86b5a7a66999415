import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { prune } from '../../porcelain/prune.js';
import { parseDuration } from '../../porcelain/reachable.js';
import { bytes } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  dryRun?: boolean;
  protect?: string;
  repackThreshold?: number;
  lockWait?: number;
}

export const pruneCommand: CommandModule<GlobalArgs, Args> = {
  command: 'prune',
  describe: 'delete objects no ref (nor a recent reflog entry) reaches; rewrite packs that are mostly garbage',
  builder: (y) =>
    y
      .option('dry-run', { alias: 'n', type: 'boolean', describe: 'report what would be deleted; delete nothing' })
      .option('protect', {
        type: 'string',
        default: '14d',
        describe: 'reflog entries and loose objects younger than this keep what they name (0: none)',
      })
      .option(
        'repack-threshold',
        numberOption('repack-threshold', 'fraction', {
          default: 0.5,
          describe: 'rewrite a pack when more than this fraction of it is garbage',
        }),
      )
      .option(
        'lock-wait',
        numberOption('lock-wait', 'seconds', {
          default: 0,
          describe: 'seconds to wait if another command holds the vault',
        }),
      )
      .epilog(
        examplesText([
          ['vault forget --keep-last 10 && vault prune --protect 0', 'drop old history now, not in 14 days'],
        ]),
      ),
  handler: async (argv) => {
    const protectMs = parseDuration(argv.protect ?? '14d');
    if (Number.isNaN(protectMs))
      throw new UsageError(`--protect takes a duration like 14d, 2w or 0, got '${argv.protect}'`);
    const t = argv.repackThreshold ?? 0.5;
    const r = await withVault(argv, (vault) =>
      prune({ vault, dryRun: argv.dryRun, protectMs, repackThreshold: t, lockWait: argv.lockWait }),
    );
    if (argv.json) return printJson(r);
    if (argv.quiet) return;
    const would = r.dryRun ? 'would be ' : '';
    out(`${r.liveObjects} live object(s)`);
    for (const p of r.packs)
      if (p.action !== 'keep')
        out(
          `${p.action === 'delete' ? 'delete ' : 'rewrite'} ${p.name} ` +
            `(${p.liveObjects}/${p.objects} objects live, ${bytes(p.bytes)})`,
        );
    out(
      `${r.objectsDeleted} object(s) ${would}deleted, ${bytes(r.bytesFreed)} ${would}freed; ${r.looseDeleted} ` +
        `loose file(s) ${would}removed${r.looseProtected ? `, ${r.looseProtected} recent one(s) protected` : ''}`,
    );
    if (r.garbageKept)
      out(`${r.garbageKept} unreachable object(s) stay in packs that are mostly live (see --repack-threshold)`);
    for (const n of r.rewriteSkipped)
      out(`pack ${n} not rewritten: a record in it failed verification (run 'vault repair')`);
    if (r.orphanPacks.length) out(`${r.orphanPacks.length} pack(s) without an index left alone (run 'vault gc')`);
  },
};
