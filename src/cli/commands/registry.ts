/**
 * Every command of `vault`, without loading any of them: its name, a short usage and summary for
 * `vault --help`, the group it is listed under, and how to load its module. main.ts imports only the
 * module of the command that runs (start-up is most of a small command's time), so `vault status`
 * never loads the sync, persona or TUI code, nor builds a yargs parser for 37 other commands.
 */
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = CommandModule<GlobalArgs, any>;

/** The groups of `vault --help`, in order: the everyday commands first, plumbing last (like `git help`). */
export const GROUPS = [
  'start a project',
  'record and bring back',
  'look at the history',
  'share through a git remote',
  'creative projects',
  'game projects',
  'maintenance',
  'plumbing (for scripts)',
] as const;
export type Group = (typeof GROUPS)[number];

export interface CommandInfo {
  /** what follows `vault` in the help list; its first word is the command's name */
  readonly usage: string;
  readonly summary: string;
  readonly group: Group;
  readonly load: () => Promise<AnyCommand>;
}

export const COMMANDS: readonly CommandInfo[] = [
  {
    usage: 'init [DIR]',
    summary: 'create an empty vault in a project folder',
    group: 'start a project',
    load: async () => (await import('./init.js')).initCommand,
  },
  {
    usage: 'clone URL [DIR]',
    summary: 'a new project folder with the whole vault of a git remote',
    group: 'start a project',
    load: async () => (await import('./sync.js')).cloneCommand,
  },
  {
    usage: 'persona [NAME]',
    summary: "show or set the vault's persona: creative, game or none",
    group: 'start a project',
    load: async () => (await import('./persona.js')).personaCommand,
  },
  {
    usage: 'status',
    summary: 'files added, modified, deleted or renamed since the last snapshot',
    group: 'record and bring back',
    load: async () => (await import('./status.js')).statusCommand,
  },
  {
    usage: 'commit -m MSG',
    summary: 'record a snapshot of the project folder',
    group: 'record and bring back',
    load: async () => (await import('./commit.js')).commitCommand,
  },
  {
    usage: 'diff [A] [B]',
    summary: 'compare snapshots, or one with the folder (--visual: pictures)',
    group: 'record and bring back',
    load: async () => (await import('./diff.js')).diffCommand,
  },
  {
    usage: 'restore SNAP [PATH...]',
    summary: 'put files back as they were (or one layer: --element)',
    group: 'record and bring back',
    load: async () => (await import('./restore.js')).restoreCommand,
  },
  {
    usage: 'tag [NAME] [SNAP]',
    summary: 'name a snapshot; list tags',
    group: 'record and bring back',
    load: async () => (await import('./tag.js')).tagCommand,
  },
  {
    usage: 'milestone create|list|delete',
    summary: 'protected, typed names for snapshots (alpha, beta, release...)',
    group: 'record and bring back',
    load: async () => (await import('./milestone.js')).milestoneCommand,
  },
  {
    usage: 'branch [NAME [START]]',
    summary: 'list, make or delete branches (lines of history)',
    group: 'record and bring back',
    load: async () => (await import('./branch.js')).branchCommand,
  },
  {
    usage: 'switch [-c] NAME',
    summary: 'move the project folder to another branch',
    group: 'record and bring back',
    load: async () => (await import('./switch.js')).switchCommand,
  },
  {
    usage: 'merge REV | --abort | --continue',
    summary: 'bring another line of history into this one (three-way, per file and element)',
    group: 'record and bring back',
    load: async () => (await import('./merge.js')).mergeCommand,
  },
  {
    usage: 'resolve PATH... [--ours|--theirs|--both]',
    summary: 'mark a merge conflict as settled',
    group: 'record and bring back',
    load: async () => (await import('./resolve.js')).resolveCommand,
  },
  {
    usage: 'lock PATH... [-m MSG]',
    summary: 'take the lock on files on the remote (exclusive checkout)',
    group: 'share through a git remote',
    load: async () => (await import('./locks.js')).lockCommand,
  },
  {
    usage: 'unlock PATH... [--force]',
    summary: "release a lock (--force: break someone else's, recorded)",
    group: 'share through a git remote',
    load: async () => (await import('./locks.js')).unlockCommand,
  },
  {
    usage: 'locks [--mine]',
    summary: 'who holds which lock (the last fetched state when offline)',
    group: 'share through a git remote',
    load: async () => (await import('./locks.js')).locksCommand,
  },
  {
    usage: 'log [REV] [-n N]',
    summary: 'snapshots, newest first, with milestone and tag names',
    group: 'look at the history',
    load: async () => (await import('./log.js')).logCommand,
  },
  {
    usage: 'show [SNAP]',
    summary: 'one snapshot: who, when, message, and what it changed',
    group: 'look at the history',
    load: async () => (await import('./show.js')).showCommand,
  },
  {
    usage: 'ls [SNAP] [PATH]',
    summary: 'the files in a snapshot',
    group: 'look at the history',
    load: async () => (await import('./ls.js')).lsCommand,
  },
  {
    usage: 'timeline [PATH]',
    summary: 'versions of the project or a file, with thumbnails (--html)',
    group: 'look at the history',
    load: async () => (await import('./timeline.js')).timelineCommand,
  },
  {
    usage: 'tui',
    summary: 'browse the history: timeline, diffs, restore, milestones',
    group: 'look at the history',
    load: async () => (await import('./tui.js')).tuiCommand,
  },
  {
    usage: 'remote [add|remove]',
    summary: 'list, add or remove git remotes (smart HTTP)',
    group: 'share through a git remote',
    load: async () => (await import('./sync.js')).remoteCommand,
  },
  {
    usage: 'push [REMOTE]',
    summary: 'send snapshots, branches, milestones and tags the remote lacks',
    group: 'share through a git remote',
    load: async () => (await import('./sync.js')).pushCommand,
  },
  {
    usage: 'fetch [REMOTE]',
    summary: "download the remote's snapshots; moves no branch",
    group: 'share through a git remote',
    load: async () => (await import('./sync.js')).fetchCommand,
  },
  {
    usage: 'pull [REMOTE]',
    summary: 'fetch, then fast-forward the branch and the project folder',
    group: 'share through a git remote',
    load: async () => (await import('./sync.js')).pullCommand,
  },
  {
    usage: 'refs [PATH]',
    summary: 'asset references: what a file uses, what uses it, what is broken',
    group: 'creative projects',
    load: async () => (await import('./creative/refs.js')).refsCommand,
  },
  {
    usage: 'workspace add|remove|list|show|restore',
    summary: 'application settings (layouts, brushes) kept with each snapshot',
    group: 'creative projects',
    load: async () => (await import('./creative/workspace.js')).workspaceCommand,
  },
  {
    usage: 'merge-file BASE OURS THEIRS',
    summary: 'merge two versions of a PSD, glTF, OBJ or .tscn element by element',
    group: 'creative projects',
    load: async () => (await import('./creative/mergeFile.js')).mergeFileCommand,
  },
  {
    usage: 'build record|list|show',
    summary: 'game builds and the snapshots they were made from',
    group: 'game projects',
    load: async () => (await import('./game/build.js')).buildCommand,
  },
  {
    usage: 'feedback add|import|list|report',
    summary: 'playtest feedback, and which change made a build worse',
    group: 'game projects',
    load: async () => (await import('./game/feedback.js')).feedbackCommand,
  },
  {
    usage: 'bundles [diff|which]',
    summary: 'asset bundles: sizes, hashes, what players would download',
    group: 'game projects',
    load: async () => (await import('./game/bundles.js')).bundlesCommand,
  },
  {
    usage: 'playtest save|list|show|restore',
    summary: "a playtest session's recordings, logs and saves, with its build",
    group: 'game projects',
    load: async () => (await import('./game/playtest.js')).playtestCommand,
  },
  {
    usage: 'platform resolve|matrix|diff',
    summary: 'per-platform configs: effective config, differences, changes',
    group: 'game projects',
    load: async () => (await import('./game/platform.js')).platformCommand,
  },
  {
    usage: 'verify [--read-data]',
    summary: 'check every snapshot is complete (and re-hash the content)',
    group: 'maintenance',
    load: async () => (await import('./verify.js')).verifyCommand,
  },
  {
    usage: 'gc',
    summary: 'pack loose objects, combine small packs, clear leftovers',
    group: 'maintenance',
    load: async () => (await import('./gc.js')).gcCommand,
  },
  {
    usage: 'forget --keep-...',
    summary: "thin out a branch's history by a retention policy",
    group: 'maintenance',
    load: async () => (await import('./forget.js')).forgetCommand,
  },
  {
    usage: 'prune',
    summary: 'delete what no snapshot needs any more',
    group: 'maintenance',
    load: async () => (await import('./prune.js')).pruneCommand,
  },
  {
    usage: 'repair',
    summary: 'rebuild pack indexes, set aside corrupt objects, report losses',
    group: 'maintenance',
    load: async () => (await import('./repair.js')).repairCommand,
  },
  {
    usage: 'hash-object [-w] FILE',
    summary: 'the id a file gets; -w stores it',
    group: 'plumbing (for scripts)',
    load: async () => (await import('./hashObject.js')).hashObjectCommand,
  },
  {
    usage: 'cat-object [-t|-s|-p] ID',
    summary: "an object's raw body, type, size or readable form",
    group: 'plumbing (for scripts)',
    load: async () => (await import('./catObject.js')).catObjectCommand,
  },
  {
    usage: 'ls-tree [-r] TREE',
    summary: 'the entries of a tree',
    group: 'plumbing (for scripts)',
    load: async () => (await import('./lsTree.js')).lsTreeCommand,
  },
  {
    usage: 'write-tree',
    summary: 'store the project folder as trees, print the root id',
    group: 'plumbing (for scripts)',
    load: async () => (await import('./writeTree.js')).writeTreeCommand,
  },
  {
    usage: 'commit-tree TREE -m MSG',
    summary: 'make a snapshot object from a tree; moves no ref',
    group: 'plumbing (for scripts)',
    load: async () => (await import('./commitTree.js')).commitTreeCommand,
  },
  {
    usage: 'update-ref REF NEW [OLD]',
    summary: 'move a ref atomically (compare-and-swap with OLD)',
    group: 'plumbing (for scripts)',
    load: async () => (await import('./updateRef.js')).updateRefCommand,
  },
  {
    usage: 'rev-parse REV...',
    summary: 'the full id of each snapshot name',
    group: 'plumbing (for scripts)',
    load: async () => (await import('./revParse.js')).revParseCommand,
  },
];

/** A command's name: the first word of its usage. */
export function nameOf(c: CommandInfo): string {
  return c.usage.split(' ')[0]!;
}

export function findCommand(name: string): CommandInfo | undefined {
  return COMMANDS.find((c) => nameOf(c) === name);
}
