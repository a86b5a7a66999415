import { keyLabel, type KeyName } from './keys.js';

/**
 * What a key does, by name. The keymap below binds keys to commands per context; the `?` help, the
 * hint line and App's key handling all read it, so the keys a user is told about are the keys that work.
 */
export type Command =
  // everywhere the main views are (timeline, diff, help)
  | 'quit'
  | 'help'
  // moving
  | 'down'
  | 'up'
  | 'pageDown'
  | 'pageUp'
  | 'first'
  | 'last'
  // timeline
  | 'diff'
  | 'mark'
  | 'filter'
  | 'clear'
  | 'milestone'
  | 'html'
  // diff
  | 'back'
  | 'pane'
  | 'restore'
  | 'restoreBefore'
  | 'element'
  | 'lock'
  // element list, confirmation, text prompts
  | 'choose'
  | 'cancel'
  | 'yes'
  | 'no'
  | 'accept'
  | 'erase'
  | 'closeHelp';

/** The commands that read or write the vault (use-commands.ts); the reducer does the others (state.ts). */
export const EFFECT_COMMANDS = [
  'quit',
  'html',
  'restore',
  'restoreBefore',
  'element',
  'lock',
  'choose',
  'yes',
  'accept',
] as const;
export type EffectCommand = (typeof EFFECT_COMMANDS)[number];
export type PureCommand = Exclude<Command, EffectCommand>;

/**
 * Where keys are read: the two views, the help overlay, the element list, a y/n confirmation, a text
 * prompt (the `/` filter, a milestone name: there every other printable key types).
 */
export type Context = 'timeline' | 'diff' | 'help' | 'elements' | 'confirm' | 'prompt';

/** One line of the help: the commands it describes (their keys make its label) and what they do. */
export interface HelpRow {
  readonly commands: readonly Command[];
  readonly text: string;
}

/** One item of the hint line under a view: "j/k move". `persona` keeps it to that persona's hint. */
export interface HintItem {
  readonly commands: readonly Command[];
  readonly text: string;
  readonly persona?: 'creative' | 'game';
}

export interface KeyContext {
  /** the help section's title */
  readonly title: string;
  /** key -> command, in the order the help lists keys */
  readonly keys: Readonly<Record<KeyName, Command>>;
  readonly help: readonly HelpRow[];
  readonly hint: readonly HintItem[];
}

const moves = { j: 'down', down: 'down', k: 'up', up: 'up' } as const;

/** Every key of the TUI (Ctrl-C quits everywhere as well, see App). */
export const KEYMAP: Readonly<Record<Context, KeyContext>> = {
  timeline: {
    title: 'Timeline',
    keys: {
      ...moves,
      pagedown: 'pageDown',
      pageup: 'pageUp',
      g: 'first',
      G: 'last',
      home: 'first',
      end: 'last',
      return: 'diff',
      space: 'mark',
      '/': 'filter',
      escape: 'clear',
      m: 'milestone',
      o: 'html',
      '?': 'help',
      q: 'quit',
    },
    help: [
      { commands: ['down', 'up'], text: 'next / previous snapshot' },
      { commands: ['pageDown', 'pageUp'], text: 'page down / up' },
      { commands: ['first', 'last'], text: 'first / last snapshot' },
      { commands: ['diff'], text: 'diff against the parent (or against A)' },
      { commands: ['mark'], text: 'mark as A (Enter on B diffs A..B)' },
      { commands: ['filter'], text: 'filter: words, type:beta, path:Art/' },
      { commands: ['clear'], text: 'unmark A, clear the filter' },
      { commands: ['milestone'], text: 'mark a milestone: NAME [TYPE]' },
      { commands: ['html'], text: 'write the HTML timeline (and open it)' },
    ],
    hint: [
      { commands: ['down', 'up'], text: 'move' },
      { commands: ['diff'], text: 'diff' },
      { commands: ['mark'], text: 'mark A' },
      { commands: ['filter'], text: 'filter' },
      { commands: ['milestone'], text: 'milestone' },
      { commands: ['help'], text: 'help' },
      { commands: ['quit'], text: 'quit' },
    ],
  },
  diff: {
    title: 'Diff',
    keys: {
      ...moves,
      pagedown: 'pageDown',
      pageup: 'pageUp',
      space: 'pageDown',
      tab: 'pane',
      r: 'restore',
      R: 'restoreBefore',
      e: 'element',
      L: 'lock',
      escape: 'back',
      backspace: 'back',
      h: 'back',
      left: 'back',
      '?': 'help',
      q: 'quit',
    },
    help: [
      { commands: ['down', 'up'], text: 'next / previous file (or scroll the patch)' },
      { commands: ['pageDown', 'pageUp'], text: 'a page of files (or of the patch)' },
      { commands: ['pane'], text: 'switch between files and patch' },
      { commands: ['restore', 'restoreBefore'], text: 'restore the file from this snapshot / from before it' },
      { commands: ['element'], text: 'restore one element (layer, node, key)' },
      { commands: ['lock'], text: 'lock the file on the remote (vault lock)' },
      { commands: ['back'], text: 'back to the timeline' },
    ],
    hint: [
      { commands: ['down', 'up'], text: 'move' },
      { commands: ['pane'], text: 'pane' },
      { commands: ['restore', 'restoreBefore'], text: 'restore' },
      { commands: ['element'], text: 'element', persona: 'creative' },
      { commands: ['back'], text: 'back' },
      { commands: ['help'], text: 'help' },
    ],
  },
  help: {
    title: 'Help',
    keys: { ...moves, '?': 'closeHelp', escape: 'closeHelp', q: 'quit' },
    help: [{ commands: ['down', 'up'], text: 'scroll this help' }],
    hint: [],
  },
  elements: {
    title: 'Element list (e)',
    keys: { ...moves, return: 'choose', escape: 'cancel' },
    help: [
      { commands: ['down', 'up'], text: 'next / previous element' },
      { commands: ['choose', 'cancel'], text: 'restore it (asks first) / close the list' },
    ],
    hint: [],
  },
  confirm: {
    title: 'Questions',
    keys: { y: 'yes', n: 'no', Y: 'yes', N: 'no', escape: 'no' },
    help: [{ commands: ['yes', 'no'], text: 'yes / no' }],
    hint: [],
  },
  prompt: {
    title: 'Text prompts (/ filter, m milestone)',
    keys: { return: 'accept', escape: 'cancel', backspace: 'erase' },
    help: [
      { commands: ['accept', 'cancel'], text: 'accept / cancel' },
      { commands: ['erase'], text: 'erase the last character' },
    ],
    hint: [],
  },
};

/** The command `k` runs in `context` (undefined: the key does nothing there, or types in a prompt). */
export function commandOf(context: Context, k: KeyName): Command | undefined {
  return Object.hasOwn(KEYMAP[context].keys, k) ? KEYMAP[context].keys[k] : undefined;
}

/** The keys bound to `command` in `context`, in keymap order. */
export function keysFor(context: Context, command: Command): KeyName[] {
  return Object.entries(KEYMAP[context].keys)
    .filter(([, c]) => c === command)
    .map(([k]) => k);
}

/**
 * The label of a help row, made from the keymap: the first key of each command joined with '/', then
 * the second keys, and so on: down+up bound to j/↓ and k/↑ give "j/k, ↓/↑".
 */
export function rowLabel(context: Context, commands: readonly Command[]): string {
  const keys = commands.map((c) => keysFor(context, c));
  const groups: string[] = [];
  for (let i = 0; i < Math.max(0, ...keys.map((k) => k.length)); i++)
    groups.push(
      keys
        .map((k) => k[i])
        .filter((k) => k !== undefined)
        .map(keyLabel)
        .join('/'),
    );
  return groups.join(', ');
}

/** The help overlay's lines: one section per context, the current view's first. */
export function helpSections(view: 'timeline' | 'diff'): { title: string; rows: [string, string][] }[] {
  const order: Context[] =
    view === 'diff'
      ? ['diff', 'timeline', 'elements', 'confirm', 'prompt', 'help']
      : ['timeline', 'diff', 'elements', 'confirm', 'prompt', 'help'];
  return order.map((c) => ({
    title: KEYMAP[c].title,
    rows: KEYMAP[c].help.map((r): [string, string] => [rowLabel(c, r.commands), r.text]),
  }));
}

/** The help overlay's title line: how to close it and to quit, from the keymap. */
export function helpTitle(): string {
  const close = keysFor('help', 'closeHelp').map(keyLabel).join(' or ');
  const quit = keysFor('help', 'quit').map(keyLabel).join(' or ');
  return `Keys (${close} closes this help; ${quit} or Ctrl-C quits)`;
}

/** The hint line of a view: "j/k move · Enter diff · ... · q quit", the first key of each command. */
export function hintLine(context: 'timeline' | 'diff', persona?: 'creative' | 'game'): string {
  return KEYMAP[context].hint
    .filter((h) => !h.persona || h.persona === persona)
    .map((h) => `${h.commands.map((c) => keyLabel(keysFor(context, c)[0] ?? '?')).join('/')} ${h.text}`)
    .join(' · ');
}
