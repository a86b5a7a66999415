import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { commit } from '../../porcelain/commit.js';
import { commitAttachments } from '../../ui/attachments.js';
import { bytes, plural, shortId } from '../../ui/format.js';
import { out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { fromProgress, progressReporter, progressWanted } from '../../ui/progress.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  message: string;
  allowEmpty?: boolean;
  allowEmptyMessage?: boolean;
  lockWait?: number;
  workspaceNote?: string;
}

export const commitCommand: CommandModule<GlobalArgs, Args> = {
  command: 'commit',
  describe: 'record a snapshot of the project folder',
  builder: (y) =>
    y
      .option('message', { alias: 'm', type: 'string', demandOption: true, describe: 'what changed' })
      .option('allow-empty', { type: 'boolean', describe: 'record a snapshot even if nothing changed' })
      .option('allow-empty-message', { type: 'boolean', describe: 'accept an empty message (-m "")' })
      .option(
        'lock-wait',
        numberOption('lock-wait', 'seconds', {
          default: 0,
          describe: 'seconds to wait if another command holds the vault',
        }),
      )
      .option('workspace-note', {
        type: 'string',
        describe: "a note on the working session (open documents, app versions), shown by 'vault workspace show'",
      })
      .epilog(examplesText([['vault commit -m "blocked out the castle"', 'snapshot everything that changed']])),
  handler: async (argv) => {
    if (!String(argv.message ?? '').trim() && !argv.allowEmptyMessage)
      throw new UsageError(
        'the snapshot message is empty',
        'say what changed: -m "..." (or pass --allow-empty-message)',
      );
    const bar = progressReporter(
      (s) => (s.phase === 'attach' ? 'committing: thumbnails and references' : 'committing'),
      fromProgress,
      { enabled: progressWanted(argv) },
    );
    const r = await withVault(argv, async (vault) =>
      commit({
        vault,
        message: argv.message,
        allowEmpty: argv.allowEmpty,
        lockWait: argv.lockWait,
        meta: argv.workspaceNote ? { 'workspace.note': argv.workspaceNote } : undefined,
        onProgress: bar.onProgress,
        onSkip: (path, reason) => warn(`warning: skipped ${path}: ${reason}`),
        attachments: await commitAttachments(vault),
        onWarning: (w) => warn(`warning: ${w.attachment}: ${w.message}`),
      }),
    ).finally(bar.done);
    if (argv.json) return printJson(r);
    if (argv.quiet) return;
    if (!r.id) {
      out(`nothing to commit, working folder matches HEAD${r.parent ? ` (${shortId(r.parent)})` : ''}`);
      return;
    }
    out(`snapshot ${r.id}`);
    out(
      `  ${plural(r.files, 'file')}, ${bytes(r.bytes)} scanned; ${plural(r.filesRead, 'file')} read (${bytes(r.bytesRead)})`,
    );
    out(
      `  new: ${plural(r.newObjects, 'object')}, ${bytes(r.newBytesRaw)} raw -> ${bytes(r.newBytesStored)} stored after dedup and compression`,
    );
    if (r.skipped.length) out(`  ${plural(r.skipped.length, 'path')} skipped (see warnings)`);
  },
};
