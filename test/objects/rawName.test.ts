// Names that are not UTF-8: held as `\xHH`, unambiguous and unique, stored in trees with their bytes (`raw`),
// and shown quoted (git's core.quotePath) so that no name can forge lines in a listing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hashObject } from '../../src/objects/hashObject.js';
import { badRawName, nameBytes, nameFromBytes } from '../../src/objects/rawName.js';
import { badStoredName, decodeTree, encodeTree } from '../../src/objects/tree.js';
import type { TreeEntry } from '../../src/objects/types.js';
import { quotePath } from '../../src/ui/format.js';
import { mulberry32 } from '../helpers/prng.js';
import { codeOfSync } from '../helpers/vault.js';

const test = suite('objects/rawName');
const ID = 'a'.repeat(64);
const b = (...xs: number[]) => Buffer.from(xs);

test('nameFromBytes: UTF-8 as it is; each byte outside a valid sequence as \\xHH', () => {
  const cases: [Buffer, string][] = [
    [Buffer.from('plain.txt'), 'plain.txt'],
    [Buffer.from('\uFFFD.txt'), '\uFFFD.txt'],
    [Buffer.from('café 😀.psd'), 'café 😀.psd'],
    [b(0xff, 0x2e, 0x74), '\\xff.t'],
    [b(0x63, 0x61, 0x66, 0xe9, 0x2e, 0x70), 'caf\\xe9.p'], // latin-1 é
    [b(0xc0, 0x80), '\\xc0\\x80'], // overlong NUL
    [b(0xed, 0xa0, 0x80), '\\xed\\xa0\\x80'], // a UTF-16 surrogate
    [b(0xf4, 0x90, 0x80, 0x80), '\\xf4\\x90\\x80\\x80'], // above U+10FFFF
    [b(0xe2, 0x82), '\\xe2\\x82'], // truncated sequence
    [b(0xe2, 0x82, 0xac, 0x80), '€\\x80'],
  ];
  for (const [bytes, name] of cases) {
    assert.is(nameFromBytes(bytes), name, bytes.toString('hex'));
    assert.equal(nameBytes(name), bytes, name);
  }
});

test('round trip: any bytes a file name may hold come back exactly (2000 seeded names)', () => {
  const rand = mulberry32(99);
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.alloc(1 + (rand() % 12));
    for (let k = 0; k < bytes.length; k++) {
      let x = rand() & 0xff;
      while (x === 0 || x === 0x2f || x === 0x5c) x = rand() & 0xff;
      bytes[k] = x;
    }
    const name = nameFromBytes(bytes);
    assert.equal(nameBytes(name), bytes, bytes.toString('hex'));
    assert.is(badStoredName(name), null, name);
  }
});

test('\\xHH is the only backslash form: anything else is no stored name', () => {
  for (const name of ['\\xFF', '\\x41', '\\', 'a\\b', '\\x4', '\\xzz']) {
    assert.is(nameBytes(name), null, name);
    assert.is(badStoredName(name), 'contains a path separator', name);
  }
  assert.is(badRawName(b(0xff, 0x5c)), 'contains a path separator');
  assert.is(badRawName(b(0xff, 0x2f, 0x61)), 'contains a path separator');
  assert.is(badRawName(b(0xff, 0)), 'contains NUL');
  assert.is(badStoredName('\\xff/a'), 'contains a path separator');
});

const entry = (name: string, extra: Partial<TreeEntry> = {}): TreeEntry => ({
  name,
  kind: 'file',
  size: 1,
  mtime: 0,
  obj: 'blob',
  id: ID,
  ...extra,
});

test('trees: a name that is not UTF-8 carries its bytes (raw); UTF-8 names encode exactly as before', () => {
  const plain = encodeTree({ entries: [entry('a.txt')] });
  assert.is(
    plain.toString(),
    `{"entries":[{"name":"a.txt","kind":"file","size":1,"mtime":0,"obj":"blob","id":"${ID}"}]}`,
    'no raw key: existing tree ids do not change',
  );
  assert.is(hashObject('tree', plain), hashObject('tree', Buffer.from(plain.toString())));
  const both = encodeTree({ entries: [entry('\uFFFD.txt'), entry('\\xff.txt')] });
  const parsed = JSON.parse(both.toString()).entries;
  assert.equal(
    parsed.map((e: TreeEntry) => [e.name, e.raw]),
    [
      ['\\xff.txt', 'ff2e747874'],
      ['\uFFFD.txt', undefined],
    ],
    'two names that decode alike stay two entries',
  );
  assert.equal(
    decodeTree(both).entries.map((e) => e.name),
    ['\\xff.txt', '\uFFFD.txt'],
  );
});

test('trees: decode refuses a raw name without its bytes, bytes that do not match, and escapes of UTF-8', () => {
  const enc = (e: object) => Buffer.from(JSON.stringify({ entries: [e] }));
  const base = { kind: 'file', size: 1, mtime: 0, obj: 'blob', id: ID };
  for (const bad of [
    { name: '\\xff.txt', ...base },
    { name: '\\xff.txt', ...base, raw: 'fe2e747874' },
    { name: 'a.txt', ...base, raw: '612e747874' },
    { name: '\\x61.txt', ...base, raw: '612e747874' },
    { name: '\\xff/a', ...base, raw: 'ff2f61' },
  ])
    assert.is(
      codeOfSync(() => decodeTree(enc(bad))),
      'EMALFORMED',
      JSON.stringify(bad),
    );
  assert.is(decodeTree(enc({ name: '\\xff.txt', ...base, raw: 'ff2e747874' })).entries[0]!.name, '\\xff.txt');
});

test('quotePath: control characters, quotes and bytes that are not UTF-8 are C-quoted, as git does', () => {
  const cases: [string, string][] = [
    ['Art/hero.psd', 'Art/hero.psd'],
    ['café 😀.psd', 'café 😀.psd'],
    ['evil\nA  fake.txt', '"evil\\nA  fake.txt"'],
    ['tab\there', '"tab\\there"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['\\xff.txt', '"\\377.txt"'],
    ['sub\\xfe/x\\xc0\\x80', '"sub\\376/x\\300\\200"'],
    ['bell\x07\x1b[31m', '"bell\\a\\033[31m"'],
    ['del\x7f', '"del\\177"'],
  ];
  for (const [path, shown] of cases) assert.is(quotePath(path), shown, JSON.stringify(path));
});

test.run();
