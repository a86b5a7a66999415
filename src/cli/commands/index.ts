import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../context.js';
import { catObjectCommand } from './catObject.js';
import { commitCommand } from './commit.js';
import { commitTreeCommand } from './commitTree.js';
import { diffCommand } from './diff.js';
import { hashObjectCommand } from './hashObject.js';
import { initCommand } from './init.js';
import { logCommand } from './log.js';
import { lsCommand } from './ls.js';
import { lsTreeCommand } from './lsTree.js';
import { restoreCommand } from './restore.js';
import { revParseCommand } from './revParse.js';
import { showCommand } from './show.js';
import { statusCommand } from './status.js';
import { tagCommand } from './tag.js';
import { updateRefCommand } from './updateRef.js';
import { verifyCommand } from './verify.js';
import { milestoneCommand } from './milestone.js';
import { writeTreeCommand } from './writeTree.js';
import { cloneCommand, fetchCommand, pullCommand, pushCommand, remoteCommand } from './sync.js';
import { gcCommand } from './gc.js';
import { forgetCommand } from './forget.js';
import { pruneCommand } from './prune.js';
import { repairCommand } from './repair.js';
import { tuiCommand } from './tui.js';
import { gameCommands } from './gameCommands.js';
import { creativeCommands } from './creativeCommands.js';
import { timelineCommands } from './timelineCommands.js';
import { personaCommand } from './persona.js';
import { lockCommands } from './locks.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<GlobalArgs, any>[] = [
  initCommand,
  commitCommand,
  statusCommand,
  logCommand,
  diffCommand,
  restoreCommand,
  showCommand,
  lsCommand,
  tagCommand,
  milestoneCommand,
  verifyCommand,
  gcCommand,
  forgetCommand,
  pruneCommand,
  repairCommand,
  hashObjectCommand,
  catObjectCommand,
  lsTreeCommand,
  writeTreeCommand,
  commitTreeCommand,
  updateRefCommand,
  revParseCommand,
  remoteCommand,
  pushCommand,
  fetchCommand,
  pullCommand,
  cloneCommand,
  ...lockCommands,
  tuiCommand,
  personaCommand,
  ...timelineCommands,
  ...creativeCommands,
  ...gameCommands,
];
