import { formatBytes } from '../../../units.js';
import { readAttachedFile, type AttachedFile } from '../../../porcelain/attachments.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { decodeImage, encodePng, imageFormatOf } from '../formats/images.js';
import { formatShare } from '../visual/describe.js';
import { thumbnailKind } from '../thumbnails/paths.js';
import { thumbnailDiff } from './thumbnailDiff.js';
import type { TimelineFile, TimelineVersion } from './timelineVersions.js';

export interface TimelineHtmlOptions {
  vault: Vault;
  /** from timelineVersions, newest first */
  versions: readonly TimelineVersion[];
  /** page heading (default: "Timeline of <project folder name>") */
  title?: string;
  /** what the page is about, under the title (e.g. the file asked for) */
  subtitle?: string;
  /** files shown per version before "and N more" (default 60) */
  maxFilesPerVersion?: number;
  /** more badges per snapshot id (game persona: its builds and ratings); `alert` ones are shown in red */
  badges?: ReadonlyMap<string, readonly { readonly text: string; readonly title?: string; readonly alert?: boolean }[]>;
}

export interface TimelineHtml {
  readonly html: string;
  /** <img> elements on the page (thumbnails, before pictures, diff images) */
  readonly images: number;
  readonly thumbnails: number;
  readonly diffImages: number;
  /** images and models shown without a picture (no thumbnail stored) */
  readonly placeholders: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function sizeText(n: number | undefined): string {
  return n === undefined ? '' : formatBytes(n, [1, 0]);
}

function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

const STYLE = `
:root{color-scheme:light;--bg:#f4f2ee;--card:#fff;--ink:#23211e;--mute:#77716a;--line:#e2ddd5;--add:#2f8a4c;--mod:#b07a12;--del:#b5343c;--ren:#3b6db3}
* {box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe
* UI",sans-serif;background:var(--bg);color:var(--ink)}
header{padding:18px 28px 8px}h1{margin:0;font-size:22px}header p{margin:4px 0 0;color:var(--mute)}
main{padding:8px 28px 28px;display:flex;flex-direction:column;gap:14px}
.version{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 16px;position:relative}
.meta{display:flex;flex-wrap:wrap;gap:8px;align-items:center;color:var(--mute);font-size:12.5px}
.meta code{font:12px ui-monospace,Menlo,monospace;background:#efece6;padding:1px 6px;border-radius:4px;color:var(--ink)}
.badge{font-size:11.5px;font-weight:600;padding:1px 8px;border-radius:999px;border:1px solid}
.badge.milestone{color:#7a4d00;background:#fff1cc;border-color:#f0cd72}.badge.tag{color:#1f4f8a;background:#e3eefc;border-color:#a9c6ee}.badge.branch{color:#4a4a4a;background:#eee;border-color:#ccc}
.badge.build{color:#1d5e36;background:#e2f4e8;border-color:#9fd3b0}.badge.alert{color:#8a1f26;background:#fde4e4;border-color:#eea3a3}
h2{margin:6px 0 2px;font-size:16px}.counts{margin:0 0 8px;color:var(--mute);font-size:12.5px}
.add{color:var(--add)}.mod{color:var(--mod)}.del{color:var(--del)}.ren{color:var(--ren)}
.files{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;padding:8px;border:1px solid var(--line);border-radius:8px;background:#faf9f7;max-width:100%}
.pics{display:flex;gap:6px;align-items:center}
.pic{display:flex;flex-direction:column;align-items:center;gap:2px;font-size:11px;color:var(--mute)}
.pic img,.ph{width:auto;height:auto;max-width:128px;max-height:128px;border-radius:4px;background-color:#fff;background-image:linear-gradient(45deg,#e8e6e1 25%,transparent 25%,transparent 75%,#e8e6e1 75%),linear-gradient(45deg,#e8e6e1 25%,transparent 25%,transparent 75%,#e8e6e1 75%);background-size:12px 12px;background-position:0 0,6px 6px}
.ph{width:128px;height:96px;display:flex;align-items:center;justify-content:center;text-align:center;padding:8px;font-size:11px;color:var(--mute);border:1px dashed #cfc9bf;background:#f6f4f0}
.arrow{color:var(--mute);font-size:18px}
figcaption{margin-top:6px;font-size:12.5px;word-break:break-all;max-width:420px}
figcaption .how{display:block;color:var(--mute);font-size:11.5px}
.deleted img{opacity:.45;filter:grayscale(1)}
ul.other{margin:8px 0 0;padding-left:18px;color:var(--mute);font-size:12.5px;columns:2}
footer{padding:0 28px 24px;color:var(--mute);font-size:12px}
`;

// marks <body data-images-ok="N" data-images-broken="M"> once every picture has loaded (or failed):
// a headless browser test reads these, a person never sees them
const CHECK = `
(function(){function check(){var ok=0,bad=0;var imgs=document.images;for(var i=0;i<imgs.length;i++){var im=imgs[i];if(im.complete&&im.naturalWidth>0)ok++;else bad++;}
document.body.setAttribute('data-images-ok',String(ok));document.body.setAttribute('data-images-broken',String(bad));}
if(document.readyState==='complete')check();else window.addEventListener('load',check);})();
`;

/**
 * One self-contained HTML page (no external files: pictures are data: URIs,
 * style and script inline) showing the versions with their thumbnails, the
 * picture before a change and, for images, a diff of the two thumbnails.
 * Only stored thumbnails are read; versions made before thumbnails were on
 * show a placeholder.
 */
export async function timelineHtml(opts: TimelineHtmlOptions): Promise<TimelineHtml> {
  const { vault } = opts;
  const maxFiles = opts.maxFilesPerVersion ?? 60;
  const uris = new Map<string, string>();
  const pngs = new Map<string, Buffer>();
  const bytesOf = async (f: AttachedFile) => {
    let b = pngs.get(f.id);
    if (!b) {
      b = await readAttachedFile(vault, f);
      if (pngs.size > 64) pngs.delete(pngs.keys().next().value!);
      pngs.set(f.id, b);
    }
    return b;
  };
  const uri = async (f: AttachedFile) => {
    let u = uris.get(f.id);
    if (!u) uris.set(f.id, (u = `data:image/png;base64,${(await bytesOf(f)).toString('base64')}`));
    return u;
  };
  let thumbnails = 0;
  let diffImages = 0;
  let placeholders = 0;
  const img = (src: string, alt: string, label: string, cls = 'thumb') =>
    `<div class="pic"><img class="${cls}" src="${src}" alt="${escapeHtml(alt)}">${label ? `<span>${escapeHtml(label)}</span>` : ''}</div>`;
  const ph = (text: string) => {
    placeholders++;
    return `<div class="pic"><div class="ph">${escapeHtml(text)}</div></div>`;
  };

  const figure = async (f: TimelineFile): Promise<string | null> => {
    const kind = thumbnailKind(f.path);
    if (!kind && !f.thumbnail && !f.before) return null;
    const parts: string[] = [];
    let how: string = f.change;
    if (f.change === 'renamed') how = `renamed from ${f.from}`;
    if (f.change === 'deleted') {
      if (f.before) {
        parts.push(img(await uri(f.before), `${f.path} before it was deleted`, 'last version', 'thumb before'));
        thumbnails++;
      } else parts.push(ph('deleted; no thumbnail'));
    } else {
      if (f.change === 'modified' && f.before) {
        parts.push(
          img(await uri(f.before), `${f.path} before`, 'before', 'thumb before'),
          '<span class="arrow">→</span>',
        );
        thumbnails++;
      }
      if (f.thumbnail) {
        parts.push(img(await uri(f.thumbnail), f.path, f.change === 'modified' && f.before ? 'after' : ''));
        thumbnails++;
      } else parts.push(ph('no thumbnail stored for this version'));
      if (f.change === 'modified' && f.before && f.thumbnail && imageFormatOf(f.path)) {
        try {
          const d = thumbnailDiff(
            await decodeImage(await bytesOf(f.before), 'before.png'),
            await decodeImage(await bytesOf(f.thumbnail), 'after.png'),
          );
          parts.push(
            img(
              `data:image/png;base64,${encodePng(d.image).toString('base64')}`,
              `what changed in ${f.path}`,
              'diff',
              'diff',
            ),
          );
          diffImages++;
          how += ` · ${formatShare(d.share)} of the thumbnail changed`;
        } catch {
          /* no diff picture: the before/after pair still shows it */
        }
      }
    }
    let sizes = '';
    if (f.newSize !== undefined) sizes = ` · ${sizeText(f.newSize)}`;
    if (f.oldSize !== undefined && f.newSize !== undefined && f.oldSize !== f.newSize)
      sizes = ` · ${sizeText(f.oldSize)} → ${sizeText(f.newSize)}`;
    return `<figure class="file ${f.change}"><div class="pics">${parts.join('')}</div><figcaption>${escapeHtml(f.path)}<span class="how">${escapeHtml(how + sizes)}</span></figcaption></figure>`;
  };

  const cards: string[] = [];
  for (const v of opts.versions) {
    const badges = [
      ...v.milestones.map((m) => `<span class="badge milestone">★ ${escapeHtml(m)}</span>`),
      ...v.tags.map((t) => `<span class="badge tag">${escapeHtml(t)}</span>`),
      ...v.refs
        .filter((r) => !r.startsWith('milestones/') && !r.startsWith('tags/'))
        .map((r) => `<span class="badge branch">${escapeHtml(r)}</span>`),
      ...(opts.badges?.get(v.id) ?? []).map(
        (b) =>
          `<span class="badge build${b.alert ? ' alert' : ''}"${b.title ? ` title="${escapeHtml(b.title)}"` : ''}>${escapeHtml(b.text)}</span>`,
      ),
    ];
    const [subject, ...body] = v.message.split('\n');
    const c = v.counts;
    const counts = [
      c.added ? `<span class="add">+${c.added} added</span>` : '',
      c.modified ? `<span class="mod">~${c.modified} modified</span>` : '',
      c.deleted ? `<span class="del">−${c.deleted} deleted</span>` : '',
      c.renamed ? `<span class="ren">→${c.renamed} renamed</span>` : '',
    ].filter(Boolean);
    const figs: string[] = [];
    const other: string[] = [];
    for (const f of v.files.slice(0, maxFiles)) {
      const fig = await figure(f);
      if (fig) figs.push(fig);
      else
        other.push(
          `<li><span class="${f.change.slice(0, 3)}">${f.change}</span> ${escapeHtml(f.path)}${f.from ? ` (from ${escapeHtml(f.from)})` : ''}</li>`,
        );
    }
    if (v.files.length > maxFiles) other.push(`<li>… and ${v.files.length - maxFiles} more</li>`);
    cards.push(
      `<article class="version" id="v-${v.id.slice(0, 12)}">` +
        `<div class="meta"><code title="${v.id}">${v.id.slice(0, 12)}</code><time datetime="${new Date(v.time).toISOString()}">${utc(v.time)}</time><span>${escapeHtml(v.author)}</span>${badges.join('')}</div>` +
        `<h2>${escapeHtml(subject || '(no message)')}</h2>${body.join('\n').trim() ? `<p>${escapeHtml(body.join('\n').trim())}</p>` : ''}` +
        `<p class="counts">${counts.join(' · ') || 'no file changes'}</p>` +
        (figs.length ? `<div class="files">${figs.join('')}</div>` : '') +
        (other.length ? `<ul class="other">${other.join('')}</ul>` : '') +
        `</article>`,
    );
  }
  const project = vault.workTree.split('/').filter(Boolean).pop() ?? 'project';
  const title = opts.title ?? `Timeline of ${project}`;
  const images = thumbnails + diffImages;
  const html =
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n` +
    `<body data-images-expected="${images}"><header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(opts.subtitle ?? `${opts.versions.length} version${opts.versions.length === 1 ? '' : 's'}, newest first`)}</p></header>\n` +
    `<main>\n${cards.join('\n') || '<p>No snapshots yet.</p>'}\n</main>\n` +
    `<footer>Made by vault timeline --html. Thumbnails were made when each version was committed; diffs compare thumbnails (use vault diff --visual for the full-size files).</footer>\n` +
    `<script>${CHECK}</script></body></html>\n`;
  return { html, images, thumbnails, diffImages, placeholders };
}
