import { resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { PathOutsideError, UsageError } from '../../errors.js';
import { diff, textPatch, type DiffSide } from '../../porcelain/diff.js';
import type { Vault } from '../../porcelain/openVault.js';
import { bytes } from '../../ui/format.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';

interface Args extends GlobalArgs {
  a?: string;
  b?: string;
  stat?: boolean;
  path?: string[];
  visual?: string;
  out?: string;
  sideBySide?: boolean;
  threshold?: number;
  layer?: string;
  ignoreAntialiasing?: boolean;
  fit?: boolean;
  all?: boolean;
}

export const diffCommand: CommandModule<GlobalArgs, Args> = {
  command: 'diff [a] [b]',
  describe: 'compare two snapshots, or a snapshot with the working folder',
  builder: (y) =>
    y
      .positional('a', { type: 'string', describe: 'old side (default HEAD)' })
      .positional('b', { type: 'string', describe: 'new side (default: the working folder)' })
      .option('stat', { type: 'boolean', describe: 'only the list of changed files, no text diff' })
      .option('path', { type: 'string', array: true, describe: 'only these files or folders' })
      .option('visual', {
        type: 'string',
        describe:
          'compare this image, PSD, 3D model or scene file by what it shows ' +
          '(pixels, layers, objects, keys); a folder or no value: every changed one',
      })
      .option('out', { type: 'string', describe: 'with --visual: write the diff picture (PNG) here' })
      .option('side-by-side', {
        type: 'boolean',
        describe: 'with --visual --out: the picture shows before | after | diff',
      })
      .option('layer', {
        type: 'string',
        describe: 'with --visual on a PSD: compare this layer (Group/Layer or a unique name); --out then shows it',
      })
      .option('ignore-antialiasing', {
        type: 'boolean',
        describe: 'with --visual: do not count edge pixels that look like anti-aliasing (for re-rendered pictures)',
      })
      .option('fit', {
        type: 'boolean',
        describe: 'with --visual: pictures of different sizes are compared at a common scale (the smaller size)',
      })
      .option('all', {
        type: 'boolean',
        describe: 'with --visual: list every changed region, layer, part and key (default: the first 40 of each)',
      })
      .option(
        'threshold',
        numberOption('threshold', 'fraction', {
          describe:
            'with --visual: colour difference that counts as changed, 0..1 (default 0.1; smaller is more sensitive)',
        }),
      )
      .epilog(
        examplesText([
          ['vault diff', 'what changed since the last snapshot'],
          ['vault diff HEAD~1 HEAD', 'what the last snapshot changed'],
          [
            'vault diff HEAD~1 HEAD --visual Art/hero.png --out diff.png',
            'share of pixels changed, changed regions, and a diff picture',
          ],
          ['vault diff HEAD~1 HEAD --visual Art/hero.psd --layer Characters/Hero --out hero.png', 'one layer of a PSD'],
          ['vault diff v1 HEAD --visual Art/sky.png --fit', 'a 2x re-export compared at the common scale'],
          ['vault diff HEAD~1 HEAD --visual Models/ship.glb --out ship.png --all', 'every part; before | after | diff'],
          ['vault diff HEAD --visual Scenes/main.tscn --json', 'which nodes and properties changed, as data'],
        ]),
      ),
  handler: async (argv) => {
    const a: DiffSide = { kind: 'snapshot', rev: argv.a ?? 'HEAD' };
    const b: DiffSide = argv.b ? { kind: 'snapshot', rev: argv.b } : { kind: 'worktree' };
    if (
      argv.visual === undefined &&
      (argv.out !== undefined ||
        argv.sideBySide ||
        argv.threshold !== undefined ||
        argv.layer !== undefined ||
        argv.fit !== undefined ||
        argv.all !== undefined ||
        argv.ignoreAntialiasing !== undefined)
    ) {
      throw new UsageError(
        '--out, --side-by-side, --threshold, --layer, --fit, --all and --ignore-antialiasing go with --visual PATH',
        'e.g. vault diff HEAD~1 HEAD --visual Art/hero.png --out diff.png',
      );
    }
    if (argv.visual !== undefined) return visualHandler(argv, a, b);
    await withVault(argv, async (vault) => {
      const d = await diff({ vault, a, b, paths: argv.path });
      const patches = new Map<string, string | null>();
      if (!argv.stat)
        for (const c of [...d.modified, ...d.added, ...d.deleted]) patches.set(c.path, await textPatch(vault, c, d));
      if (argv.json) return printJson({ ...d, patches: Object.fromEntries(patches) });
      const total = d.added.length + d.modified.length + d.deleted.length + d.renamed.length;
      if (!total) return out('no differences');
      for (const c of d.renamed) out(`renamed   ${c.from} -> ${c.path}`);
      for (const c of d.added) out(`added     ${c.path}  (${bytes(c.newSize ?? 0)})`);
      for (const c of d.modified) out(`modified  ${c.path}  (${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)})`);
      for (const c of d.deleted) out(`deleted   ${c.path}  (${bytes(c.oldSize ?? 0)})`);
      for (const [path, p] of patches) {
        if (p) {
          out();
          process.stdout.write(p.replace(/^={10,}\n/m, ''));
        } else if (!argv.stat) {
          const c = [...d.modified, ...d.added, ...d.deleted].find((x) => x.path === path)!;
          out(`\nBinary or large file ${path} differs (${bytes(c.oldSize ?? 0)} -> ${bytes(c.newSize ?? 0)})`);
        }
      }
    });
  },
};

/** vault diff --visual: loads the creative persona's decoders only when asked for. */
async function visualHandler(argv: Args, a: DiffSide, b: DiffSide): Promise<void> {
  const { visualDiff, visualKindOf, writeDiffImage, describeVisualDiff } =
    await import('../../personas/creative/visual/index.js');
  const cwd = cwdOf(argv);
  await withVault(argv, async (vault: Vault) => {
    const rel = (p: string) => {
      const abs = resolve(cwd, p);
      if (abs === vault.workTree) return '';
      if (!abs.startsWith(`${vault.workTree}/`)) throw new PathOutsideError(p, vault.workTree);
      return abs.slice(vault.workTree.length + 1);
    };
    const opts = {
      threshold: argv.threshold,
      sideBySide: argv.sideBySide,
      layer: argv.layer,
      ignoreAntialiasing: argv.ignoreAntialiasing,
      fit: argv.fit,
      modelPicture: argv.out !== undefined,
      ...(argv.all ? { maxRegions: Infinity, maxChanges: Infinity } : {}),
    };
    const target = argv.visual ? rel(argv.visual) : '';
    // one file; or, for a folder (or no path), every changed file in it that can be compared visually
    let first: Awaited<ReturnType<typeof visualDiff>> | undefined;
    let folderOf: unknown;
    if (target) {
      try {
        first = await visualDiff({ vault, a, b, path: target, ...opts });
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOPATH') throw e;
        folderOf = e;
      }
    }
    let paths: string[] = [target];
    if (!first) {
      const d = await diff({ vault, a, b, paths: target ? [target] : argv.path });
      const changed = [...d.modified, ...d.added, ...d.deleted, ...d.renamed].map((c) => c.path);
      if (folderOf && !changed.length) throw folderOf;
      paths = changed.filter((p) => visualKindOf(p)).sort();
      if (argv.out && paths.length !== 1)
        throw new UsageError(
          `--out needs exactly one file, and ${paths.length} changed files can be compared visually`,
          'name the file: --visual PATH',
        );
    }
    const reports = [];
    for (const path of paths) {
      const r = first ?? (await visualDiff({ vault, a, b, path, ...opts }));
      let written: { path: string; bytes: number } | undefined;
      if (argv.out) {
        if (!r.image) warn(`warning: ${path} is a ${r.report.kind}; there is no diff picture to write to ${argv.out}`);
        else
          written = await writeDiffImage({
            fs: vault.fs,
            path: resolve(cwd, argv.out),
            image: r.image,
            vaultDir: vault.vaultDir,
            workTree: vault.workTree,
          });
      }
      reports.push({ ...r.report, ...(written ? { out: written.path } : {}) });
      if (!argv.json) {
        if (reports.length > 1) out();
        for (const line of describeVisualDiff(r.report, { maxLines: argv.all ? Infinity : 40 })) out(line);
        const panels = argv.sideBySide || r.report.kind === 'model' ? ' (before | after | diff)' : '';
        const scale =
          r.report.image && r.report.image.pictureScale < 1 ? `, scaled to ${r.image!.width}x${r.image!.height}` : '';
        if (written) out(`  diff image written to ${argv.out}${panels}${scale}`);
      }
    }
    if (argv.json) return printJson(first ? reports[0] : reports);
    if (!paths.length) out('no changed images, models or scene files');
  });
}
