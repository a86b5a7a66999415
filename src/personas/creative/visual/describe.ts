import type { ImageSideInfo } from './imageDiff.js';
import type { Bounds, MeshDiff } from './modelDiff.js';
import type { PropertyChange } from './psdDiff.js';
import type { VisualDiffReport } from './visualDiff.js';

/** Lines a person reads for a visual diff report (the CLI prints them; --json prints the report). */
export function describeVisualDiff(r: VisualDiffReport, opts: { maxLines?: number } = {}): string[] {
  const max = opts.maxLines ?? 40;
  const out: string[] = [
    `${r.path}: ${r.kind}${fmtOf(r)}, ${r.status}${r.from ? `, renamed from ${r.from}` : ''} (${r.a.rev} -> ${r.b.rev})`,
  ];
  if (r.image) {
    const im = r.image;
    out.push(`  size      ${side(im.before)} -> ${side(im.after)}`);
    out.push(`  changed   ${pct(im.changedShare)} of pixels (${num(im.changedPixels)} of ${num(im.totalPixels)})`);
    out.push(
      `  regions   ${im.regionsTotal}${im.regionsTotal > im.regions.length ? ` (largest ${im.regions.length} shown)` : ''}`,
    );
    im.regions
      .slice(0, max)
      .forEach((g, i) =>
        out.push(`    ${i + 1}. x=${g.x} y=${g.y} ${g.width}x${g.height} (${num(g.changed)} px changed)`),
      );
    for (const n of im.notes) out.push(`  note      ${n}`);
  }
  if (r.layers) {
    const c = (s: string) => r.layers!.filter((l) => l.status === s).length;
    out.push(
      `  layers    ${c('changed')} changed, ${c('added')} added, ${c('removed')} removed, ${c('unchanged')} unchanged`,
    );
    for (const l of r.layers.filter((x) => x.status !== 'unchanged').slice(0, max)) {
      const what = [
        ...(l.changedShare !== undefined && l.changedPixels ? [`${pct(l.changedShare)} of its pixels`] : []),
        ...l.properties.map(prop),
        ...(l.status !== 'changed' && (l.after ?? l.before)
          ? [
              `${(l.after ?? l.before)!.width}x${(l.after ?? l.before)!.height} at ${(l.after ?? l.before)!.left},${(l.after ?? l.before)!.top}`,
            ]
          : []),
      ];
      out.push(
        `    ${l.status.padEnd(8)} ${l.kind === 'group' ? 'group ' : ''}${l.path}${what.length ? `: ${what.join('; ')}` : ''}`,
      );
    }
  }
  if (r.layer) {
    const li = r.layer.image;
    out.push(
      `  layer     ${r.layer.path}: ${pct(li.changedShare)} of the canvas changed (${num(li.changedPixels)} px), ${li.regionsTotal} region${li.regionsTotal === 1 ? '' : 's'}`,
    );
    li.regions
      .slice(0, max)
      .forEach((g, i) =>
        out.push(`    ${i + 1}. x=${g.x} y=${g.y} ${g.width}x${g.height} (${num(g.changed)} px changed)`),
      );
  }
  if (r.model) {
    const m = r.model;
    const tot = (s: typeof m.before) =>
      s
        ? `${s.meshes} parts, ${num(s.vertices)} vertices, ${num(s.triangles)} triangles, ${s.materials} materials`
        : '(none)';
    out.push(`  total     ${tot(m.before)} -> ${tot(m.after)}`);
    out.push(`  bounds    ${box(m.bounds.before)} -> ${box(m.bounds.after)}`);
    const c = (s: string) => m.meshes.filter((x) => x.status === s).length;
    out.push(
      `  parts     ${c('changed')} changed, ${c('added')} added, ${c('removed')} removed, ${c('unchanged')} unchanged`,
    );
    for (const x of m.meshes.filter((y) => y.status !== 'unchanged').slice(0, max))
      out.push(`    ${x.status.padEnd(8)} ${x.kind} ${x.name}${meshWhat(x)}`);
    for (const x of m.materials.filter((y) => y.status !== 'unchanged').slice(0, max)) {
      const what = [
        ...x.properties.map(prop),
        ...x.texturesAdded.map((t) => `+texture ${t}`),
        ...x.texturesRemoved.map((t) => `-texture ${t}`),
      ];
      out.push(`    ${x.status.padEnd(8)} material ${x.name}${what.length ? `: ${what.join('; ')}` : ''}`);
    }
    const tex = [
      ...m.textures.added.map((t) => `+${t}`),
      ...m.textures.removed.map((t) => `-${t}`),
      ...(m.textures.changed ?? []).map((t) => `~${t} (picture changed)`),
    ];
    if (tex.length) out.push(`  textures  ${tex.join(' ')}`);
    if (m.references.added.length || m.references.removed.length)
      out.push(
        `  refs      ${[...m.references.added.map((t) => `+${t}`), ...m.references.removed.map((t) => `-${t}`)].join(' ')}`,
      );
  }
  if (r.scene) {
    const s = r.scene;
    if (s.sections)
      out.push(`  sections  ${s.sections.changed} changed, ${s.sections.added} added, ${s.sections.removed} removed`);
    out.push(
      `  changes   ${s.total}${s.total > Math.min(max, s.changes.length) ? ` (first ${Math.min(max, s.changes.length)} shown)` : ''}`,
    );
    for (const c of s.changes.slice(0, max)) {
      const v =
        c.status === 'changed'
          ? `: ${val(c.before)} -> ${val(c.after)}`
          : c.key !== undefined || !c.section
            ? `: ${val(c.status === 'added' ? c.after : c.before)}`
            : '';
      out.push(`    ${c.status.padEnd(8)} ${c.path}${v}`);
    }
  }
  return out;
}

function fmtOf(r: VisualDiffReport): string {
  const f =
    r.image?.after?.format ??
    r.image?.before?.format ??
    r.model?.after?.format ??
    r.model?.before?.format ??
    r.scene?.format;
  return f ? ` (${f})` : '';
}

function side(s: ImageSideInfo | null): string {
  if (!s) return '(none)';
  return `${s.width}x${s.height} ${[s.format, s.colorType, s.bitDepth ? `${s.bitDepth}-bit` : ''].filter(Boolean).join(' ')}${s.layers !== undefined ? `, ${s.layers} layers` : ''}`;
}

function pct(share: number): string {
  const p = share * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(1) : p < 0.01 ? p.toFixed(4) : p.toFixed(2)}%`;
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function val(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function prop(p: PropertyChange): string {
  return `${p.key} ${val(p.before)} -> ${val(p.after)}`;
}

function box(b: Bounds | null): string {
  return b ? `[${b.min.join(', ')}]..[${b.max.join(', ')}]` : '(none)';
}

function meshWhat(x: MeshDiff): string {
  if (x.status === 'added')
    return `: ${num(x.vertices.after ?? 0)} vertices, ${num(x.triangles.after ?? 0)} triangles, bounds ${box(x.bounds.after)}`;
  if (x.status === 'removed')
    return `: had ${num(x.vertices.before ?? 0)} vertices, ${num(x.triangles.before ?? 0)} triangles`;
  const w: string[] = [];
  if (x.vertices.before !== x.vertices.after) w.push(`vertices ${x.vertices.before} -> ${x.vertices.after}`);
  if (x.triangles.before !== x.triangles.after) w.push(`triangles ${x.triangles.before} -> ${x.triangles.after}`);
  if (x.boundsDelta) w.push(`bounds ${box(x.bounds.before)} -> ${box(x.bounds.after)}`);
  else if (x.geometryChanged) w.push('geometry changed (same bounds)');
  w.push(
    ...x.materialsAdded.map((m) => `+material ${m}`),
    ...x.materialsRemoved.map((m) => `-material ${m}`),
    ...x.properties.map(prop),
  );
  return w.length ? `: ${w.join('; ')}` : '';
}
