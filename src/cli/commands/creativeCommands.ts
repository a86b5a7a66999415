import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { mergeFileCommand } from './creative/mergeFile.js';
import { refsCommand } from './creative/refs.js';
import { workspaceCommand } from './creative/workspace.js';

/** Creative persona commands (refs, workspace, merge-file). Handlers import their persona code lazily. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const creativeCommands: CommandModule<GlobalArgs, any>[] = [refsCommand, workspaceCommand, mergeFileCommand];
