import { formatBytes } from '../../../units.js';
import { readAttachedFile } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { decodeImage } from '../formats/images.js';
import { halfBlockLines, visibleWidth } from '../thumbnails/halfBlock.js';
import { thumbnailKind } from '../thumbnails/paths.js';
import type { TimelineVersion } from './timelineVersions.js';

export interface TimelineTextOptions {
  vault: Vault;
  versions: readonly TimelineVersion[];
  /**
   * 'color': 24-bit half-block pictures; 'color256': the same in the xterm 256-colour palette; 'ascii': brightness
   * characters; 'none': text only
   */
  pictures: 'color' | 'color256' | 'ascii' | 'none';
  /** ANSI colours for badges and change marks */
  color: boolean;
  /** terminal width in columns (default 100) */
  width?: number;
  /** a picture fits in this many columns (default 20) and half as many rows */
  pictureCols?: number;
  /** pictures per version (default: as many as fit on one row) */
  maxPictures?: number;
  /** changed files listed per version (default 8) */
  maxFiles?: number;
  /** how a time is written (default: ISO, UTC) */
  formatTime?: (ms: number) => string;
}

const SGR = (code: string, on: boolean) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
const MARK = { added: '+', modified: '~', deleted: '-', renamed: '>' } as const;

function size(n: number | undefined): string {
  return n === undefined ? '' : formatBytes(n);
}

function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : `…${chars.slice(chars.length - n + 1).join('')}`;
}

/** How halfBlockLines colours each kind of picture (ascii: none, brightness characters). */
const HALF_BLOCK_COLOR: Partial<Record<TimelineTextOptions['pictures'], 'truecolor' | '256'>> = {
  color: 'truecolor',
  color256: '256',
};

/**
 * The timeline as terminal lines: per version its id, time, message, badges,
 * change counts and files, and the stored thumbnails of changed files side by
 * side (half-block pictures). Returns lines; the caller prints them.
 */
export async function timelineText(opts: TimelineTextOptions): Promise<string[]> {
  const width = Math.max(40, opts.width ?? 100);
  const cols = Math.max(4, opts.pictureCols ?? 20);
  const perRow = Math.max(1, Math.floor((width - 4) / (cols + 2)));
  const maxPictures = opts.maxPictures ?? perRow;
  const maxFiles = opts.maxFiles ?? 8;
  const fmt = opts.formatTime ?? ((ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
  const c = opts.color;
  const yellow = SGR('33', c);
  const cyan = SGR('36', c);
  const dim = SGR('2', c);
  const bold = SGR('1', c);
  const mark = { added: SGR('32', c), modified: SGR('33', c), deleted: SGR('31', c), renamed: SGR('36', c) };
  const lines: string[] = [];
  for (const v of opts.versions) {
    const badges = [
      ...v.milestones.map((m) => yellow(`★ ${m}`)),
      ...v.tags.map((t) => cyan(`[${t}]`)),
      ...v.refs.filter((r) => !r.startsWith('milestones/') && !r.startsWith('tags/')).map((r) => dim(`(${r})`)),
    ];
    lines.push(
      `${yellow(v.id.slice(0, 12))}  ${fmt(v.time)}  ` +
        `${bold(v.message.split('\n')[0] ?? '')}${badges.length ? `  ${badges.join(' ')}` : ''}`,
    );
    const k = v.counts;
    const counts = [
      k.added && mark.added(`+${k.added} added`),
      k.modified && mark.modified(`~${k.modified} modified`),
      k.deleted && mark.deleted(`-${k.deleted} deleted`),
      k.renamed && mark.renamed(`>${k.renamed} renamed`),
    ].filter(Boolean);
    lines.push(`    ${counts.join('  ') || dim('no file changes')}`);
    // pictures and models first (what an artist looks for), then the rest, each alphabetical
    const files = [...v.files].sort((a, b) => Number(!thumbnailKind(a.path)) - Number(!thumbnailKind(b.path)));
    for (const f of files.slice(0, maxFiles)) {
      const sz =
        f.oldSize !== undefined && f.newSize !== undefined && f.oldSize !== f.newSize
          ? `${size(f.oldSize)} -> ${size(f.newSize)}`
          : size(f.newSize ?? f.oldSize);
      lines.push(
        `    ${mark[f.change](MARK[f.change])} ` +
          `${f.path}${f.from ? dim(` (from ${f.from})`) : ''}${sz ? dim(`  ${sz}`) : ''}`,
      );
    }
    if (v.files.length > maxFiles) lines.push(dim(`    … and ${v.files.length - maxFiles} more`));
    if (opts.pictures === 'none') {
      lines.push('');
      continue;
    }
    const blocks: { pic: string[]; caption: string }[] = [];
    for (const f of files) {
      if (blocks.length >= maxPictures) break;
      if (!f.thumbnail) continue;
      try {
        const img = await decodeImage(await readAttachedFile(opts.vault, f.thumbnail), f.thumbnail.path);
        // fit a cols x cols/2 cell box (cells are two pixels tall): tall pictures get narrower
        const fit = Math.max(1, Math.min(cols, Math.round((cols * img.width) / Math.max(1, img.height))));
        blocks.push({
          pic: halfBlockLines(img, fit, HALF_BLOCK_COLOR[opts.pictures] ?? false),
          caption: clip(f.path.slice(f.path.lastIndexOf('/') + 1), cols),
        });
      } catch {
        /* a damaged thumbnail: the file list above still names the file */
      }
    }
    for (let i = 0; i < blocks.length; i += perRow) {
      const row = blocks.slice(i, i + perRow);
      const height = Math.max(...row.map((b) => b.pic.length));
      for (let y = 0; y < height; y++) {
        lines.push(
          `    ${row.map((b) => (b.pic[y] ?? '') + ' '.repeat(cols - (b.pic[y] ? visibleWidth(b.pic[y]!) : 0))).join('  ')}`.trimEnd(),
        );
      }
      lines.push(
        `    ${row.map((b) => dim(b.caption + ' '.repeat(cols - [...b.caption].length))).join('  ')}`.trimEnd(),
      );
    }
    lines.push('');
  }
  return lines;
}
