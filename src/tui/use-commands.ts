import { useInput, type Key } from 'ink';
import { useCallback, useLayoutEffect, useRef } from 'react';
import { createMilestone } from '../personas/game/milestones.js';
import type { Change } from '../porcelain/diffTrees.js';
import type { LogEntry } from '../porcelain/log.js';
import type { Vault } from '../porcelain/openVault.js';
import { fromProgress, type ProgressSample } from '../ui/progress.js';
import {
  elementChoices,
  elementRestorePlan,
  fileRestoreBeforePlan,
  fileRestorePlan,
  openInBrowser,
  writeHtmlTimeline,
  type Plan,
} from './actions.js';
import type { Panel } from './game-panels.js';
import { keysOf, textOf } from './keys.js';
import { EFFECT_COMMANDS, commandOf, type Command, type EffectCommand } from './keymap.js';
import { milestoneInput } from './milestone-input.js';
import { contextOf, cursorIn, type Layout } from './state.js';
import type { Message } from './StatusBar.js';
import type { Store } from './use-store.js';

/** What the commands that read or write the vault need. */
export interface CommandDeps {
  readonly vault: Vault;
  readonly store: Store;
  readonly exit: () => void;
  /** the screen as last drawn */
  readonly layout: Layout;
  /** the open diff's rows: persona panels, then files */
  readonly panels: readonly Panel[];
  readonly files: readonly Change[];
  /** read the history again (after an element restore made an undo snapshot) */
  readonly reload: () => Promise<readonly LogEntry[]>;
  /** read ref names and milestone types again (after a milestone was made) */
  readonly refreshRefs: () => Promise<void>;
  readonly progress: { start(label: string): (s: ProgressSample) => void; stop(): void };
  readonly htmlDir?: string;
  readonly opener?: (path: string) => boolean;
  /** take the lock on one file on the remote; resolves to what to tell the user (use-locks.ts) */
  readonly lockFile: (path: string) => Promise<string>;
}

const isEffect = (c: Command): c is EffectCommand => (EFFECT_COMMANDS as readonly string[]).includes(c);

/** Commands that read or write the vault: each says how it went through the store (a message, a question). */
function effects(d: CommandDeps): Record<EffectCommand, () => void> {
  const { vault, store } = d;
  const say = (message: Message) => store.dispatch({ type: 'say', message });
  const fail = (e: unknown) => say({ text: `error: ${(e as Error).message}`, tone: 'error' });
  const ask = (plan: Plan | Message) =>
    store.dispatch(plan && 'run' in plan ? { type: 'ask', plan } : { type: 'say', message: plan });

  /** the selected diff row as a file, or a message saying why there is none */
  const selectedFile = (): Change | null => {
    const row = Math.min(store.get().fileCursor, d.panels.length + d.files.length - 1);
    const panel = d.panels[row];
    if (panel) {
      say({ text: `${panel.label} is a summary, not a file: pick a file below it`, tone: 'error' });
      return null;
    }
    return d.files[row - d.panels.length] ?? null;
  };

  /** run a confirmed plan with a progress line, then say how it went */
  const runPlan = (plan: Plan) => {
    say(null);
    const onProgress = d.progress.start(plan.label);
    const was = d.layout.shown[cursorIn(store.get(), d.layout.shown.length)]?.id;
    plan
      .run((p) => onProgress(fromProgress(p)))
      .then(async (done) => {
        // an element restore commits an undo snapshot first: show it in the timeline, the selection
        // staying on the snapshot it was on (a filter recomputes anyway)
        if (done.historyChanged) {
          const again = await d.reload();
          if (!store.get().filter) store.dispatch({ type: 'select', index: again.findIndex((e) => e.id === was) });
        }
        say(done.message);
      })
      .catch(fail)
      .finally(d.progress.stop);
  };

  const pickElement = async () => {
    const target = store.get().diff;
    const c = selectedFile();
    if (!c || !target) return;
    if (c.kind === 'deleted')
      return say({ text: `${c.path} was deleted by this snapshot: it has no elements here`, tone: 'error' });
    say({ text: `reading the elements of ${c.path}…`, tone: 'info' });
    const list = await elementChoices(vault, target.entry.id, c.path);
    // the user may have left the diff (or opened a prompt) while the file was read
    const now = store.get();
    if (now.diff !== target || now.mode) return say(null);
    if (!list.length)
      return say({ text: `${c.path} has no elements in ${target.entry.id.slice(0, 12)}`, tone: 'error' });
    store.dispatch({ type: 'elements', path: c.path, snapshot: target.entry.id, list });
  };

  const mark = (target: LogEntry, input: string) => {
    const want = milestoneInput(input);
    if ('error' in want) return say({ text: want.error, tone: 'error' });
    createMilestone({ vault, name: want.name, type: want.type, snapshot: target.id })
      .then(async (ms) => {
        await d.refreshRefs();
        say({ text: `milestone ${ms.name} (${ms.type}) marks ${ms.snapshot.slice(0, 12)}`, tone: 'ok' });
      })
      .catch(fail);
  };

  return {
    quit: d.exit,
    html: () => {
      d.progress.start('writing the HTML timeline'); // no byte counts: the line shows the label until it is written
      writeHtmlTimeline(vault, d.htmlDir)
        .then(({ path, versions }) => {
          const opened = (d.opener ?? openInBrowser)(path);
          // the path first: it is what the user needs when no browser opens
          say({ text: `HTML timeline: ${path}${opened ? ' (opening)' : ''} · ${versions} versions`, tone: 'ok' });
        }, fail)
        .finally(d.progress.stop);
    },
    restore: () => {
      const target = store.get().diff;
      const c = selectedFile();
      if (c && target) fileRestorePlan(vault, target.entry.id, c).then(ask, fail);
    },
    restoreBefore: () => {
      const target = store.get().diff;
      const c = selectedFile();
      const before = target?.from?.id ?? target?.entry.parents[0] ?? null;
      if (c && target) fileRestoreBeforePlan(vault, before, c).then(ask, fail);
    },
    element: () => void pickElement().catch(fail),
    lock: () => {
      const c = selectedFile();
      if (!c) return;
      if (c.kind === 'deleted') return say({ text: `${c.path} was deleted: nothing to lock`, tone: 'error' });
      say({ text: `locking ${c.path}…`, tone: 'info' });
      d.lockFile(c.path).then((text) => say({ text, tone: 'ok' }), fail);
    },
    choose: () => {
      const m = store.get().mode;
      if (m?.kind !== 'elements') return;
      store.dispatch({ type: 'close' });
      const choice = m.list[m.cursor];
      if (choice) elementRestorePlan(vault, m.snapshot, m.path, choice).then(ask, fail);
    },
    yes: () => {
      const m = store.get().mode;
      if (m?.kind !== 'confirm') return;
      store.dispatch({ type: 'close' });
      runPlan(m.plan);
    },
    accept: () => {
      const m = store.get().mode;
      store.dispatch({ type: 'close' });
      // the latest value: keys typed in the same burst are in the store already
      if (m?.kind === 'milestone') mark(m.target, m.value.trim());
    },
  };
}

/**
 * The keyboard: every key of every input event, in order, through the keymap (keymap.ts) to the
 * reducer (state.ts) or, for what reads or writes the vault, to the effects above.
 */
export function useCommands(d: CommandDeps): void {
  const run = (command: Command) => {
    if (isEffect(command)) {
      // a key in a view replaces the last message (the reducer does the same for the other commands)
      if (!d.store.get().mode) d.store.dispatch({ type: 'say', message: null });
      return effects(d)[command]();
    }
    d.store.dispatch({ type: 'command', command, layout: d.layout });
  };
  const onKey = (input: string, key: Key) => {
    for (const k of keysOf(input, key)) {
      if (k === 'ctrl-c') return d.exit();
      const context = contextOf(d.store.get());
      const command = commandOf(context, k);
      const text = context === 'prompt' && !command ? textOf(k) : null;
      if (command) run(command);
      else if (text) d.store.dispatch({ type: 'type', text });
    }
  };
  // the newest handler, set as the frame is committed: Ink subscribes a changed handler in a passive effect,
  // which React may run after the next key (a key right after a frame would meet the last frame's layout)
  const latest = useRef(onKey);
  useLayoutEffect(() => {
    latest.current = onKey;
  });
  useInput(useCallback((input: string, key: Key) => latest.current(input, key), []));
}
