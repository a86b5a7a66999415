import { VaultError } from '../../errors.js';

/**
 * A project file of a game engine (project.godot, a .cfg, a .tscn, a Unity .asset) that does not parse
 * at a given line. Parsers never guess: the file and line are named, nothing is half-read.
 */
export class ConfigSyntaxError extends VaultError {
  constructor(path: string, line: number, reason: string, snapshot?: string) {
    super(
      'ECONFIG',
      `${path}:${line}${snapshot ? ` (in ${snapshot.slice(0, 12)})` : ''}: ${reason}`,
      { path, line, reason, ...(snapshot ? { snapshot } : {}) },
      `fix line ${line} of ${path} and commit it`,
    );
  }
}
