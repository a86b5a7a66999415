import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';

/** Game persona commands (build, feedback, bundles, playtest, platform). Handlers import their persona code lazily. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const gameCommands: CommandModule<GlobalArgs, any>[] = [];
