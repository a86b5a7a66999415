/**
 * Godot text scenes (`.tscn`): nodes by their path from the scene root, as
 * Godot writes them in `parent=` (`Player`, `Player/Sprite`; the root node by
 * its own name).
 *
 * Restore puts the old `[node ...]` section (its header and properties, not
 * its children: each child is an element of its own) in place of the current
 * one, or back after the end of its parent's subtree when the current scene
 * lost it. External and sub-resources the old section uses come along: an
 * `[ext_resource]` already present for the same path is reused, a missing one
 * is added; a sub-resource is copied with its own references; ids that would
 * clash are renamed. `load_steps` is updated when the header has it. The rest
 * of the file keeps its exact text.
 */
import { ElementFormatError, MissingParentError } from './errors.js';
import { pickElement } from './match.js';
import type {
  ElementFormat,
  ElementInfo,
  ElementPrint,
  Fingerprint,
  FormatRestore,
  RemoveInput,
  Side,
} from './types.js';

const HEADER = /^\[(gd_scene|gd_resource|ext_resource|sub_resource|node|connection|editable|resource)\b/;

interface Section {
  readonly tag: string;
  /** header line and the lines up to the next header (trailing blank lines included) */
  readonly lines: string[];
  readonly attrs: Record<string, string>;
  /** node path (nodes only) */
  path?: string;
}

function attrsOf(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=("(?:[^"\\]|\\.)*"|\w+\([^)]*\)|[^\s\]]+)/g;
  for (let m = re.exec(header); m; m = re.exec(header))
    out[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  return out;
}

interface Parsed {
  readonly sections: Section[];
  /** lines before the first section (normally none) */
  readonly preamble: string[];
  readonly eol: string;
  readonly finalEol: boolean;
}

function parse(bytes: Uint8Array, side: Side): Parsed {
  const text = Buffer.from(bytes).toString('utf8');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const raw = text.split(/\r?\n/);
  const finalEol = raw.length > 1 && raw[raw.length - 1] === '';
  if (finalEol) raw.pop();
  const preamble: string[] = [];
  const sections: Section[] = [];
  for (const line of raw) {
    const m = HEADER.exec(line);
    if (m) sections.push({ tag: m[1]!, lines: [line], attrs: attrsOf(line) });
    else if (sections.length) sections[sections.length - 1]!.lines.push(line);
    else preamble.push(line);
  }
  if (!sections.length || (sections[0]!.tag !== 'gd_scene' && sections[0]!.tag !== 'gd_resource'))
    throw new ElementFormatError(side.path, side.where, 'not a Godot text scene (no [gd_scene] header)');
  let root: string | null = null;
  for (const s of sections) {
    if (s.tag !== 'node') continue;
    const name = s.attrs.name ?? '';
    const parent = s.attrs.parent;
    if (parent === undefined) {
      root ??= name;
      s.path = name;
    } else s.path = parent === '.' ? name : `${parent}/${name}`;
  }
  return { sections, preamble, eol, finalEol };
}

function info(s: Section): ElementInfo {
  const props = s.lines.slice(1).filter((l) => /^\s*[\w/]+\s*=/.test(l)).length;
  return {
    name: s.path!,
    kind: 'node',
    details: {
      type: s.attrs.type ?? null,
      parent: s.attrs.parent ?? null,
      properties: props,
      ...(s.attrs.instance ? { instance: s.attrs.instance } : {}),
    },
  };
}

function nodes(p: Parsed): Section[] {
  return p.sections.filter((s) => s.tag === 'node');
}

const REF = /(ExtResource|SubResource)\(\s*"?([^")\s]+)"?\s*\)/g;

function refsIn(lines: readonly string[]): { kind: 'ExtResource' | 'SubResource'; id: string }[] {
  const out: { kind: 'ExtResource' | 'SubResource'; id: string }[] = [];
  for (const l of lines)
    for (const m of l.matchAll(REF)) out.push({ kind: m[1] as 'ExtResource' | 'SubResource', id: m[2]! });
  return out;
}

function renameRefs(lines: readonly string[], kind: string, from: string, to: string): string[] {
  return lines.map((l) =>
    l.replace(REF, (all, k: string, id: string) => (k === kind && id === from ? all.replace(id, to) : all)),
  );
}

function trimBlank(lines: readonly string[]): { body: string[]; blank: string[] } {
  let end = lines.length;
  while (end > 1 && lines[end - 1]!.trim() === '') end--;
  return { body: lines.slice(0, end), blank: lines.slice(end) };
}

function freshId(taken: Set<string>, id: string): string {
  if (/^\d+$/.test(id)) {
    let n = Math.max(0, ...[...taken].filter((t) => /^\d+$/.test(t)).map(Number)) + 1;
    while (taken.has(String(n))) n++;
    return String(n);
  }
  for (let n = 1; ; n++) if (!taken.has(`${id}_r${n}`)) return `${id}_r${n}`;
}

function restore(opts: {
  current: Uint8Array;
  old: Uint8Array;
  element: string;
  path: string;
  oldWhere: string;
}): FormatRestore {
  const oldSide = { path: opts.path, where: opts.oldWhere };
  const cur = parse(opts.current, { path: opts.path, where: 'the project folder' });
  const old = parse(opts.old, oldSide);
  const target = pickElement(nodes(old).map(info), opts.element, oldSide);
  const from = nodes(old).find((s) => s.path === target.name)!;
  const notes: string[] = [];
  const sections = [...cur.sections];
  const idsOf = (tag: string) =>
    new Set(
      sections
        .filter((s) => s.tag === tag)
        .map((s) => s.attrs.id!)
        .filter(Boolean),
    );

  /** Bring the resources `lines` refer to into the current file; returns the lines with ids renamed where needed. */
  const bring = (lines: string[], depth = 0): string[] => {
    if (depth > 32)
      throw new ElementFormatError(opts.path, opts.oldWhere, 'sub-resources refer to each other in a loop');
    let outLines = lines;
    const done = new Set<string>();
    for (const r of refsIn(lines)) {
      const key = `${r.kind}:${r.id}`;
      if (done.has(key)) continue;
      done.add(key);
      const tag = r.kind === 'ExtResource' ? 'ext_resource' : 'sub_resource';
      const decl = old.sections.find((s) => s.tag === tag && s.attrs.id === r.id);
      if (!decl) throw new ElementFormatError(opts.path, opts.oldWhere, `${r.kind}(${r.id}) is used but not declared`);
      const same = sections.find((s) => s.tag === tag && s.attrs.id === r.id);
      if (tag === 'ext_resource') {
        if (same && same.attrs.path === decl.attrs.path) continue;
        const byPath = sections.find((s) => s.tag === 'ext_resource' && s.attrs.path === decl.attrs.path);
        if (byPath) {
          outLines = renameRefs(outLines, r.kind, r.id, byPath.attrs.id!);
          continue;
        }
        const id = same ? freshId(idsOf(tag), r.id) : r.id;
        const line = same ? decl.lines[0]!.replace(/\bid=("?)[^"\s\]]+("?)/, `id=$1${id}$2`) : decl.lines[0]!;
        const at = sections.map((s) => s.tag).lastIndexOf('ext_resource');
        if (at >= 0) {
          // one ext_resource line after another; the blank line that followed the last one follows the new one
          const { body, blank } = trimBlank(sections[at]!.lines);
          sections[at] = { ...sections[at]!, lines: body };
          sections.splice(at + 1, 0, { tag, lines: [line, ...blank], attrs: { ...decl.attrs, id } });
        } else {
          if (!trimBlank(sections[0]!.lines).blank.length)
            sections[0] = { ...sections[0]!, lines: [...sections[0]!.lines, ''] };
          sections.splice(1, 0, { tag, lines: [line, ''], attrs: { ...decl.attrs, id } });
        }
        if (id !== r.id) outLines = renameRefs(outLines, r.kind, r.id, id);
        notes.push(`external resource ${decl.attrs.path ?? id} was added back`);
      } else {
        const body = bring(decl.lines, depth + 1);
        if (same && trimBlank(same.lines).body.join('\n') === trimBlank(body).body.join('\n')) continue;
        const id = same ? freshId(idsOf(tag), r.id) : r.id;
        const lines2 =
          id === r.id ? body : [body[0]!.replace(/\bid=("?)[^"\s\]]+("?)/, `id=$1${id}$2`), ...body.slice(1)];
        const firstNode = sections.findIndex((s) => s.tag === 'node');
        const withBlank = trimBlank(lines2).blank.length ? lines2 : [...lines2, ''];
        sections.splice(firstNode >= 0 ? firstNode : sections.length, 0, {
          tag,
          lines: withBlank,
          attrs: { ...decl.attrs, id },
        });
        if (id !== r.id) outLines = renameRefs(outLines, r.kind, r.id, id);
        notes.push(
          `sub-resource ${id} (${decl.attrs.type ?? 'resource'}) was ${same ? 'copied under a new id' : 'added back'}`,
        );
      }
    }
    return outLines;
  };

  const here = sections.find((s) => s.tag === 'node' && s.path === target.name);
  const restoredLines = bring(from.lines);
  let action: FormatRestore['action'];
  if (here) {
    const { blank } = trimBlank(here.lines);
    sections[sections.indexOf(here)] = { ...from, lines: [...trimBlank(restoredLines).body, ...blank] };
    action = 'replaced';
  } else {
    const parent = from.attrs.parent;
    if (parent === undefined) throw new MissingParentError(target.name, opts.path, '(the scene root)');
    const parentPath = parent === '.' ? (nodes(cur).find((s) => s.attrs.parent === undefined)?.path ?? null) : parent;
    const nodeList = sections.filter((s) => s.tag === 'node');
    const inSubtree = (s: Section) =>
      parent === '.' ? true : s.path === parentPath || s.path!.startsWith(`${parentPath}/`);
    if (!parentPath || !nodeList.some((s) => s.path === parentPath || (parent === '.' && s.attrs.parent === undefined)))
      throw new MissingParentError(target.name, opts.path, parent);
    const lastInSubtree = [...nodeList].reverse().find(inSubtree)!;
    const at = sections.indexOf(lastInSubtree) + 1;
    const prevLines = sections[at - 1]!.lines;
    if (!trimBlank(prevLines).blank.length) sections[at - 1] = { ...sections[at - 1]!, lines: [...prevLines, ''] };
    const body = trimBlank(restoredLines).body;
    sections.splice(at, 0, { ...from, lines: at < sections.length ? [...body, ''] : body });
    action = 'inserted';
  }
  // load_steps counts the resources plus one
  const head = sections[0]!;
  if (/\bload_steps=\d+/.test(head.lines[0]!)) {
    const steps = sections.filter((s) => s.tag === 'ext_resource' || s.tag === 'sub_resource').length + 1;
    sections[0] = {
      ...head,
      lines: [head.lines[0]!.replace(/\bload_steps=\d+/, `load_steps=${steps}`), ...head.lines.slice(1)],
    };
  }
  const all = [...cur.preamble, ...sections.flatMap((s) => s.lines)];
  const data = Buffer.from(all.join(cur.eol) + (cur.finalEol ? cur.eol : ''), 'utf8');
  return { data, element: target, action, notes };
}

/** A section's text with resource ids replaced by what they name, so renumbered ids compare equal. */
function canonical(p: Parsed, s: Section): string {
  const lines = trimBlank(s.lines).body.map((l) =>
    l.replace(REF, (all, kind: string, id: string) => {
      const tag = kind === 'ExtResource' ? 'ext_resource' : 'sub_resource';
      const decl = p.sections.find((x) => x.tag === tag && x.attrs.id === id);
      if (!decl) return all;
      return tag === 'ext_resource' ? `${kind}(${decl.attrs.path})` : `${kind}{${canonical(p, decl)}}`;
    }),
  );
  return lines.join('\n').replace(/\bid=("?)[^"\s\]]+\1/, 'id=_');
}

function fingerprint(bytes: Uint8Array, side: Side): Fingerprint {
  const p = parse(bytes, side);
  const elements = new Map<string, ElementPrint>();
  for (const n of nodes(p)) {
    const parent = n.attrs.parent;
    // parent="." is the root node (the first one)
    const parentPath = parent === '.' ? nodes(p)[0]?.path : parent;
    elements.set(`node:${n.path}`, {
      name: n.path!,
      kind: 'node',
      sig: canonical(p, n),
      ...(parentPath && parentPath !== n.path ? { parent: `node:${parentPath}` } : {}),
    });
  }
  // connections and other sections; resources count through the nodes that use them
  const head = p.sections[0]!.lines[0]!.replace(/\s*load_steps=\d+/, '');
  const others = p.sections.filter(
    (x) => !['gd_scene', 'gd_resource', 'node', 'ext_resource', 'sub_resource'].includes(x.tag),
  );
  const rest = [head, ...others.map((x) => canonical(p, x))].sort().join('\n');
  return { elements, rest };
}

function remove(opts: RemoveInput): FormatRestore {
  const side = { path: opts.path, where: 'the file being merged' };
  const cur = parse(opts.current, side);
  const target = pickElement(nodes(cur).map(info), opts.element, side);
  const sections = cur.sections.filter((s) => !(s.tag === 'node' && s.path === target.name));
  const last = sections[sections.length - 1]!;
  if (trimBlank(last.lines).blank.length && cur.sections[cur.sections.length - 1]!.path === target.name)
    sections[sections.length - 1] = { ...last, lines: trimBlank(last.lines).body };
  const all = [...cur.preamble, ...sections.flatMap((s) => s.lines)];
  const data = Buffer.from(all.join(cur.eol) + (cur.finalEol ? cur.eol : ''), 'utf8');
  return { data, element: target, action: 'replaced', notes: [] };
}

export const tscnFormat: ElementFormat = {
  format: 'tscn',
  list: (bytes, side) => nodes(parse(bytes, side)).map(info),
  restore,
  fingerprint,
  remove,
};
