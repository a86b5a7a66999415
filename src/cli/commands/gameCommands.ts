import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { buildCommand } from './game/build.js';
import { bundlesCommand } from './game/bundles.js';
import { feedbackCommand } from './game/feedback.js';
import { platformCommand } from './game/platform.js';
import { playtestCommand } from './game/playtest.js';

/** Game persona commands (build, feedback, bundles, playtest, platform). Handlers import their persona code lazily. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const gameCommands: CommandModule<GlobalArgs, any>[] = [
  buildCommand,
  feedbackCommand,
  bundlesCommand,
  playtestCommand,
  platformCommand,
];
