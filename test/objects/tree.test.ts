import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { badEntryName, compareNames, decodeTree, encodeTree } from '../../src/objects/tree.js';
import { hashObject } from '../../src/objects/hashObject.js';
import type { TreeEntry } from '../../src/objects/types.js';
import { codeOfSync } from '../helpers/vault.js';

const test = suite('objects/tree');

const ID_A = 'a'.repeat(64);
const ID_B = 'b'.repeat(64);

function entry(name: string, over: Partial<TreeEntry> = {}): TreeEntry {
  return { name, kind: 'file', size: 3, mtime: 1_700_000_000_123, obj: 'blob', id: ID_A, ...over };
}

/** A raw tree body, exactly as given (no sorting, no checks). */
function raw(entries: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ entries }), 'utf8');
}

test('encode then decode gives the entries back, sorted by name', () => {
  const entries = [
    entry('zeta.txt'),
    entry('Art', { kind: 'dir', size: 0, mtime: 0, obj: 'tree', id: ID_B }),
    entry('run.sh', { kind: 'exec', size: 10 }),
    entry('link', { kind: 'symlink', size: 7 }),
    entry('big.psd', { obj: 'chunklist', size: 50_000_000 }),
  ];
  const tree = decodeTree(encodeTree({ entries }));
  assert.equal(
    tree.entries.map((e) => e.name),
    ['Art', 'big.psd', 'link', 'run.sh', 'zeta.txt'],
  );
  assert.equal(
    tree.entries.find((e) => e.name === 'big.psd'),
    entries[4],
  );
  assert.equal(
    tree.entries.find((e) => e.name === 'Art'),
    entries[1],
  );
});

test('the same entries in any order (and with extra fields) encode to the same bytes and id', () => {
  const a = [entry('b'), entry('a'), entry('c')];
  const b = [entry('c'), { ...entry('a'), extra: 'ignored' } as TreeEntry, entry('b')];
  const x = encodeTree({ entries: a });
  const y = encodeTree({ entries: b });
  assert.ok(x.equals(y));
  assert.is(hashObject('tree', x), hashObject('tree', y));
  assert.is(hashObject('tree', x), hashObject('tree', encodeTree(decodeTree(x))));
});

test('any change to an entry changes the id', () => {
  const base = hashObject('tree', encodeTree({ entries: [entry('a')] }));
  const variants: Partial<TreeEntry>[] = [
    { name: 'b' },
    { size: 4 },
    { mtime: 1 },
    { id: ID_B },
    { kind: 'exec' },
    { obj: 'chunklist' },
  ];
  const ids = new Set([base]);
  for (const v of variants) ids.add(hashObject('tree', encodeTree({ entries: [entry('a', v)] })));
  assert.is(ids.size, variants.length + 1);
});

test('names sort by UTF-8 bytes, not by UTF-16 code units', () => {
  // U+FF21 (EF BC A1) comes before U+1F600 (F0 9F 98 80) in UTF-8, after it in UTF-16
  const names = ['\u{1F600}', '\uFF21', 'a', 'Z', 'é'];
  const tree = decodeTree(encodeTree({ entries: names.map((n) => entry(n)) }));
  assert.equal(
    tree.entries.map((e) => e.name),
    ['Z', 'a', 'é', '\uFF21', '\u{1F600}'],
  );
  assert.ok(compareNames('\uFF21', '\u{1F600}') < 0);
  // the UTF-16 order is not canonical
  assert.is(
    codeOfSync(() => decodeTree(raw([entry('\u{1F600}'), entry('\uFF21')]))),
    'EMALFORMED',
  );
});

test('an empty tree round-trips', () => {
  assert.equal(decodeTree(encodeTree({ entries: [] })), { entries: [] });
});

const BAD_NAMES: [string, string][] = [
  ['..', 'parent folder'],
  ['.', 'this folder'],
  ['', 'empty'],
  ['a/b', 'slash'],
  ['/abs', 'leading slash'],
  ['a\\b', 'backslash'],
  ['..\\x', 'backslash parent'],
  ['.vault', 'the vault folder'],
  ['.VAULT', 'the vault folder, upper case'],
  ['.Vault', 'the vault folder, mixed case'],
  ['a\0b', 'NUL'],
];

for (const [name, why] of BAD_NAMES) {
  test(`encode and decode reject the name ${JSON.stringify(name)} (${why}) with EMALFORMED`, () => {
    assert.ok(badEntryName(name), 'badEntryName flags it');
    assert.is(
      codeOfSync(() => encodeTree({ entries: [entry(name)] })),
      'EMALFORMED',
    );
    assert.is(
      codeOfSync(() => decodeTree(raw([entry(name)]))),
      'EMALFORMED',
    );
  });
}

test('ordinary names are accepted', () => {
  for (const n of [
    'a',
    '.hidden',
    '..x',
    'x..',
    '.vaultignore',
    'vault',
    'Ünïcødé',
    '日本語.txt',
    'with space',
    '-dash',
  ]) {
    assert.is(badEntryName(n), null, n);
  }
});

const BAD_BODIES: [string, Buffer][] = [
  ['not JSON', Buffer.from('{entries:')],
  ['JSON null', Buffer.from('null')],
  ['no entries list', Buffer.from('{"items":[]}')],
  ['entries not a list', Buffer.from('{"entries":{}}')],
  ['an entry that is null', raw([null])],
  ['an entry that is a string', raw(['a'])],
  ['unsorted', raw([entry('b'), entry('a')])],
  ['duplicate', raw([entry('a'), entry('a')])],
  ['duplicate, not adjacent', raw([entry('a'), entry('a', { id: ID_B })])],
  ['unknown kind', raw([entry('a', { kind: 'socket' as never })])],
  ['unknown obj', raw([entry('a', { obj: 'chunk' as never })])],
  ['dir pointing at a blob', raw([entry('a', { kind: 'dir' })])],
  ['file pointing at a tree', raw([entry('a', { obj: 'tree' })])],
  ['symlink pointing at a chunk list', raw([entry('a', { kind: 'symlink', obj: 'chunklist' })])],
  ['negative size', raw([entry('a', { size: -1 })])],
  ['fractional size', raw([entry('a', { size: 1.5 })])],
  ['size as a string', raw([entry('a', { size: '3' as never })])],
  ['fractional mtime', raw([entry('a', { mtime: 1.5 })])],
  ['short id', raw([entry('a', { id: 'abc' })])],
  ['upper-case id', raw([entry('a', { id: 'A'.repeat(64) })])],
  ['name not a string', raw([entry(42 as never)])],
];

for (const [what, body] of BAD_BODIES) {
  test(`decode rejects a tree body with ${what}: EMALFORMED`, () => {
    assert.is(
      codeOfSync(() => decodeTree(body)),
      'EMALFORMED',
    );
  });
}

test('encode rejects duplicate names', () => {
  assert.is(
    codeOfSync(() => encodeTree({ entries: [entry('a'), entry('a', { id: ID_B })] })),
    'EMALFORMED',
  );
});

test.run();
