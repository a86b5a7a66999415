import type { AttachedFile, AttachmentContext, CommitAttachment } from '../../../porcelain/attachments.js';
import { normalizeJoin } from '../references/resolveReference.js';
import { WorkerPool, type WorkerFailure } from '../../../plumbing/workerPool.js';
import type { ThumbnailRequest } from './thumbnailWorker.js';
import type { Change } from '../../../porcelain/diffTrees.js';
import {
  projectPathOf,
  THUMBNAIL_MAX_BYTES,
  THUMBNAIL_SIZE,
  THUMBNAILS,
  thumbnailKind,
  thumbnailPath,
} from './paths.js';
import { byCodeUnits } from '../../../compare.js';

export interface ThumbnailsOptions {
  /** longest side in pixels (default 128) */
  size?: number;
  /** files larger than this get no thumbnail, with a warning (default 512 MiB) */
  maxBytes?: number;
}

/**
 * `rel` (as written inside a model) resolved against the model's folder; null when it leaves the project or is a URL.
 */
export function resolveRelated(modelPath: string, rel: string): string | null {
  const r = rel.replace(/\\/g, '/');
  if (r.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(r)) return null;
  return normalizeJoin(modelPath.split('/').slice(0, -1).join('/'), r);
}

/** fewer changed pictures than this are not worth starting threads for (~0.1-0.3 s each to load the decoders) */
const WORKER_MIN_IMAGES = 3;
const MAX_WORKERS = 2;

function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

/**
 * Thumbnails at commit time: for each added or modified image (PNG, JPEG, PSD
 * composite) and model (OBJ, STL, glTF, GLB), a PNG whose longest side is 128 px,
 * stored as `thumbnails/<project path>.png` with the snapshot. Thumbnails of
 * unchanged files are carried forward from the parent (nothing is decoded for
 * them), renamed files keep theirs under the new name, deleted files lose
 * theirs. A file that fails to decode, or is too big, gets a warning and no
 * thumbnail; the commit goes on.
 */
export function thumbnailsAttachment(opts: ThumbnailsOptions = {}): CommitAttachment {
  const size = opts.size ?? THUMBNAIL_SIZE;
  const maxBytes = opts.maxBytes ?? THUMBNAIL_MAX_BYTES;
  return {
    name: THUMBNAILS,
    async run(ctx: AttachmentContext): Promise<AttachedFile[]> {
      // by project path
      const out = new Map<string, AttachedFile>();
      for (const [p, f] of ctx.previous) if (p.endsWith('.png')) out.set(projectPathOf(p), f);
      let pool: WorkerPool<ThumbnailRequest, Uint8Array | null> | null = null;
      const make = async (c: Change): Promise<void> => {
        out.delete(c.path);
        if (!thumbnailKind(c.path)) return;
        const e = ctx.entries.get(c.path);
        if (!e || (e.kind !== 'file' && e.kind !== 'exec')) return;
        if (e.size > maxBytes) {
          ctx.warn(`no thumbnail for ${c.path}: ${mib(e.size)} is over the ${mib(maxBytes)} thumbnail limit`);
          return;
        }
        try {
          const bytes = await ctx.readFile(c.path);
          const readRelated = async (rel: string): Promise<Uint8Array | null> => {
            const p = resolveRelated(c.path, rel);
            const r = p === null ? undefined : ctx.entries.get(p);
            if (!r || p === null || (r.kind !== 'file' && r.kind !== 'exec') || r.size > maxBytes) return null;
            return ctx.readFile(p);
          };
          if (pool && thumbnailKind(c.path) === 'image') {
            // a fresh copy of just these bytes, moved (not copied again) to the worker
            const own = new Uint8Array(bytes);
            const png = await pool
              .run({ bytes: own, path: c.path, size }, [own.buffer as ArrayBuffer])
              .catch((f: WorkerFailure) => {
                throw Object.assign(new Error(f.message), { code: f.code });
              });
            if (png) out.set(c.path, await ctx.putBytes(thumbnailPath(c.path), png));
            return;
          }
          // decoders load only when a picture changed: a commit of text files stays as fast as without thumbnails
          const [{ makeThumbnail }, { encodePng }] = await Promise.all([
            import('./makeThumbnail.js'),
            import('../formats/images.js'),
          ]);
          const img = await makeThumbnail(bytes, c.path, { size, readRelated });
          if (!img) return;
          out.set(c.path, await ctx.putBytes(thumbnailPath(c.path), encodePng(img)));
        } catch (err) {
          // never silence: a labelled card stands in for the picture, and the commit says why in one line
          const [{ placeholderImage, placeholderLabel }, { encodePng }] = await Promise.all([
            import('./placeholder.js'),
            import('../formats/images.js'),
          ]);
          ctx.warn(`no preview for ${c.path} (a placeholder is shown): ${(err as Error).message}`);
          out.set(
            c.path,
            await ctx.putBytes(thumbnailPath(c.path), encodePng(placeholderImage(placeholderLabel(c.path)))),
          );
        }
      };
      const todo: Change[] = [];
      for (const c of ctx.changes.deleted) out.delete(c.path);
      for (const c of ctx.changes.renamed) {
        const prev = c.from !== undefined ? out.get(c.from) : undefined;
        if (c.from !== undefined) out.delete(c.from);
        // same bytes under a new name: keep the picture unless the new name reads differently
        if (prev && c.from !== undefined && thumbnailKind(c.path) === thumbnailKind(c.from))
          out.set(c.path, { ...prev, path: thumbnailPath(c.path) });
        else todo.push(c);
      }
      todo.push(...ctx.changes.added, ...ctx.changes.modified);
      // several changed pictures: decode them on worker threads (the CPU-heavy part), models and small
      // batches here; at most workers + 1 files are read into memory at a time
      const images = todo.filter(
        (c) => thumbnailKind(c.path) === 'image' && (ctx.entries.get(c.path)?.size ?? 0) <= maxBytes,
      ).length;
      const workers =
        ctx.vault.threads > 0 && images >= WORKER_MIN_IMAGES ? Math.min(MAX_WORKERS, ctx.vault.threads, images) : 0;
      pool = workers
        ? new WorkerPool<ThumbnailRequest, Uint8Array | null>(
            'thumbnailWorker',
            null,
            workers,
            undefined,
            import.meta.url,
          )
        : null;
      try {
        let next = 0;
        let done = 0;
        const lane = async () => {
          while (next < todo.length) {
            await make(todo[next++]!);
            ctx.progress(++done, todo.length);
          }
        };
        await Promise.all(Array.from({ length: workers + 1 }, lane));
      } finally {
        await pool?.close();
      }
      // only files of this snapshot (the parent's attachment may predate a change of settings)
      for (const p of [...out.keys()]) if (!ctx.entries.has(p)) out.delete(p);
      return dropClashes(out, ctx);
    },
  };
}

/**
 * `a.png` (a file) and `a.png.png/b.obj` (a folder) would give the thumbnails
 * `a.png.png` as both a file and a folder: keep the shallower one and say so.
 */
function dropClashes(out: Map<string, AttachedFile>, ctx: AttachmentContext): AttachedFile[] {
  const files = new Set([...out.values()].map((f) => f.path));
  const keep: AttachedFile[] = [];
  for (const [p, f] of [...out].sort(([a], [b]) => byCodeUnits(a, b))) {
    const parts = f.path.split('/');
    const clash = parts.slice(0, -1).some((_, i) => files.has(parts.slice(0, i + 1).join('/')));
    if (clash) ctx.warn(`no thumbnail for ${p}: its thumbnail name clashes with another file's thumbnail`);
    else keep.push(f);
  }
  return keep;
}
