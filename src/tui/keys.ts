import type { Key } from 'ink';

/**
 * One key press, by name: a single character as itself ('j', 'G', '/', 'é'), or a named key
 * ('down', 'return', 'escape', 'space', 'ctrl-c'...). Names are what the keymap binds.
 */
export type KeyName = string;

/** Ink's arrow, paging and editing keys, by the name the keymap uses. */
const NAMED: readonly [keyof Key, KeyName][] = [
  ['upArrow', 'up'],
  ['downArrow', 'down'],
  ['leftArrow', 'left'],
  ['rightArrow', 'right'],
  ['pageUp', 'pageup'],
  ['pageDown', 'pagedown'],
  ['home', 'home'],
  ['end', 'end'],
  ['return', 'return'],
  ['escape', 'escape'],
  ['tab', 'tab'],
  // the Backspace key sends DEL (0x7f), which Ink reports as `delete`
  ['backspace', 'backspace'],
  ['delete', 'backspace'],
];

/** A character of a text run as a key name: control characters by name, the rest as themselves. */
function charKey(c: string): KeyName {
  if (c === '\r' || c === '\n') return 'return';
  if (c === '\t') return 'tab';
  if (c === '\x7f' || c === '\b') return 'backspace';
  if (c === '\x1b') return 'escape';
  if (c === ' ') return 'space';
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20) return `ctrl-${String.fromCharCode(code + 0x60)}`;
  return c;
}

/**
 * The keys in one input event, in order. Ink hands a burst of typed characters to useInput as one
 * string ("jjjj" when keys arrive faster than they are read: a held key, typing ahead, tmux send-keys,
 * a paste); each character is a key of its own here. Escape sequences (arrows, PgDn) come one per event.
 */
export function keysOf(input: string, key: Key): KeyName[] {
  for (const [flag, name] of NAMED) if (key[flag] === true) return [name];
  if (key.ctrl && input.length === 1) return [`ctrl-${input.toLowerCase()}`];
  // Alt+key: nothing is bound to it (and it must not type into a prompt)
  if (key.meta) return [];
  return [...input].map(charKey);
}

/** The character a key types into a text prompt, or null for a key that types nothing. */
export function textOf(k: KeyName): string | null {
  if (k === 'space') return ' ';
  return [...k].length === 1 && k >= ' ' ? k : null;
}

const LABELS: Readonly<Record<string, string>> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  return: 'Enter',
  escape: 'Esc',
  tab: 'Tab',
  backspace: 'Backspace',
  space: 'space',
};

/** How the help writes a key: ↓, PgDn, Enter, Esc, Ctrl-C, or the character itself. */
export function keyLabel(k: KeyName): string {
  if (k.startsWith('ctrl-')) return `Ctrl-${k.slice(5).toUpperCase()}`;
  return LABELS[k] ?? k;
}
