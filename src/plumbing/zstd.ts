import { createRequire } from 'node:module';
import { zlib } from '../builtins.js';
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
  /** Decompress into `out`, whose length is the raw size the record declares (no copy, no allocation). */
  decompressInto(data: Uint8Array, out: Uint8Array): Uint8Array;
}

/** node:zlib with the zstd functions of Node 22.15+ (not in @types/node 20, which this project builds with) */
const nodeZlib = (): ReturnType<typeof zlib> & {
  zstdCompressSync?(b: Uint8Array, o: object): Buffer;
  zstdDecompressSync?(b: Uint8Array, o: object): Buffer;
} => zlib();

/** Which implementation loadZstd() gives on this runtime: 'native' (node:zlib) or 'wasm' (zstd-codec). */
export function zstdKind(env: NodeJS.ProcessEnv = process.env): 'native' | 'wasm' {
  return typeof nodeZlib().zstdCompressSync === 'function' && env.VAULT_ZSTD !== 'wasm' ? 'native' : 'wasm';
}

export function loadZstd(kind = zstdKind()): Promise<Zstd> {
  if (kind === 'native') return Promise.resolve(nativeZstd());
  return loadWasmZstd();
}

let wasmReady: Promise<Zstd> | undefined;

/**
 * node:zlib's zstd. Inputs stay within MAX_INPUT like the wasm build's, so every frame this writes can be read
 * by a vault on Node 20; outputs are capped at the size the record declares (a lying frame cannot inflate more).
 * One compression and one decompression context are kept and reused (reusableContexts), which saves
 * allocating (and page-faulting) a context per chunk; where that is not possible, node's one-shot functions.
 */
export function nativeZstd(): Zstd {
  const compress = nodeZlib().zstdCompressSync;
  const decompress = nodeZlib().zstdDecompressSync;
  if (!compress || !decompress) throw new CompressionError('initialisation', 'this Node.js has no zstd in node:zlib');
  const LEVEL = (zlib().constants as Record<string, number>).ZSTD_c_compressionLevel!;
  const reused = reusableContexts();
  const compressView = (data: Uint8Array, level: number): Uint8Array => {
    if (data.length > MAX_INPUT)
      throw new CompressionError('compress', `input of ${data.length} bytes exceeds ${MAX_INPUT}`);
    if (reused) return reused.compress(data, level);
    try {
      return compress(data, { params: { [LEVEL]: level }, pledgedSrcSize: data.length });
    } catch (e) {
      throw new CompressionError('compress', (e as Error).message);
    }
  };
  const decompressInto = (data: Uint8Array, out: Uint8Array): Uint8Array => {
    if (out.length > MAX_INPUT)
      throw new CompressionError('decompress', `output of ${out.length} bytes exceeds ${MAX_INPUT}`);
    if (reused) return reused.decompressInto(data, out);
    let got: Buffer;
    try {
      got = decompress(data, { maxOutputLength: Math.max(1, out.length) });
    } catch (e) {
      throw new CompressionError('decompress', (e as Error).message);
    }
    if (got.length !== out.length)
      throw new CompressionError('decompress', `got ${got.length} bytes, expected ${out.length}`);
    out.set(got);
    return out;
  };
  let scratch = Buffer.allocUnsafe(0);
  const decompressView = (data: Uint8Array, rawSize: number): Uint8Array => {
    if (rawSize > MAX_INPUT)
      throw new CompressionError('decompress', `output of ${rawSize} bytes exceeds ${MAX_INPUT}`);
    if (scratch.length < rawSize) scratch = Buffer.allocUnsafe(Math.max(rawSize, 256 * 1024));
    return decompressInto(data, scratch.subarray(0, rawSize));
  };
  return {
    compressView,
    decompressView,
    decompressInto,
    compress: (data, level) => new Uint8Array(compressView(data, level)),
    decompress: (data, rawSize) => new Uint8Array(decompressView(data, rawSize)),
  };
}

/** What a node:zlib stream object holds inside (not public API: checked before use, see reusableContexts). */
interface ZlibInternals {
  _handle?: {
    writeSync?(
      flush: number,
      inp: Uint8Array,
      inOff: number,
      inLen: number,
      out: Uint8Array,
      o: number,
      n: number,
    ): void;
    reset?(): void;
    onerror?: (message: string, errno: number) => void;
  };
  _writeState?: Uint32Array;
}

interface Contexts {
  compress(data: Uint8Array, level: number): Uint8Array;
  decompressInto(data: Uint8Array, out: Uint8Array): Uint8Array;
}

/**
 * One zstd compression context and one decompression context, reused for every call through the handle of a
 * node:zlib stream: the same native calls node's own zstdCompressSync makes (handle.writeSync, with the
 * counts left in _writeState), without a new context per call. A whole input with ZSTD_e_end in one call is
 * one frame with its content size in the header, as with a pledged size. These are node internals: they are
 * checked to exist and to give frames that node's public functions read back (and read theirs), else null.
 */
function reusableContexts(): Contexts | null {
  const C = zlib().constants as Record<string, number>;
  const Compress = (zlib() as unknown as Record<string, new (o?: object) => ZlibInternals>).ZstdCompress;
  const Decompress = (zlib() as unknown as Record<string, new (o?: object) => ZlibInternals>).ZstdDecompress;
  const END = C.ZSTD_e_end;
  if (!Compress || !Decompress || END === undefined) return null;
  const LEVEL = C.ZSTD_c_compressionLevel!;
  try {
    const ctx = makeContexts(
      (level) => new Compress({ params: { [LEVEL]: level } }),
      () => new Decompress(),
      END,
    );
    return ctx && selfTest(ctx) ? ctx : null;
  } catch {
    return null;
  }
}

type Handle = NonNullable<ZlibInternals['_handle']>;
interface Ctx {
  h: Handle;
  state: Uint32Array;
}

/** A stream's handle and counters when they look as expected, else null. */
function internals(z: ZlibInternals): Ctx | null {
  const h = z._handle;
  if (typeof h?.writeSync !== 'function' || typeof h.reset !== 'function') return null;
  return z._writeState instanceof Uint32Array && z._writeState.length >= 2 ? { h, state: z._writeState } : null;
}

function makeContexts(
  compressor: (level: number) => ZlibInternals,
  decompressor: () => ZlibInternals,
  END: number,
): Contexts | null {
  let failed: string | undefined;
  const onerror = (message: string) => {
    failed = message;
  };
  const open = (z: ZlibInternals) => {
    const made = internals(z);
    if (!made) throw new CompressionError('initialisation', 'node:zlib changed: no zstd context');
    // the handle reports errors through this property (it is not an event target)
    Object.assign(made.h, { onerror });
    return made;
  };
  // a context that reported an error keeps reporting it: it is dropped and a new one made on the next call
  let dctx: Ctx | undefined = open(decompressor());
  /**
   * The decompression context stands at a frame boundary: the last frame was read to its end with nothing after it
   * and declared no checksum. node's reset() makes a new context (~3.6% of a restore of 100k small files in
   * ZSTD_createDCtx), so it is called only when the last call may have left the context inside a frame.
   */
  let atBoundary = false;
  /** one compression context per level (a vault uses one) */
  const byLevel = new Map<number, Ctx>();
  const cctx = (level: number) => {
    let c = byLevel.get(level);
    if (!c) byLevel.set(level, (c = open(compressor(level))));
    return c;
  };
  const fail = (what: string, reason: string, drop: () => void): never => {
    drop();
    throw new CompressionError(what, reason);
  };
  let out = Buffer.allocUnsafe(0);
  const probe = Buffer.allocUnsafe(1);
  const empty = Buffer.alloc(0);
  return {
    compress(data, level) {
      const { h, state } = cctx(level);
      failed = undefined;
      // room for the worst case (zstd's compressBound plus slack): the frame ends in this one call
      const bound = data.length + (data.length >> 7) + 1024;
      if (out.length < bound) out = Buffer.allocUnsafe(Math.max(bound, 64 * 1024));
      // no reset: node's resets the level too; a frame that ended leaves the context ready for the next
      h.writeSync!(END, data, 0, data.length, out, 0, out.length);
      if (failed !== undefined || state[1] !== 0 || state[0] === 0)
        fail('compress', failed ?? 'the frame did not fit', () => byLevel.delete(level));
      return out.subarray(0, out.length - state[0]!);
    },
    decompressInto(data, dest) {
      const { h, state } = (dctx ??= open(decompressor()));
      const drop = () => (dctx = undefined);
      failed = undefined;
      if (!atBoundary) h.reset!();
      atBoundary = false;
      h.writeSync!(END, data, 0, data.length, dest, 0, dest.length);
      if (failed !== undefined) fail('decompress', failed, drop);
      const got = dest.length - state[0]!;
      if (got !== dest.length) fail('decompress', `got ${got} bytes, expected ${dest.length}`, drop);
      // the rest of the input (a checksum) is read, and nothing may come out of it: a frame longer than its
      // record declares is refused, not cut
      const left = state[1]!;
      if (left) h.writeSync!(END, data, data.length - left, left, probe, 0, 1);
      else h.writeSync!(END, empty, 0, 0, probe, 0, 1);
      if (failed !== undefined || state[0] === 0 || state[1] !== 0)
        fail('decompress', failed ?? `frame holds more than the ${dest.length} bytes expected`, drop);
      // byte 4 of a frame is its header descriptor; bit 2 says a checksum follows the last block
      atBoundary = left === 0 && data.length > 4 && (data[4]! & 0x04) === 0;
      return dest;
    },
  };
}

/** The reused contexts write frames with the content size that node's public zstd functions read, and read theirs. */
function selfTest(ctx: Contexts): boolean {
  const data = Buffer.alloc(8192);
  for (let i = 0, x = 7; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x & 0x100 ? x >>> 24 : 32;
  }
  const ours = Buffer.from(ctx.compress(data, 3));
  // the frame header must give the content size (the wasm build of Node 20 insists): single segment or an FCS field
  const descriptor = ours[4]!;
  if (!(descriptor & 0x20) && descriptor >> 6 === 0) return false;
  if (!nodeZlib().zstdDecompressSync!(ours, {}).equals(data)) return false;
  const theirs = nodeZlib().zstdCompressSync!(data, { pledgedSrcSize: data.length });
  return Buffer.from(ctx.decompressInto(theirs, Buffer.alloc(data.length))).equals(data);
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
    decompressInto: (data, out) => {
      out.set(decompressView(data, out.length));
      return out;
    },
    compress: (data, level) => new Uint8Array(compressView(data, level)),
    decompress: (data, rawSize) => new Uint8Array(decompressView(data, rawSize)),
  };
}
