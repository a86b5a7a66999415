import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../../context.js';
import { bytes, shortId } from '../../../ui/format.js';
import type { WorkspaceConfirmation, WorkspaceWrite } from '../../../personas/creative/workspace/index.js';

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

function describeWrite(w: WorkspaceWrite): string {
  if (w.kind === 'symlink') return `${w.path} -> ${w.target} (symlink)`;
  return w.kind === 'dir' ? `${w.path}/` : w.path;
}

export const workspaceCommand: CommandModule<GlobalArgs, Args> = {
  command: 'workspace <action> [target] [name]',
  describe:
    'workspace state (app layouts, brush presets, palettes, inside or outside the project) kept with each snapshot',
  builder: (y) =>
    y
      .positional('action', { choices: ['add', 'remove', 'list', 'show', 'restore'] as const, demandOption: true })
      .positional('target', {
        type: 'string',
        describe: 'add: PATH; remove: NAME; show, restore: SNAPSHOT (default HEAD)',
      })
      .positional('name', {
        type: 'string',
        describe:
          'add (or --name): the name to know the path by (default: its last part); restore: only this workspace path',
      })
      .option('yes', { alias: 'y', type: 'boolean', describe: 'restore: overwrite files that differ without asking' })
      .example('$0 workspace add ~/.config/krita --name krita', 'capture Krita settings with every commit')
      .example(
        '$0 commit -m "new brushes" --workspace-note "Krita 5.2, open: hero.kra"',
        'a snapshot with a note about the session',
      )
      .example('$0 workspace show HEAD~1', 'what an older snapshot holds')
      .example('$0 workspace restore HEAD~1 krita --yes', 'put those settings back'),
  handler: async (argv) => {
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
          out(`workspace ${w.name}: ${w.path} (captured by every commit from now on)`);
          if (!present) warn(`warning: ${w.path} does not exist (yet); commits will say so until it does`);
          return;
        }
        case 'remove': {
          if (!argv.target) throw new UsageError('workspace remove needs a NAME');
          const w = await ws.removeWorkspace({ vault, name: argv.target });
          return argv.json
            ? printJson({ removed: w })
            : out(`removed workspace ${w.name} (${w.path}); snapshots that hold it keep it`);
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
            const what =
              w.kind === 'missing'
                ? 'missing at commit time'
                : w.kind === 'dir'
                  ? `folder, ${w.files} file(s), ${bytes(w.bytes)}`
                  : w.kind === 'file'
                    ? `file, ${bytes(w.bytes)}`
                    : 'symlink';
            out(`${w.name.padEnd(16)} ${w.path}  (${what})`);
            if (w.kind !== 'dir') continue;
            for (const i of w.items)
              out(
                `  ${i.kind === 'dir' ? `${i.rel}/` : i.kind === 'symlink' ? `${i.rel} -> ${i.target}` : `${i.rel}  ${bytes(i.size)}`}`,
              );
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
          out(
            `restored ${r.written.length} file(s) from ${shortId(r.snapshot)} (${r.overwritten.length} overwritten, ${r.unchanged} already identical)`,
          );
          for (const p of r.written) out(`  ${p}`);
          for (const p of r.missing) out(`${p} was missing when the snapshot was made; left as it is`);
          if (r.skipped.length) out(`${r.skipped.length} path(s) not restored (see warnings)`);
          return;
        }
      }
    });
  },
};
