import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { timelineCommand } from './timeline.js';

/** The creative timeline (thumbnails, --html). Handlers import their persona code lazily. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const timelineCommands: CommandModule<GlobalArgs, any>[] = [timelineCommand];
