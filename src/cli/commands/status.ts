import type { CommandModule } from 'yargs';
import { status } from '../../porcelain/status.js';
import { readMergeState } from '../../porcelain/merge/state.js';
import { conflictLine } from './merge.js';
import { bytes, gitFolderNote, quotePath, shortId } from '../../ui/format.js';
import { lockWarnings } from './locks.js';
import { EXIT_INCOMPLETE, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { UPSTREAM_COUNT_LIMIT, upstreams, type Upstream } from '../../porcelain/sync/upstream.js';

const count = (n: number) => (n >= UPSTREAM_COUNT_LIMIT ? `${n}+` : String(n));

/** The current branch against a remote's, as git's status says it (as of the last fetch or push). */
export function upstreamLine(u: Upstream): string {
  const there = `${u.remote}/${u.branch}`;
  if (!u.snapshot)
    return u.ahead
      ? `${u.branch} is not on ${u.remote} yet: ${snapshots(u.ahead)} to push ('vault push ${u.remote}')`
      : `${u.branch} is not on ${u.remote} yet`;
  if (!u.ahead && !u.behind) return `up to date with ${there} (as of the last fetch or push)`;
  if (!u.behind) return `${snapshots(u.ahead)} not pushed to ${there} ('vault push ${u.remote}')`;
  if (!u.ahead) return `behind ${there} by ${snapshots(u.behind)} ('vault pull ${u.remote}')`;
  return `diverged from ${there}: ${count(u.ahead)} here, ${count(u.behind)} there ('vault pull ${u.remote}' merges)`;
}

/** "1 snapshot", "3 snapshots", "10000+ snapshots" */
function snapshots(n: number): string {
  return `${count(n)} snapshot${n === 1 ? '' : 's'}`;
}

export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'status',
  describe: 'show files added, modified, deleted and renamed since the last snapshot',
  builder: (y) => y.epilog(examplesText([['vault status', 'what would the next commit record?']])),
  handler: async (argv) => {
    const gitFolders: string[] = [];
    const [r, merging] = await withVault(argv, async (vault) => {
      const st = await status({ vault, onGitFolder: (p) => gitFolders.push(p) });
      const more = { ...(await lockWarnings(vault, st)), upstreams: await upstreams(vault) };
      return [{ ...st, ...more }, await readMergeState(vault)] as const;
    });
    const note = gitFolderNote(gitFolders);
    if (note) warn(note);
    // something could not be read (a commit would leave it out): say so in the exit status too
    if (!r.complete) process.exitCode = EXIT_INCOMPLETE;
    if (argv.json) {
      const { worktree: _w, ...rest } = r;
      return printJson({ ...rest, merge: merging });
    }
    out(r.head ? `on snapshot ${shortId(r.head)}` : 'no snapshots yet');
    for (const u of r.upstreams) out(upstreamLine(u));
    if (merging) {
      const open = merging.conflicts.filter((c) => !c.resolved).length;
      out(
        `merging ${merging.theirsName} (${shortId(merging.theirs)}) into ` +
          `${merging.oursName}: ${open} of ${merging.conflicts.length} conflict(s) not resolved`,
      );
      for (const c of merging.conflicts) out(conflictLine(c));
      out(
        open
          ? "resolve with 'vault resolve PATH --ours|--theirs|--both', or 'vault merge --abort'"
          : "all resolved: 'vault commit' records the merge",
      );
    }
    if (r.clean && !r.skipped.length) return out('nothing to commit, working folder clean');
    if (r.clean) out('no changes in what could be read');
    for (const c of r.renamed) out(`R  ${quotePath(c.from ?? '')} -> ${quotePath(c.path)}`);
    for (const c of r.added) out(`A  ${quotePath(c.path)}  (${bytes(c.newSize ?? 0)})`);
    for (const c of r.modified) out(`M  ${quotePath(c.path)}  (${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)})`);
    for (const c of r.deleted) out(`D  ${quotePath(c.path)}`);
    // !: not compared, and a commit would not back it up (unreadable, vanished...) or leave it out (a nested vault)
    for (const s of r.skipped) out(`!  ${quotePath(s.path)}  (${s.reason})`);
  },
};
