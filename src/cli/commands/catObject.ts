import type { CommandModule } from 'yargs';
import { decodeChunkList } from '../../objects/chunkList.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import { decodeTree } from '../../objects/tree.js';
import { revParse } from '../../refs/revParse.js';
import { isObjectId } from '../../objects/hashObject.js';
import type { ObjectType } from '../../objects/types.js';
import { out, printJson, withVault, type GlobalArgs } from '../context.js';
import { examplesText } from '../examples.js';

interface Args extends GlobalArgs {
  object: string;
  type?: boolean;
  size?: boolean;
  pretty?: boolean;
}

/** The decoded form of a structured object (tree, snapshot, chunk list); null for blobs and chunks. */
function decoded(type: ObjectType, body: Buffer, id: string): object | null {
  switch (type) {
    case 'tree':
      return decodeTree(body, id);
    case 'snapshot':
      return decodeSnapshot(body, id);
    case 'chunklist':
      return decodeChunkList(body, id);
    default:
      return null;
  }
}

export const catObjectCommand: CommandModule<GlobalArgs, Args> = {
  command: 'cat-object <object>',
  describe: 'plumbing: print an object (raw body; -p readable, -t type, -s size)',
  builder: (y) =>
    y
      .positional('object', { type: 'string', demandOption: true, describe: 'object id, or a snapshot name' })
      .option('type', { alias: 't', type: 'boolean', describe: 'print the type' })
      .option('size', { alias: 's', type: 'boolean', describe: 'print the uncompressed size' })
      .option('pretty', { alias: 'p', type: 'boolean', describe: 'print it readably' })
      .epilog(examplesText([['vault cat-object -p HEAD', 'the last snapshot as JSON']])),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      const id = isObjectId(argv.object) ? argv.object : await revParse({ ...vault.refs, db: vault.db }, argv.object);
      const o = await vault.db.read(id);
      if (argv.type) return out(o.type);
      if (argv.size) return out(String(o.body.length));
      if (argv.pretty || argv.json) {
        const v = decoded(o.type, o.body, id);
        if (v) return printJson(v);
      }
      process.stdout.write(o.body);
    });
  },
};
