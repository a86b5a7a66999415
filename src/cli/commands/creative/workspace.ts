import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../../context.js';
import { bytes, plural, shortId } from '../../../ui/format.js';
import type {
  WorkspaceConfirmation,
  WorkspaceItem,
  WorkspaceSummary,
  WorkspaceWrite,
} from '../../../personas/creative/workspace/index.js';
import { noAction, withActions } from '../../subcommands.js';

interface Args extends GlobalArgs {
  action: 'add' | 'remove' | 'list' | 'show' | 'restore';
  target?: string;
  name?: string;
  yes?: boolean;
}

/**
 * y/N on the terminal (stderr). Lists what would be overwritten, and, for workspace paths this vault does not
 * declare (a cloned vault), every path that would be written there (symlinks with where they point).
 */
async function askOverwrite(ask: WorkspaceConfirmation): Promise<boolean> {
  const { createInterface } = await import('node:readline');
  const list = (paths: readonly string[]) => {
    for (const p of paths.slice(0, 20)) process.stderr.write(`  ${p}\n`);
    if (paths.length > 20) process.stderr.write(`  ... and ${paths.length - 20} more\n`);
  };
  if (ask.undeclared.length) {
    process.stderr.write(
      `the snapshot's workspace holds path(s) this vault does not declare: ${ask.undeclared.join(', ')}\n`,
    );
    process.stderr.write(`restoring writes these ${ask.writes.length} path(s), and nothing else:\n`);
    list(ask.writes.map(describeWrite));
  }
  if (ask.overwrite.length) {
    process.stderr.write(
      `restoring the workspace overwrites ${ask.overwrite.length} file(s) that differ from the snapshot:\n`,
    );
    list(ask.overwrite);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    const a = await new Promise<string>((r) =>
      rl.question(ask.overwrite.length ? 'overwrite them? [y/N] ' : 'write there? [y/N] ', r),
    );
    return /^y(es)?$/i.test(a.trim());
  } finally {
    rl.close();
  }
}

/** What a workspace held at commit time, in words. */
function workspaceWhat(w: WorkspaceSummary): string {
  switch (w.kind) {
    case 'missing':
      return 'missing at commit time';
    case 'dir':
      return `folder, ${w.files} file(s), ${bytes(w.bytes)}`;
    case 'file':
      return `file, ${bytes(w.bytes)}`;
    case 'symlink':
      return 'symlink';
  }
}

/** One item of a folder workspace: a folder, a symlink and where it points, or a file and its size. */
function itemLine(i: WorkspaceItem): string {
  if (i.kind === 'dir') return `${i.rel}/`;
  if (i.kind === 'symlink') return `${i.rel} -> ${i.target}`;
  return `${i.rel}  ${bytes(i.size)}`;
}

function describeWrite(w: WorkspaceWrite): string {
  if (w.kind === 'symlink') return `${w.path} -> ${w.target} (symlink)`;
  return w.kind === 'dir' ? `${w.path}/` : w.path;
}

const snapshotArg = { type: 'string', describe: 'the snapshot (default HEAD)' } as const;

export const workspaceCommand: CommandModule<GlobalArgs, Args> = {
  command: 'workspace',
  describe:
    'workspace state (app layouts, brush presets, palettes, inside or outside the project) kept with each snapshot',
  builder: (y) =>
    withActions<Args>(
      y,
      'workspace',
      [
        {
          command: 'add [target] [name]',
          describe: 'capture a file or folder (inside or outside the project) with every commit from now on',
          builder: (s) =>
            s.positional('target', { type: 'string', describe: 'the file or folder' }).positional('name', {
              type: 'string',
              describe: 'the name to know it by (or --name; default: its last part)',
            }),
          examples: [
            ['vault workspace add ~/.config/krita --name krita', 'capture Krita settings with every commit'],
            [
              'vault commit -m "new brushes" --workspace-note "Krita 5.2, open: hero.kra"',
              'a snapshot with a note about the session',
            ],
          ],
        },
        {
          command: 'remove [target]',
          describe: 'stop capturing a workspace path (snapshots that hold it keep it)',
          builder: (s) => s.positional('target', { type: 'string', describe: 'its name' }),
        },
        { command: 'list', describe: 'the workspace paths every commit captures' },
        {
          command: 'show [target]',
          describe: "what a snapshot's workspace holds, and its note",
          builder: (s) => s.positional('target', snapshotArg),
          examples: [['vault workspace show HEAD~1', 'what an older snapshot holds']],
        },
        {
          command: 'restore [target] [name]',
          describe: "put a snapshot's workspace files back where they were",
          builder: (s) =>
            s
              .positional('target', snapshotArg)
              .positional('name', { type: 'string', describe: 'only this workspace path' })
              .option('yes', { alias: 'y', type: 'boolean', describe: 'overwrite files that differ without asking' }),
          examples: [['vault workspace restore HEAD~1 krita --yes', 'put those settings back']],
        },
      ],
      run,
    ),
  handler: noAction('workspace'),
};

async function run(argv: Args): Promise<void> {
  const ws = await import('../../../personas/creative/workspace/index.js');
  await withVault(argv, async (vault) => {
    switch (argv.action) {
      case 'add': {
        if (!argv.target) throw new UsageError('workspace add needs a PATH');
        const w = await ws.addWorkspace({ vault, path: resolve(cwdOf(argv), argv.target), name: argv.name });
        const present = await vault.fs.lstat(w.path).then(
          () => true,
          () => false,
        );
        if (argv.json) return printJson({ ...w, exists: present });
        if (!argv.quiet) out(`workspace ${w.name}: ${w.path} (captured by every commit from now on)`);
        if (!present) warn(`warning: ${w.path} does not exist (yet); commits will say so until it does`);
        return;
      }
      case 'remove': {
        if (!argv.target) throw new UsageError('workspace remove needs a NAME');
        const w = await ws.removeWorkspace({ vault, name: argv.target });
        if (argv.json) return printJson({ removed: w });
        if (!argv.quiet) out(`removed workspace ${w.name} (${w.path}); snapshots that hold it keep it`);
        return;
      }
      case 'list': {
        const list = ws.listWorkspace(vault);
        const rows = await Promise.all(
          list.map(async (w) => ({
            ...w,
            exists: await vault.fs.lstat(w.path).then(
              () => true,
              () => false,
            ),
          })),
        );
        if (argv.json) return printJson(rows);
        if (!rows.length) return out("no workspace paths; add one with 'vault workspace add PATH'");
        for (const w of rows) out(`${w.name.padEnd(16)} ${w.path}${w.exists ? '' : '  (missing)'}`);
        return;
      }
      case 'show': {
        const s = await ws.showWorkspace({ vault, snapshot: argv.target ?? 'HEAD' });
        if (argv.json) return printJson({ snapshot: s.snapshot, note: s.note, workspaces: s.workspaces });
        out(`snapshot ${shortId(s.snapshot)}`);
        if (s.note !== null) out(`note: ${s.note}`);
        for (const w of s.workspaces) {
          out(`${w.name.padEnd(16)} ${w.path}  (${workspaceWhat(w)})`);
          if (w.kind !== 'dir') continue;
          for (const i of w.items) out(`  ${itemLine(i)}`);
        }
        return;
      }
      case 'restore': {
        if (!argv.target) throw new UsageError('workspace restore needs a SNAPSHOT', "run 'vault log' to pick one");
        const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true && !argv.json;
        const r = await ws.restoreWorkspace({
          vault,
          snapshot: argv.target,
          names: argv.name ? [argv.name] : [],
          yes: argv.yes,
          confirm: interactive ? askOverwrite : undefined,
          onSkip: (p, why) => warn(`warning: skipped ${p}: ${why}`),
        });
        if (r.skipped.length) process.exitCode = 1;
        if (argv.json) return printJson(r);
        for (const p of r.missing) warn(`note: ${p} was missing when the snapshot was made; left as it is`);
        if (r.skipped.length) warn(`${plural(r.skipped.length, 'path')} not restored (see warnings)`);
        if (argv.quiet) return;
        out(
          `restored ${plural(r.written.length, 'file')} from ${shortId(r.snapshot)} ` +
            `(${r.overwritten.length} overwritten, ${r.unchanged} already identical)`,
        );
        for (const p of r.written) out(`  ${p}`);
        return;
      }
    }
  });
}
