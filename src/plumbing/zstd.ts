import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { CompressionError } from '../errors.js';

/**
 * zstd for the object store. Node 22.15+ and 24 have zstd in zlib (native, ~1.6-3x faster than the wasm
 * build and no 16 MiB wasm heap per thread): used when present. Elsewhere (Node 20) zstd-codec's wasm.
 * Both write standard zstd frames with the content size in the header, so a vault written by one is read by
 * the other (test/plumbing/zstd.test.ts decodes frames of each with the other). VAULT_ZSTD=wasm forces
 * the wasm build (the benchmark compares them).
 *
 * The wasm build: zstd-codec's emscripten binding, driven directly so that
 * (1) its print/printErr noise ("OOM") never reaches stdout/stderr, (2) inputs stay
 * within its fixed wasm heap, and (3) its string throws and null
 * returns become CompressionError. Inputs are kept far below MAX_INPUT.
 */

interface VectorU8 {
  resize(n: number, v: number): void;
  size(): number;
  delete(): void;
}
interface Binding {
  toTypedArrayView(v: VectorU8): Uint8Array;
  ZstdCodec: new () => {
    compressBound(n: number): number;
    contentSize(src: VectorU8): number;
    compress(dest: VectorU8, src: VectorU8, level: number): number;
    decompress(dest: VectorU8, src: VectorU8): number;
  };
  VectorU8: new () => VectorU8;
  cloneToVector(v: VectorU8, data: Uint8Array): void;
  cloneAsTypedArray(v: VectorU8): Uint8Array;
}

/**
 * The binding's wasm heap is fixed at 16 MiB (the module declares that maximum),
 * and compress needs input + bound + window state in it: inputs above ~4.75 MiB fail.
 * Vault's chunks are at most 1 MiB; refuse anything over 2 MiB up front.
 */
export const MAX_INPUT = 2 * 1024 * 1024;

export interface Zstd {
  compress(data: Uint8Array, level: number): Uint8Array;
  decompress(data: Uint8Array, rawSize: number): Uint8Array;
  /**
   * Like compress/decompress, but the result is a view into the codec's wasm
   * memory, valid only until the next call: copy it or write it out at once.
   * Saves an allocation per chunk (fresh memory is what costs here).
   */
  compressView(data: Uint8Array, level: number): Uint8Array;
  decompressView(data: Uint8Array, rawSize: number): Uint8Array;
}

/** node:zlib with the zstd functions of Node 22.15+ (not in @types/node 20, which this project builds with) */
const nodeZlib = zlib as typeof zlib & {
  zstdCompressSync?(b: Uint8Array, o: object): Buffer;
  zstdDecompressSync?(b: Uint8Array, o: object): Buffer;
};

/** Which implementation loadZstd() gives on this runtime: 'native' (node:zlib) or 'wasm' (zstd-codec). */
export function zstdKind(env: NodeJS.ProcessEnv = process.env): 'native' | 'wasm' {
  return typeof nodeZlib.zstdCompressSync === 'function' && env.VAULT_ZSTD !== 'wasm' ? 'native' : 'wasm';
}

export function loadZstd(kind = zstdKind()): Promise<Zstd> {
  if (kind === 'native') return Promise.resolve(nativeZstd());
  return loadWasmZstd();
}

let wasmReady: Promise<Zstd> | undefined;

/**
 * node:zlib's zstd. Inputs stay within MAX_INPUT like the wasm build's, so every frame this writes can be read
 * by a vault on Node 20; outputs are capped at the size the record declares (a lying frame cannot inflate more).
 */
export function nativeZstd(): Zstd {
  const compress = nodeZlib.zstdCompressSync;
  const decompress = nodeZlib.zstdDecompressSync;
  if (!compress || !decompress) throw new CompressionError('initialisation', 'this Node.js has no zstd in node:zlib');
  const LEVEL = (zlib.constants as Record<string, number>).ZSTD_c_compressionLevel!;
  const compressView = (data: Uint8Array, level: number): Uint8Array => {
    if (data.length > MAX_INPUT)
      throw new CompressionError('compress', `input of ${data.length} bytes exceeds ${MAX_INPUT}`);
    try {
      return compress(data, { params: { [LEVEL]: level }, pledgedSrcSize: data.length });
    } catch (e) {
      throw new CompressionError('compress', (e as Error).message);
    }
  };
  const decompressView = (data: Uint8Array, rawSize: number): Uint8Array => {
    if (rawSize > MAX_INPUT)
      throw new CompressionError('decompress', `output of ${rawSize} bytes exceeds ${MAX_INPUT}`);
    let out: Buffer;
    try {
      out = decompress(data, { maxOutputLength: Math.max(1, rawSize) });
    } catch (e) {
      throw new CompressionError('decompress', (e as Error).message);
    }
    if (out.length !== rawSize)
      throw new CompressionError('decompress', `got ${out.length} bytes, expected ${rawSize}`);
    return out;
  };
  return {
    compressView,
    decompressView,
    compress: (data, level) => new Uint8Array(compressView(data, level)),
    decompress: (data, rawSize) => new Uint8Array(decompressView(data, rawSize)),
  };
}

function loadWasmZstd(): Promise<Zstd> {
  wasmReady ??= new Promise<Zstd>((resolve, reject) => {
    const require = createRequire(import.meta.url);
    const noop = () => {};
    const Module: Record<string, unknown> = {
      print: noop,
      printErr: noop,
      onAbort: (what: unknown) => reject(new CompressionError('initialisation', String(what))),
    };
    Module.onRuntimeInitialized = () => {
      try {
        resolve(wrap(Module as unknown as Binding));
      } catch (e) {
        reject(e);
      }
    };
    try {
      require('zstd-codec/lib/zstd-codec-binding-wasm.js')(Module);
    } catch (e) {
      reject(new CompressionError('initialisation', String(e)));
    }
  });
  return wasmReady;
}

function wrap(b: Binding): Zstd {
  const codec = new b.ZstdCodec();
  const src = new b.VectorU8();
  const dest = new b.VectorU8();
  const guard = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      dest.resize(0, 0);
      if (e instanceof CompressionError) throw e;
      throw new CompressionError(what, typeof e === 'string' ? e : ((e as Error)?.message ?? String(e)));
    } finally {
      src.resize(0, 0);
    }
  };
  const compressView = (data: Uint8Array, level: number): Uint8Array => {
    if (data.length > MAX_INPUT)
      throw new CompressionError('compress', `input of ${data.length} bytes exceeds ${MAX_INPUT}`);
    return guard('compress', () => {
      const bound = codec.compressBound(data.length);
      if (bound < 0) throw new CompressionError('compress', 'no bound');
      b.cloneToVector(src, data);
      dest.resize(bound, 0);
      const rc = codec.compress(dest, src, level);
      if (rc < 0) throw new CompressionError('compress', `error ${rc}`);
      dest.resize(rc, 0);
      return b.toTypedArrayView(dest);
    });
  };
  const decompressView = (data: Uint8Array, rawSize: number): Uint8Array => {
    if (rawSize > MAX_INPUT)
      throw new CompressionError('decompress', `output of ${rawSize} bytes exceeds ${MAX_INPUT}`);
    return guard('decompress', () => {
      b.cloneToVector(src, data);
      const size = codec.contentSize(src);
      if (size !== rawSize) throw new CompressionError('decompress', `frame says ${size} bytes, expected ${rawSize}`);
      dest.resize(rawSize, 0);
      const rc = codec.decompress(dest, src);
      if (rc !== rawSize) throw new CompressionError('decompress', `got ${rc} bytes, expected ${rawSize}`);
      return b.toTypedArrayView(dest);
    });
  };
  return {
    compressView,
    decompressView,
    compress: (data, level) => new Uint8Array(compressView(data, level)),
    decompress: (data, rawSize) => new Uint8Array(decompressView(data, rawSize)),
  };
}
