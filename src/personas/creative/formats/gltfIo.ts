/**
 * Reading and writing glTF / GLB for the creative persona (model diff, thumbnails, element restore
 * and merge): one @gltf-transform PlatformIO whose files come from the caller (the model's bytes and
 * `readRelated` for its .bin buffers and images), never from disk or network, with every extension
 * @gltf-transform/extensions implements registered, so KHR_* data survives a read and a write.
 */
import { type Document, Format, Logger, PlatformIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';

/** Bytes of a file a model references, relative to the model's folder; null when missing. */
export type ReadRelated = (relativePath: string) => Promise<Uint8Array | null>;

/** The parts of the glTF JSON read before the library sees the file. */
export interface GltfJson {
  extensionsUsed?: string[];
  extensionsRequired?: string[];
  buffers?: { uri?: string }[];
  images?: { uri?: string }[];
}

const MAIN = '\u0000vault-main-file';
const decoder = new TextDecoder('utf-8');

export function isGlb(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x67 && bytes[1] === 0x6c && bytes[2] === 0x54 && bytes[3] === 0x46; // "glTF"
}

/** The glTF JSON: the whole file, or a GLB's first chunk. Throws a plain Error on a bad container or JSON. */
export function gltfJson(bytes: Uint8Array): GltfJson {
  if (!isGlb(bytes)) return JSON.parse(decoder.decode(bytes)) as GltfJson;
  if (bytes.length < 20) throw new Error('shorter than a GLB header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint32(12, true);
  if (dv.getUint32(16, true) !== 0x4e4f534a || 20 + len > bytes.length)
    throw new Error('not a GLB container (bad magic or JSON chunk)');
  return JSON.parse(decoder.decode(bytes.subarray(20, 20 + len))) as GltfJson;
}

/** Buffer and image URIs that name other files (data: URIs are embedded, not references). */
export function externalUris(json: GltfJson): { buffers: string[]; images: string[] } {
  const ext = (u?: string): u is string => !!u && !u.startsWith('data:') && !u.startsWith('__');
  return {
    buffers: (json.buffers ?? []).map((b) => b.uri).filter(ext),
    images: (json.images ?? []).map((b) => b.uri).filter(ext),
  };
}

function decodedUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

/** PlatformIO whose files come from the caller; extensions registered; silent (persona code never prints). */
class RelatedIO extends PlatformIO {
  constructor(
    private readonly main: Uint8Array,
    private readonly related: ReadRelated | undefined,
  ) {
    super();
    this.setLogger(new Logger(Logger.Verbosity.SILENT)).registerExtensions(ALL_EXTENSIONS);
  }
  protected readURI(uri: string, type: 'view'): Promise<Uint8Array<ArrayBuffer>>;
  protected readURI(uri: string, type: 'text'): Promise<string>;
  protected async readURI(uri: string, type: 'view' | 'text'): Promise<Uint8Array | string> {
    let bytes: Uint8Array | null;
    if (uri === MAIN) bytes = this.main;
    else {
      const rel = decodedUri(uri);
      bytes = this.related ? await this.related(rel) : null;
      if (!bytes) throw new Error(`referenced file '${rel}' is missing`);
    }
    return type === 'text' ? decoder.decode(bytes) : new Uint8Array(bytes);
  }
  protected resolve(_base: string, path: string): string {
    return path;
  }
  protected dirname(_uri: string): string {
    return '';
  }
}

/**
 * A glTF or GLB as a Document, its external buffers and images read through `readRelated`.
 * `strictImages: false` reads a file whose image files are missing (for diffs and thumbnails).
 * Throws plain Errors; callers wrap them in their own error kind.
 */
export async function readGltf(
  bytes: Uint8Array,
  readRelated?: ReadRelated,
  opts: { strictImages?: boolean } = {},
): Promise<Document> {
  const io = new RelatedIO(bytes, readRelated).setStrictResources(opts.strictImages ?? true);
  return io.read(MAIN);
}

/** A written glTF: the main file and the external files it names (buffers, images), by their URI as written. */
export interface WrittenGltf {
  readonly main: Uint8Array;
  readonly resources: ReadonlyMap<string, Uint8Array>;
}

/**
 * Write a Document as GLB (one file) or as .gltf JSON. In a .gltf, buffers and images that have a
 * URI (they were separate files when read) stay separate files under that URI; the others are
 * embedded as data: URIs.
 */
export async function writeGltf(doc: Document, glb: boolean): Promise<WrittenGltf> {
  const io = new RelatedIO(new Uint8Array(0), undefined);
  if (glb) return { main: await io.writeBinary(doc), resources: new Map() };
  const root = doc.getRoot();
  const named = new Set(
    [...root.listBuffers().map((b) => b.getURI()), ...root.listTextures().map((t) => t.getURI())].filter(Boolean),
  );
  const { json, resources } = await io.writeJSON(doc, { format: Format.GLTF });
  const external = new Map<string, Uint8Array>();
  for (const list of [json.buffers ?? [], json.images ?? []] as { uri?: string; mimeType?: string }[][]) {
    for (const b of list) {
      const data = b.uri ? resources[b.uri] : undefined;
      if (!b.uri || !data) continue;
      if (named.has(b.uri)) external.set(decodedUri(b.uri), data);
      else b.uri = `data:${b.mimeType ?? 'application/octet-stream'};base64,${Buffer.from(data).toString('base64')}`;
    }
  }
  return { main: Buffer.from(`${JSON.stringify(json, null, 2)}\n`), resources: external };
}
