import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { bytes, shortId } from '../../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../../context.js';
import { noAction, withActions } from '../../subcommands.js';

interface Args extends GlobalArgs {
  action: 'list' | 'diff' | 'which';
  snapshot?: string;
  a?: string;
  b?: string;
  path?: string;
  all?: boolean;
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : '-'}${bytes(Math.abs(n))}`;
}

export const bundlesCommand: CommandModule<GlobalArgs, Args> = {
  command: 'bundles',
  describe:
    'asset bundles declared in vault-game.yaml: sizes and content hashes per snapshot, diff, which bundles hold a file',
  builder: (y) =>
    withActions<Args>(
      y,
      'bundles',
      [
        {
          command: 'list [snapshot]',
          describe: "each bundle's files, size and content hash, and the assets in no bundle (the default)",
          isDefault: true,
          builder: (s) =>
            s
              .positional('snapshot', { type: 'string', describe: 'default HEAD' })
              .option('all', { type: 'boolean', describe: 'list every unbundled file (default: the first 20)' }),
          examples: [
            ['vault bundles', "each bundle's files, size and content hash at HEAD, and the assets in no bundle"],
          ],
        },
        {
          command: 'diff [a] [b]',
          describe: 'which bundles changed between two snapshots, and what players would download',
          builder: (s) =>
            s
              .positional('a', { type: 'string', describe: 'the old snapshot' })
              .positional('b', { type: 'string', describe: 'the new snapshot (default HEAD)' }),
          examples: [['vault bundles diff beta-1 HEAD', 'which bundles changed and what players would download']],
        },
        {
          command: 'which [path] [snapshot]',
          describe: 'the bundles that contain a file',
          builder: (s) =>
            s
              .positional('path', { type: 'string', describe: 'a project path' })
              .positional('snapshot', { type: 'string', describe: 'default HEAD' }),
          examples: [['vault bundles which Assets/Textures/hero.png', 'the bundles that contain an asset']],
        },
      ],
      run,
    ),
  handler: noAction('bundles'),
};

async function run(argv: Args): Promise<void> {
  const b = await import('../../../personas/game/bundles.js');
  await withVault(argv, async (vault) => {
    if (argv.action === 'diff') {
      if (argv.a === undefined) throw new UsageError('bundles diff needs A [B]', 'e.g. vault bundles diff beta-1 HEAD');
      const d = await b.bundlesDiff({ vault, a: String(argv.a), b: argv.b === undefined ? undefined : String(argv.b) });
      if (argv.json) return printJson(d);
      out(`bundles ${shortId(d.a)} -> ${shortId(d.b)}`);
      for (const x of d.bundles) {
        if (x.status === 'unchanged') {
          out(`  ${x.name.padEnd(20)} unchanged (${x.b!.files} files, ${bytes(x.b!.bytes)})`);
          continue;
        }
        out(
          `  ${x.name.padEnd(20)} ${x.status.padEnd(8)} ` +
            `${signed(x.sizeDelta).padStart(11)}  download ${bytes(x.download)} ` +
            ` ${x.changes.length} file(s) changed${d.redeclared.includes(x.name) ? ' (declaration changed)' : ''}`,
        );
        for (const c of x.changes)
          out(
            `      ${c.kind.padEnd(8)} ${c.path}  ` +
              `${c.oldSize === null ? '' : bytes(c.oldSize)}${c.oldSize !== null && c.newSize !== null ? ' -> ' : ''}${c.newSize === null ? '' : bytes(c.newSize)}`,
          );
      }
      return;
    }
    if (argv.action === 'which') {
      if (argv.path === undefined)
        throw new UsageError(
          'bundles which needs PATH [SNAPSHOT]',
          'e.g. vault bundles which Assets/Textures/hero.png',
        );
      const w = await b.bundlesWhich({ vault, path: String(argv.path), snapshot: argv.snapshot });
      if (argv.json) return printJson(w);
      out(w.bundles.length ? `${w.path}: ${w.bundles.join(', ')}` : `${w.path}: in no bundle`);
      if (!w.exists)
        out(`(no file ${w.path} in snapshot ${shortId(w.snapshot)}; matched against the declarations only)`);
      return;
    }
    const r = await b.bundles({ vault, snapshot: argv.snapshot === undefined ? undefined : String(argv.snapshot) });
    if (argv.json) return printJson(r);
    out(`bundles at ${shortId(r.snapshot)}`);
    for (const x of r.bundles)
      out(
        `  ${x.name.padEnd(20)} ${String(x.files).padStart(6)} files ` +
          `${bytes(x.bytes).padStart(11)}  ${x.hash.slice(0, 16)}`,
      );
    out(`unbundled: ${r.unbundled.files} file(s), ${bytes(r.unbundled.bytes)}`);
    const show = argv.all ? r.unbundled.paths : r.unbundled.paths.slice(0, 20);
    for (const p of show) out(`  ${p}`);
    if (show.length < r.unbundled.paths.length) out(`  ... ${r.unbundled.paths.length - show.length} more (--all)`);
  });
}
