import type { CommandModule } from 'yargs';
import { UsageError } from '../../errors.js';
import { abortMerge } from '../../porcelain/merge/abortMerge.js';
import { commitMerge } from '../../porcelain/merge/commitMerge.js';
import { merge, type MergeResult } from '../../porcelain/merge/merge.js';
import type { MergeConflict } from '../../porcelain/merge/state.js';
import { commitAttachments } from '../../ui/attachments.js';
import { fileMergerFor } from '../../ui/fileMerger.js';
import { quotePath, shortId } from '../../ui/format.js';
import { fromProgress, progressReporter, progressWanted } from '../../ui/progress.js';
import { examplesText } from '../examples.js';
import { EXIT_INCOMPLETE, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  rev?: string;
  message?: string;
  abort?: boolean;
  continue?: boolean;
  ff?: boolean;
  ffOnly?: boolean;
  allowUnrelated?: boolean;
}

/** One line per conflict: where each version is. */
export function conflictLine(c: MergeConflict): string {
  const where: Record<string, string> = {
    content: c.markers ? 'both changed it: conflict markers in the file' : 'both changed it',
    'add/add': c.markers ? 'both added it: conflict markers in the file' : 'both added it',
    'delete/modify': c.ours ? 'they deleted it, we changed it' : 'we deleted it, they changed it',
    'rename/delete': c.ours ? 'we renamed it, they deleted it' : 'they renamed it, we deleted it',
    'rename/rename': `both renamed ${c.base?.path ?? ''}: ours here`,
    'file/folder': c.ours ? 'our file, their folder' : 'their file, our folder',
  };
  const copies = [
    c.oursCopy ? `ours in ${quotePath(c.oursCopy)}` : '',
    c.theirsCopy ? `theirs in ${quotePath(c.theirsCopy)}` : '',
  ].filter(Boolean);
  const state = c.resolved ? `resolved: ${c.resolved}` : 'not resolved';
  return `${c.resolved ? 'R' : 'C'}  ${quotePath(c.path)}  (${[where[c.kind], ...copies].join('; ')}; ${state})`;
}

function show(r: MergeResult, name: string): void {
  for (const n of r.notes) out(`note: ${n}`);
  switch (r.outcome) {
    case 'up-to-date':
      return out(`already up to date with ${name}`);
    case 'fast-forward':
      out(`fast-forward to ${name} (${shortId(r.theirs)}): ${r.merged.length} path(s) changed`);
      break;
    case 'merged':
      out(`merged ${name} (${shortId(r.theirs)}): snapshot ${r.id}`);
      break;
    case 'conflicts':
      out(`merging ${name} (${shortId(r.theirs)}): ${r.conflicts.length} conflict(s) to resolve`);
      break;
    case 'stopped':
      out(`merging ${name} stopped: ${r.notDone.length} path(s) could not be written`);
      break;
  }
  const mark = { theirs: 'M', deleted: 'D', renamed: 'R', text: 'T', 'file-merger': 'E' } as const;
  for (const m of r.merged) {
    const from = m.from ? `${quotePath(m.from)} -> ` : '';
    const how =
      { text: '  (both changes merged)', 'file-merger': '  (merged element by element)' }[m.how as string] ?? '';
    out(`${mark[m.how]}  ${from}${quotePath(m.path)}${how}`);
    for (const line of m.report ?? []) out(`     ${line}`);
  }
  for (const c of r.conflicts) {
    out(conflictLine(c));
    for (const line of c.report) out(`     ${line}`);
  }
  for (const n of r.notDone) warn(`error: not written: ${quotePath(n.path)}: ${n.reason}`);
  if (r.conflicts.length)
    out(
      "resolve each with 'vault resolve PATH --ours|--theirs|--both' (or edit it, then 'vault resolve PATH'), " +
        "then 'vault commit'; 'vault merge --abort' puts the folder back",
    );
}

function fastForwardOf(argv: Args): 'auto' | 'never' | 'only' {
  if (argv.ffOnly) return 'only';
  return argv.ff === false ? 'never' : 'auto';
}

export const mergeCommand: CommandModule<GlobalArgs, Args> = {
  command: 'merge [rev]',
  describe: 'merge another branch (or any snapshot) into the current one',
  builder: (y) =>
    y
      .positional('rev', { type: 'string', describe: 'a branch, tag or snapshot' })
      .option('message', { alias: 'm', type: 'string', describe: 'message of the merge snapshot' })
      .option('abort', { type: 'boolean', describe: 'undo the merge in progress: the folder as it was before' })
      .option('continue', { type: 'boolean', describe: 'record the merge once every conflict is resolved' })
      .option('ff', {
        type: 'boolean',
        default: true,
        describe: 'fast-forward when possible (--no-ff: always a merge snapshot)',
      })
      .option('ff-only', {
        type: 'boolean',
        describe: 'only fast-forward; refuse (EDIVERGED) when the histories diverged',
      })
      .option('allow-unrelated', { type: 'boolean', describe: 'merge histories that share no snapshot' })
      .epilog(
        examplesText([
          ['vault merge feature', 'bring the feature branch into the current branch'],
          ['vault merge --abort', 'undo a merge with conflicts'],
        ]),
      ),
  handler: async (argv) => {
    if ([argv.abort, argv.continue, argv.rev !== undefined].filter(Boolean).length !== 1)
      throw new UsageError('name what to merge, or pass --abort or --continue', "e.g. 'vault merge feature'");
    if (argv.abort) return abort(argv);
    if (argv.continue) return finish(argv);
    const bar = progressReporter(() => 'merging', fromProgress, { enabled: progressWanted(argv) });
    const r = await withVault(argv, async (vault) =>
      merge({
        vault,
        theirs: argv.rev!,
        message: argv.message,
        fastForward: fastForwardOf(argv),
        allowUnrelated: argv.allowUnrelated,
        mergeFile: await fileMergerFor(vault),
        attachments: await commitAttachments(vault),
        onWarning: (w) => warn(`warning: ${w.attachment}: ${w.message}`),
        onSkip: (path, reason) => warn(`warning: not backed up: ${quotePath(path)}: ${reason}`),
        onProgress: bar.onProgress,
      }),
    ).finally(bar.done);
    if (r.conflicts.length || r.notDone.length) process.exitCode = 1;
    else if (r.commit && !r.commit.complete) process.exitCode = EXIT_INCOMPLETE;
    if (argv.json) return printJson(r);
    show(r, argv.rev!);
  },
};

async function abort(argv: Args): Promise<void> {
  const r = await withVault(argv, (vault) => abortMerge({ vault }));
  if (r.notDone.length) process.exitCode = 1;
  if (argv.json) return printJson(r);
  for (const n of r.notDone) warn(`error: not put back: ${quotePath(n.path)}: ${n.reason}`);
  if (r.notDone.length) return out('merge not aborted: fix the paths above and run it again');
  out(`merge aborted: ${r.written} path(s) put back, ${r.removed} removed`);
}

async function finish(argv: Args): Promise<void> {
  const r = await withVault(argv, async (vault) =>
    commitMerge({
      vault,
      message: argv.message,
      attachments: await commitAttachments(vault),
      onWarning: (w) => warn(`warning: ${w.attachment}: ${w.message}`),
      onSkip: (path, reason) => warn(`warning: not backed up: ${quotePath(path)}: ${reason}`),
    }),
  );
  if (!r.complete) process.exitCode = EXIT_INCOMPLETE;
  if (argv.json) return printJson(r);
  out(`merge snapshot ${r.id}`);
}
