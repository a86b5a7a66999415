import type { SceneDiffReport } from '../scene/diffScene.js';
import type { ImageDiffReport, ImageSideInfo } from './imageDiff.js';
import type { Bounds, MeshDiff, ModelDiffReport } from './modelDiff.js';
import type { LayerDiff, PropertyChange } from './psdDiff.js';
import type { Region } from './regions.js';
import type { VisualDiffReport } from './visualDiff.js';

/**
 * Lines a person reads for a visual diff report (the CLI prints them; --json prints the report).
 * Lists stop after `maxLines` entries each, with a line saying how many more there are
 * (`... and 92 more`); `maxLines: Infinity` lists every one.
 */
export function describeVisualDiff(r: VisualDiffReport, opts: { maxLines?: number } = {}): string[] {
  const max = opts.maxLines ?? 40;
  return [
    `${r.path}: ${r.kind}${fmtOf(r)}, ` +
      `${r.status}${r.from ? `, renamed from ${r.from}` : ''} (${r.a.rev} -> ${r.b.rev})`,
    ...(r.image ? imageLines(r.image, max) : []),
    ...(r.layers ? layerLines(r.layers, max) : []),
    ...(r.layer ? oneLayerLines(r.layer, max) : []),
    ...(r.model ? modelLines(r.model, max) : []),
    ...(r.scene ? sceneLines(r.scene, max) : []),
  ];
}

/** The first `max` items as lines, then '... and N more' when there are more. */
function listed<T>(items: readonly T[], max: number, line: (x: T, i: number) => string, hint = '--all'): string[] {
  const out = items.slice(0, max).map(line);
  if (items.length > max) out.push(`    ... and ${num(items.length - max)} more (${hint} lists every one)`);
  return out;
}

function regionLine(g: Region, i: number): string {
  return `    ${i + 1}. x=${g.x} y=${g.y} ${g.width}x${g.height} (${num(g.changed)} px changed)`;
}

function imageLines(im: ImageDiffReport, max: number): string[] {
  const hidden = im.regionsTotal - im.regions.length;
  return [
    `  size      ${side(im.before)} -> ${side(im.after)}`,
    ...(im.fit ? [`  scale     ${fitLine(im)}`] : []),
    ...changeLines(im),
    `  regions   ${num(im.regionsTotal)}`,
    ...listed(im.regions, max, regionLine),
    ...(hidden > 0 ? [`    ... and ${num(hidden)} smaller region(s) (--all lists every one)`] : []),
    ...im.notes.map((n) => `  note      ${n}`),
  ];
}

function layerLines(layers: readonly LayerDiff[], max: number): string[] {
  const c = (s: string) => layers.filter((l) => l.status === s).length;
  const line = (l: LayerDiff) => {
    const rect = l.status !== 'changed' ? (l.after ?? l.before) : null;
    const what = [
      ...(l.changedShare !== undefined && l.changedPixels ? [`${pct(l.changedShare)} of its pixels`] : []),
      ...l.properties.map(prop),
      ...(rect ? [`${rect.width}x${rect.height} at ${rect.left},${rect.top}`] : []),
    ];
    return (
      `    ${l.status.padEnd(8)} ` +
      `${l.kind === 'group' ? 'group ' : ''}${l.path}${what.length ? `: ${what.join('; ')}` : ''}`
    );
  };
  return [
    `  layers    ${c('changed')} changed, ${c('added')} added, ${c('removed')} removed, ${c('unchanged')} unchanged`,
    ...listed(
      layers.filter((x) => x.status !== 'unchanged'),
      max,
      line,
    ),
  ];
}

function oneLayerLines(layer: NonNullable<VisualDiffReport['layer']>, max: number): string[] {
  const li = layer.image;
  const what = li.changedPixels
    ? `${pct(li.changedShare)} of the canvas changed (${num(li.changedPixels)} px)`
    : `no pixel over the threshold (${num(li.differingPixels)} differ at all)`;
  const n = li.regionsTotal;
  return [
    `  layer     ${layer.path}: ${what}, ${n} region${n === 1 ? '' : 's'}`,
    ...listed(li.regions, max, regionLine),
  ];
}

function modelLines(m: ModelDiffReport, max: number): string[] {
  const tot = (s: typeof m.before) =>
    s
      ? `${s.meshes} parts, ${num(s.vertices)} vertices, ${num(s.triangles)} triangles, ${s.materials} materials`
      : '(none)';
  const c = (s: string) => m.meshes.filter((x) => x.status === s).length;
  const matLine = (x: ModelDiffReport['materials'][number]) => {
    const what = [
      ...x.properties.map(prop),
      ...x.texturesAdded.map((t) => `+texture ${t}`),
      ...x.texturesRemoved.map((t) => `-texture ${t}`),
    ];
    return `    ${x.status.padEnd(8)} material ${x.name}${what.length ? `: ${what.join('; ')}` : ''}`;
  };
  const tex = [
    ...m.textures.added.map((t) => `+${t}`),
    ...m.textures.removed.map((t) => `-${t}`),
    ...(m.textures.changed ?? []).map((t) => `~${t} (picture changed)`),
  ];
  const refs = [...m.references.added.map((t) => `+${t}`), ...m.references.removed.map((t) => `-${t}`)];
  const changedMats = m.materials.filter((y) => y.status !== 'unchanged');
  return [
    `  total     ${tot(m.before)} -> ${tot(m.after)}`,
    `  bounds    ${box(m.bounds.before)} -> ${box(m.bounds.after)}`,
    `  parts     ${c('changed')} changed, ${c('added')} added, ${c('removed')} removed, ${c('unchanged')} unchanged`,
    ...listed(
      m.meshes.filter((y) => y.status !== 'unchanged'),
      max,
      (x) => `    ${x.status.padEnd(8)} ${x.kind} ${x.name}${meshWhat(x)}`,
    ),
    ...(changedMats.length ? [`  materials ${changedMats.length} changed, added or removed`] : []),
    ...listed(changedMats, max, matLine),
    ...(tex.length ? [`  textures  ${tex.join(' ')}`] : []),
    ...(refs.length ? [`  refs      ${refs.join(' ')}`] : []),
  ];
}

function sceneLines(s: SceneDiffReport, max: number): string[] {
  const line = (c: SceneDiffReport['changes'][number]) => {
    let v = '';
    if (c.status === 'changed') v = `: ${val(c.before)} -> ${val(c.after)}`;
    else if (c.key !== undefined || !c.section) v = `: ${val(c.status === 'added' ? c.after : c.before)}`;
    return `    ${c.status.padEnd(8)} ${c.path}${v}`;
  };
  const unlisted = s.total - s.changes.length;
  return [
    ...(s.sections
      ? [`  sections  ${s.sections.changed} changed, ${s.sections.added} added, ${s.sections.removed} removed`]
      : []),
    `  changes   ${num(s.total)}`,
    ...listed(s.changes, max, line),
    ...(unlisted > 0
      ? [`    ... and ${num(unlisted)} more not collected (the report keeps the first ${s.changes.length})`]
      : []),
  ];
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
  return (
    `${s.width}x${s.height} ` +
    `${[s.format, s.colorType, s.bitDepth ? `${s.bitDepth}-bit` : ''].filter(Boolean).join(' ')}${s.layers !== undefined ? `, ${s.layers} layers` : ''}`
  );
}

/**
 * A share (0..1) as people read it: 6.84%, 94.0%, 0.0031%; a share that is not zero never prints as
 * 0% (below 0.0001%: '<0.0001%'). The CLI, the TUI and the timeline page print shares with this.
 */
export function formatShare(share: number): string {
  const p = share * 100;
  if (p > 0 && p < 0.0001) return '<0.0001%';
  if (p === 0 || p >= 10) return `${p.toFixed(1)}%`;
  return `${p < 0.01 ? p.toFixed(4) : p.toFixed(2)}%`;
}

const pct = formatShare;

/** ΔE with one decimal (two below 1, so a faint shift does not read 0.0). */
export function formatDeltaE(v: number): string {
  return v >= 1 || v === 0 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * The 'changed' and 'differ' lines of an image comparison: the share over the threshold, and the
 * pixels that differ at all with their colour difference, in words when nothing passed the threshold.
 */
export function changeLines(im: ImageDiffReport): string[] {
  const over = `over the threshold ${im.threshold}`;
  const de = im.deltaE ? `: mean ΔE ${formatDeltaE(im.deltaE.mean)}, max ${formatDeltaE(im.deltaE.max)}` : '';
  if (!im.differingPixels) return [`  changed   none: all ${num(im.totalPixels)} pixels are identical`];
  const lines: string[] = [];
  if (im.changedPixels)
    lines.push(
      `  changed   ${pct(im.changedShare)} of pixels (${num(im.changedPixels)} of ${num(im.totalPixels)}) ${over}`,
    );
  else lines.push(`  changed   none of ${num(im.totalPixels)} pixels ${over}`);
  const all = im.differingPixels === im.totalPixels;
  const some = `${num(im.differingPixels)} of ${num(im.totalPixels)} pixels (${pct(im.differingShare)})`;
  const count = all ? `all ${num(im.totalPixels)} pixels` : some;
  let how = 'shifted slightly';
  if (im.changedPixels) how = all ? 'differ' : 'differ at all';
  lines.push(`  differ    ${count} ${how}${de}${im.comparedDepth === 16 ? ' (at 16 bits)' : ''}`);
  return lines;
}

function fitLine(im: ImageDiffReport): string {
  const f = im.fit!;
  const one = (s: ImageSideInfo | null, k: readonly [number, number]) =>
    k[0] === 1 && k[1] === 1
      ? 'as it is'
      : `scaled ${k[0] === k[1] ? `x${round3(k[0])}` : `x${round3(k[0])} by x${round3(k[1])}`} ` +
        `from ${s?.width}x${s?.height}`;
  return (
    `compared at ${im.canvas.width}x${im.canvas.height} (--fit): before ` +
    `${one(im.before, f.before)}, after ${one(im.after, f.after)}`
  );
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function num(n: number): string {
  return n.toLocaleString('en-US');
}

function val(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  if (s === undefined) return 'undefined';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function prop(p: PropertyChange): string {
  if (p.unit === 'degrees') {
    const angles = (v: unknown) => `[${(v as number[]).map((d) => `${d}°`).join(', ')}]`;
    return `${p.key} ${angles(p.before)} -> ${angles(p.after)}`;
  }
  return `${p.key} ${val(p.before)} -> ${val(p.after)}`;
}

function box(b: Bounds | null): string {
  return b ? `[${b.min.join(', ')}]..[${b.max.join(', ')}]` : '(none)';
}

function meshWhat(x: MeshDiff): string {
  if (x.status === 'added')
    return (
      `: ${num(x.vertices.after ?? 0)} vertices, ` +
      `${num(x.triangles.after ?? 0)} triangles, bounds ${box(x.bounds.after)}`
    );
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
