/** Real files for the creative-format tests, made with the real libraries (pngjs, jpeg-js, ag-psd, @gltf-transform/core). */
import { deflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { writePsdBuffer, type Layer } from 'ag-psd';
import { Document, NodeIO } from '@gltf-transform/core';
import { crc32 } from '../../../bench/containers.mjs';

export type Rgba = [number, number, number, number];

/** width*height RGBA8 pixels from f(x, y). */
export function pixels(width: number, height: number, f: (x: number, y: number) => Rgba): Uint8Array {
  const d = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) d.set(f(x, y), (y * width + x) * 4);
  return d;
}

/** An 8-bit RGBA PNG (or another pngjs colour type: 0 grey, 2 rgb, 4 grey+alpha). */
export function png8(
  width: number,
  height: number,
  f: (x: number, y: number) => Rgba,
  colorType: 0 | 2 | 4 | 6 = 6,
): Buffer {
  const p = new pngjs.PNG({ width, height });
  p.data = Buffer.from(pixels(width, height, f));
  return pngjs.PNG.sync.write(p, { colorType, inputColorType: 6, inputHasAlpha: true });
}

/** A 16-bit RGBA PNG from 16-bit samples f(x, y). */
export function png16(width: number, height: number, f: (x: number, y: number) => Rgba): Buffer {
  const d = new Uint16Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) d.set(f(x, y), (y * width + x) * 4);
  const p = new pngjs.PNG({ width, height, bitDepth: 16 });
  p.data = Buffer.from(d.buffer);
  return pngjs.PNG.sync.write(p, { colorType: 6, inputColorType: 6, bitDepth: 16 });
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const tb = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(tb));
  return Buffer.concat([len, tb, crc]);
}

/** An 8-bit palette PNG (pngjs cannot write palettes): index(x, y) into `palette` (RGB), optional tRNS alphas. */
export function pngPalette(
  width: number,
  height: number,
  palette: [number, number, number][],
  index: (x: number, y: number) => number,
  alphas?: number[],
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 3;
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = index(x, y);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    ...(alphas ? [chunk('tRNS', Buffer.from(alphas))] : []),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function jpegOf(width: number, height: number, f: (x: number, y: number) => Rgba, quality = 90): Buffer {
  return jpeg.encode({ width, height, data: Buffer.from(pixels(width, height, f)) }, quality).data;
}

export interface LayerSpec {
  name: string;
  left?: number;
  top?: number;
  width?: number;
  height?: number;
  hidden?: boolean;
  opacity?: number;
  /** colour of the layer's pixels (x, y relative to the layer) */
  fill?: (x: number, y: number) => Rgba;
  children?: LayerSpec[];
}

function toLayer(s: LayerSpec): Layer {
  if (s.children)
    return { name: s.name, hidden: s.hidden, opacity: s.opacity, children: s.children.map(toLayer), opened: true };
  const w = s.width ?? 1;
  const h = s.height ?? 1;
  const left = s.left ?? 0;
  const top = s.top ?? 0;
  return {
    name: s.name,
    left,
    top,
    right: left + w,
    bottom: top + h,
    hidden: s.hidden,
    opacity: s.opacity,
    imageData: { width: w, height: h, data: new Uint8ClampedArray(pixels(w, h, s.fill ?? (() => [255, 0, 0, 255]))) },
  };
}

/** A layered PSD (ag-psd); the composite is `composite(x, y)`, written into the file as Photoshop does. */
export function psdOf(
  width: number,
  height: number,
  layers: LayerSpec[],
  composite: (x: number, y: number) => Rgba,
): Buffer {
  return writePsdBuffer({
    width,
    height,
    imageData: { width, height, data: new Uint8ClampedArray(pixels(width, height, composite)) },
    children: layers.map(toLayer),
  });
}

export interface MeshSpec {
  name: string;
  /** node translation */
  at?: [number, number, number];
  /** positions, xyz */
  positions: number[];
  indices: number[];
  material?: string;
  color?: [number, number, number, number];
  texture?: string;
}

/** A GLB (or, with format 'gltf', the JSON and its resources) made with @gltf-transform/core. */
export async function glbOf(meshes: MeshSpec[]): Promise<Uint8Array> {
  return new NodeIO().writeBinary(gltfDoc(meshes));
}

export async function gltfOf(
  meshes: MeshSpec[],
  basename = 'scene',
): Promise<{ json: string; resources: Record<string, Uint8Array> }> {
  const { json, resources } = await new NodeIO().writeJSON(gltfDoc(meshes), { format: 'GLTF' as never, basename });
  return { json: JSON.stringify(json), resources };
}

function gltfDoc(meshes: MeshSpec[]): Document {
  const doc = new Document();
  const buffer = doc.createBuffer('data');
  const scene = doc.createScene('scene');
  const mats = new Map<string, ReturnType<Document['createMaterial']>>();
  for (const m of meshes) {
    const pos = doc
      .createAccessor(`${m.name}-pos`)
      .setType('VEC3')
      .setArray(new Float32Array(m.positions))
      .setBuffer(buffer);
    const ind = doc
      .createAccessor(`${m.name}-ind`)
      .setType('SCALAR')
      .setArray(new Uint32Array(m.indices))
      .setBuffer(buffer);
    const prim = doc.createPrimitive().setAttribute('POSITION', pos).setIndices(ind);
    if (m.material) {
      let mat = mats.get(m.material);
      if (!mat) {
        mat = doc.createMaterial(m.material).setBaseColorFactor(m.color ?? [1, 1, 1, 1]);
        if (m.texture)
          mat.setBaseColorTexture(
            doc
              .createTexture(m.texture)
              .setURI(m.texture)
              .setMimeType('image/png')
              .setImage(png8(2, 2, () => [255, 0, 0, 255])),
          );
        mats.set(m.material, mat);
      }
      prim.setMaterial(mat);
    }
    const mesh = doc.createMesh(m.name).addPrimitive(prim);
    scene.addChild(
      doc
        .createNode(m.name)
        .setMesh(mesh)
        .setTranslation(m.at ?? [0, 0, 0]),
    );
  }
  return doc;
}

/** A unit cube's 8 corners and 12 triangles, scaled by s. */
export function cube(s = 1): { positions: number[]; indices: number[] } {
  const p = [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1].map((v) => v * s);
  const f = [
    0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 2, 3, 7, 2, 7, 6, 1, 2, 6, 1, 6, 5, 0, 4, 7, 0, 7, 3,
  ];
  return { positions: p, indices: f };
}

/** A binary STL of the triangles (normals zero). */
export function stlBinary(name: string, positions: number[], indices: number[]): Buffer {
  const n = indices.length / 3;
  const b = Buffer.alloc(84 + n * 50);
  b.write(`solid ${name}`.padEnd(80, ' ').slice(0, 80), 0, 'latin1');
  b.writeUInt32LE(n, 80);
  for (let t = 0; t < n; t++)
    for (let k = 0; k < 3; k++)
      for (let c = 0; c < 3; c++)
        b.writeFloatLE(positions[indices[t * 3 + k]! * 3 + c]!, 84 + t * 50 + 12 + (k * 3 + c) * 4);
  return b;
}

export function stlAscii(solids: { name: string; positions: number[]; indices: number[] }[]): string {
  const out: string[] = [];
  for (const s of solids) {
    out.push(`solid ${s.name}`);
    for (let t = 0; t < s.indices.length; t += 3) {
      out.push('  facet normal 0 0 0', '    outer loop');
      for (let k = 0; k < 3; k++)
        out.push(`      vertex ${s.positions.slice(s.indices[t + k]! * 3, s.indices[t + k]! * 3 + 3).join(' ')}`);
      out.push('    endloop', '  endfacet');
    }
    out.push(`endsolid ${s.name}`);
  }
  return `${out.join('\n')}\n`;
}

/** A lossless (or lossy) WebP made with @jsquash/webp's encoder (libwebp in wasm). */
export async function webpOf(
  width: number,
  height: number,
  f: (x: number, y: number) => Rgba,
  lossless = true,
): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  const { createRequire } = await import('node:module');
  const enc = await import('@jsquash/webp/encode.js');
  const wasm = createRequire(import.meta.url)
    .resolve('@jsquash/webp/encode.js')
    .replace(/encode\.js$/, 'codec/enc/webp_enc.wasm');
  await enc.init(await WebAssembly.compile(await readFile(wasm)));
  const data = new Uint8ClampedArray(pixels(width, height, f));
  return new Uint8Array(
    await enc.default({ width, height, data, colorSpace: 'srgb' } as ImageData, {
      lossless: lossless ? 1 : 0,
      quality: 90,
    }),
  );
}
