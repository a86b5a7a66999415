import { parseAllDocuments } from 'yaml';
import type { Provided, Reference, ReferenceKind } from './types.js';
import { folderOf, normalizeJoin, resolveReference, type ResolveOptions } from './resolveReference.js';
import {
  csharpReferences,
  gdscriptReferences,
  godotTextReferences,
  uidFileDeclarations,
  type ParsedReferences,
} from './godotReferences.js';
import { unityMetaDeclarations, unityYamlReferences } from './unityReferences.js';

/**
 * Reading references out of one file's content. Pure: no I/O; `exists` tells
 * whether a project path is a file (for path-like strings in JSON/YAML).
 */
export type ParserKind =
  | 'obj'
  | 'mtl'
  | 'gltf'
  | 'glb'
  | 'godot'
  | 'gdscript'
  | 'godot-project'
  | 'godot-config'
  | 'godot-uid'
  | 'csharp'
  | 'unity-yaml'
  | 'unity-meta'
  | 'json'
  | 'yaml';

const BY_EXT: Record<string, ParserKind> = {
  obj: 'obj',
  mtl: 'mtl',
  gltf: 'gltf',
  glb: 'glb',
  tscn: 'godot',
  tres: 'godot',
  gd: 'gdscript',
  cs: 'csharp',
  cfg: 'godot-config',
  import: 'godot-config',
  uid: 'godot-uid',
  meta: 'unity-meta',
  unity: 'unity-yaml',
  prefab: 'unity-yaml',
  mat: 'unity-yaml',
  asset: 'unity-yaml',
  controller: 'unity-yaml',
  overridecontroller: 'unity-yaml',
  anim: 'unity-yaml',
  mask: 'unity-yaml',
  playable: 'unity-yaml',
  signal: 'unity-yaml',
  spriteatlas: 'unity-yaml',
  terrainlayer: 'unity-yaml',
  lighting: 'unity-yaml',
  mixer: 'unity-yaml',
  physicmaterial: 'unity-yaml',
  physicsmaterial2d: 'unity-yaml',
  rendertexture: 'unity-yaml',
  guiskin: 'unity-yaml',
  fontsettings: 'unity-yaml',
  preset: 'unity-yaml',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
};

/** Which parser reads this file, by name; null: it holds no references we understand. */
export function parserFor(path: string): ParserKind | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'project.godot') return 'godot-project';
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return null;
  return BY_EXT[base.slice(dot + 1).toLowerCase()] ?? null;
}

/** Parsers whose files may declare names (uids, generated files) besides referencing others. */
export function mayDeclare(kind: ParserKind | null): boolean {
  return kind === 'godot' || kind === 'godot-config' || kind === 'godot-uid' || kind === 'unity-meta';
}

export type Exists = (path: string) => boolean;

function ref(
  from: string,
  raw: string,
  kind: ReferenceKind,
  line: number | undefined,
  opts: ResolveOptions = {},
): Reference | null {
  const r = resolveReference(from, raw, opts);
  if (!r) return null;
  return { from, raw, kind, ...(line ? { line } : {}), target: r.target, ...(r.outside ? { outside: true } : {}) };
}

function push(out: Reference[], r: Reference | null): void {
  if (r) out.push(r);
}

/** `mtllib a.mtl b.mtl` lines of an OBJ (one line at a time: OBJ files are streamed). */
export function objLineReferences(from: string, line: string, lineNo: number): Reference[] {
  const list = /^\s*mtllib\s+(.+?)\s*$/.exec(line)?.[1];
  if (list === undefined) return [];
  const out: Reference[] = [];
  // names are space-separated; a single name with spaces is taken whole when it ends in .mtl
  const words = list.split(/\s+/);
  const names = /\.mtl$/i.test(list) && words.filter((x) => /\.mtl$/i.test(x)).length <= 1 ? [list] : words;
  for (const n of names) push(out, ref(from, n, 'mtllib', lineNo));
  return out;
}

const MTL_MAPS = new Set([
  'map_ka',
  'map_kd',
  'map_ks',
  'map_ke',
  'map_ns',
  'map_d',
  'map_tr',
  'map_bump',
  'bump',
  'disp',
  'decal',
  'refl',
  'norm',
  'map_pr',
  'map_pm',
  'map_ps',
  'map_rma',
  'map_orm',
]);
/** MTL texture options and how many arguments each takes at most (numbers for -o/-s/-t: 1 to 3). */
const MTL_OPTS: Record<string, number> = {
  '-blendu': 1,
  '-blendv': 1,
  '-bm': 1,
  '-boost': 1,
  '-cc': 1,
  '-clamp': 1,
  '-imfchan': 1,
  '-mm': 2,
  '-o': 3,
  '-s': 3,
  '-t': 3,
  '-texres': 1,
  '-type': 1,
};

/** The file name of an MTL map statement's arguments, options skipped (`-s 1 1 1 tex.png` -> `tex.png`). */
export function mtlMapFile(args: string): string | null {
  const toks = args.trim().split(/\s+/);
  let i = 0;
  for (;;) {
    const tok = toks[i];
    const max = tok?.startsWith('-') ? MTL_OPTS[tok.toLowerCase()] : undefined;
    if (max === undefined) break;
    i++;
    if (max === 3) {
      let n = 0;
      while (n < 3 && i < toks.length - 1 && /^-?[\d.]+(e-?\d+)?$/i.test(toks[i] ?? '')) {
        i++;
        n++;
      }
    } else i += Math.min(max, Math.max(0, toks.length - 1 - i));
  }
  const name = toks.slice(i).join(' ');
  return name || null;
}

function mtlReferences(from: string, text: string): Reference[] {
  const out: Reference[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    const [, statement = '', args = ''] = /^\s*(\S+)\s+(.+?)\s*$/.exec(line) ?? [];
    if (!MTL_MAPS.has(statement.toLowerCase())) continue;
    const file = mtlMapFile(args);
    if (file) push(out, ref(from, file, 'texture', i + 1));
  }
  return out;
}

function gltfReferences(from: string, json: string): Reference[] {
  const out: Reference[] = [];
  let doc: { buffers?: { uri?: unknown }[]; images?: { uri?: unknown }[] };
  try {
    doc = JSON.parse(json);
  } catch {
    return out;
  }
  for (const b of Array.isArray(doc?.buffers) ? doc.buffers : [])
    if (typeof b?.uri === 'string') push(out, ref(from, b.uri, 'buffer', undefined, { uri: true }));
  for (const im of Array.isArray(doc?.images) ? doc.images : [])
    if (typeof im?.uri === 'string') push(out, ref(from, im.uri, 'image', undefined, { uri: true }));
  return out;
}

/** The JSON chunk of a GLB (`glTF` header, then a JSON chunk); null when `bytes` is not one or is cut short. */
export function glbJson(bytes: Uint8Array): string | null | { need: number } {
  if (bytes.length < 20) return { need: 20 };
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (b.toString('latin1', 0, 4) !== 'glTF') return null;
  const len = b.readUInt32LE(12);
  if (b.toString('latin1', 16, 20) !== 'JSON') return null;
  if (bytes.length < 20 + len) return { need: 20 + len };
  return b.toString('utf8', 20, 20 + len);
}

/** File types a path-like string in JSON/YAML most likely names, even when the file is missing. */
const ASSET_EXT = new Set([
  'png',
  'jpg',
  'jpeg',
  'webp',
  'tga',
  'bmp',
  'gif',
  'tif',
  'tiff',
  'exr',
  'hdr',
  'dds',
  'ktx',
  'ktx2',
  'psd',
  'kra',
  'svg',
  'obj',
  'mtl',
  'fbx',
  'gltf',
  'glb',
  'stl',
  'blend',
  'dae',
  'ply',
  'usd',
  'usda',
  'usdz',
  'wav',
  'ogg',
  'mp3',
  'flac',
  'mp4',
  'webm',
  'ttf',
  'otf',
  'json',
  'yaml',
  'yml',
  'tscn',
  'tres',
  'gd',
  'shader',
  'gdshader',
  'glsl',
  'hlsl',
  'mat',
  'material',
  'bin',
]);

/**
 * Is this string value a reference? It is when it names a file of the project
 * (relative to the file, or to the root), starts with res://, or looks like
 * a path to an asset file (a known extension): then it is reported even when
 * the file is missing, which is how a broken reference shows up.
 */
function pathLike(from: string, s: string, exists: Exists, resRoot: string): Reference | null {
  if (s.length === 0 || s.length > 1024 || /[\n\r\t<>|*?"]/.test(s)) return null;
  if (/^res:\/\//i.test(s)) return ref(from, s, 'path', undefined, { resRoot });
  if (/^[a-z][a-z0-9+.-]+:/i.test(s) && !/^[a-z]:[\\/]/i.test(s)) return null;
  const norm = s.replace(/\\/g, '/');
  const rel = normalizeJoin(folderOf(from), norm);
  if (rel && !norm.startsWith('/') && exists(rel)) return { from, raw: s, kind: 'path', target: rel };
  const fromRoot = norm.startsWith('./') || norm.startsWith('../') ? null : normalizeJoin('', norm);
  if (fromRoot && !norm.startsWith('/') && exists(fromRoot)) return { from, raw: s, kind: 'path', target: fromRoot };
  const dot = norm.lastIndexOf('.');
  const ext = dot > norm.lastIndexOf('/') ? norm.slice(dot + 1).toLowerCase() : '';
  if (!ASSET_EXT.has(ext) || /\s{2,}/.test(s) || dot === 0) return null;
  // a missing file: say where it was meant to be. Paths with a folder but no ./ resolve from the file first.
  return ref(from, s, 'path', undefined);
}

function walkStrings(v: unknown, visit: (s: string) => void, depth = 0): void {
  if (depth > 64) return;
  if (typeof v === 'string') visit(v);
  else if (Array.isArray(v)) for (const x of v) walkStrings(x, visit, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) walkStrings(x, visit, depth + 1);
}

function structuredReferences(from: string, value: unknown, exists: Exists, resRoot: string): Reference[] {
  const out: Reference[] = [];
  const seen = new Set<string>();
  walkStrings(value, (s) => {
    if (seen.has(s)) return;
    seen.add(s);
    push(out, pathLike(from, s, exists, resRoot));
  });
  return out.filter((r) => r.target !== from);
}

/**
 * References in the text of a file of kind `kind`. `resRoot`: the folder
 * res:// names (see godotRoots). Stored OBJ and GLB files are read in
 * pieces by fileReferences.ts; here they are whole.
 */
export function parseReferences(
  kind: ParserKind,
  from: string,
  text: string,
  exists: Exists,
  resRoot = '',
): Reference[] {
  switch (kind) {
    case 'obj':
      return text.split(/\r?\n/).flatMap((l, i) => objLineReferences(from, l, i + 1));
    case 'mtl':
      return mtlReferences(from, text);
    case 'gltf':
      return gltfReferences(from, text);
    case 'glb': {
      const j = glbJson(Buffer.from(text, 'latin1'));
      return typeof j === 'string' ? gltfReferences(from, j) : [];
    }
    case 'godot':
    case 'gdscript':
    case 'godot-project':
    case 'godot-config':
    case 'godot-uid':
    case 'csharp':
    case 'unity-yaml':
    case 'unity-meta':
      return parseFileReferences(kind, from, text, exists, resRoot).refs;
    case 'json': {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return [];
      }
      return structuredReferences(from, v, exists, resRoot);
    }
    case 'yaml': {
      // several documents per file (Unity-style scenes); a document that does not parse is skipped
      const values: unknown[] = [];
      try {
        const docs = parseAllDocuments(text);
        for (const d of Array.isArray(docs) ? docs : []) {
          try {
            if (!d.errors.length) values.push(d.toJS({ maxAliasCount: 1000 }));
          } catch {
            /* skip this document */
          }
        }
      } catch {
        return [];
      }
      return structuredReferences(from, values, exists, resRoot);
    }
  }
}

/** References and declarations of a file's text (declarations: Godot files only; a note when not read whole). */
export function parseFileReferences(
  kind: ParserKind,
  from: string,
  text: string,
  exists: Exists,
  resRoot = '',
): ParsedReferences {
  switch (kind) {
    case 'godot':
      return godotTextReferences(from, text, resRoot, 'resource');
    case 'godot-project':
      // res:// in project.godot names the project's own folder
      return godotTextReferences(from, text, folderOf(from), 'config');
    case 'godot-config': {
      const r = godotTextReferences(from, text, resRoot, 'config');
      // a .cfg that is not Godot's (plain INI) is no news at commit; a broken .import is
      return from.endsWith('.import') ? r : { refs: r.refs, provides: r.provides };
    }
    case 'godot-uid':
      return { refs: [], provides: uidFileDeclarations(from, text) };
    case 'gdscript':
      return { refs: gdscriptReferences(from, text, resRoot), provides: [] };
    case 'csharp':
      return { refs: csharpReferences(from, text, resRoot), provides: [] };
    case 'unity-yaml':
      return { refs: unityYamlReferences(from, text), provides: [] };
    case 'unity-meta':
      return { refs: [], provides: unityMetaDeclarations(from, text) };
    default:
      return { refs: parseReferences(kind, from, text, exists, resRoot), provides: [] as Provided[] };
  }
}

/** References of a glTF document's JSON (from a .gltf file or a GLB's JSON chunk). */
export function gltfJsonReferences(from: string, json: string): Reference[] {
  return gltfReferences(from, json);
}

/**
 * The folder res:// names for each file: the nearest folder above it that
 * holds a project.godot (a Godot project inside a bigger project), else the
 * project root.
 */
export function godotRoots(paths: Iterable<string>): (from: string) => string {
  const roots = new Set<string>();
  for (const p of paths) if (p === 'project.godot' || p.endsWith('/project.godot')) roots.add(folderOf(p));
  if (!roots.size || (roots.size === 1 && roots.has(''))) return () => '';
  return (from) => {
    for (let d = folderOf(from); ; d = folderOf(d)) {
      if (roots.has(d)) return d;
      if (d === '') return '';
    }
  };
}
