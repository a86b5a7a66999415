/**
 * The everyday command lines (`vault status`, `vault commit -m "..."`, `vault log -n 5`) without yargs:
 * loading and running yargs costs more CPU than the rest of an unchanged `vault status`. The command's
 * own yargs builder is run against a recorder to learn its options and positionals, and the arguments
 * are read by the same rules for the plain forms only: `--name value`, `--name=value`, `-x value`,
 * boolean flags, positionals. Anything else (help, --version, `--no-x`, `-abc`, `--`, a repeated or
 * unknown option, a missing value, a value yargs would reject) returns null, and yargs parses the line
 * and words any error; test/cli/fastArgs.test.ts checks both give the handler the same argv.
 */
import type { AnyCommand } from './commands/registry.js';
import { takeOptionError } from './options.js';

interface OptionSpec {
  type?: 'string' | 'boolean';
  alias?: string | readonly string[];
  default?: unknown;
  choices?: readonly unknown[];
  demandOption?: boolean | string;
  array?: boolean;
  coerce?: (v: unknown) => unknown;
  describe?: unknown;
  global?: boolean;
  requiresArg?: boolean;
}

const SPEC_KEYS = new Set([
  'type',
  'alias',
  'default',
  'choices',
  'demandOption',
  'array',
  'coerce',
  'describe',
  'global',
  'requiresArg',
]);

/** The options every command has (parse.ts declares the same for yargs). */
const GLOBALS: Record<string, OptionSpec> = {
  C: { type: 'string' },
  'vault-dir': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', alias: 'q' },
};

interface Recorded {
  options: Map<string, OptionSpec>;
  positionals: Map<string, OptionSpec>;
  ok: boolean;
}

/** Run a builder against a stand-in for yargs that writes down options and positionals. */
function record(command: AnyCommand): Recorded {
  const rec: Recorded = { options: new Map(), positionals: new Map(), ok: true };
  const check = (spec: OptionSpec) => {
    if (Object.keys(spec).some((k) => !SPEC_KEYS.has(k))) rec.ok = false;
    if (spec.type !== undefined && spec.type !== 'string' && spec.type !== 'boolean') rec.ok = false;
  };
  const y: Record<string, unknown> = {
    option: (name: string, spec: OptionSpec) => (check(spec), rec.options.set(name, spec), y),
    positional: (name: string, spec: OptionSpec) => (check(spec), rec.positionals.set(name, spec), y),
    epilog: () => y,
  };
  const builder = command.builder;
  if (typeof builder !== 'function') return { ...rec, ok: builder === undefined };
  try {
    // anything but option/positional/epilog (sub-commands, checks, version) is a job for yargs
    const proxy = new Proxy(y, {
      get: (t, k) =>
        k in t
          ? t[k as string]
          : () => {
              rec.ok = false;
              return proxy;
            },
    });
    (builder as (y: unknown) => unknown)(proxy);
  } catch {
    rec.ok = false;
  }
  return rec;
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const aliasesOf = (s: OptionSpec): string[] => (s.alias === undefined ? [] : ([] as string[]).concat(s.alias));

/** The positionals of a command string: 'restore <snapshot> [paths..]' -> snapshot (required), paths (variadic). */
function grammar(command: string): { name: string; required: boolean; variadic: boolean }[] | null {
  const words = command.split(' ').slice(1);
  const out = [];
  for (const w of words) {
    const m = /^([<[])([\w-]+)(\.\.)?([>\]])$/.exec(w);
    if (!m) return null;
    out.push({ name: m[2]!, required: m[1] === '<', variadic: m[3] === '..' });
  }
  return out;
}

/** The argv yargs would give the command's handler, or null when the line needs yargs. */
export function fastArgs(args: readonly string[], command: AnyCommand, name: string): Record<string, unknown> | null {
  const rec = record(command);
  const positions = grammar(String(command.command));
  if (!rec.ok || !positions) return null;
  const specs = new Map<string, OptionSpec>([...Object.entries(GLOBALS), ...rec.options]);
  const byFlag = new Map<string, string>();
  for (const [key, spec] of specs) for (const f of [key, camel(key), ...aliasesOf(spec)]) byFlag.set(f, key);

  const given = new Map<string, unknown>();
  const words: string[] = [];
  let seenCommand = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-') || a === '-') {
      if (!seenCommand && a === name) seenCommand = true;
      else words.push(a);
      continue;
    }
    const m = /^(?:--([a-zA-Z][\w-]*)|-([a-zA-Z]))(?:=(.*))?$/s.exec(a);
    const key = m ? byFlag.get(m[1] ?? m[2]!) : undefined;
    if (!m || key === undefined || given.has(key)) return null;
    const spec = specs.get(key)!;
    if (spec.array) return null;
    const inline = m[3];
    if (spec.type === 'boolean') {
      if (inline !== undefined) return null;
      given.set(key, true);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-'))) return null;
    given.set(key, value);
  }
  if (!seenCommand) return null;
  return build(rec, specs, positions, given, words, name);
}

function build(
  rec: Recorded,
  specs: Map<string, OptionSpec>,
  positions: NonNullable<ReturnType<typeof grammar>>,
  given: Map<string, unknown>,
  words: string[],
  name: string,
): Record<string, unknown> | null {
  const argv: Record<string, unknown> = { _: [name], $0: 'vault' };
  const put = (key: string, spec: OptionSpec, v: unknown) => {
    for (const k of new Set([key, camel(key), ...aliasesOf(spec)])) argv[k] = v;
  };
  for (const [key, spec] of specs) {
    let v = given.has(key) ? given.get(key) : spec.default;
    if (v === undefined) {
      if (spec.demandOption) return null;
      continue;
    }
    if (!ok(spec, v)) return null;
    if (spec.coerce) {
      try {
        v = spec.coerce(v);
      } catch {
        takeOptionError(); // yargs reads the line again and raises the same error itself
        return null;
      }
    }
    put(key, spec, v);
  }
  let w = 0;
  for (const p of positions) {
    const spec = rec.positionals.get(p.name) ?? {};
    let v: unknown = p.variadic ? words.slice(w) : words[w];
    w = p.variadic ? words.length : w + 1;
    // an empty variadic is [] (as yargs has it), unless it is required or has a default
    if (p.variadic && (v as string[]).length === 0 && (p.required || spec.default !== undefined)) v = undefined;
    v ??= spec.default;
    if (v === undefined) {
      if (p.required || spec.demandOption) return null;
      continue;
    }
    if (!ok(spec, v) || spec.coerce) return null;
    put(p.name, spec, v);
  }
  if (w < words.length) return null; // more words than the command takes: yargs says which
  return argv;
}

/** A value yargs would take as it is: in `choices`, and a string or boolean as declared. */
function ok(spec: OptionSpec, v: unknown): boolean {
  const values = Array.isArray(v) ? v : [v];
  if (spec.choices && !values.every((x) => spec.choices!.includes(x))) return false;
  return true;
}
