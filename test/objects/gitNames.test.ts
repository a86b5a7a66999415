// Names git treats specially: the tables of git's own t/t0060-path-utils.sh (match .gitmodules, .gitattributes,
// .gitignore, .mailmap) and of its is_ntfs_dotgit / is_hfs_dotgit rules, run through the port in
// src/objects/gitNames.ts and through badEntryName, encodeTree and decodeTree.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  gitNameProblem,
  isDotGit,
  isHfsDotGeneric,
  isHfsDotGit,
  isNtfsDotGeneric,
  isNtfsDotGit,
} from '../../src/objects/gitNames.js';
import { badEntryName, decodeTree, encodeTree } from '../../src/objects/tree.js';
import type { EntryKind, TreeEntry } from '../../src/objects/types.js';

const test = suite('objects/gitNames');
const ZWNJ = '\u200c';

/** git's own folder under every name a filesystem takes for it */
const DOT_GIT: [string, 'ntfs' | 'hfs' | 'both'][] = [
  ['.git', 'both'],
  ['.GIT', 'both'],
  ['.Git', 'both'],
  ['.gIT', 'both'],
  ['git~1', 'ntfs'],
  ['GIT~1', 'ntfs'],
  ['Git~1', 'ntfs'],
  ['.git.', 'ntfs'],
  ['.git ', 'ntfs'],
  ['.git. .', 'ntfs'],
  ['.git . . .', 'ntfs'],
  ['git~1.', 'ntfs'],
  ['GIT~1 . ', 'ntfs'],
  ['.git::$INDEX_ALLOCATION', 'ntfs'],
  ['.GIT::$INDEX_ALLOCATION', 'ntfs'],
  ['.git:$DATA', 'ntfs'],
  ['.git:stream', 'ntfs'],
  ['.git. :$DATA', 'ntfs'],
  ['git~1::$INDEX_ALLOCATION', 'ntfs'],
  [`.g${ZWNJ}it`, 'hfs'],
  [`${ZWNJ}.git`, 'hfs'],
  [`.git${ZWNJ}`, 'hfs'],
  ['.\u200dgit', 'hfs'],
  ['.g\u200eit', 'hfs'],
  ['.gi\u200ft', 'hfs'],
  ['.\u202aGIT', 'hfs'],
  ['.git\u202e', 'hfs'],
  ['.g\u206ai\u206ft', 'hfs'],
  ['\ufeff.git', 'hfs'],
  ['.git\ud800', 'hfs'], // a lone surrogate is not UTF-8: git reads it as the end of the name
];

const NOT_DOT_GIT = [
  'git',
  '.gi',
  '.gitx',
  '.git x',
  '.git.x',
  '..git',
  ' .git',
  'x.git',
  '.github',
  '.gitkeep',
  '.gitignore',
  '.gitmodules',
  'git~2',
  'git~10',
  'git~',
  'gi~1',
  'git1',
  '.g\u0131t', // dotless i: not ASCII, HFS+ does not fold it
  '.g\u00eft',
  '.g\u200bit', // ZERO WIDTH SPACE is not one HFS+ ignores
  '.vault',
];

// git t0060 'match .gitmodules' (and its --not list), 'match .gitattributes', 'match .gitignore', 'match .mailmap'
const SPECIAL: Record<string, { prefix: string; yes: string[]; no: string[] }> = {
  gitmodules: {
    prefix: 'gi7eba',
    yes: [
      '.gitmodules',
      `.git${ZWNJ}modules`,
      '.Gitmodules',
      '.gitmoduleS',
      ...['', 'G'].flatMap((g) =>
        [' ', '.', '  ', '. ', ' .', '..', '   ', '.  ', ' . ', '  .'].map((t) => `.${g || 'g'}itmodules${t}`),
      ),
      'GITMOD~1',
      'gitmod~1',
      'GITMOD~2',
      'gitmod~3',
      'GITMOD~4',
      'GITMOD~1 ',
      'gitmod~2.',
      'GITMOD~3  ',
      'gitmod~4. ',
      'GITMOD~1 .',
      'gitmod~2   ',
      'GITMOD~3.  ',
      'gitmod~4 . ',
      'GI7EBA~1',
      'gi7eba~9',
      'GI7EB~10',
      'GI7EB~11',
      'GI7EB~99',
      'GI7E~100',
      'GI7E~101',
      'GI7E~999',
      '~1000000',
      '~9999999',
      '.gitmodules:$DATA',
      'gitmod~4 . :$DATA',
    ],
    no: [
      '.gitmodules x',
      '.gitmodules .x',
      ' .gitmodules',
      '..gitmodules',
      'gitmodules',
      '.gitmodule',
      '.gitmodules x ',
      'GI7EBA~',
      'GI7EBA~0',
      'GI7EBA~~1',
      'GI7EBA~X',
      'Gx7EBA~1',
      'GI7EBX~1',
      'GI7EB~1',
      'GI7EB~01',
      'GI7EB~1X',
      '.gitmodules,:$DATA',
      'GITMOD~5',
    ],
  },
  gitattributes: {
    prefix: 'gi7d29',
    yes: ['.gitattributes', `.git${ZWNJ}attributes`, '.Gitattributes', '.gitattributeS', 'GITATT~1', 'GI7D29~1'],
    no: ['gitattributes', '.gitattribute', 'GI7D29~0'],
  },
  gitignore: {
    prefix: 'gi250a',
    yes: ['.gitignore', `.git${ZWNJ}ignore`, '.Gitignore', '.gitignorE', 'GITIGN~1', 'GI250A~1', '.gitignore .'],
    no: ['gitignore', '.gitignor', 'GI250B~1'],
  },
  mailmap: {
    prefix: 'maba30',
    yes: ['.mailmap', `.mail${ZWNJ}map`, '.Mailmap', '.mailmaP', 'MAILMA~1', 'MABA30~1', '.mailmap .'],
    no: ['mailmap', '.mailma', '.mailmapx'],
  },
};

test('.git and its NTFS and HFS+ aliases are recognised as git does, each by the rule that makes it one', () => {
  for (const [name, by] of DOT_GIT) {
    assert.is(isNtfsDotGit(name), by !== 'hfs', `ntfs ${JSON.stringify(name)}`);
    assert.is(isHfsDotGit(name), by !== 'ntfs', `hfs ${JSON.stringify(name)}`);
    assert.ok(isDotGit(name), JSON.stringify(name));
  }
  for (const name of NOT_DOT_GIT) assert.not.ok(isDotGit(name), JSON.stringify(name));
});

test("git's tables for .gitmodules, .gitattributes, .gitignore and .mailmap (hfs or ntfs, as git's helper)", () => {
  let n = 0;
  for (const [file, { prefix, yes, no }] of Object.entries(SPECIAL)) {
    const is = (name: string) => isHfsDotGeneric(name, file) || isNtfsDotGeneric(name, file, prefix);
    for (const name of yes) assert.ok(is(name), `${file}: ${JSON.stringify(name)} should match`);
    for (const name of no) assert.not.ok(is(name), `${file}: ${JSON.stringify(name)} should not match`);
    n += yes.length + no.length;
  }
  assert.ok(n >= 90, `${n} names`);
});

const entry = (name: string, kind: EntryKind): TreeEntry => ({
  name,
  kind,
  size: kind === 'dir' ? 0 : 1,
  mtime: 0,
  obj: kind === 'dir' ? 'tree' : 'blob',
  id: 'a'.repeat(64),
});
const raw = (entries: TreeEntry[]) => Buffer.from(JSON.stringify({ entries }), 'utf8');
const codeAndHint = (f: () => unknown): [string, boolean] => {
  try {
    f();
    return ['(did not throw)', false];
  } catch (e) {
    return [String((e as { code?: string }).code), typeof (e as { hint?: string }).hint === 'string'];
  }
};

test('the first-character shortcut never hides a name the full rules catch (random names, seeded)', () => {
  const parts = [
    '.',
    'g',
    'G',
    'i',
    'I',
    't',
    'T',
    '~',
    '1',
    '4',
    'm',
    'M',
    'a',
    'b',
    ' ',
    ':',
    ZWNJ,
    '\ufeff',
    'é',
    '😀',
  ];
  const files = [
    ['gitmodules', 'gi7eba'],
    ['gitattributes', 'gi7d29'],
    ['gitignore', 'gi250a'],
    ['mailmap', 'maba30'],
  ] as const;
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  let caught = 0;
  for (let k = 0; k < 20000; k++) {
    const words = ['.git', 'git~1', '.gitmodules', 'gitmod~1', 'gi7eba~2', 'mailma~1', '.mailmap', '~1', ''];
    let name = words[rnd(words.length)]!;
    const extra = rnd(4);
    for (let j = 0; j < extra; j++) {
      const at = rnd(name.length + 1);
      name = name.slice(0, at) + parts[rnd(parts.length)]! + name.slice(at);
    }
    if (!name) continue;
    const full = isNtfsDotGit(name) || isHfsDotGit(name);
    assert.is(isDotGit(name), full, JSON.stringify(name));
    const link = files.some(([f, p]) => isNtfsDotGeneric(name, f, p) || isHfsDotGeneric(name, f));
    assert.is(gitNameProblem(name, 'symlink') !== null, full || link, JSON.stringify(name));
    if (full || link) caught++;
  }
  assert.ok(caught > 1000, `the random names reach the rules (${caught})`);
});

test('trees: a .git alias of any kind is refused by encode and decode (EMALFORMED with a hint)', () => {
  for (const [name] of DOT_GIT)
    for (const kind of ['dir', 'file', 'symlink'] as const) {
      assert.ok(badEntryName(name, kind), `${JSON.stringify(name)} ${kind}`);
      assert.equal(
        codeAndHint(() => encodeTree({ entries: [entry(name, kind)] })),
        ['EMALFORMED', true],
      );
      assert.equal(
        codeAndHint(() => decodeTree(raw([entry(name, kind)]))),
        ['EMALFORMED', true],
      );
    }
});

test('trees: .gitmodules and friends are refused as symlinks only; as files and folders they are ordinary', () => {
  for (const [file, { yes }] of Object.entries(SPECIAL))
    for (const name of yes) {
      assert.match(String(gitNameProblem(name, 'symlink')), file, JSON.stringify(name));
      assert.equal(
        codeAndHint(() => decodeTree(raw([entry(name, 'symlink')]))),
        ['EMALFORMED', true],
      );
      for (const kind of ['file', 'exec', 'dir'] as const) assert.is(badEntryName(name, kind), null, `${name} ${kind}`);
    }
  const ok = decodeTree(raw([entry('.gitattributes', 'file'), entry('.gitignore', 'file'), entry('.mailmap', 'file')]));
  assert.is(ok.entries.length, 3);
});

test.run();
