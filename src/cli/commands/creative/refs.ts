import type { CommandModule } from 'yargs';
import type { CheckedReference } from '../../../personas/creative/references/types.js';
import { resolve } from 'node:path';
import { cwdOf, out, printJson, withVault, type GlobalArgs } from '../../context.js';
import { shortId } from '../../../ui/format.js';
import { PathOutsideError, UsageError } from '../../../errors.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { examplesText } from '../../examples.js';

interface Args extends GlobalArgs {
  target?: string;
  rev?: string;
  usedBy?: string;
  broken?: boolean;
  recursive?: boolean;
}

function where(r: CheckedReference): string {
  return r.line ? `${r.from}:${r.line}` : r.from;
}

function hintOf(r: CheckedReference): string {
  if (r.suggestion) return `  (did you mean ${r.suggestion}?)`;
  if (r.resolved) return r.uid ? `  (found by ${r.uid} at ${r.resolved})` : `  (generated from ${r.resolved})`;
  if (r.status === 'outside') return '  (outside the project)';
  if (r.status === 'unresolved') return '  (built at run time: not checked)';
  return '';
}

function shown(r: CheckedReference): string {
  const to = r.target ?? r.raw;
  const raw = r.target && r.raw !== r.target ? `  "${r.raw}"` : '';
  return `${to}${raw}${hintOf(r)}`;
}

/** A path as the user typed it (relative to where the command runs), as a project path. */
function projectPath(vault: Vault, argv: Args, p: string): string {
  const abs = resolve(cwdOf(argv), p);
  if (abs === vault.workTree) return '';
  if (abs.startsWith(`${vault.workTree}/`)) return abs.slice(vault.workTree.length + 1);
  throw new PathOutsideError(p, vault.workTree);
}

function computedNote(stored: boolean): void {
  if (!stored)
    out("(computed from the snapshot's files: it was made before reference tracking was on, or by an older Vault)");
}

export const refsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'refs [target]',
  describe:
    'asset references: what a file uses (OBJ -> MTL -> textures, glTF, Godot ' +
    'res:// and uid://, Unity guids, JSON/YAML paths), what uses it, what is broken',
  builder: (y) =>
    y
      .positional('target', {
        type: 'string',
        describe:
          'the file whose references to show, relative to the ' +
          'current folder (with --broken: the snapshot, default HEAD)',
      })
      .option('rev', { type: 'string', describe: 'snapshot to look in (default HEAD)' })
      .option('used-by', {
        type: 'string',
        describe: 'list the files that use this file (or anything under this folder)',
      })
      .option('broken', { type: 'boolean', describe: 'list references to files the snapshot does not have' })
      .option('recursive', {
        alias: 'r',
        type: 'boolean',
        describe: "follow references: a model's material's textures",
      })
      .epilog(
        examplesText([
          ['vault refs Models/hero.obj -r', 'the MTL of a model and the textures it names'],
          ['vault refs --used-by Textures/brick.png', 'every model, scene and material that uses a texture'],
          ['vault refs --broken HEAD~1 --json', 'missing files referenced in an older snapshot, as data'],
        ]),
      ),
  handler: async (argv) => {
    const q = await import('../../../personas/creative/references/queries.js');
    await withVault(argv, async (vault) => {
      if (argv.broken) {
        if (argv.usedBy) throw new UsageError('--broken and --used-by cannot be combined');
        const r = await q.brokenReferences({ vault, snapshot: argv.target ?? argv.rev ?? 'HEAD' });
        if (argv.json) return printJson(r);
        if (!r.references.length) out(`no broken references in snapshot ${shortId(r.snapshot)}`);
        else {
          out(`${r.references.length} broken reference(s) in snapshot ${shortId(r.snapshot)}:`);
          for (const x of r.references) out(`  ${where(x)} -> ${shown(x)}  (${x.kind}, missing)`);
        }
        if (r.outside.length) {
          out(`${r.outside.length} reference(s) leave the project (not checked):`);
          for (const x of r.outside) out(`  ${where(x)} -> ${x.raw}  (${x.kind})`);
        }
        if (r.unresolved.length) {
          out(`${r.unresolved.length} path(s) built at run time (not checked):`);
          for (const x of r.unresolved) out(`  ${where(x)} -> ${x.raw}  (${x.kind})`);
        }
        return computedNote(r.stored);
      }
      if (argv.usedBy) {
        if (argv.target) throw new UsageError(`give either a file or --used-by, not both ('${argv.target}')`);
        const r = await q.usedBy({ vault, path: projectPath(vault, argv, argv.usedBy), snapshot: argv.rev });
        if (argv.json) return printJson(r);
        const files = new Set(r.references.map((x) => x.from));
        if (!files.size) out(`nothing uses ${r.path} in snapshot ${shortId(r.snapshot)}`);
        else {
          out(`${r.path} is used by ${files.size} file(s) in snapshot ${shortId(r.snapshot)}:`);
          for (const x of r.references)
            out(
              `  ${where(x).padEnd(32)} ${x.kind.padEnd(12)} ` +
                `${(x.resolved ?? x.target) !== r.path ? `${x.resolved ?? x.target} ` : ''}"${x.raw}"${x.resolved && x.uid ? `  (by ${x.uid})` : ''}`,
            );
        }
        return computedNote(r.stored);
      }
      if (!argv.target)
        throw new UsageError('name a file, or pass --used-by PATH or --broken', "see 'vault refs --help'");
      const r = await q.referencesOf({
        vault,
        path: projectPath(vault, argv, argv.target),
        snapshot: argv.rev,
        recursive: argv.recursive,
      });
      if (argv.json) return printJson(r);
      if (!r.references.length) out(`${r.path} references no files (snapshot ${shortId(r.snapshot)})`);
      else {
        out(`${r.path} uses (snapshot ${shortId(r.snapshot)}):`);
        for (const x of r.references)
          out(
            `  ${x.status.padEnd(8)} ${x.kind.padEnd(12)} ` +
              `${argv.recursive && x.from !== r.path ? `${x.from} -> ` : ''}${shown(x)}`,
          );
      }
      computedNote(r.stored);
    });
  },
};
