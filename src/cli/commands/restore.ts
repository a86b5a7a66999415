import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { restore } from '../../porcelain/restore.js';
import { PathOutsideError, UsageError } from '../../errors.js';
import type { Vault } from '../../porcelain/openVault.js';
import { bytes, plural, shortId } from '../../ui/format.js';
import { cwdOf, out, printJson, warn, withVault, type GlobalArgs } from '../context.js';
import { progressBar } from '../../ui/progress.js';
import { examplesText } from '../examples.js';
import { numberOption } from '../options.js';
import { afterRestore } from './locks.js';

interface Args extends GlobalArgs {
  snapshot: string;
  paths?: string[];
  to?: string;
  force?: boolean;
  element?: string;
  listElements?: boolean;
  lockWait?: number;
}

export const restoreCommand: CommandModule<GlobalArgs, Args> = {
  command: 'restore <snapshot> [paths..]',
  describe: 'put files back as they were in a snapshot',
  builder: (y) =>
    y
      .positional('snapshot', {
        type: 'string',
        demandOption: true,
        describe: 'id, id prefix, ref, milestone or HEAD~N',
      })
      .positional('paths', { type: 'string', array: true, describe: 'only these files or folders (project-relative)' })
      .option('to', { type: 'string', describe: 'restore into this folder instead of the project folder' })
      .option('force', { alias: 'f', type: 'boolean', describe: 'overwrite uncommitted changes in the project folder' })
      .option('element', {
        alias: 'e',
        type: 'string',
        describe:
          'put back only this element of PATH (PSD layer/group, glTF node/mesh/material, OBJ object/group, ' +
          'JSON/YAML key path, Godot node); the project is committed first so it can be undone',
      })
      .option('list-elements', {
        type: 'boolean',
        describe: 'list the elements PATH has in the snapshot (layers, nodes, meshes, objects, key paths)',
      })
      .option(
        'lock-wait',
        numberOption('lock-wait', 'seconds', {
          describe: 'with --element: seconds to wait for another command holding the vault lock',
        }),
      )
      .epilog(
        examplesText([
          ['vault restore HEAD~2 Art/hero.psd', 'bring back an older version of one file'],
          ['vault restore alpha --to /tmp/alpha', 'check out the alpha milestone somewhere else'],
          [
            'vault restore HEAD~3 Art/hero.psd --list-elements',
            'the layers and groups the file had three snapshots ago',
          ],
          [
            'vault restore HEAD~3 Art/hero.psd --element Characters/Hero',
            'put back one layer, keep every other layer as it is now',
          ],
        ]),
      ),
  handler: async (argv) => {
    const cwd = cwdOf(argv);
    // paths are given relative to where the command runs
    const relTo = (vault: Vault) => (p: string) => {
      const abs = resolve(cwd, p);
      if (abs === vault.workTree) return '';
      if (abs.startsWith(`${vault.workTree}/`)) return abs.slice(vault.workTree.length + 1);
      throw new PathOutsideError(p, vault.workTree);
    };
    if (argv.element !== undefined || argv.listElements) return elementHandler(argv, relTo);
    const bar = progressBar('restoring');
    const r = await withVault(argv, async (vault) => {
      const paths = (argv.paths ?? []).map(relTo(vault));
      const done = await restore({
        vault,
        snapshot: argv.snapshot,
        paths,
        to: argv.to ? resolve(cwd, argv.to) : undefined,
        force: argv.force,
        onProgress: bar.onProgress,
        onSkip: (path, reason) => warn(`warning: not restored: ${path}: ${reason}`),
      });
      if (done.target === vault.workTree) await afterRestore(vault, done.snapshot, paths);
      return done;
    }).finally(bar.done);
    for (const f of r.failures) warn(`error: not restored: ${f.path}: ${f.reason}`);
    // anything not restored makes the exit status non-zero, with --json too
    if (r.skipped.length || r.failures.length) process.exitCode = 1;
    if (argv.json) return printJson(r);
    if (argv.quiet) return;
    out(
      `restored ${plural(r.files - r.unchanged, 'file')} from ${shortId(r.snapshot)} into ` +
        `${r.target}${r.unchanged ? `; ${r.unchanged} already identical` : ''} (${bytes(r.bytes)} in all)`,
    );
    if (r.skipped.length) out(`${plural(r.skipped.length, 'entry', 'entries')} not restored (see warnings)`);
    const failed = r.failures.length;
    if (failed) {
      out(`${plural(failed, 'entry', 'entries')} could not be restored: damaged or missing objects (see errors)`);
      out("hint: run 'vault verify --read-data' to see what the damage reaches; everything else was restored");
    }
  },
};

/** --element / --list-elements: the creative persona's element restore, loaded only when asked for. */
async function elementHandler(argv: Args, relTo: (vault: Vault) => (p: string) => string): Promise<void> {
  const paths = argv.paths ?? [];
  const what = argv.listElements ? '--list-elements' : '--element';
  if (paths.length !== 1)
    throw new UsageError(
      `${what} needs exactly one file PATH (got ${paths.length})`,
      `vault restore ${argv.snapshot} Art/hero.psd ${what}${argv.listElements ? '' : ' NAME'}`,
    );
  if (argv.listElements && argv.element !== undefined)
    throw new UsageError(
      '--list-elements and --element cannot be used together',
      'list first, then restore one element',
    );
  if (argv.element !== undefined && !argv.element.trim())
    throw new UsageError(
      '--element needs a NAME',
      `see the names with: vault restore ${argv.snapshot} ${paths[0]} --list-elements`,
    );
  if (argv.to)
    throw new UsageError(
      `${what} works on the file in the project folder; --to cannot be used with it`,
      `restore the whole file elsewhere with: vault restore ${argv.snapshot} ${paths[0]} --to DIR`,
    );
  const elements = await import('../../personas/creative/elements/index.js');
  await withVault(argv, async (vault) => {
    const path = relTo(vault)(paths[0]!);
    if (argv.listElements) {
      const list = await elements.listElements(vault, argv.snapshot, path);
      if (argv.json) return printJson(list);
      out(`${list.path} in ${shortId(list.snapshot)} (${list.format}): ${list.elements.length} element(s)`);
      for (const e of list.elements) out(`  ${e.kind.padEnd(9)} ${e.name}${describe(e.details)}`);
      return;
    }
    const { commitAttachments } = await import('../../ui/attachments.js');
    const r = await elements.restoreElement({
      vault,
      rev: argv.snapshot,
      path,
      element: argv.element!,
      lockWait: argv.lockWait,
      attachments: await commitAttachments(vault),
      onWarning: (w) => warn(`warning: ${w.attachment}: ${w.message}`),
    });
    if (argv.json) return printJson(r);
    if (argv.quiet) return;
    if (r.action === 'unchanged')
      out(
        `${r.element.kind} ${r.element.name} of ${r.path} is already ` +
          `as it was in ${shortId(r.snapshot)}: nothing changed`,
      );
    else {
      out(
        `${r.action} ${r.element.kind} ${r.element.name} of ${r.path} from ` +
          `${shortId(r.snapshot)} (${bytes(r.bytesBefore)} -> ${bytes(r.bytesAfter)})`,
      );
      out(
        `the file as it was is in snapshot ` +
          `${shortId(r.undo!.snapshot)}${r.undo!.created ? ' (made now)' : ' (HEAD)'}; to undo:`,
      );
      out(`  ${r.undo!.command}`);
    }
    for (const n of r.notes) out(`note: ${n}`);
  });
}

function describe(d: Readonly<Record<string, unknown>> | undefined): string {
  if (!d) return '';
  const parts: string[] = [];
  if (typeof d.width === 'number' && typeof d.height === 'number') parts.push(`${d.width}x${d.height}`);
  if (d.visible === false) parts.push('hidden');
  if (typeof d.opacity === 'number' && d.opacity !== 1) parts.push(`opacity ${Math.round(d.opacity * 100)}%`);
  if (typeof d.blendMode === 'string' && d.blendMode !== 'normal' && d.blendMode !== 'pass through')
    parts.push(d.blendMode);
  if (typeof d.layers === 'number') parts.push(`${d.layers} layer(s)`);
  if (typeof d.type === 'string' && d.type !== 'object' && d.type !== 'array' && 'value' in d)
    parts.push(`= ${JSON.stringify(d.value)}`);
  else if (typeof d.type === 'string' && 'parent' in d) parts.push(d.type);
  if (typeof d.entries === 'number') parts.push(`${d.entries} entr${d.entries === 1 ? 'y' : 'ies'}`);
  if (typeof d.vertices === 'number') parts.push(plural(d.vertices, 'vertex', 'vertices'));
  if (typeof d.faces === 'number') parts.push(plural(d.faces, 'face'));
  if (typeof d.primitives === 'number') parts.push(`${d.primitives} primitive(s)`);
  if (typeof d.mesh === 'string') parts.push(`mesh ${d.mesh}`);
  return parts.length ? `  (${parts.join(', ')})` : '';
}
