/**
 * `vault commit ...` (the command word first), the entry of a bundle of its own: bin/vault loads it
 * instead of main.ts's, so the command users run most loads a dozen files, not the ~60 chunks its
 * modules fall into when one build holds every command (scripts/bundle.mjs). Same code, same behaviour.
 */
import { commitCommand } from '../commands/commit.js';
import { runCommand, runMain } from '../run.js';

export function main(args: string[]): Promise<void> {
  return runMain(args, (a) => runCommand(a, 'commit', commitCommand));
}
