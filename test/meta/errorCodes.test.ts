// The error-code registry (src/errorCodes.ts) is complete and documented: every code thrown in src/ is
// registered, every registered code is thrown somewhere (no dead codes), and the README's error table lists
// each one. A code added without registering it fails the type check; this catches the rest.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_CODES, isErrorCode } from '../../src/errorCodes.js';

const test = suite('meta/errorCodes');
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sources(): { file: string; text: string }[] {
  return readdirSync(join(ROOT, 'src'), { recursive: true })
    .map(String)
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('errorCodes.ts'))
    .map((f) => ({ file: `src/${f}`, text: readFileSync(join(ROOT, 'src', f), 'utf8') }));
}

/** `super('ECODE'`, `VaultError('ECODE'`, `code: 'ECODE'` (prettier may put the code on the next line) */
const THROWN = /(?:super|VaultError)\(\s*'(E[A-Z0-9]+)'|\bcode:\s*'(E[A-Z0-9]+)'/g;

test('every code thrown in src/ is registered', () => {
  const unregistered: string[] = [];
  for (const { file, text } of sources())
    for (const m of text.matchAll(THROWN)) {
      const code = m[1] ?? m[2]!;
      if (!isErrorCode(code)) unregistered.push(`${file}: ${code}`);
    }
  assert.equal(unregistered, [], 'register these in src/errorCodes.ts');
});

test('every registered code is used somewhere in src/ (no dead codes)', () => {
  const all = sources()
    .map((s) => s.text)
    .join('\n');
  const dead = Object.keys(ERROR_CODES).filter((c) => !all.includes(`'${c}'`));
  assert.equal(dead, [], 'remove these from src/errorCodes.ts or throw them');
});

test("the README's error table lists every registered code", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const table = new Set([...readme.matchAll(/^\| `(E[A-Z0-9]+)` \|/gm)].map((m) => m[1]));
  const missing = Object.keys(ERROR_CODES).filter((c) => !table.has(c));
  const unknown = [...table].filter((c) => !isErrorCode(c));
  assert.equal(missing, [], 'add a row | `CODE` | meaning | to the README error table');
  assert.equal(unknown, [], 'these README rows name no registered code');
});

test.run();
