import type { Stats } from 'node:fs';
import { badEntryName } from '../../../objects/tree.js';
import {
  readAttachedFile,
  type AttachedFile,
  type AttachmentContext,
  type CommitAttachment,
} from '../../../porcelain/attachments.js';
import { isNotFound, joinPath } from '../../../plumbing/fs.js';
import type { Vault } from '../../../porcelain/openVault.js';
import { listWorkspace, type WorkspacePath } from './config.js';
import {
  MANIFEST,
  attachedPath,
  decodeManifest,
  encodeManifest,
  type CapturedWorkspace,
  type WorkspaceItem,
} from './manifest.js';

/**
 * At most this many items per workspace path: settings folders are small; a bigger one was probably declared by
 * mistake.
 */
export const MAX_ITEMS = 20_000;

/**
 * Capture the declared workspace paths with each snapshot. `always`: a
 * changed workspace alone makes a snapshot. Files are stored with
 * ctx.putFile (streamed, chunked, deduplicated); a file whose size and mtime
 * match the previous capture is not read again. Missing paths, unreadable
 * files and special files only warn. Symlinks are recorded, never followed.
 */
export function workspaceAttachment(vault: Vault): CommitAttachment {
  return { name: 'workspace', always: true, run: (ctx) => capture(ctx, listWorkspace(vault)) };
}

interface Previous {
  item: WorkspaceItem;
  file?: AttachedFile;
}

async function capture(ctx: AttachmentContext, declared: readonly WorkspacePath[]): Promise<AttachedFile[]> {
  const { fs } = ctx.vault;
  const prev = new Map<string, Previous>();
  const pm = ctx.previous.get(MANIFEST);
  if (pm) {
    try {
      for (const w of decodeManifest(await readAttachedFile(ctx.vault, pm)).workspaces) {
        for (const it of w.items)
          prev.set(`${w.path}\0${it.rel}`, { item: it, file: ctx.previous.get(attachedPath(w.name, it.rel)) });
      }
    } catch {
      /* an unreadable manifest: capture everything afresh */
    }
  }
  const files: AttachedFile[] = [];
  const captured: CapturedWorkspace[] = [];

  for (const ws of declared) {
    const items: WorkspaceItem[] = [];
    const st = await fs.lstat(ws.path).catch((e) => {
      if (isNotFound(e)) return null;
      throw e;
    });
    if (!st) {
      ctx.warn(`'${ws.name}': ${ws.path} is missing; not captured`);
      captured.push({ name: ws.name, path: ws.path, kind: 'missing', items });
      continue;
    }

    const fileItem = async (abs: string, rel: string, s: Stats): Promise<void> => {
      const mode = Number(s.mode) & 0o7777;
      const old = prev.get(`${ws.path}\0${rel}`);
      const path = attachedPath(ws.name, rel);
      if (
        old?.file &&
        old.item.kind === 'file' &&
        old.item.size === Number(s.size) &&
        old.item.mtime === Math.trunc(Number(s.mtimeMs)) &&
        old.item.mode === mode
      ) {
        files.push({ ...old.file, path });
        items.push(old.item);
        return;
      }
      let f: AttachedFile;
      try {
        f = await ctx.putFile(path, abs);
      } catch (e) {
        ctx.warn(`'${ws.name}': ${abs} could not be read (${(e as Error).message}); not captured`);
        return;
      }
      files.push(f);
      // same content as before: keep the earlier record, so touching a file alone makes no new snapshot
      const same = old?.file && old.item.kind === 'file' && old.file.id === f.id && old.item.mode === mode;
      items.push(same ? old.item : { rel, kind: 'file', size: f.size, mode, mtime: Math.trunc(Number(s.mtimeMs)) });
    };

    if (st.isSymbolicLink()) {
      ctx.warn(
        `'${ws.name}': ${ws.path} is a symlink (to ${await fs.readlink(ws.path)}); ` +
          `only the link is kept: declare the folder it points at instead`,
      );
      items.push({
        rel: '',
        kind: 'symlink',
        size: 0,
        mode: 0o777,
        mtime: 0,
        target: String(await fs.readlink(ws.path)),
      });
      captured.push({ name: ws.name, path: ws.path, kind: 'symlink', items });
      continue;
    }
    if (st.isFile()) {
      await fileItem(ws.path, '', st as Stats);
      captured.push({ name: ws.name, path: ws.path, kind: 'file', items });
      continue;
    }
    if (!st.isDirectory()) {
      ctx.warn(`'${ws.name}': ${ws.path} is not a file or folder; not captured`);
      captured.push({ name: ws.name, path: ws.path, kind: 'missing', items });
      continue;
    }
    let count = 0;
    let truncated = false;
    const walk = async (dir: string, rel: string): Promise<void> => {
      let names: string[];
      try {
        names = ((await fs.readdir(dir)) as string[]).sort();
      } catch (e) {
        ctx.warn(`'${ws.name}': folder ${dir} could not be listed (${(e as Error).message})`);
        return;
      }
      for (const n of names) {
        if (truncated) return;
        if (++count > MAX_ITEMS) {
          truncated = true;
          ctx.warn(`'${ws.name}': more than ${MAX_ITEMS} items; the rest is not captured`);
          return;
        }
        const abs = joinPath(dir, n);
        const r = rel ? `${rel}/${n}` : n;
        const s = (await fs.lstat(abs).catch(() => null)) as Stats | null;
        if (!s) continue; // vanished while listing
        const bad = badEntryName(n, s.isSymbolicLink() ? 'symlink' : undefined);
        if (bad) {
          ctx.warn(`'${ws.name}': ${abs}: ${bad}; not captured`);
          continue;
        }
        if (s.isSymbolicLink())
          items.push({
            rel: r,
            kind: 'symlink',
            size: 0,
            mode: 0o777,
            mtime: 0,
            target: String(await fs.readlink(abs)),
          });
        else if (s.isDirectory()) {
          items.push({ rel: r, kind: 'dir', size: 0, mode: Number(s.mode) & 0o7777, mtime: 0 });
          await walk(abs, r);
        } else if (s.isFile()) await fileItem(abs, r, s);
        else ctx.warn(`'${ws.name}': ${abs} is not a regular file; not captured`);
      }
    };
    await walk(ws.path, '');
    captured.push({ name: ws.name, path: ws.path, kind: 'dir', items });
  }
  files.push(await ctx.putBytes(MANIFEST, encodeManifest({ v: 1, workspaces: captured })));
  return files;
}
