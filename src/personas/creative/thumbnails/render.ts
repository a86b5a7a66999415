import { resizeImage } from '../formats/images.js';
/**
 * A small software renderer for model thumbnails: orthographic, fixed 3/4
 * camera (from front-right, above) fitted to the projected extent of the
 * geometry, z-buffered triangles with flat Lambert shading (two-sided, so the
 * winding order of the file does not matter), rendered at 2x and averaged down
 * for smooth edges. Background is transparent. No I/O, no libraries: it works on
 * positions (x, y, z triples) and triangle indices only.
 */

/** RGBA8 pixels, row-major, no padding. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface MeshGeometry {
  /** x, y, z per vertex */
  readonly positions: Float32Array;
  /** three vertex indices per triangle; empty: `positions` is a triangle soup (9 floats per triangle) */
  readonly indices: Uint32Array;
  /** which palette colour to draw it in (default: its place in the list) */
  readonly colorIndex?: number;
}

export interface RenderOptions {
  /** longest side of the result in pixels (default 128) */
  readonly size?: number;
  /** which model axis points up: 'y' (glTF, most OBJ) or 'z' (most STL, CAD) */
  readonly up?: 'y' | 'z';
  /** render at this many times the size, then average down (default 2) */
  readonly supersample?: number;
  /** frame the camera on these meshes instead of the drawn ones (two versions of a model drawn alike) */
  readonly frame?: readonly MeshGeometry[];
}

/** Colours for successive meshes: clay, blue-grey, sage, sand, rose. */
const PALETTE: readonly [number, number, number][] = [
  [214, 200, 182],
  [160, 178, 204],
  [170, 196, 160],
  [222, 196, 140],
  [210, 160, 170],
];

/** a triangle limit so a pathological file cannot keep a commit busy for minutes */
export const MAX_TRIANGLES = 5_000_000;

type Vec3 = [number, number, number];

function normalize(v: Vec3): Vec3 {
  const l = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
}
function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** The camera basis in model space: right, up and toward-the-camera unit vectors. */
function cameraBasis(up: 'y' | 'z'): { right: Vec3; upv: Vec3; toward: Vec3 } {
  // the camera sits front-right and above: azimuth 35 degrees, elevation 28 degrees
  const az = (35 * Math.PI) / 180;
  const el = (28 * Math.PI) / 180;
  let toward: Vec3 = [Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)];
  let worldUp: Vec3 = [0, 1, 0];
  if (up === 'z') {
    // z up, y away from the viewer: rotate the y-up camera about x
    toward = [toward[0], -toward[2], toward[1]];
    worldUp = [0, 0, 1];
  }
  toward = normalize(toward);
  const right = normalize(cross(worldUp, toward));
  const upv = normalize(cross(toward, right));
  return { right, upv, toward };
}

function triangleCount(m: MeshGeometry): number {
  return m.indices.length ? Math.floor(m.indices.length / 3) : Math.floor(m.positions.length / 9);
}

/**
 * Render meshes to an RGBA image whose longest side is `size`. Throws when
 * there is nothing to draw (no vertices) or the geometry is too big.
 */
export function renderMeshes(meshes: readonly MeshGeometry[], opts: RenderOptions = {}): Pixels {
  const size = Math.max(8, Math.round(opts.size ?? 128));
  const ss = Math.max(1, Math.round(opts.supersample ?? 2));
  const { right, upv, toward } = cameraBasis(opts.up ?? 'y');
  const tris = meshes.reduce((n, m) => n + triangleCount(m), 0);
  if (tris > MAX_TRIANGLES)
    throw new Error(`model has ${tris} triangles, more than the thumbnail limit of ${MAX_TRIANGLES}`);

  // project every vertex once: view x, y and depth (larger is nearer)
  const project = (m: MeshGeometry) => {
    const n = Math.floor(m.positions.length / 3);
    const out = new Float32Array(n * 3);
    const p = m.positions;
    // i < n = floor(length / 3): the three reads are in range
    for (let i = 0; i < n; i++) {
      const x = p[i * 3]!;
      const y = p[i * 3 + 1]!;
      const z = p[i * 3 + 2]!;
      out[i * 3] = x * right[0] + y * right[1] + z * right[2];
      out[i * 3 + 1] = x * upv[0] + y * upv[1] + z * upv[2];
      out[i * 3 + 2] = x * toward[0] + y * toward[1] + z * toward[2];
    }
    return out;
  };
  const projected = meshes.map(project);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const v of opts.frame ? opts.frame.map(project) : projected) {
    for (let i = 0; i < v.length; i += 3) {
      const x = v[i] ?? NaN;
      const y = v[i + 1] ?? NaN;
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(v[i + 2] ?? NaN)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (!(maxX >= minX && maxY >= minY)) throw new Error('model has no vertices to draw');
  const spanX = Math.max(maxX - minX, 1e-9);
  const spanY = Math.max(maxY - minY, 1e-9);
  const span = Math.max(spanX, spanY);
  // the result keeps the projected aspect ratio, longest side = size, a small margin around
  const width = Math.max(1, Math.round((size * spanX) / span));
  const height = Math.max(1, Math.round((size * spanY) / span));
  const W = width * ss;
  const H = height * ss;
  const margin = 0.04 * Math.max(W, H);
  const scale = (Math.max(W, H) - 2 * margin) / span;
  const offX = (W - spanX * scale) / 2;
  const offY = (H - spanY * scale) / 2;
  const sx = (x: number) => offX + (x - minX) * scale;
  const sy = (y: number) => offY + (maxY - y) * scale;

  const color = new Uint8Array(W * H * 4);
  const depth = new Float32Array(W * H).fill(-Infinity);
  const light = normalize([-0.35, 0.55, 0.75]); // in view space: upper left, toward the viewer

  meshes.forEach((m, mi) => {
    const v = projected[mi]!; // one projection per mesh
    const base = PALETTE[(m.colorIndex ?? mi) % PALETTE.length]!;
    const nTri = triangleCount(m);
    const idx = m.indices;
    const nVert = v.length / 3;
    for (let t = 0; t < nTri; t++) {
      const a = idx.length ? idx[t * 3] : t * 3;
      const b = idx.length ? idx[t * 3 + 1] : t * 3 + 1;
      const c = idx.length ? idx[t * 3 + 2] : t * 3 + 2;
      if (a === undefined || b === undefined || c === undefined) continue;
      if (a >= nVert || b >= nVert || c >= nVert) continue;
      // a, b, c < nVert = v.length / 3: every read below is in range
      const ax = v[a * 3]!,
        ay = v[a * 3 + 1]!,
        az = v[a * 3 + 2]!;
      const bx = v[b * 3]!,
        by = v[b * 3 + 1]!,
        bz = v[b * 3 + 2]!;
      const cx = v[c * 3]!,
        cy = v[c * 3 + 1]!,
        cz = v[c * 3 + 2]!;
      // flat shading from the view-space face normal
      const n = normalize(cross([bx - ax, by - ay, bz - az], [cx - ax, cy - ay, cz - az]));
      const lambert = Math.abs(n[0] * light[0] + n[1] * light[1] + n[2] * light[2]);
      const shade = 0.28 + 0.72 * lambert;
      const r = Math.min(255, Math.round(base[0] * shade));
      const g = Math.min(255, Math.round(base[1] * shade));
      const bl = Math.min(255, Math.round(base[2] * shade));
      // screen space
      const x0 = sx(ax),
        y0 = sy(ay);
      const x1 = sx(bx),
        y1 = sy(by);
      const x2 = sx(cx),
        y2 = sy(cy);
      const area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0);
      if (!Number.isFinite(area) || Math.abs(area) < 1e-12) continue;
      const xmin = Math.max(0, Math.floor(Math.min(x0, x1, x2)));
      const xmax = Math.min(W - 1, Math.ceil(Math.max(x0, x1, x2)));
      const ymin = Math.max(0, Math.floor(Math.min(y0, y1, y2)));
      const ymax = Math.min(H - 1, Math.ceil(Math.max(y0, y1, y2)));
      const inv = 1 / area;
      for (let py = ymin; py <= ymax; py++) {
        const cyp = py + 0.5;
        for (let px = xmin; px <= xmax; px++) {
          const cxp = px + 0.5;
          // barycentric weights; the sign of `area` cancels out
          const w0 = ((x1 - cxp) * (y2 - cyp) - (x2 - cxp) * (y1 - cyp)) * inv;
          const w1 = ((x2 - cxp) * (y0 - cyp) - (x0 - cxp) * (y2 - cyp)) * inv;
          const w2 = 1 - w0 - w1;
          if (w0 < 0 || w1 < 0 || w2 < 0) continue;
          const z = w0 * az + w1 * bz + w2 * cz;
          const k = py * W + px;
          if (z <= depth[k]!) continue; // k < W * H: px <= W - 1, py <= H - 1
          depth[k] = z;
          color[k * 4] = r;
          color[k * 4 + 1] = g;
          color[k * 4 + 2] = bl;
          color[k * 4 + 3] = 255;
        }
      }
    }
  });
  if (ss === 1) return { width, height, data: color };
  // average the ss x ss blocks (the images' area-average resize: colour weighted by alpha, so edges do not darken)
  const small = resizeImage({ width: W, height: H, data: color, info: { format: 'png' } }, Math.max(width, height));
  return { width: small.width, height: small.height, data: small.data };
}
