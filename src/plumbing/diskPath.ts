import { isRawName, nameBytes } from '../objects/rawName.js';
import { joinPath } from './fs.js';

/**
 * The path to hand the filesystem for a project-relative path as Vault holds
 * it: a string, unless a name in it is not UTF-8 (held as `\xHH`, see
 * objects/rawName.ts); then the exact bytes, as a Buffer (node's fs takes
 * either). Use it wherever a snapshot or scanned path meets the disk.
 */
export function diskPath(root: string, rel: string): string | Buffer {
  if (!isRawName(rel)) return rel ? joinPath(root, rel) : root;
  const parts: Buffer[] = [Buffer.from(root.endsWith('/') ? root.slice(0, -1) : root, 'utf8')];
  for (const name of rel.split('/')) {
    if (name === '') continue;
    parts.push(Buffer.from('/'), nameBytes(name) ?? Buffer.from(name, 'utf8'));
  }
  return Buffer.concat(parts);
}
