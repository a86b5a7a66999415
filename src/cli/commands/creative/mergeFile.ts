import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { PathNotFoundError, UsageError, fsError } from '../../../errors.js';
import { writeFileAtomic } from '../../../plumbing/fs.js';
import { examplesText } from '../../examples.js';
import { cwdOf, nodeFs, out, printJson, warn, type GlobalArgs } from '../../context.js';

interface Args extends GlobalArgs {
  base: string;
  ours: string;
  theirs: string;
  elementAware?: boolean;
  o?: string;
}

async function read(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new PathNotFoundError(path, 'the folder');
    throw fsError(e, 'read', path);
  }
}

/** Files a version references (a .gltf's .bin), from beside it; null when missing. */
function beside(file: string): (rel: string) => Promise<Uint8Array | null> {
  return async (rel) => {
    if (rel.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(rel)) return null;
    return read(join(dirname(file), rel)).catch(() => null);
  };
}

export const mergeFileCommand: CommandModule<GlobalArgs, Args> = {
  command: 'merge-file <base> <ours> <theirs>',
  describe: 'merge two changed versions of a PSD, glTF/GLB, OBJ or Godot .tscn element by element',
  builder: (y) =>
    y
      .positional('base', { type: 'string', demandOption: true, describe: 'the version both started from' })
      .positional('ours', { type: 'string', demandOption: true, describe: 'our version (written over, unless -o)' })
      .positional('theirs', { type: 'string', demandOption: true, describe: 'their version' })
      .option('element-aware', {
        type: 'boolean',
        describe: 'merge layers, nodes, meshes, materials, objects and scene nodes one by one',
      })
      .option('o', { type: 'string', describe: 'write the result here instead of over OURS' })
      .epilog(
        examplesText([
          [
            'vault merge-file base.psd mine.psd theirs.psd --element-aware -o merged.psd',
            'their new Sky layer and my repainted Hero in one file',
          ],
        ]),
      ),
  handler: async (argv) => {
    if (!argv.elementAware)
      throw new UsageError(
        'merge-file merges element by element only: add --element-aware',
        'for text files use git merge-file',
      );
    const cwd = cwdOf(argv);
    const [base, ours, theirs] = [argv.base, argv.ours, argv.theirs].map((p) => resolve(cwd, p)) as [
      string,
      string,
      string,
    ];
    const target = resolve(cwd, argv.o ?? argv.ours);
    const { mergeElements } = await import('../../../personas/creative/elements/merge.js');
    const r = await mergeElements({
      path: argv.ours,
      base: await read(base),
      ours: await read(ours),
      theirs: await read(theirs),
      baseRelated: beside(base),
      oursRelated: beside(ours),
      theirsRelated: beside(theirs),
    });
    if (r.data) {
      for (const [rel, bytes] of r.related) await writeFileAtomic(nodeFs, join(dirname(target), rel), bytes);
      await writeFileAtomic(nodeFs, target, r.data);
    } else process.exitCode = 1;
    if (argv.json)
      return printJson({ ...r, data: undefined, related: [...r.related.keys()], written: r.data ? target : null });
    for (const e of r.elements) out(`${e.from.padEnd(7)} ${e.change.padEnd(8)} ${e.kind} ${e.name}`);
    for (const c of r.conflicts) out(`CONFLICT         ${c.kind} ${c.name}: ${c.why}`);
    for (const n of r.notes) out(`note: ${n}`);
    if (r.data) out(`merged ${r.elements.length} changed element(s) into ${argv.o ?? argv.ours}`);
    else
      warn(
        `vault: ${r.conflicts.length} conflict(s): nothing was written; pick a side for those elements and merge again`,
      );
  },
};
