import type { CommandModule } from 'yargs';
import { gc } from '../../porcelain/gc.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  repack?: boolean;
  lockWait?: number;
}

export const gcCommand: CommandModule<GlobalArgs, Args> = {
  command: 'gc',
  describe: 'pack loose objects, combine small packs, clear leftovers of killed commands',
  builder: (y) =>
    y
      .option('repack', {
        type: 'boolean',
        default: true,
        describe: 'combine many small packs into few (--no-repack to skip)',
      })
      .option(
        'lock-wait',
        numberOption('lock-wait', 'seconds', {
          default: 0,
          describe: 'seconds to wait if another command holds the vault',
        }),
      )
      .epilog(examplesText([['vault gc', 'tidy the object store']])),
  handler: async (argv) => {
    const r = await withVault(argv, (vault) => gc({ vault, repack: argv.repack, lockWait: argv.lockWait }));
    if (argv.json) return printJson(r);
    if (argv.quiet) return;
    out(`packed ${r.loosePacked} loose object(s), removed ${r.looseRemoved} loose file(s)`);
    if (r.repackedFrom) out(`combined ${r.repackedFrom} small pack(s) into ${r.repackedInto}`);
    if (r.tempsRemoved.length) out(`removed ${r.tempsRemoved.length} leftover temp file(s) of interrupted commands`);
    for (const o of r.orphanPacks)
      out(
        o.action === 'too young'
          ? `pack ${o.name} has no index yet: left for a later gc (it may still be being written)`
          : `pack ${o.name} had no index: ${o.action} (${o.objects} objects)`,
      );
    for (const id of r.looseCorrupt) out(`corrupt loose object left in place: ${id} (run 'vault repair')`);
    for (const n of r.repackSkipped)
      out(`pack ${n} not combined: a record in it failed verification (run 'vault repair')`);
    out(`packs: ${r.packsBefore} -> ${r.packsAfter}`);
  },
};
