/**
 * Wavefront OBJ objects (`o NAME`) and groups (`g NAME`), edited as text.
 *
 * An object runs from its `o` line to the next `o`; a group from its `g` line
 * to the next `o` or `g`. Faces (`f`, and `l`/`p`) use file-wide 1-based (or
 * negative, relative) indices into the `v`/`vt`/`vn` lists, so restoring a
 * block re-numbers: the old block's own vertex lines come with it, vertices
 * it used from elsewhere in the old file are copied in after its `o`/`g` line,
 * and every face line whose numbers shift is rewritten with absolute indices.
 * Vertices of the replaced block that other blocks still use are kept.
 * Lines that do not move keep their exact text; line endings are preserved.
 */
import { ElementFormatError } from './errors.js';
import { pickElement, siblingNamer } from './match.js';
import { nodeCrypto } from '../../../builtins.js';
import type {
  ElementFormat,
  ElementInfo,
  ElementPrint,
  Fingerprint,
  FormatRestore,
  RemoveInput,
  Side,
} from './types.js';

type VKind = 'v' | 'vt' | 'vn';
const VKINDS: readonly VKind[] = ['v', 'vt', 'vn'];

interface Line {
  readonly text: string;
  readonly key: string;
  /** v/vt/vn: its 1-based index among lines of its kind */
  readonly index?: number;
  /** f/l/p: per corner, absolute indices (0: absent) */
  readonly refs?: { v: number; vt: number; vn: number }[];
  /** f/l/p: whether any index was written relative (negative) */
  readonly relative?: boolean;
}

interface Block {
  readonly name: string;
  readonly kind: 'object' | 'group';
  readonly start: number;
  readonly end: number;
}

interface Parsed {
  readonly lines: Line[];
  readonly eol: string;
  readonly finalEol: boolean;
  readonly blocks: Block[];
}

function parse(bytes: Uint8Array, side: Side): Parsed {
  const text = Buffer.from(bytes).toString('utf8');
  if (text.includes('\0')) throw new ElementFormatError(side.path, side.where, 'not a text OBJ file');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const raw = text.split(/\r?\n/);
  const finalEol = raw.length > 1 && raw[raw.length - 1] === '';
  if (finalEol) raw.pop();
  const count = { v: 0, vt: 0, vn: 0 };
  const lines: Line[] = raw.map((t, n) => {
    const key = t.trimStart().split(/\s+/, 1)[0] ?? '';
    if (key === 'v' || key === 'vt' || key === 'vn') return { text: t, key, index: ++count[key] };
    if (key === 'f' || key === 'l' || key === 'p') {
      let relative = false;
      const body = t.replace(/#.*/, '').trim().split(/\s+/).slice(1);
      const refs = body.map((tok) => {
        const [a, b, c] = tok.split('/');
        const abs = (s: string | undefined, k: VKind): number => {
          if (!s) return 0;
          const i = Number.parseInt(s, 10);
          if (!Number.isFinite(i) || i === 0)
            throw new ElementFormatError(side.path, side.where, `line ${n + 1}: bad index '${tok}'`);
          if (i < 0) relative = true;
          return i < 0 ? count[k] + 1 + i : i;
        };
        return { v: abs(a, 'v'), vt: abs(b, 'vt'), vn: abs(c, 'vn') };
      });
      return { text: t, key, refs, relative };
    }
    return { text: t, key };
  });
  const blocks: Block[] = [];
  const names = { object: siblingNamer(), group: siblingNamer() };
  lines.forEach((l, i) => {
    if (l.key !== 'o' && l.key !== 'g') return;
    const kind = l.key === 'o' ? 'object' : 'group';
    let end = i + 1;
    while (end < lines.length && lines[end]!.key !== 'o' && (kind === 'object' || lines[end]!.key !== 'g')) end++;
    const name = l.text.trim().slice(1).trim() || (kind === 'object' ? 'object' : 'default');
    blocks.push({ name: names[kind](name), kind, start: i, end });
  });
  return { lines, eol, finalEol, blocks };
}

function info(p: Parsed, b: Block): ElementInfo {
  const ls = p.lines.slice(b.start, b.end);
  return {
    name: b.name,
    kind: b.kind,
    details: {
      // its own vertex lines and the ones its faces use from elsewhere (often listed before its `o` line)
      vertices: new Set([
        ...ls.filter((l) => l.key === 'v').map((l) => l.index),
        ...ls
          .flatMap((l) => l.refs ?? [])
          .map((r) => r.v)
          .filter((v) => v > 0),
      ]).size,
      faces: ls.filter((l) => l.key === 'f').length,
      materials: [...new Set(ls.filter((l) => l.key === 'usemtl').map((l) => l.text.trim().slice(6).trim()))],
    },
  };
}

interface Out {
  readonly line: Line;
  readonly from: 'cur' | 'old';
}

function restore(opts: {
  current: Uint8Array;
  old: Uint8Array;
  element: string;
  path: string;
  oldWhere: string;
}): FormatRestore {
  const cur = parse(opts.current, { path: opts.path, where: 'the project folder' });
  const old = parse(opts.old, { path: opts.path, where: opts.oldWhere });
  const target = pickElement(
    old.blocks.map((b) => info(old, b)),
    opts.element,
    { path: opts.path, where: opts.oldWhere },
  );
  const ob = old.blocks.find((b) => b.kind === target.kind && b.name === target.name)!;
  const cb = cur.blocks.find((b) => b.kind === target.kind && b.name === target.name);
  const notes: string[] = [];

  // the restored block: header, vertices it uses from outside, then its own lines
  const inside = (i: number) => i >= ob.start && i < ob.end;
  const ownOld = { v: new Set<number>(), vt: new Set<number>(), vn: new Set<number>() };
  old.lines.forEach((l, i) => {
    if (inside(i) && l.index) ownOld[l.key as VKind].add(l.index);
  });
  const need = { v: new Set<number>(), vt: new Set<number>(), vn: new Set<number>() };
  for (let i = ob.start; i < ob.end; i++)
    for (const r of old.lines[i]!.refs ?? [])
      for (const k of VKINDS) if (r[k] && !ownOld[k].has(r[k])) need[k].add(r[k]);
  const table = { v: [] as Line[], vt: [] as Line[], vn: [] as Line[] };
  for (const l of old.lines) if (l.index) table[l.key as VKind][l.index - 1] = l;
  const byIndex = (k: VKind, idx: number) => table[k][idx - 1];
  const restored: Out[] = [{ line: old.lines[ob.start]!, from: 'old' }];
  for (const k of VKINDS) {
    for (const idx of [...need[k]].sort((a, b) => a - b)) {
      const l = byIndex(k, idx);
      if (!l)
        throw new ElementFormatError(
          opts.path,
          opts.oldWhere,
          `${target.kind} '${target.name}' uses ${k} ${idx}, which the file does not have`,
        );
      restored.push({ line: l, from: 'old' });
    }
  }
  for (let i = ob.start + 1; i < ob.end; i++) restored.push({ line: old.lines[i]!, from: 'old' });

  // the current file around it; the replaced block's vertices that others use stay
  let out: Out[];
  let action: FormatRestore['action'];
  if (cb) {
    const usedOutside = { v: new Set<number>(), vt: new Set<number>(), vn: new Set<number>() };
    cur.lines.forEach((l, i) => {
      if (i >= cb.start && i < cb.end) return;
      for (const r of l.refs ?? []) for (const k of VKINDS) if (r[k]) usedOutside[k].add(r[k]);
    });
    const keep = cur.lines.slice(cb.start, cb.end).filter((l) => l.index && usedOutside[l.key as VKind].has(l.index));
    if (keep.length)
      notes.push(
        `${keep.length} vertex line(s) of the current ${target.kind} are used by other parts of the file and were kept`,
      );
    const wrap = (ls: Line[]): Out[] => ls.map((line) => ({ line, from: 'cur' }));
    out = [...wrap(cur.lines.slice(0, cb.start)), ...wrap(keep), ...restored, ...wrap(cur.lines.slice(cb.end))];
    action = 'replaced';
  } else {
    // after the block that came before it in the old file, when the current file has that one
    const prev = old.blocks.filter((b) => b.kind === target.kind && b.start < ob.start).pop();
    const after = prev && cur.blocks.find((b) => b.kind === prev.kind && b.name === prev.name);
    const at = after ? after.end : cur.lines.length;
    const wrap = (ls: Line[]): Out[] => ls.map((line) => ({ line, from: 'cur' }));
    out = [...wrap(cur.lines.slice(0, at)), ...restored, ...wrap(cur.lines.slice(at))];
    action = 'inserted';
  }

  const data = render(out, cur, opts.path);
  if (need.v.size + need.vt.size + need.vn.size)
    notes.push(
      `${need.v.size + need.vt.size + need.vn.size} vertex line(s) the ` +
        `${target.kind} used from elsewhere in the old file were copied in`,
    );
  return { data, element: target, action, notes };
}

/** The lines of `out` as a file: vertices numbered as they now stand, faces whose numbers moved rewritten. */
function render(out: Out[], cur: Parsed, path: string): Buffer {
  // number the vertices as they now stand, then rewrite the faces whose numbers moved
  const maps = {
    cur: { v: new Map<number, number>(), vt: new Map<number, number>(), vn: new Map<number, number>() },
    old: { v: new Map<number, number>(), vt: new Map<number, number>(), vn: new Map<number, number>() },
  };
  const count = { v: 0, vt: 0, vn: 0 };
  for (const o of out)
    if (o.line.index) maps[o.from][o.line.key as VKind].set(o.line.index, ++count[o.line.key as VKind]);
  const running = { v: 0, vt: 0, vn: 0 };
  const text = out.map((o) => {
    const { line } = o;
    if (line.index) running[line.key as VKind]++;
    if (!line.refs) return line.text;
    const m = maps[o.from];
    let moved = false;
    const corners = line.refs.map((r) => {
      const n = { v: r.v ? m.v.get(r.v) : 0, vt: r.vt ? m.vt.get(r.vt) : 0, vn: r.vn ? m.vn.get(r.vn) : 0 };
      for (const k of VKINDS) {
        if (n[k] === undefined)
          throw new ElementFormatError(
            path,
            'restoring',
            `a ${line.key} line refers to ${k} ${r[k]}, which was not kept`,
          );
        if (n[k] !== r[k]) moved = true;
      }
      return n as { v: number; vt: number; vn: number };
    });
    // relative (negative) indices still right where they now stand: keep the line as written
    if (line.relative) moved = !sameRelative(line.text, corners, running);
    if (!moved) return line.text;
    const toks = corners.map((n) => {
      if (n.vn) return `${n.v}/${n.vt || ''}/${n.vn}`;
      return n.vt ? `${n.v}/${n.vt}` : `${n.v}`;
    });
    const indent = line.text.match(/^\s*/)![0];
    const comment = line.text.includes('#') ? ` ${line.text.slice(line.text.indexOf('#'))}` : '';
    return `${indent}${line.key} ${toks.join(' ')}${comment}`;
  });
  return Buffer.from(text.join(cur.eol) + (cur.finalEol || !cur.lines.length ? cur.eol : ''), 'utf8');
}

/** A block's content with face indices replaced by the vertices they name (so renumbering compares equal). */
function blockSig(p: Parsed, b: Block): string {
  const table = { v: [] as string[], vt: [] as string[], vn: [] as string[] };
  for (const l of p.lines) if (l.index) table[l.key as VKind][l.index - 1] = l.text.trim();
  const lines = p.lines.slice(b.start, b.end).map((l) => {
    if (!l.refs) return l.index ? '' : l.text.trim();
    return `${l.key} ${l.refs.map((r) => VKINDS.map((k) => (r[k] ? table[k][r[k] - 1] : '')).join('|')).join(' ')}`;
  });
  return nodeCrypto().createHash('sha256').update(lines.filter(Boolean).join('\n')).digest('hex');
}

function fingerprint(bytes: Uint8Array, side: Side): Fingerprint {
  const p = parse(bytes, side);
  const elements = new Map<string, ElementPrint>();
  for (const b of p.blocks) {
    // a group inside an object (after its o line, before the next o) belongs to it
    const owner =
      b.kind === 'group'
        ? p.blocks.find((o) => o.kind === 'object' && o.start < b.start && b.start < o.end)
        : undefined;
    elements.set(`${b.kind}:${b.name}`, {
      name: b.name,
      kind: b.kind,
      sig: blockSig(p, b),
      ...(owner ? { parent: `object:${owner.name}` } : {}),
    });
  }
  const inBlock = (i: number) => p.blocks.some((b) => i >= b.start && i < b.end);
  const rest = p.lines
    .filter((l, i) => !inBlock(i) && !l.index && !l.refs && l.key && !l.key.startsWith('#'))
    .map((l) => l.text.trim())
    .join('\n');
  return { elements, rest };
}

function remove(opts: RemoveInput): FormatRestore {
  const side = { path: opts.path, where: 'the file being merged' };
  const cur = parse(opts.current, side);
  const target = pickElement(
    cur.blocks.map((b) => info(cur, b)),
    opts.element,
    side,
  );
  const cb = cur.blocks.find((b) => b.kind === target.kind && b.name === target.name)!;
  const usedOutside = { v: new Set<number>(), vt: new Set<number>(), vn: new Set<number>() };
  cur.lines.forEach((l, i) => {
    if (i >= cb.start && i < cb.end) return;
    for (const r of l.refs ?? []) for (const k of VKINDS) if (r[k]) usedOutside[k].add(r[k]);
  });
  const keep = cur.lines.slice(cb.start, cb.end).filter((l) => l.index && usedOutside[l.key as VKind].has(l.index));
  const wrap = (ls: Line[]): Out[] => ls.map((line) => ({ line, from: 'cur' }));
  const out = [...wrap(cur.lines.slice(0, cb.start)), ...wrap(keep), ...wrap(cur.lines.slice(cb.end))];
  return { data: render(out, cur, opts.path), element: target, action: 'replaced', notes: [] };
}

/** Whether the indices as written in `text` (negative ones counted back from `count`) give `want`. */
function sameRelative(
  text: string,
  want: readonly { v: number; vt: number; vn: number }[],
  count: Record<VKind, number>,
): boolean {
  const toks = text.replace(/#.*/, '').trim().split(/\s+/).slice(1);
  return toks.every((tok, i) => {
    const parts = tok.split('/');
    return VKINDS.every((k, j) => {
      const s = parts[j];
      const n = s ? Number.parseInt(s, 10) : 0;
      const abs = n < 0 ? count[k] + 1 + n : n;
      return abs === want[i]![k];
    });
  });
}

export const objFormat: ElementFormat = {
  format: 'obj',
  list: (bytes, side) => {
    const p = parse(bytes, side);
    return p.blocks.map((b) => info(p, b));
  },
  restore,
  fingerprint,
  remove,
  nested: true,
};
