import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change } from '../porcelain/diffTrees.js';
import type { Progress } from '../porcelain/hashWorktree.js';
import type { Vault } from '../porcelain/openVault.js';
import { restore } from '../porcelain/restore.js';
import { status } from '../porcelain/status.js';
import { worktreeEntry } from '../porcelain/timeline.js';
import { joinPath, writeFileAtomic } from '../plumbing/fs.js';
import { commitAttachments } from '../ui/attachments.js';
import type { Message } from './StatusBar.js';
import { bytes, time } from './text.js';

/** How an action went; `historyChanged` when it made a snapshot (the timeline is read again). */
export interface Done {
  readonly message: Message;
  readonly historyChanged?: boolean;
}

/**
 * What the TUI's actions do, apart from keys and screen: each "plan" reads what an action would
 * overwrite and returns the confirmation to show and the work to run on yes. Nothing here draws.
 */
export interface Plan {
  readonly question: string;
  /** what will be overwritten: shown before y/n */
  readonly details: readonly string[];
  /** label of the progress line while it runs */
  readonly label: string;
  run(onProgress: (p: Progress) => void): Promise<Done>;
}

/**
 * Restore a changed file as it was BEFORE the change shown (the diff's A side: the marked snapshot or the
 * parent): "put the old painting back". A renamed file comes back under its old name.
 */
export async function fileRestoreBeforePlan(vault: Vault, before: string | null, c: Change): Promise<Plan | Message> {
  if (!before) return { text: `${c.path} has no earlier version: this is the first snapshot`, tone: 'error' };
  if (c.kind === 'added')
    return {
      text: `${c.path} was added by this snapshot: there is no earlier version to restore (r restores this one)`,
      tone: 'error',
    };
  const path = c.from ?? c.path;
  return fileRestorePlan(vault, before, {
    kind: 'modified',
    path,
    newSize: c.oldSize,
    newId: c.oldId,
    newKind: c.oldKind,
  });
}

/** Restore one file of a snapshot into the project folder (after saying what it overwrites). */
export async function fileRestorePlan(vault: Vault, snapshot: string, c: Change): Promise<Plan | Message> {
  const short = snapshot.slice(0, 12);
  if (c.kind === 'deleted')
    return { text: `${c.path} was deleted by this snapshot: there is no version of it here to restore`, tone: 'error' };
  const now = await worktreeEntry(vault, c.path);
  const details = now
    ? [
        `This overwrites ${c.path} in the project folder`,
        `(now ${bytes(now.size)}, changed ${time(now.mtime)})`,
        `with the version from ${short} (${bytes(c.newSize ?? 0)}).`,
      ]
    : [`${c.path} is not in the project folder now:`, `it will be created (${bytes(c.newSize ?? 0)}).`];
  return {
    question: `Restore ${c.path} from snapshot ${short}?`,
    details,
    label: `restoring ${c.path}`,
    run: async (onProgress) => {
      const r = await restore({ vault, snapshot, paths: [c.path], force: true, onProgress });
      const missed = [...r.skipped, ...r.failures];
      const skipped = missed.length ? `; not restored: ${missed.map((s) => `${s.path} (${s.reason})`).join(', ')}` : '';
      return {
        message: {
          text: `restored ${c.path} from ${short}${r.unchanged ? ' (it was already identical)' : ''}${skipped}`,
          tone: skipped ? 'error' : 'ok',
        },
      };
    },
  };
}

/** One element of a file (layer, node, key...), as listed by the creative persona's element restore. */
export interface ElementChoice {
  readonly name: string;
  readonly kind: string;
}

/** The elements of `path` in `snapshot` (EUNSUPPORTED for formats without elements). */
export async function elementChoices(vault: Vault, snapshot: string, path: string): Promise<ElementChoice[]> {
  const { listElements } = await import('../personas/creative/elements/index.js');
  return (await listElements(vault, snapshot, path)).elements.map((e) => ({ name: e.name, kind: e.kind }));
}

/** `vault restore` of `path` from the undo snapshot, with a 12-digit id (any unique prefix of 4+ works). */
export function undoCommand(snapshot: string, path: string): string {
  const quoted = /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
  return `vault restore ${snapshot.slice(0, 12)} ${quoted} --force`;
}

/**
 * The undo snapshot is a commit of the whole project: when other files have uncommitted changes, the
 * confirmation says it will hold them too (lines to add; none when `path` is the only change).
 */
export async function otherChanges(vault: Vault, path: string): Promise<string[]> {
  const s = await status({ vault });
  const others = [...s.modified, ...s.added, ...s.deleted, ...s.renamed]
    .map((c) => c.path)
    .filter((p) => p !== path)
    .sort();
  if (!others.length) return [];
  const n = others.length;
  return [
    `The undo snapshot also commits ${n} other uncommitted change${n === 1 ? '' : 's'}:`,
    others.slice(0, 3).join(', ') + (n > 3 ? `, and ${n - 3} more` : ''),
  ];
}

/** Put one element of `path` as it was in `snapshot` into the current file, after saying what changes. */
export async function elementRestorePlan(
  vault: Vault,
  snapshot: string,
  path: string,
  el: ElementChoice,
): Promise<Plan> {
  const { elementFormatOf, restoreElement, MAX_ELEMENT_FILE_BYTES } =
    await import('../personas/creative/elements/index.js');
  const short = snapshot.slice(0, 12);
  const now = await worktreeEntry(vault, path);
  let has: boolean | null = null;
  if (now?.kind === 'file' && now.size <= MAX_ELEMENT_FILE_BYTES) {
    const current = (await vault.fs.readFile(joinPath(vault.workTree, path))) as Uint8Array;
    has = await Promise.resolve((await elementFormatOf(path)).list(current, { path, where: 'the project folder' }))
      .then((list) => list.some((e) => e.name === el.name))
      .catch(() => null);
  }
  const details = now
    ? [
        `This changes ${path} in the project folder`,
        `(now ${bytes(now.size)}, changed ${time(now.mtime)}):`,
        has === false
          ? `it has no ${el.kind} ${el.name}: the one from ${short} is added back;`
          : `its ${el.kind} ${el.name} is overwritten by the one from ${short};`,
        'the rest of the file stays. An undo snapshot is committed first.',
        ...(await otherChanges(vault, path)),
      ]
    : [`${path} is not in the project folder: restore the whole file instead (r).`];
  return {
    question: `Restore ${el.kind} ${el.name} of ${path} from snapshot ${short}?`,
    details,
    label: `restoring ${el.kind} ${el.name} of ${path}`,
    run: async () => {
      const r = await restoreElement({
        vault,
        rev: snapshot,
        path,
        element: `${el.kind}:${el.name}`,
        attachments: await commitAttachments(vault),
      });
      if (r.action === 'unchanged')
        return {
          message: {
            text: `${path} already has ${el.kind} ${el.name} as it was in ${short}: nothing written`,
            tone: 'info',
          },
        };
      // the command on a line of its own (the status line wraps it), with a short id: readable at 80 columns
      const undo = r.undo ? `\nundo: ${undoCommand(r.undo.snapshot, r.path)}` : '';
      return {
        message: {
          text: `${r.action} ${r.element.kind} ${r.element.name} of ${path} from ${short}${undo}`,
          tone: 'ok',
        },
        historyChanged: r.undo?.created === true,
      };
    },
  };
}

/** The most versions put on the HTML page from the TUI (the CLI's `vault timeline --html` takes --max-count). */
export const HTML_VERSIONS = 200;

/**
 * Write the creative persona's HTML timeline (thumbnails, before pictures, diff images) into a new
 * temporary folder; returns its path. `dir` is for tests.
 */
export async function writeHtmlTimeline(vault: Vault, dir?: string): Promise<{ path: string; versions: number }> {
  const tl = await import('../personas/creative/timeline/index.js');
  const versions = await tl.timelineVersions({ vault, limit: HTML_VERSIONS });
  const page = await tl.timelineHtml({ vault, versions });
  const folder = dir ?? join(tmpdir(), `vault-timeline-${process.pid}-${Date.now().toString(36)}`);
  await vault.fs.mkdir(folder, { recursive: true });
  const path = join(folder, 'timeline.html');
  await writeFileAtomic(vault.fs, path, page.html);
  return { path, versions: versions.length };
}

/**
 * Open a file in the desktop's browser when there is a desktop and xdg-open; false otherwise (the path is shown
 * instead).
 */
export function openInBrowser(path: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  try {
    const child = spawn('xdg-open', [path], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
