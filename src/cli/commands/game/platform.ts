import type { CommandModule } from 'yargs';
import { UsageError } from '../../../errors.js';
import { shortId } from '../../../ui/format.js';
import { out, printJson, warn, withVault, type GlobalArgs } from '../../context.js';
import type { ConfigProblem } from '../../../personas/game/platforms.js';
import { noAction, withActions } from '../../subcommands.js';

interface Args extends GlobalArgs {
  action: 'resolve' | 'matrix' | 'diff';
  platform?: string;
  snapshot?: string;
  a?: string;
  b?: string;
  feature?: string | string[];
}

/** how `platform diff` marks a key: added, removed or changed */
const CHANGE_SIGN = { added: '+', removed: '-', changed: '~' } as const;

function show(v: unknown): string {
  return v === undefined ? '-' : JSON.stringify(v);
}

function problemLine(platform: string, p: ConfigProblem): string {
  if (p.kind === 'unknown-key') return `${platform}: overrides '${p.key}', which the base config does not have`;
  if (p.kind === 'type-mismatch')
    return (
      `${platform}: '${p.key}'${p.line ? ` (line ${p.line})` : ''} is a ` +
      `${p.baseType} in the base config but a ${p.overrideType} in the override`
    );
  return `${platform}: override file ${p.key} is missing`;
}

export const platformCommand: CommandModule<GlobalArgs, Args> = {
  command: 'platform',
  describe:
    "per-platform configs (vault-game.yaml's base + overrides, or a Godot project's project.godot " +
    'feature overrides): effective config, matrix of differences, diff between versions',
  builder: (y) =>
    withActions<Args>(
      y,
      'platform',
      [
        {
          command: 'resolve [platform] [snapshot]',
          describe: "a platform's effective config: the base with its override applied",
          builder: (s) =>
            s
              .positional('platform', { type: 'string', describe: 'e.g. switch' })
              .positional('snapshot', { type: 'string', describe: 'default HEAD' })
              .option('feature', {
                type: 'string',
                describe: 'project.godot: an extra feature tag the build has (debug, a custom feature; repeatable)',
              }),
          examples: [
            ['vault platform resolve switch', "the Switch build's effective config at HEAD"],
            ['vault platform resolve android --feature debug', "a Godot project's settings on an Android debug build"],
          ],
        },
        {
          command: 'matrix [snapshot]',
          describe: 'the keys whose values differ between platforms',
          builder: (s) => s.positional('snapshot', { type: 'string', describe: 'default HEAD' }),
          examples: [['vault platform matrix', 'the keys that differ between platforms']],
        },
        {
          command: 'diff [platform] [a] [b]',
          describe: "how a platform's effective config changed between two snapshots",
          builder: (s) =>
            s
              .positional('platform', { type: 'string', describe: 'e.g. switch' })
              .positional('a', { type: 'string', describe: 'the old snapshot' })
              .positional('b', { type: 'string', describe: 'the new snapshot (default HEAD)' })
              .option('feature', {
                type: 'string',
                describe: 'project.godot: an extra feature tag the build has (debug, a custom feature; repeatable)',
              }),
          examples: [['vault platform diff switch beta-1 HEAD', 'how the Switch config changed since beta-1']],
        },
      ],
      run,
    ),
  handler: noAction('platform'),
};

async function run(argv: Args): Promise<void> {
  const pl = await import('../../../personas/game/platforms.js');
  const rest = [argv.platform, argv.snapshot, argv.a, argv.b].filter((x) => x !== undefined).map(String);
  const features = ([] as string[]).concat(argv.feature ?? []).map(String);
  await withVault(argv, async (vault) => {
    if (argv.action === 'resolve') {
      const [platform, snapshot] = rest;
      if (platform === undefined || rest.length > 2) throw new UsageError('platform resolve needs PLATFORM [SNAPSHOT]');
      const r = await pl.resolvePlatform({ vault, platform, snapshot, features });
      if (argv.json) return printJson(r);
      out(JSON.stringify(r.config, null, 2));
      if (r.features) warn(`${r.platform} (${r.override}): features ${r.features.join(', ')}`);
      for (const p of r.problems) warn(`warning: ${problemLine(r.platform, p)}`);
      return;
    }
    if (argv.action === 'matrix') {
      if (rest.length > 1) throw new UsageError('platform matrix takes at most a SNAPSHOT');
      const m = await pl.platformMatrix({ vault, snapshot: rest[0] });
      if (argv.json) return printJson(m);
      const width = Math.max(3, ...m.keys.map((k) => k.key.length));
      const col = (s: string) => `${(s.length > 18 ? `${s.slice(0, 17)}…` : s).padEnd(18)} `;
      out(
        `platform configs at ${shortId(m.snapshot)} (${m.source}): ` +
          `${m.keys.length} key(s) differ, ${m.same} the same everywhere`,
      );
      out(`${'key'.padEnd(width)}  ${col('base')}${m.platforms.map(col).join('')}`.trimEnd());
      for (const k of m.keys)
        out(
          (
            `${k.key.padEnd(width)}  ` +
            `${col(show(k.base))}${m.platforms.map((p) => col(show(k.values[p]))).join('')}`
          ).trimEnd(),
        );
      for (const [p, list] of Object.entries(m.problems)) for (const x of list) warn(`warning: ${problemLine(p, x)}`);
      return;
    }
    const [platform, a, b] = rest;
    if (platform === undefined || a === undefined || rest.length > 3)
      throw new UsageError('platform diff needs PLATFORM A [B]', 'e.g. vault platform diff switch beta-1 HEAD');
    const d = await pl.platformDiff({ vault, platform, a, b, features });
    if (argv.json) return printJson(d);
    out(`${d.platform}: ${shortId(d.a)} -> ${shortId(d.b)}, ${d.changes.length} key(s) changed`);
    for (const c of d.changes) out(`  ${CHANGE_SIGN[c.kind]} ${c.key}: ${show(c.old)} -> ${show(c.new)}`);
    for (const p of d.problems) warn(`warning: ${problemLine(d.platform, p)}`);
  });
}
