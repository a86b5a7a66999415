import type { EntryKind } from './types.js';

/**
 * Names git treats specially, ported from git itself so a vault never writes
 * what git would refuse to check out (CVE-2014-9390, CVE-2018-11235):
 *
 * - git's own folder `.git` and every name that is the same folder on some
 *   filesystem: any case (`.GIT`), NTFS trailing dots and spaces (`.git. .`),
 *   NTFS streams (`.git::$INDEX_ALLOCATION`, `.git:$DATA`), the 8.3 short name
 *   `git~1`, and HFS+ ignorable code points inside it (`.g\u200cit`).
 *   git: path.c is_ntfs_dotgit, utf8.c is_hfs_dotgit.
 * - `.gitmodules`, `.gitattributes`, `.gitignore` and `.mailmap` (and their
 *   NTFS and HFS+ aliases, such as `gitmod~1` or `gi7eba~1`) as symlinks: git
 *   reads them from the working folder and refuses them as links.
 *   git: path.c is_ntfs_dot_generic, utf8.c is_hfs_dot_generic, fsck.c.
 *
 * Both filesystems' rules apply everywhere (as in git fsck): a vault made on
 * Linux is restored on Windows and macOS too. Names here are single path
 * components; separators are refused before these checks.
 */

const DOT = 0x2e;
const SPACE = 0x20;
const COLON = 0x3a;
const TILDE = 0x7e;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/** ASCII tolower, as git's (C locale) tolower on bytes and code points below 128. */
function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function codes(s: string): number[] {
  return [...s].map((c) => c.codePointAt(0)!);
}

// ---- NTFS (git's path.c), on the name's UTF-8 bytes; a missing byte reads as NUL ----

/** is_ntfs_dotgit: `.git` or `git~1`, then only dots and spaces up to the end, a separator or a stream (`:`). */
export function isNtfsDotGit(name: string): boolean {
  const b = Buffer.from(name, 'utf8');
  const at = (i: number) => (i < b.length ? b[i]! : 0);
  let i = 0;
  const c = at(i++);
  if (c === DOT) {
    if (lower(at(i++)) !== 0x67 || lower(at(i++)) !== 0x69 || lower(at(i++)) !== 0x74) return false;
  } else if (lower(c) === 0x67) {
    if (lower(at(i++)) !== 0x69 || lower(at(i++)) !== 0x74 || at(i++) !== TILDE || at(i++) !== 0x31) return false;
  } else return false;
  for (;;) {
    const d = at(i++);
    if (d === 0 || d === BACKSLASH || d === SLASH || d === COLON) return true;
    if (d !== DOT && d !== SPACE) return false;
  }
}

/**
 * is_ntfs_dot_generic: `.<name>` in any case, its 6-letter short name `<name6>~1`..`~4`,
 * or the fall-back short name git computes (`<prefix>~N`), then only dots and spaces up to the end or a stream.
 */
export function isNtfsDotGeneric(name: string, dotName: string, shortPrefix: string): boolean {
  const b = Buffer.from(name, 'utf8');
  const at = (i: number) => (i < b.length ? b[i]! : 0);
  const want = Buffer.from(dotName, 'ascii');
  const prefix = Buffer.from(shortPrefix, 'ascii');
  const onlySpacesAndPeriods = (from: number): boolean => {
    for (let i = from; ; i++) {
      const c = at(i);
      if (c === 0 || c === COLON) return true;
      if (c !== SPACE && c !== DOT) return false;
    }
  };
  const caseEqual = (from: number, needle: Buffer, n: number) => {
    for (let k = 0; k < n; k++) if (lower(at(from + k)) !== lower(needle[k]!)) return false;
    return true;
  };
  if (at(0) === DOT && caseEqual(1, want, want.length)) return onlySpacesAndPeriods(want.length + 1);
  // a regular NTFS short name: the first 6 characters, then ~1 .. ~4
  if (caseEqual(0, want, 6) && at(6) === TILDE && at(7) >= 0x31 && at(7) <= 0x34) return onlySpacesAndPeriods(8);
  // the fall-back short name (see https://en.wikipedia.org/wiki/8.3_filename)
  let sawTilde = false;
  let i = 0;
  for (; i < 8; i++) {
    const c = at(i);
    if (c === 0) return false;
    if (sawTilde) {
      if (c < 0x30 || c > 0x39) return false;
    } else if (c === TILDE) {
      i++;
      if (at(i) < 0x31 || at(i) > 0x39) return false;
      sawTilde = true;
    } else if (i >= 6) return false;
    else if (c & 0x80) return false;
    else if (lower(c) !== prefix[i]) return false;
  }
  return onlySpacesAndPeriods(i);
}

// ---- HFS+ (git's utf8.c), on code points ----

/** Code points HFS+ ignores in names, so `.g\u200cit` is `.git` there (git's next_hfs_char). */
const HFS_IGNORED = new Set([
  0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x206a, 0x206b, 0x206c, 0x206d, 0x206e,
  0x206f, 0xfeff,
]);

/** is_hfs_dot_generic: `.` and the needle in any ASCII case, ignorable code points anywhere, then the end. */
export function isHfsDotGeneric(name: string, needle: string): boolean {
  const cps = codes(name);
  let pos = 0;
  const next = (): number => {
    while (pos < cps.length) {
      const c = cps[pos++]!;
      // not valid UTF-8 once written (a lone surrogate): git reads it as the end of the name
      if (c >= 0xd800 && c <= 0xdfff) return 0;
      if (!HFS_IGNORED.has(c)) return c;
    }
    return 0;
  };
  if (next() !== DOT) return false;
  for (const n of codes(needle)) {
    const c = next();
    if (c > 127 || lower(c) !== n) return false;
  }
  const end = next();
  return end === 0 || end === SLASH;
}

export function isHfsDotGit(name: string): boolean {
  return isHfsDotGeneric(name, 'git');
}

/** git's own folder, under any name a filesystem takes for it. */
export function isDotGit(name: string): boolean {
  if (cannotBeGitName(name)) return false;
  return isNtfsDotGit(name) || isHfsDotGit(name);
}

/**
 * Whether the name is none checked here, told without converting it (most names): each starts with `.` (HFS+
 * may put ignorable code points, all at or above U+200C, before it) or is an NTFS short name, which starts with
 * the first letter of `git` or of a file below (g, m) in either case, or with the `~` of a fall-back short name
 * (`~1`), and holds a `~` in any case.
 */
function cannotBeGitName(name: string): boolean {
  const c = lower(name.charCodeAt(0));
  if (c === DOT || c >= 0x200c) return false;
  // every NTFS short name has a `~`: without one, a name that does not start with `.` is none of these
  return (c !== 0x67 && c !== 0x6d && c !== TILDE) || !name.includes('~');
}

/** Files git reads from the working folder and refuses as symlinks, with git's NTFS short-name prefixes. */
const GIT_FILES: readonly (readonly [string, string])[] = [
  ['gitmodules', 'gi7eba'],
  ['gitattributes', 'gi7d29'],
  ['gitignore', 'gi250a'],
  ['mailmap', 'maba30'],
];

/**
 * Why git would refuse this name (null when it is fine): git's own folder or
 * an alias of it, or (for a symlink) one of the files git reads.
 */
export function gitNameProblem(name: string, kind?: EntryKind): string | null {
  if (isDotGit(name)) return "names git's own folder (.git, or a name a filesystem takes for it)";
  if (kind !== 'symlink' || cannotBeGitName(name)) return null;
  for (const [file, prefix] of GIT_FILES)
    if (isNtfsDotGeneric(name, file, prefix) || isHfsDotGeneric(name, file))
      return `names .${file}, which git refuses as a symlink`;
  return null;
}
