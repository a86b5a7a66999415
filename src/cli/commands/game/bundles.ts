import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { bytes, shortId } from '../../../ui/format.js';
import { out, printJson, withVault, type GlobalArgs } from '../../context.js';

interface Args extends GlobalArgs {
  args?: string[];
  all?: boolean;
}

function signed(n: number): string {
  return `${n >= 0 ? '+' : '-'}${bytes(Math.abs(n))}`;
}

export const bundlesCommand: CommandModule<GlobalArgs, Args> = {
  command: 'bundles [args..]',
  describe:
    'asset bundles declared in vault-game.yaml: sizes and content hashes per snapshot, diff, which bundles hold a file',
  builder: (y) =>
    y
      .positional('args', { type: 'string', array: true, describe: '[SNAPSHOT] | diff A [B] | which PATH [SNAPSHOT]' })
      .option('all', { type: 'boolean', describe: 'list every unbundled file (default: the first 20)' })
      .example('$0 bundles', "each bundle's files, size and content hash at HEAD, and the assets in no bundle")
      .example('$0 bundles diff beta-1 HEAD', 'which bundles changed and what players would download')
      .example('$0 bundles which Assets/Textures/hero.png', 'the bundles that contain an asset'),
  handler: async (argv) => {
    const b = await import('../../../personas/game/bundles.js');
    const args = (argv.args ?? []).map(String);
    await withVault(argv, async (vault) => {
      if (args[0] === 'diff') {
        if (args.length < 2 || args.length > 3)
          throw new UsageError('bundles diff needs A [B]', 'e.g. vault bundles diff beta-1 HEAD');
        const d = await b.bundlesDiff({ vault, a: args[1], b: args[2] });
        if (argv.json) return printJson(d);
        out(`bundles ${shortId(d.a)} -> ${shortId(d.b)}`);
        for (const x of d.bundles) {
          if (x.status === 'unchanged') {
            out(`  ${x.name.padEnd(20)} unchanged (${x.b!.files} files, ${bytes(x.b!.bytes)})`);
            continue;
          }
          out(
            `  ${x.name.padEnd(20)} ${x.status.padEnd(8)} ${signed(x.sizeDelta).padStart(11)}  download ${bytes(x.download)}  ${x.changes.length} file(s) changed${d.redeclared.includes(x.name) ? ' (declaration changed)' : ''}`,
          );
          for (const c of x.changes)
            out(
              `      ${c.kind.padEnd(8)} ${c.path}  ${c.oldSize === null ? '' : bytes(c.oldSize)}${c.oldSize !== null && c.newSize !== null ? ' -> ' : ''}${c.newSize === null ? '' : bytes(c.newSize)}`,
            );
        }
        return;
      }
      if (args[0] === 'which') {
        if (args.length < 2 || args.length > 3)
          throw new UsageError(
            'bundles which needs PATH [SNAPSHOT]',
            'e.g. vault bundles which Assets/Textures/hero.png',
          );
        const w = await b.bundlesWhich({ vault, path: args[1], snapshot: args[2] });
        if (argv.json) return printJson(w);
        out(w.bundles.length ? `${w.path}: ${w.bundles.join(', ')}` : `${w.path}: in no bundle`);
        if (!w.exists)
          out(`(no file ${w.path} in snapshot ${shortId(w.snapshot)}; matched against the declarations only)`);
        return;
      }
      if (args.length > 1)
        throw new UsageError(
          `unexpected '${args[1]}'`,
          'vault bundles [SNAPSHOT] | bundles diff A [B] | bundles which PATH',
        );
      const r = await b.bundles({ vault, snapshot: args[0] });
      if (argv.json) return printJson(r);
      out(`bundles at ${shortId(r.snapshot)}`);
      for (const x of r.bundles)
        out(
          `  ${x.name.padEnd(20)} ${String(x.files).padStart(6)} files ${bytes(x.bytes).padStart(11)}  ${x.hash.slice(0, 16)}`,
        );
      out(`unbundled: ${r.unbundled.files} file(s), ${bytes(r.unbundled.bytes)}`);
      const show = argv.all ? r.unbundled.paths : r.unbundled.paths.slice(0, 20);
      for (const p of show) out(`  ${p}`);
      if (show.length < r.unbundled.paths.length) out(`  ... ${r.unbundled.paths.length - show.length} more (--all)`);
    });
  },
};
