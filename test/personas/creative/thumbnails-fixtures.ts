/** Files for the thumbnail and timeline tests, made with the real libraries (pngjs, jpeg-js, ag-psd, @gltf-transform/core). */
import pngjs from 'pngjs';
import jpeg from 'jpeg-js';
import { writePsdBuffer } from 'ag-psd';
import { Document, NodeIO } from '@gltf-transform/core';

export type Rgba = [number, number, number, number];

export function pixels(width: number, height: number, f: (x: number, y: number) => Rgba): Uint8Array {
  const d = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) d.set(f(x, y), (y * width + x) * 4);
  return d;
}

export function png(width: number, height: number, f: (x: number, y: number) => Rgba): Buffer {
  const p = new pngjs.PNG({ width, height });
  p.data = Buffer.from(pixels(width, height, f));
  return pngjs.PNG.sync.write(p);
}

export function jpg(width: number, height: number, f: (x: number, y: number) => Rgba): Buffer {
  return Buffer.from(jpeg.encode({ width, height, data: Buffer.from(pixels(width, height, f)) }, 90).data);
}

/** A two-layer PSD (background + a square layer) with its composite. */
export function psd(
  width: number,
  height: number,
  bg: Rgba,
  square: Rgba,
  at: { x: number; y: number; size: number },
): Buffer {
  const composite = pixels(width, height, (x, y) =>
    x >= at.x && x < at.x + at.size && y >= at.y && y < at.y + at.size ? square : bg,
  );
  const layer = pixels(at.size, at.size, () => square);
  const background = pixels(width, height, () => bg);
  return writePsdBuffer({
    width,
    height,
    imageData: { width, height, data: new Uint8ClampedArray(composite) },
    children: [
      {
        name: 'Background',
        left: 0,
        top: 0,
        right: width,
        bottom: height,
        imageData: { width, height, data: new Uint8ClampedArray(background) },
      },
      {
        name: 'Square',
        left: at.x,
        top: at.y,
        right: at.x + at.size,
        bottom: at.y + at.size,
        imageData: { width: at.size, height: at.size, data: new Uint8ClampedArray(layer) },
      },
    ],
  });
}

/** A box of w x h x d as 8 vertices and 12 triangles. */
export function box(
  w: number,
  h: number,
  d: number,
  at: [number, number, number] = [0, 0, 0],
): { positions: Float32Array; indices: Uint32Array } {
  const [x, y, z] = at;
  const positions = new Float32Array([
    x,
    y,
    z,
    x + w,
    y,
    z,
    x + w,
    y + h,
    z,
    x,
    y + h,
    z,
    x,
    y,
    z + d,
    x + w,
    y,
    z + d,
    x + w,
    y + h,
    z + d,
    x,
    y + h,
    z + d,
  ]);
  const indices = new Uint32Array([
    0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 3, 6, 2, 3, 7, 6, 0, 4, 7, 0, 7, 3, 1, 2, 6, 1, 6, 5,
  ]);
  return { positions, indices };
}

export function obj(w: number, h: number, d: number): string {
  const b = box(w, h, d);
  const lines = ['# a box', 'o Box'];
  for (let i = 0; i < b.positions.length; i += 3)
    lines.push(`v ${b.positions[i]} ${b.positions[i + 1]} ${b.positions[i + 2]}`);
  for (let i = 0; i < b.indices.length; i += 3)
    lines.push(`f ${b.indices[i]! + 1} ${b.indices[i + 1]! + 1} ${b.indices[i + 2]! + 1}`);
  return `${lines.join('\n')}\n`;
}

/** Binary STL of a box (z up). */
export function stl(w: number, h: number, d: number): Buffer {
  const b = box(w, h, d);
  const n = b.indices.length / 3;
  const buf = Buffer.alloc(84 + n * 50);
  buf.write('solid box', 0, 'latin1');
  buf.writeUInt32LE(n, 80);
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < 3; k++) {
      const v = b.indices[t * 3 + k]!;
      for (let c = 0; c < 3; c++) buf.writeFloatLE(b.positions[v * 3 + c]!, 84 + t * 50 + 12 + k * 12 + c * 4);
    }
  }
  return buf;
}

function gltfDoc(boxes: [number, number, number][], bufferUri?: string): Document {
  const doc = new Document();
  const buf = doc.createBuffer('data');
  if (bufferUri) buf.setURI(bufferUri);
  const scene = doc.createScene('scene');
  boxes.forEach(([w, h, d], i) => {
    const b = box(w, h, d, [i * (w + 0.5), 0, 0]);
    const pos = doc.createAccessor().setType('VEC3').setArray(b.positions).setBuffer(buf);
    const idx = doc.createAccessor().setType('SCALAR').setArray(b.indices).setBuffer(buf);
    const mesh = doc
      .createMesh(`box${i}`)
      .addPrimitive(doc.createPrimitive().setAttribute('POSITION', pos).setIndices(idx));
    scene.addChild(doc.createNode(`Box${i}`).setMesh(mesh));
  });
  return doc;
}

/** A GLB with one box per entry, side by side. */
export async function glb(boxes: [number, number, number][]): Promise<Buffer> {
  return Buffer.from(await new NodeIO().writeBinary(gltfDoc(boxes)));
}

/** A .gltf (JSON) with its buffer in a separate file `bin`. */
export async function gltfWithBin(
  boxes: [number, number, number][],
  bin: string,
): Promise<{ gltf: string; bin: Buffer }> {
  const { json, resources } = await new NodeIO().writeJSON(gltfDoc(boxes, bin));
  return { gltf: JSON.stringify(json), bin: Buffer.from(resources[bin]!) };
}

export const RED: Rgba = [220, 40, 40, 255];
export const BLUE: Rgba = [40, 80, 220, 255];
export const WHITE: Rgba = [250, 250, 250, 255];
export const GREEN: Rgba = [40, 180, 80, 255];

/**
 * A small creative project built through the real CLI in `dir` (which must exist): three versions,
 * a milestone and a tag. `run` is runVault bound to a folder; every command must succeed.
 */
export async function sampleProject(
  dir: string,
  run: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>,
): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const ok = async (args: string[]) => {
    const r = await run(args);
    if (r.code !== 0) throw new Error(`vault ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
  await mkdir(`${dir}/Art`, { recursive: true });
  await mkdir(`${dir}/Models`, { recursive: true });
  await ok(['init', '--persona', 'creative']);
  await writeFile(
    `${dir}/Art/sky.png`,
    png(256, 160, (_x, y) => [60 + (y >> 1), 120 + ((y / 3) | 0), 230, 255]),
  );
  await writeFile(`${dir}/Art/hero.psd`, psd(200, 300, WHITE, RED, { x: 40, y: 60, size: 100 }));
  await writeFile(`${dir}/notes.md`, 'castle notes\n');
  await ok(['commit', '-m', 'first blockout']);
  await writeFile(
    `${dir}/Models/tower.glb`,
    await glb([
      [1, 3, 1],
      [1, 1.5, 1],
    ]),
  );
  await writeFile(`${dir}/Models/crate.obj`, obj(1, 1, 1));
  await ok(['commit', '-m', 'tower and crate models']);
  await ok(['milestone', 'create', 'alpha', '--type', 'alpha', '-m', 'first look']);
  await writeFile(`${dir}/Art/hero.psd`, psd(200, 300, WHITE, BLUE, { x: 60, y: 120, size: 110 }));
  await writeFile(
    `${dir}/Art/sky.png`,
    png(256, 160, (x, y) =>
      Math.hypot(x - 190, y - 40) < 25 ? [255, 220, 90, 255] : [60 + (y >> 1), 120 + ((y / 3) | 0), 230, 255],
    ),
  );
  await writeFile(`${dir}/Models/part.stl`, stl(3, 1, 0.5));
  await ok(['commit', '-m', 'hero in blue, a sun in the sky']);
  await ok(['tag', 'review-1']);
}
