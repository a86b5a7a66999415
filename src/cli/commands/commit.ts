import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { commit } from '../../porcelain/commit.js';
import { commitMerge } from '../../porcelain/merge/commitMerge.js';
import { readMergeState } from '../../porcelain/merge/state.js';
import { commitAttachments } from '../../ui/attachments.js';
import { bytes, gitFolderNote, plural, quotePath, shortId } from '../../ui/format.js';
import type { Skipped } from '../../porcelain/hashWorktree.js';
import { lockWarnings } from './locks.js';
import { EXIT_INCOMPLETE, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { fromProgress, progressReporter, progressWanted } from '../../ui/progress.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  message?: string;
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
      .option('message', { alias: 'm', type: 'string', describe: 'what changed (during a merge: the merge message)' })
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
    // no -m at all is fine during a merge (its message is made for it); an empty one never is
    if (argv.message !== undefined && !argv.message.trim() && !argv.allowEmptyMessage)
      throw new UsageError(
        'the snapshot message is empty',
        'say what changed: -m "..." (or pass --allow-empty-message)',
      );
    const bar = progressReporter(
      (s) => (s.phase === 'attach' ? 'committing: thumbnails and references' : 'committing'),
      fromProgress,
      { enabled: progressWanted(argv) },
    );
    const gitFolders: string[] = [];
    const r = await withVault(argv, async (vault) => {
      // during a merge: the merge snapshot (both parents), once every conflict is resolved; -m is optional
      const merging = await readMergeState(vault);
      const message = argv.message ?? (merging ? undefined : missingMessage());
      return (merging ? commitMerge : commit)({
        vault,
        message: message!,
        allowEmpty: argv.allowEmpty,
        lockWait: argv.lockWait,
        meta: argv.workspaceNote ? { 'workspace.note': argv.workspaceNote } : undefined,
        onProgress: bar.onProgress,
        onSkip: (path, reason, kind) =>
          warn(
            `${kind === 'nested-vault' ? 'note: left out' : 'warning: not backed up:'} ${quotePath(path)}: ${reason}`,
          ),
        onGitFolder: (path) => gitFolders.push(path),
        attachments: await commitAttachments(vault),
        onWarning: (w) => warn(`warning: ${w.attachment}: ${w.message}`),
      }).then(async (c) => ({ ...c, ...(await lockWarnings(vault, c)) }));
    }).finally(bar.done);
    const note = gitFolderNote(gitFolders);
    if (note) warn(note);
    // a snapshot that lacks files the folder has is not a complete backup: say so in the status too
    if (!r.complete) process.exitCode = EXIT_INCOMPLETE;
    if (argv.json) return printJson(r);
    if (r.cacheDropped)
      warn(`note: the stat cache (.vault/index) was not used (${r.cacheDropped}); every file was read again`);
    if (argv.quiet) return;
    if (!r.id) {
      out(`nothing to commit, working folder matches HEAD${r.parent ? ` (${shortId(r.parent)})` : ''}`);
      if (!r.complete) out(`  ${leftOut(r.skipped)}`);
      return;
    }
    out(`snapshot ${r.id}`);
    out(
      `  ${plural(r.files, 'file')}, ${bytes(r.bytes)} scanned; ` +
        `${plural(r.filesRead, 'file')} read (${bytes(r.bytesRead)})`,
    );
    out(
      `  new: ${plural(r.newObjects, 'object')}, ${bytes(r.newBytesRaw)} ` +
        `raw -> ${bytes(r.newBytesStored)} stored after dedup and compression`,
    );
    if (!r.complete) out(`  incomplete snapshot: ${leftOut(r.skipped)}`);
  },
};

function missingMessage(): never {
  throw new UsageError('Missing required argument: message', 'vault commit -m "what changed"');
}

/** "2 paths not backed up (1 unreadable, 1 vanished); see the warnings" */
function leftOut(skipped: readonly Skipped[]): string {
  const counts = new Map<string, number>();
  for (const s of skipped) if (s.kind !== 'nested-vault') counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  const kinds = [...counts].map(([k, c]) => `${c} ${k}`).join(', ');
  return `${plural(n, 'path')} not backed up (${kinds}); see the warnings above`;
}
