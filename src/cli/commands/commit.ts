import type { CommandModule } from 'yargs';
import { commit } from '../../porcelain/commit.js';
import { commitAttachments } from '../../ui/attachments.js';
import { bytes, gitFolderNote, shortId } from '../../ui/format.js';
import { out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { fromProgress, progressReporter, progressWanted } from '../../ui/progress.js';

interface Args extends GlobalArgs {
  message: string;
  allowEmpty?: boolean;
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
      .option('lock-wait', {
        type: 'number',
        default: 0,
        describe: 'seconds to wait if another command holds the vault',
      })
      .option('workspace-note', {
        type: 'string',
        describe: "a note on the working session (open documents, app versions), shown by 'vault workspace show'",
      })
      .example('$0 commit -m "blocked out the castle"', 'snapshot everything that changed'),
  handler: async (argv) => {
    const bar = progressReporter(
      (s) => (s.phase === 'attach' ? 'committing: thumbnails and references' : 'committing'),
      fromProgress,
      { enabled: progressWanted(argv) },
    );
    const gitFolders: string[] = [];
    const r = await withVault(argv, async (vault) =>
      commit({
        vault,
        message: argv.message,
        allowEmpty: argv.allowEmpty,
        lockWait: argv.lockWait,
        meta: argv.workspaceNote ? { 'workspace.note': argv.workspaceNote } : undefined,
        onProgress: bar.onProgress,
        onSkip: (path, reason) => warn(`warning: skipped ${path}: ${reason}`),
        onGitFolder: (path) => gitFolders.push(path),
        attachments: await commitAttachments(vault),
        onWarning: (w) => warn(`warning: ${w.attachment}: ${w.message}`),
      }),
    ).finally(bar.done);
    const note = gitFolderNote(gitFolders);
    if (note) warn(note);
    if (argv.json) return printJson(r);
    if (!r.id) {
      out(`nothing to commit, working folder matches HEAD${r.parent ? ` (${shortId(r.parent)})` : ''}`);
      return;
    }
    out(`snapshot ${r.id}`);
    out(`  ${r.files} files, ${bytes(r.bytes)} scanned; ${r.filesRead} files read (${bytes(r.bytesRead)})`);
    out(
      `  new: ${r.newObjects} objects, ${bytes(r.newBytesRaw)} raw -> ${bytes(r.newBytesStored)} stored after dedup and compression`,
    );
    if (r.skipped.length) out(`  ${r.skipped.length} path(s) skipped (see warnings)`);
  },
};
