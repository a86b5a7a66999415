import type { CommandModule } from 'yargs';
import { dirname, resolve } from 'node:path';
import { PathOutsideError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../../plumbing/fs.js';
import { time } from '../../ui/format.js';
import { personaOf } from '../../porcelain/settings.js';
import type { Vault } from '../../porcelain/openVault.js';
import { cwdOf, nodeFs, out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  path?: string;
  from?: string;
  maxCount?: number;
  thumbnails?: boolean;
  html?: string;
  width?: number;
}

/**
 * Colour on stdout: off with NO_COLOR (non-empty), FORCE_COLOR=0, TERM=dumb or when stdout is not a terminal;
 * FORCE_COLOR=1+ forces it.
 */
export function stdoutColor(env: NodeJS.ProcessEnv = process.env, isTTY = !!process.stdout.isTTY): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.TERM === 'dumb') return false;
  if (env.FORCE_COLOR) return true;
  return isTTY;
}

/**
 * Whether colour pictures can use 24-bit colour: COLORTERM=truecolor/24bit, FORCE_COLOR=3 or a
 * terminal known to have it; otherwise the xterm 256-colour palette (macOS Terminal, and
 * terminals reached over ssh, which does not pass COLORTERM on).
 */
export function trueColor(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR === '3') return true;
  if (env.COLORTERM === 'truecolor' || env.COLORTERM === '24bit') return true;
  if (['iTerm.app', 'WezTerm', 'vscode', 'ghostty'].includes(env.TERM_PROGRAM ?? '')) return true;
  return /^(xterm-kitty|alacritty|xterm-ghostty|foot)/.test(env.TERM ?? '');
}

/** Game persona: each snapshot's builds with their rating, as badges ("▲0.4.2@windows ★3.8"; a regression in red). */
async function gameBadges(vault: Vault) {
  if (personaOf(vault) !== 'game') return undefined;
  const { buildMarks } = await import('../../personas/game/buildMarks.js');
  const out = new Map<string, { text: string; title?: string; alert?: boolean }[]>();
  for (const [id, marks] of await buildMarks({ vault }))
    out.set(
      id,
      marks.map((m) => ({
        text: `▲${m.label}${m.average === null ? '' : ` ★${m.average.toFixed(1)}`}${m.regression.length ? '!' : ''}`,
        title:
          `${m.count} ` +
          `rating(s)${m.crashes ? `, ${m.crashes} crash report(s)` : ''}${m.regression.length ? `; got worse: ${m.regression.join('; ')}` : ''}`,
        ...(m.regression.length ? { alert: true } : {}),
      })),
    );
  return out;
}

export const timelineCommand: CommandModule<GlobalArgs, Args> = {
  command: 'timeline [path]',
  describe: 'versions of the project or of one file, newest first, with milestones, changes and thumbnails',
  builder: (y) =>
    y
      .positional('path', {
        type: 'string',
        describe: 'only versions that changed this file or folder (a renamed file is followed back)',
      })
      .option('from', { type: 'string', describe: 'start at this snapshot (default HEAD)' })
      .option(
        'max-count',
        numberOption('max-count', 'count', { alias: 'n', describe: 'show at most this many versions' }),
      )
      .option('thumbnails', {
        type: 'boolean',
        describe:
          'draw stored thumbnails in the terminal (default: when it supports colour); --no-thumbnails: text only',
      })
      .option(
        'width',
        numberOption('width', 'count', { describe: "terminal width for the pictures (default: the terminal's)" }),
      )
      .option('html', {
        type: 'string',
        describe: 'write one self-contained HTML page (thumbnails and diff images inside) to this file',
      })
      .epilog(
        examplesText([
          ['vault timeline', "the project's history with thumbnails of changed images and models"],
          ['vault timeline Art/hero.psd -n 5', 'the last five versions of one file'],
          ['vault timeline --html timeline.html', 'a page to open in a browser or send around'],
          ['vault timeline --json', 'the versions as data'],
        ]),
      ),
  handler: async (argv) => {
    const cwd = cwdOf(argv);
    if (argv.html !== undefined && !argv.html)
      throw new UsageError('--html needs a file name', 'e.g. --html timeline.html');
    const htmlPath = argv.html ? resolve(cwd, argv.html) : undefined;
    if (htmlPath) {
      const st = await nodeFs.stat(htmlPath).catch(() => null);
      if (st?.isDirectory())
        throw new UsageError(`--html ${argv.html} is a folder`, 'name a file, e.g. --html timeline.html');
      const parent = await nodeFs.stat(dirname(htmlPath)).catch(() => null);
      if (!parent?.isDirectory())
        throw new UsageError(
          `--html ${argv.html}: the folder ${dirname(htmlPath)} does not exist`,
          'create it first, or name a file in an existing folder',
        );
    }
    await withVault(argv, async (vault) => {
      const tl = await import('../../personas/creative/timeline/index.js');
      let path: string | undefined;
      if (argv.path !== undefined) {
        // like restore: relative to where the command runs
        const abs = resolve(cwd, argv.path);
        if (abs === vault.workTree) path = undefined;
        else if (abs.startsWith(`${vault.workTree}/`)) path = abs.slice(vault.workTree.length + 1);
        else throw new PathOutsideError(argv.path, vault.workTree);
      }
      const versions = await tl.timelineVersions({ vault, path, from: argv.from, limit: argv.maxCount });
      if (htmlPath) {
        const page = await tl.timelineHtml({
          vault,
          versions,
          badges: await gameBadges(vault),
          subtitle: path
            ? `${path}: ${versions.length} version${versions.length === 1 ? '' : 's'}, newest first`
            : undefined,
        });
        await writeFileAtomic(nodeFs, htmlPath, page.html);
        const summary = {
          written: htmlPath,
          versions: versions.length,
          thumbnails: page.thumbnails,
          diffImages: page.diffImages,
          placeholders: page.placeholders,
          bytes: Buffer.byteLength(page.html),
        };
        if (argv.json) return printJson(summary);
        if (argv.quiet) return;
        return out(
          `wrote ${htmlPath}: ${versions.length} version(s), ${page.thumbnails} thumbnail(s), ${page.diffImages} ` +
            `diff image(s)${page.placeholders ? `, ${page.placeholders} without a stored thumbnail` : ''}`,
        );
      }
      if (argv.json) return printJson(versions);
      if (!versions.length) return out('no snapshots yet');
      const color = stdoutColor();
      const colorPictures = trueColor() ? 'color' : 'color256';
      // colour pictures on a colour terminal; --thumbnails asks for ASCII ones elsewhere, --no-thumbnails for none
      let pictures: 'none' | 'ascii' | 'color' | 'color256' = color ? colorPictures : 'none';
      if (argv.thumbnails === false) pictures = 'none';
      else if (argv.thumbnails === true && !color) pictures = 'ascii';
      const lines = await tl.timelineText({
        vault,
        versions,
        pictures,
        color,
        width: argv.width ?? process.stdout.columns ?? 100,
        formatTime: time,
      });
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  },
};
