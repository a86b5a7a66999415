// What the bench scripts share: this folder, and `--name value` options.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));

/** The value after `--name` on the command line, or `dflt`. */
export function opt(name, dflt, args = process.argv.slice(2)) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
}
