import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import { ConfigSyntaxError } from '../engines/errors.js';
import { configFileObject, parseGodotText, parseGodotValue } from '../engines/godot/text.js';
import { GameConfigError } from './errors.js';
import { parseIniStrict } from './iniConfig.js';

/**
 * Config files by extension: `.json`, `.yaml`/`.yml`, `.toml`, `.ini`, `.cfg` (Godot's ConfigFile syntax,
 * or plain INI when it is not that), `.godot` (project.godot). Parsers never guess: a file that does not
 * parse is a ConfigSyntaxError naming file and line (ECONFIG), never a value made of the pieces.
 */
export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [k: string]: ConfigValue };
export type ConfigObject = { [k: string]: ConfigValue };

export const CONFIG_FORMATS = ['json', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'godot'];

function lineAt(text: string, pos: number): number {
  return text.slice(0, Math.max(0, pos)).split('\n').length;
}

/** The line a JSON.parse error is at: from "position N", else where Godot's (JSON-like) reader stops. */
function jsonErrorLine(text: string, path: string, e: Error): number {
  const m = /position (\d+)/.exec(e.message);
  if (m) return lineAt(text, Number(m[1]));
  try {
    parseGodotValue(text, path);
  } catch (g) {
    if (g instanceof ConfigSyntaxError) return Number(g.data.line);
  }
  return 1;
}

function parseYamlStrict(text: string, path: string): unknown {
  const doc = parseDocument(text);
  const err = doc.errors[0];
  if (err) throw new ConfigSyntaxError(path, err.linePos?.[0]?.line ?? 1, err.message.split('\n')[0] ?? '');
  return doc.toJS();
}

/** .cfg files only Godot writes (always its ConfigFile syntax, never INI) */
const GODOT_CFG = /(^|\/)(export_presets|override|plugin)\.cfg$/;

/** Godot ConfigFile syntax first; a .cfg that is not that may be plain INI. The error that got further is reported. */
function parseCfg(text: string, path: string): unknown {
  try {
    return configFileObject(parseGodotText(text, path, { mode: 'config' }));
  } catch (godot) {
    if (!(godot instanceof ConfigSyntaxError) || GODOT_CFG.test(path)) throw godot;
    try {
      return parseIniStrict(text, path);
    } catch (ini) {
      if (!(ini instanceof ConfigSyntaxError)) throw ini;
      throw Number(ini.data.line) > Number(godot.data.line) ? ini : godot;
    }
  }
}

function parseByExtension(ext: string, path: string, text: string): unknown {
  switch (ext) {
    case 'json':
      try {
        return JSON.parse(text);
      } catch (e) {
        throw new ConfigSyntaxError(
          path,
          jsonErrorLine(text, path, e as Error),
          (e as Error).message.split('\n')[0] ?? '',
        );
      }
    case 'yaml':
    case 'yml':
      return parseYamlStrict(text, path);
    case 'toml':
      try {
        return parseToml(text);
      } catch (e) {
        const line = (e as { line?: number }).line ?? 1;
        throw new ConfigSyntaxError(path, line, (e as Error).message.split('\n')[0] ?? '');
      }
    case 'ini':
      return parseIniStrict(text, path);
    case 'cfg':
      return parseCfg(text, path);
    case 'godot':
      return configFileObject(parseGodotText(text, path, { mode: 'config' }));
    default:
      throw new GameConfigError(
        path,
        `unknown format '.${ext}' (use ${CONFIG_FORMATS.map((f) => `.${f}`).join(', ')}; ` +
          `project.godot is read by itself when vault-game.yaml declares no platforms)`,
      );
  }
}

/** Parse a config file's text by its extension into plain JSON values (top level: a mapping). */
export function parseConfigText(path: string, text: string, snapshot?: string): ConfigObject {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const ext = base.slice(base.lastIndexOf('.') + 1).toLowerCase();
  let v: unknown;
  try {
    v = parseByExtension(ext, path, text);
  } catch (e) {
    if (e instanceof ConfigSyntaxError && snapshot)
      throw new ConfigSyntaxError(path, Number(e.data.line), String(e.data.reason), snapshot);
    if (e instanceof ConfigSyntaxError) throw e;
    if (e instanceof GameConfigError) throw new GameConfigError(path, String(e.data.reason), snapshot);
    throw new GameConfigError(path, (e as Error).message.split('\n')[0] ?? '', snapshot);
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new GameConfigError(path, 'the top level must be a mapping of keys', snapshot);
  return normalize(v) as ConfigObject;
}

/** Plain JSON values only (TOML dates become ISO strings; null-prototype objects become plain ones). */
export function normalize(v: unknown): ConfigValue {
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    if (typeof (v as { toISOString?: unknown }).toISOString === 'function')
      return String((v as { toISOString: () => string }).toISOString());
    const o: ConfigObject = {};
    for (const [k, x] of Object.entries(v)) o[k] = normalize(x);
    return o;
  }
  if (typeof v === 'bigint') return Number(v);
  return v as ConfigValue;
}
