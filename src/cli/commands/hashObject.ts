import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { UsageError, fsError } from '../../errors.js';
import { chunkerFromConfig, planFile } from '../../plumbing/chunkers/index.js';
import { ReadBuffer, storeFile } from '../../plumbing/storeFile.js';
import { decodeChunkList } from '../../objects/chunkList.js';
import { decodeSnapshot } from '../../objects/snapshot.js';
import { decodeTree } from '../../objects/tree.js';
import { hashObject } from '../../objects/hashObject.js';
import { OBJECT_TYPES, type ObjectType } from '../../objects/types.js';
import { cwdOf, nodeFs, out, printJson, withVault, type GlobalArgs } from '../context.js';

interface Args extends GlobalArgs {
  file?: string;
  write?: boolean;
  stdin?: boolean;
  type?: string;
}

async function readStdin(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of process.stdin) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Validate a raw object body with its decoder before it may be stored. */
export function checkBody(type: ObjectType, body: Buffer): void {
  if (type === 'tree') decodeTree(body);
  else if (type === 'snapshot') decodeSnapshot(body);
  else if (type === 'chunklist') decodeChunkList(body);
}

export const hashObjectCommand: CommandModule<GlobalArgs, Args> = {
  command: 'hash-object [file]',
  describe: 'plumbing: print the id a file (or a raw object on stdin) gets; -w stores it',
  builder: (y) =>
    y
      .positional('file', { type: 'string' })
      .option('write', { alias: 'w', type: 'boolean', describe: 'store the object(s)' })
      .option('stdin', { type: 'boolean', describe: 'read a raw object body from stdin (needs -t)' })
      .option('type', {
        alias: 't',
        type: 'string',
        choices: OBJECT_TYPES as unknown as string[],
        describe: 'object type for --stdin',
      })
      .example('$0 hash-object -w Art/hero.psd', 'store one file, print its blob or chunk-list id'),
  handler: async (argv) => {
    await withVault(argv, async (vault) => {
      if (argv.stdin) {
        if (!argv.type) throw new UsageError('--stdin needs -t TYPE');
        const type = argv.type as ObjectType;
        const body = await readStdin();
        checkBody(type, body);
        const id = argv.write ? await vault.db.writeLoose(type, body) : hashObject(type, body);
        return argv.json ? printJson({ id, type }) : out(id);
      }
      if (!argv.file) throw new UsageError('name a file, or pass --stdin -t TYPE');
      const path = resolve(cwdOf(argv), argv.file);
      const st = await nodeFs.stat(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw new UsageError(`${argv.file}: no such file`);
        throw fsError(e, 'stat', path);
      });
      if (!st.isFile()) throw new UsageError(`${argv.file} is not a regular file`, 'name a file to hash');
      const chunker = chunkerFromConfig(vault.config.chunker);
      const writer = argv.write ? vault.db.writer() : null;
      const r = await storeFile({
        fs: nodeFs,
        path,
        plan: (size, head) => planFile(chunker, path, size, head),
        sink: writer,
        buffer: new ReadBuffer(2 * chunker.maxSize + 4 * 1024 * 1024),
      });
      await writer?.flush();
      if (argv.json) printJson({ id: r.id, type: r.obj, size: r.size });
      else out(r.id);
    });
  },
};
