/** `vault status ...` (the command word first), the entry of a bundle of its own: see hot/commit.ts. */
import { statusCommand } from '../commands/status.js';
import { runCommand, runMain } from '../run.js';

export function main(args: string[]): Promise<void> {
  return runMain(args, (a) => runCommand(a, 'status', statusCommand));
}
