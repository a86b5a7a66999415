/**
 * Numeric options, checked one way for every command: `vault log -n abc`, `-n 0`, `-n -3`, `-n 2x` and
 * `-n 1.5` are usage errors (EUSAGE, exit 2) that name the option and the value, never a silent NaN,
 * zero or rounding. Declare such an option with `numberOption(...)` (yargs reads it as a string and
 * `parseNumber` turns it into a number); code that reads a number elsewhere (an environment variable,
 * a positional) calls `parseNumber` itself.
 */
import { UsageError } from '../errors.js';

/** What a number may be. */
export type NumberKind =
  /** a whole number >= 1 (a count of things to show) */
  | 'count'
  /** a whole number >= 0 */
  | 'whole'
  /** any number >= 0 (seconds) */
  | 'seconds'
  /** a number > 0 */
  | 'positive'
  /** a number from 0 to 1 */
  | 'fraction';

interface Rule {
  readonly integer: boolean;
  readonly min: number;
  /** min itself is not allowed */
  readonly minOpen?: boolean;
  readonly max?: number;
  readonly says: string;
  readonly example: string;
}

const RULES: Record<NumberKind, Rule> = {
  count: { integer: true, min: 1, says: 'a whole number of 1 or more', example: '5' },
  whole: { integer: true, min: 0, says: 'a whole number of 0 or more', example: '3' },
  seconds: { integer: false, min: 0, says: 'a number of seconds, 0 or more', example: '10' },
  positive: { integer: false, min: 0, minOpen: true, says: 'a number above 0', example: '64' },
  fraction: { integer: false, min: 0, max: 1, says: '', example: '0.5' },
};

/** `--lock-wait`, or `-n/--max` when the option has a one-letter alias. */
function label(name: string, alias?: string): string {
  const long = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return alias && alias.length === 1 ? `-${alias}/${long}` : long;
}

/**
 * The number an option's value stands for, or a UsageError naming the option and what it takes.
 * A repeated option counts its last value (like git); `max` narrows a kind's upper bound (a rating of 1..5).
 */
export function parseNumber(
  name: string,
  raw: unknown,
  kind: NumberKind,
  opts: { alias?: string; max?: number } = {},
): number {
  const rule = RULES[kind];
  const max = opts.max ?? rule.max;
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  // a bare `--max` (yargs gives true) is a missing value
  let text = '';
  if (typeof value === 'number') text = String(value);
  else if (value !== true && value !== undefined && value !== null) text = String(value).trim();
  const says =
    max === undefined ? rule.says : `${rule.integer ? 'a whole number' : 'a number'} from ${rule.min} to ${max}`;
  const what = `${label(name, opts.alias)} takes ${says}`;
  if (text === '') throw new UsageError(`${what}, got nothing`, `e.g. ${label(name)} ${rule.example}`);
  const syntax = rule.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)$/;
  const n = Number(text);
  const inRange = n > rule.min || (n === rule.min && !rule.minOpen);
  if (!syntax.test(text) || !Number.isFinite(n) || !inRange || (max !== undefined && n > max))
    throw new UsageError(`${what}, got '${text}'`);
  return n;
}

let pending: UsageError | undefined;

/**
 * The error a numeric option's check raised while yargs parsed the command line. yargs wraps what a
 * `coerce` function throws in its own error (losing the code and hint), so the CLI's failure handler
 * takes the original from here.
 */
export function takeOptionError(): UsageError | undefined {
  const e = pending;
  pending = undefined;
  return e;
}

/**
 * A yargs option declaration for a number: read as text (so '2x' is not silently NaN or 2) and checked
 * by `parseNumber`. `default` is shown in the help and used when the option is absent.
 */
export function numberOption(
  name: string,
  kind: NumberKind,
  o: { describe: string; alias?: string; default?: number; max?: number },
) {
  // no `type`: yargs would turn '2x' into NaN (type number) or show the option as [string]; the value
  // arrives as yargs read it (a number, or text that is not one) and parseNumber decides
  return {
    describe: o.describe,
    ...(o.alias ? { alias: o.alias } : {}),
    ...(o.default !== undefined ? { default: o.default } : {}),
    coerce: (raw: unknown): number => {
      try {
        return parseNumber(name, raw, kind, o);
      } catch (e) {
        pending = e as UsageError;
        throw e;
      }
    },
  };
}
