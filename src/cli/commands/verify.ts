import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { verify } from '../../porcelain/verify.js';
import { bytes, plural, shortId } from '../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  readData?: boolean;
  readDataSubset?: string;
}

export const verifyCommand: CommandModule<GlobalArgs, Args> = {
  command: 'verify',
  describe: 'check that every snapshot is complete and well-formed (--read-data: re-hash all content)',
  builder: (y) =>
    y
      .option('read-data', { type: 'boolean', describe: 'decompress and re-hash the content of every file' })
      .option('read-data-subset', {
        type: 'string',
        describe: 'N/M: read only the N-th of M parts of the data (implies --read-data)',
      })
      .epilog(
        examplesText([
          ['vault verify --read-data-subset 1/10', 'check a tenth of the data today, the next tenth tomorrow'],
        ]),
      ),
  handler: async (argv) => {
    let subset: { n: number; m: number } | undefined;
    if (argv.readDataSubset) {
      const m = /^(\d+)\/(\d+)$/.exec(argv.readDataSubset);
      if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
        throw new UsageError(`--read-data-subset takes N/M with 1 <= N <= M, got '${argv.readDataSubset}'`);
      subset = { n: Number(m[1]), m: Number(m[2]) };
    }
    const r = await withVault(argv, (vault) => verify({ vault, readData: argv.readData || !!subset, subset }));
    if (argv.json) printJson(r);
    else {
      if (!argv.quiet)
        out(
          `checked ${plural(r.snapshots, 'snapshot')}, ${plural(r.trees, 'tree')}, ` +
            `${plural(r.files, 'file entry', 'file entries')}, ` +
            `${plural(r.objectsChecked, 'object')}${r.bytesRead ? `; read ${bytes(r.bytesRead)} of data` : ''}`,
        );
      for (const p of r.problems) {
        out(`${p.kind}: ${p.id}: ${p.message}`);
        if (p.snapshots.length) out(`  damages snapshot(s): ${p.snapshots.map(shortId).join(', ')}`);
        if (p.paths.length) out(`  paths: ${p.paths.join(', ')}`);
      }
      if (r.problems.length) out(`${plural(r.problems.length, 'problem')} found`);
      else if (!argv.quiet) out('no problems found');
    }
    if (r.problems.length) process.exitCode = 1;
  },
};
