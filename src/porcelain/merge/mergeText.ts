/**
 * Line-based three-way merge of text files with git-style conflict markers. The diff3 algorithm is
 * node-diff3's (Khanna, Kunal and Pierce's formalisation, the one GNU diff3 follows): the `diff`
 * package Vault already uses has no three-way merge. Lines keep their own endings, so CRLF files and a
 * last line without a newline come out as they went in.
 */
import { diff3Merge } from 'node-diff3';

/** Files larger than this are not merged as text (they are held in memory three times). */
export const TEXT_MERGE_MAX_BYTES = 8 * 1024 * 1024;

/** Text as git judges it: no NUL byte in the first 8000 bytes. */
export function looksLikeText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8000);
  for (let i = 0; i < n; i++) if (b[i] === 0) return false;
  return true;
}

/** Lines with their line endings (the last one may have none). */
export function splitLines(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', at)) {
    out.push(text.slice(at, i + 1));
    at = i + 1;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

export interface TextMergeLabels {
  /** the name after `<<<<<<<` (git: HEAD or the branch) */
  readonly ours: string;
  /** the name after `>>>>>>>` */
  readonly theirs: string;
}

export interface TextMergeResult {
  readonly text: string;
  /** how many regions conflict (0: clean) */
  readonly conflicts: number;
}

/**
 * Merge `ours` and `theirs` (changed from `base`; '' for a file both sides added). Regions both sides
 * changed the same way are taken once; regions changed differently are written between markers:
 * `<<<<<<< ours`, our lines, `=======`, their lines, `>>>>>>> theirs` (git's default "merge" style).
 */
export function mergeText(base: string, ours: string, theirs: string, labels: TextMergeLabels): TextMergeResult {
  const regions = diff3Merge(splitLines(ours), splitLines(base), splitLines(theirs), { excludeFalseConflicts: true });
  // a marker starts a line: a side ending without a newline gets one before the next marker
  const eol = ours.includes('\r\n') ? '\r\n' : '\n';
  const block = (lines: string[]) => {
    const s = lines.join('');
    return s === '' || s.endsWith('\n') ? s : s + eol;
  };
  let text = '';
  let conflicts = 0;
  for (const r of regions) {
    if (r.ok) text += r.ok.join('');
    else if (r.conflict) {
      conflicts++;
      if (text !== '' && !text.endsWith('\n')) text += eol;
      text += `<<<<<<< ${labels.ours}${eol}${block(r.conflict.a)}=======${eol}`;
      text += `${block(r.conflict.b)}>>>>>>> ${labels.theirs}${eol}`;
    }
  }
  return { text, conflicts };
}

/** Whether a text still holds a conflict marker line (after `vault resolve PATH` on an edited file). */
export function hasConflictMarkers(text: string): boolean {
  return /^(<{7} |={7}\r?$|>{7} )/m.test(text);
}
