/** A small creative project with real files (PNG via pngjs) that reference each other, for the refs tests. */
import { PNG } from 'pngjs';

export function png(w: number, h: number, rgba: [number, number, number, number]): Buffer {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) p.data.set(rgba, i * 4);
  return PNG.sync.write(p);
}

export const OBJ = [
  '# exported by a test',
  'mtllib hero.mtl',
  'o Hero',
  'v 0 0 0',
  'v 1 0 0',
  'v 0 1 0',
  'vt 0 0',
  'usemtl skin',
  'f 1/1 2/1 3/1',
  '',
].join('\n');
export const MTL = [
  'newmtl skin',
  'Kd 1 1 1',
  'map_Kd ../Textures/brick.png',
  'map_Bump -bm 0.5 ../Textures/brick_normal.png',
  '',
].join('\n');
export const GLTF = JSON.stringify({
  asset: { version: '2.0' },
  buffers: [{ uri: 'ship.bin', byteLength: 36 }],
  images: [{ uri: '../Textures/hull%20paint.png' }, { uri: 'data:image/png;base64,AAAA' }],
});
export const TSCN = [
  '[gd_scene load_steps=3 format=3 uid="uid://c1level"]',
  '',
  '[ext_resource type="Texture2D" uid="uid://t1" path="res://Textures/brick.png" id="1_a"]',
  '[ext_resource type="Script" path="res://scripts/player.gd" id="2_b"]',
  '',
  '[node name="Level" type="Node2D"]',
  'script = ExtResource("2_b")',
  '',
].join('\n');
export const GD = [
  'extends Node2D',
  'var normal = preload("res://Textures/brick_normal.png")',
  'var hero = load("../Models/hero.obj")',
  '',
].join('\n');
export const MATERIAL = JSON.stringify(
  {
    name: 'brick',
    albedo: 'Textures/brick.png',
    normal: '../Textures/brick_normal.png',
    roughness: 0.5,
    notes: 'hello world',
  },
  null,
  2,
);

export function creativeProject() {
  return {
    Models: { 'hero.obj': OBJ, 'hero.mtl': MTL, 'ship.gltf': GLTF, 'ship.bin': Buffer.alloc(36, 1) },
    Textures: {
      'brick.png': png(8, 8, [200, 60, 40, 255]),
      'brick_normal.png': png(8, 8, [128, 128, 255, 255]),
      'hull paint.png': png(4, 4, [10, 20, 30, 255]),
    },
    scenes: { 'level.tscn': TSCN },
    scripts: { 'player.gd': GD },
    Materials: { 'brick.json': MATERIAL },
  };
}
