/**
 * JSON key paths (`settings.audio.volume`, `items[2]`), edited in place: only
 * the text of the value at that path changes (or a member is added where the
 * current file lost it); the rest of the file keeps its exact bytes. The new
 * value is written in the file's style: its indent unit, line endings, and
 * inline (`[1, 2]`) or one-entry-per-line layout as the value it replaces.
 */
import { ElementFormatError, MissingParentError, UnknownElementError } from './errors.js';
import { formatKeyPath, getAt, keyPathOf, listKeyPaths, type Segment } from './keyPath.js';
import { closeNames } from './match.js';
import type { ElementFormat, FormatRestore, Side } from './types.js';

interface JNode {
  readonly start: number;
  end: number;
  readonly type: 'object' | 'array' | 'scalar';
  readonly members?: { key: string; keyStart: number; value: JNode }[];
  readonly items?: JNode[];
}

/** Positions of every value in a JSON text already known to parse. */
function scan(text: string): JNode {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): JNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const members: { key: string; keyStart: number; value: JNode }[] = [];
      ws();
      while (text[i] !== '}') {
        ws();
        const keyStart = i;
        const key = str();
        ws();
        i++; // :
        members.push({ key, keyStart, value: value() });
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
      return { start, end: i, type: 'object', members };
    }
    if (c === '[') {
      i++;
      const items: JNode[] = [];
      ws();
      while (text[i] !== ']') {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
      return { start, end: i, type: 'array', items };
    }
    if (c === '"') {
      str();
      return { start, end: i, type: 'scalar' };
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
    return { start, end: i, type: 'scalar' };
  };
  return value();
}

interface Style {
  readonly unit: string;
  readonly eol: string;
  /** `": "` or `":"` */
  readonly colon: string;
}

function styleOf(text: string): Style {
  const unit = /\n([ \t]+)["{[\]}\w-]/.exec(text)?.[1] ?? '  ';
  const colon = /"\s*:(\s?)/.exec(text)?.[1] === ' ' ? ': ' : ':';
  return { unit: unit.startsWith('\t') ? '\t' : unit, eol: text.includes('\r\n') ? '\r\n' : '\n', colon };
}

function lineIndent(text: string, pos: number): string {
  const bol = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(bol))![0];
}

/** `v` as JSON: multi-line (indented from `base`) or inline (`spaced`: `[1, 2]`, `{"a": 1}`). */
function serialize(v: unknown, st: Style, mode: { inline: boolean; spaced: boolean }, base: string): string {
  if (mode.inline) {
    const sep = mode.spaced ? ', ' : ',';
    const inl = (x: unknown): string => {
      if (Array.isArray(x)) return `[${x.map(inl).join(sep)}]`;
      if (x && typeof x === 'object')
        return `{${Object.entries(x)
          .map(([k, y]) => `${JSON.stringify(k)}${st.colon}${inl(y)}`)
          .join(sep)}}`;
      return JSON.stringify(x);
    };
    return inl(v);
  }
  const text = JSON.stringify(v, null, st.unit);
  const fixed = st.colon === ':' ? text.replace(/^(\s*"(?:[^"\\]|\\.)*"): /gm, '$1:') : text;
  return fixed.split('\n').join(st.eol + base);
}

/** What an element of a JSON document is: an array, an object or a plain value. */
function kindOfValue(value: unknown): 'array' | 'object' | 'value' {
  if (Array.isArray(value)) return 'array';
  return value && typeof value === 'object' ? 'object' : 'value';
}

function nodeAt(root: JNode, segs: readonly Segment[]): JNode | null {
  let n: JNode | undefined = root;
  for (const s of segs) {
    if (!n) return null;
    if (n.type === 'array' && typeof s === 'number') n = n.items![s];
    else if (n.type === 'object') n = [...n.members!].reverse().find((m) => m.key === String(s))?.value;
    else return null;
  }
  return n ?? null;
}

function parseText(bytes: Uint8Array, side: Side): { text: string; data: unknown; bom: string } {
  let text = Buffer.from(bytes).toString('utf8');
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  text = text.slice(bom.length);
  try {
    return { text, data: JSON.parse(text), bom };
  } catch (e) {
    throw new ElementFormatError(side.path, side.where, `not valid JSON: ${(e as Error).message}`);
  }
}

function restore(opts: {
  current: Uint8Array;
  old: Uint8Array;
  element: string;
  path: string;
  oldWhere: string;
}): FormatRestore {
  const oldSide = { path: opts.path, where: opts.oldWhere };
  const cur = parseText(opts.current, { path: opts.path, where: 'the project folder' });
  const old = parseText(opts.old, oldSide);
  const segs = keyPathOf(opts.element, (x) => getAt(old.data, x).found);
  const name = formatKeyPath(segs);
  const found = segs.length ? getAt(old.data, segs) : { found: false };
  if (!found.found)
    throw new UnknownElementError(
      opts.element,
      opts.path,
      opts.oldWhere,
      closeNames(
        name,
        listKeyPaths(old.data).map((e) => e.name),
      ),
    );
  const value = found.value;
  const st = styleOf(cur.text);
  const root = scan(cur.text);
  const here = nodeAt(root, segs);
  const kind = kindOfValue(value);
  const element = { name, kind };
  let out: string;
  let action: FormatRestore['action'];
  if (here) {
    const was = cur.text.slice(here.start, here.end);
    const parent = nodeAt(root, segs.slice(0, -1))!;
    const parentText = cur.text.slice(parent.start, parent.end);
    const inline =
      !was.includes('\n') &&
      (here.type === 'scalar' ? true : !parentText.includes('\n') || (was.length > 2 && !was.includes('\n')));
    const spaced = /[,:] /.test(was) || (!/[,:]\S/.test(was) && /[,:] /.test(parentText));
    out =
      cur.text.slice(0, here.start) +
      serialize(value, st, { inline, spaced }, lineIndent(cur.text, here.start)) +
      cur.text.slice(here.end);
    action = 'replaced';
  } else {
    const parentSegs = segs.slice(0, -1);
    const parent = nodeAt(root, parentSegs);
    const last = segs[segs.length - 1]!;
    const fits =
      parent &&
      ((parent.type === 'object' && typeof last === 'string') ||
        (parent.type === 'array' && typeof last === 'number' && last === parent.items!.length) ||
        (parent.type === 'object' && typeof last === 'number'));
    if (!parent || !fits) throw new MissingParentError(name, opts.path, formatKeyPath(parentSegs) || '(the top level)');
    const parentText = cur.text.slice(parent.start, parent.end);
    const inline = !parentText.includes('\n') && parentText.length > 2;
    const entries =
      parent.type === 'object'
        ? parent.members!.map((m) => ({ start: m.keyStart, end: m.value.end }))
        : parent.items!.map((n) => ({ start: n.start, end: n.end }));
    const lastEntry = entries[entries.length - 1];
    const spaced = /[,:] /.test(parentText) || !inline;
    const indent = lastEntry ? lineIndent(cur.text, lastEntry.start) : lineIndent(cur.text, parent.start) + st.unit;
    const body = serialize(value, st, { inline, spaced }, indent);
    const entry = parent.type === 'object' ? `${JSON.stringify(String(last))}${st.colon}${body}` : body;
    if (lastEntry) {
      let glue = `,${st.eol}${indent}`;
      if (inline) glue = spaced ? ', ' : ',';
      out = cur.text.slice(0, lastEntry.end) + glue + entry + cur.text.slice(lastEntry.end);
    } else {
      const open = parent.start + 1;
      const inner =
        inline || parentText === '{}' || parentText === '[]'
          ? `${st.eol}${indent}${entry}${st.eol}${lineIndent(cur.text, parent.start)}`
          : `${st.eol}${indent}${entry}`;
      out = cur.text.slice(0, open) + inner + cur.text.slice(parent.end - 1);
    }
    action = 'inserted';
  }
  try {
    JSON.parse(out);
  } catch (e) {
    throw new ElementFormatError(
      opts.path,
      'writing the result',
      `the edit did not give valid JSON (${(e as Error).message}); nothing was written`,
    );
  }
  return { data: Buffer.from(cur.bom + out, 'utf8'), element, action, notes: [] };
}

export const jsonFormat: ElementFormat = {
  format: 'json',
  list: (bytes, side) => listKeyPaths(parseText(bytes, side).data),
  restore,
};
