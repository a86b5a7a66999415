// Every command of the CLI (listed from its yargs command modules, each action of those that take one)
// run in this process through main() with hostile arguments: huge strings, NUL, paths that do not exist or
// lie outside the project, -1, abc, 1e309, NaN, and --json. Each run must end with exit status 0, 1 or 2,
// a `vault: ` line and no stack trace or "internal error" on stderr when it fails, and with --json, one
// JSON object on stdout. A seeded sample of (slot, value) pairs keeps it to a few hundred runs.
//   VAULT_CLI_FUZZ_PER_SLOT=N values tried per option or argument (default 3), VAULT_CLI_FUZZ_MIXED=N runs
//   per command with several hostile slots at once (default 2), VAULT_CLI_FUZZ_SEED
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yargs, { type CommandModule } from 'yargs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../../src/cli/commands/registry.js';
import { REGISTERED_ACTIONS } from '../../src/cli/subcommands.js';
import { main } from '../../src/cli/main.js';
import { commit } from '../../src/porcelain/commit.js';
import { mulberry32 } from '../helpers/prng.js';
import { diskVault, tempDir } from '../helpers/vault.js';
import { must } from '../helpers/must.js';

const test = suite('reliability/cliFuzz');
const PER_SLOT = Number(process.env.VAULT_CLI_FUZZ_PER_SLOT ?? 3);
const MIXED = Number(process.env.VAULT_CLI_FUZZ_MIXED ?? 2);
const rand = mulberry32(Number(process.env.VAULT_CLI_FUZZ_SEED ?? 0xc11));

/** Values every argument and option is tried with (`OUT` is replaced by a folder outside the project). */
const HOSTILE = [
  'x'.repeat(5000),
  'a\u0000b',
  '',
  '-1',
  'abc',
  '1e309',
  'NaN',
  '0',
  '99999999999999999999',
  '../outside',
  'OUT',
  'OUT/../../etc',
  '/nonexistent/deep/file.psd',
  'missing.txt',
  'HEAD~999999',
  '@{-1}',
  '..',
  '\n',
  '%s%n',
  '\u202e.png',
  'refs/heads/../../x',
  'http://127.0.0.1:1/none.git',
];

interface Slot {
  /** `--name` for an option, null for a positional */
  flag: string | null;
  name: string;
  boolean: boolean;
}

interface Variant {
  /** the command and its action, if any */
  words: string[];
  /** positionals after the words, in order (required ones are filled with `plausible`) */
  positionals: { name: string; required: boolean }[];
  options: Slot[];
}

/** A value a required argument gets while another slot is fuzzed. */
function plausible(name: string): string {
  if (/snapshot|rev|object|tree|^a$|^b$|from/.test(name)) return 'HEAD';
  if (/url/.test(name)) return 'http://127.0.0.1:1/none.git';
  if (/ref/.test(name)) return 'refs/tags/t1';
  return 'x';
}

/** Positionals of a yargs command string ('show <id> [b]') and the options a builder declares. */
function shape(spec: string, builder: unknown): Pick<Variant, 'positionals' | 'options'> {
  const positionals = spec
    .split(/\s+/)
    .slice(1)
    .map((t) => ({ name: t.replace(/[<>[\].]/g, ''), required: t.startsWith('<') }));
  // getOptions is yargs' own (undocumented in its types) listing of what a builder declared
  const y = yargs([]) as unknown as { getOptions(): unknown };
  if (typeof builder === 'function') (builder as (y: unknown) => unknown)(y);
  const o = y.getOptions() as { key: Record<string, unknown>; boolean: string[]; alias: Record<string, string[]> };
  const aliases = new Set(Object.values(o.alias).flat());
  const names = new Set(positionals.map((p) => p.name));
  const options = Object.keys(o.key)
    .filter((k) => k !== 'help' && k !== 'version' && !aliases.has(k) && !names.has(k))
    .map((k) => ({ flag: `--${k}`, name: k, boolean: o.boolean.includes(k) }));
  return { positionals, options };
}

/** Each command's words, positionals and options; a command made of actions gives one variant per action. */
async function variants(): Promise<Variant[]> {
  const out: Variant[] = [];
  for (const info of COMMANDS) {
    const c = (await info.load()) as CommandModule;
    const spec = String(Array.isArray(c.command) ? c.command[0] : c.command);
    const name = spec.split(/\s+/)[0]!;
    const top = shape(spec, c.builder);
    const actions = REGISTERED_ACTIONS.get(name);
    if (!actions) {
      out.push({ words: [name], ...top });
      continue;
    }
    for (const a of actions) {
      const sub = shape(a.command, a.builder);
      out.push({ words: [name, a.command.split(' ')[0]!], ...sub, options: [...top.options, ...sub.options] });
    }
  }
  return out;
}

interface Run {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

/** main(args) in this process, its output captured and its exit status read. */
async function runMain(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string | Uint8Array) => ((stdout += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((stderr += String(s)), true)) as typeof process.stderr.write;
  process.exitCode = undefined;
  try {
    await main(args);
  } catch (e) {
    stderr += `main() threw: ${(e as Error)?.stack ?? String(e)}`;
    process.exitCode = 99;
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { args, code, stdout, stderr };
}

/** What is wrong with one run, or null. */
function problem(r: Run): string | null {
  if (![0, 1, 2].includes(r.code)) return `exit status ${r.code}`;
  if (/internal error|^\s+at .+:\d+:\d+\)?$/m.test(r.stderr)) return 'a stack trace';
  // a refused command says so on stderr; with --json only the error object, on stdout (issue 19)
  if (r.code !== 0 && !r.args.includes('--json') && !/^vault: /m.test(r.stderr)) return 'no "vault: " line on stderr';
  if (r.code !== 0 && r.args.includes('--json')) {
    try {
      const v = JSON.parse(r.stdout) as { error?: unknown } | null;
      if (typeof v !== 'object' || v === null) return 'stdout is JSON but not an object';
      // 1 may also be a result that reports problems (verify, restore); 2 is always a refused command
      if (r.code === 2 && !v.error) return 'a usage error without an "error" object';
    } catch {
      return 'stdout is not one JSON object';
    }
  }
  return null;
}

function pick<T>(list: readonly T[], n: number): T[] {
  const copy = [...list];
  const out: T[] = [];
  while (out.length < n && copy.length) out.push(must(copy.splice(rand() % copy.length, 1)[0]));
  return out;
}

const show = (args: string[]) =>
  args.map((a) => (a.length > 40 ? `${JSON.stringify(a.slice(0, 20))}...(${a.length})` : JSON.stringify(a))).join(' ');

test('every command with hostile arguments: exit 0/1/2, a "vault: " line, no stack trace, JSON with --json', async () => {
  const t = await tempDir('vault-clifuzz-');
  const outside = join(t.path, 'outside');
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'not in the project\n');
  const tv = await diskVault(t.path, {
    'a.txt': 'a\n',
    Art: { 'hero.png': 'not really a png' },
    'notes.md': '# n\n',
  });
  await commit({ vault: tv.vault, message: 'one' });
  await tv.vault.close();
  const proj = tv.dir;
  assert.is((await runMain(['-C', proj, 'tag', 't1'])).code, 0);
  const value = (v: string) => v.replace(/^OUT/, outside);

  const runs: Run[] = [];
  const bad: string[] = [];
  const record = async (args: string[]) => {
    const r = await runMain(['-C', proj, ...args]);
    runs.push(r);
    const why = problem(r);
    if (why) bad.push(`vault ${show(args)}: ${why}\n      ${r.stderr.split('\n').slice(0, 4).join('\n      ')}`);
    return r;
  };

  const all = await variants();
  for (const v of all) {
    const base = (fuzzed: number, val: string) =>
      v.positionals.flatMap((p, i) => {
        if (i === fuzzed) return [val];
        return p.required ? [plausible(p.name)] : [];
      });
    for (let i = 0; i < v.positionals.length; i++)
      for (const val of pick(HOSTILE, PER_SLOT)) {
        const json = rand() % 2 ? ['--json'] : [];
        // a value starting with - would be read as an option: positionals go after --
        const args = base(i, value(val));
        await record([...v.words, ...json, ...(args.some((a) => a.startsWith('-')) ? ['--'] : []), ...args]);
      }
    for (const o of v.options)
      for (const val of o.boolean ? [''] : pick(HOSTILE, PER_SLOT)) {
        const json = rand() % 2 ? ['--json'] : [];
        const opt = o.boolean ? [o.flag!] : [`${o.flag}=${value(val)}`];
        await record([...v.words, ...base(-1, ''), ...opt, ...json]);
      }
  }
  // a few runs per command with several slots hostile at once
  for (const v of all)
    for (let k = 0; k < MIXED; k++) {
      const pos = v.positionals.map((p) => (p.required || rand() % 2 ? value(must(pick(HOSTILE, 1)[0])) : null));
      while (pos.length && pos[pos.length - 1] === null) pos.pop();
      const args = pos.map((p, i) => p ?? plausible(must(v.positionals[i]).name));
      const opts = pick(v.options, 1 + (rand() % 3)).map((o) =>
        o.boolean ? o.flag! : `${o.flag}=${value(must(pick(HOSTILE, 1)[0]))}`,
      );
      const json = rand() % 2 ? ['--json'] : [];
      await record([...v.words, ...opts, ...json, ...(args.some((a) => a.startsWith('-')) ? ['--'] : []), ...args]);
    }
  // the crashes issue 13 names, every time
  const named = [
    { args: ['tag', 'x'.repeat(5000)], code: 1 },
    { args: ['hash-object', '/nonexistent', '--json'], code: 2 },
    ...['-1', 'abc', '1e309'].map((w) => ({
      args: ['commit', '-m', 'w', '--allow-empty', `--lock-wait=${w}`],
      code: 2,
    })),
  ];
  const namedRuns: Run[] = [];
  for (const n of named) namedRuns.push(await record(n.args));

  const failed = runs.filter((r) => r.code !== 0).length;
  console.log(
    `    ${runs.length} runs of ${all.length} command variants: ${runs.length - failed} exit 0, ${failed} refused cleanly, ${bad.length} broken`,
  );
  assert.equal(bad, [], `${bad.length} runs broke the rules:\n    ${bad.slice(0, 30).join('\n    ')}`);
  named.forEach((n, i) => assert.is(must(namedRuns[i]).code, n.code, show(n.args)));
  await t.remove();
});

test.run();
