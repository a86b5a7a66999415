/** Files for the element-restore tests, made with the real format libraries (ag-psd, @gltf-transform/core). */
import { initializeCanvas, writePsd, type Layer, type Psd } from 'ag-psd';
import { Document, NodeIO } from '@gltf-transform/core';

initializeCanvas(
  (() => {
    throw new Error('no canvas in tests');
  }) as never,
  ((w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) })) as never,
);

export type Rgba = readonly [number, number, number, number];

export interface LayerSpec {
  name: string;
  color?: Rgba;
  /** left, top, width, height */
  rect?: readonly [number, number, number, number];
  hidden?: boolean;
  children?: LayerSpec[];
}

export const PSD_W = 16;
export const PSD_H = 12;

function solid(w: number, h: number, c: Rgba) {
  const data = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(c, i * 4);
  return { width: w, height: h, data };
}

function toLayer(s: LayerSpec): Layer {
  if (s.children) return { name: s.name, hidden: s.hidden, children: s.children.map(toLayer) };
  const [left, top, w, h] = s.rect ?? [0, 0, PSD_W, PSD_H];
  return {
    name: s.name,
    hidden: s.hidden,
    left,
    top,
    right: left + w,
    bottom: top + h,
    imageData: solid(w, h, s.color ?? [0, 0, 0, 255]) as never,
  };
}

/** A PSD with these layers (bottom first) and a composite of the given colour. */
export function makePsd(layers: LayerSpec[], composite: Rgba = [9, 9, 9, 255]): Buffer {
  const psd: Psd = {
    width: PSD_W,
    height: PSD_H,
    children: layers.map(toLayer),
    imageData: solid(PSD_W, PSD_H, composite) as never,
  };
  return Buffer.from(writePsd(psd));
}

export interface NodeSpec {
  name: string;
  /** triangle corners, x y z each */
  positions: number[];
  color: [number, number, number, number];
  translation?: [number, number, number];
  children?: NodeSpec[];
}

/** A GLB with one scene; each node has a mesh (`<name>Mesh`) with one triangle list and a material (`<name>Mat`). */
export async function makeGlb(nodes: NodeSpec[]): Promise<Buffer> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const scene = doc.createScene('Scene');
  const build = (s: NodeSpec) => {
    const pos = doc.createAccessor(`${s.name}Pos`, buffer).setType('VEC3').setArray(new Float32Array(s.positions));
    const mat = doc.createMaterial(`${s.name}Mat`).setBaseColorFactor(s.color);
    const prim = doc.createPrimitive().setAttribute('POSITION', pos).setMaterial(mat);
    const mesh = doc.createMesh(`${s.name}Mesh`).addPrimitive(prim);
    const node = doc
      .createNode(s.name)
      .setMesh(mesh)
      .setTranslation(s.translation ?? [0, 0, 0]);
    for (const c of s.children ?? []) node.addChild(build(c));
    return node;
  };
  for (const n of nodes) scene.addChild(build(n));
  doc.getRoot().setDefaultScene(scene);
  return Buffer.from(await new NodeIO().writeBinary(doc));
}

export async function readGlb(bytes: Uint8Array): Promise<Document> {
  return new NodeIO().readBinary(bytes);
}

/** Positions of the mesh a node (by name) uses. */
export function positionsOf(doc: Document, node: string): number[] {
  const n = doc
    .getRoot()
    .listNodes()
    .find((x) => x.getName() === node);
  const acc = n?.getMesh()?.listPrimitives()[0]?.getAttribute('POSITION');
  return acc ? [...acc.getArray()!] : [];
}

export function colorOf(doc: Document, node: string): number[] {
  const n = doc
    .getRoot()
    .listNodes()
    .find((x) => x.getName() === node);
  return [...(n?.getMesh()?.listPrimitives()[0]?.getMaterial()?.getBaseColorFactor() ?? [])];
}

export const OBJ_V1 = `# two objects
mtllib scene.mtl
o Cube
v 0 0 0
v 1 0 0
v 1 1 0
v 0 1 0
vn 0 0 1
usemtl Red
f 1//1 2//1 3//1
f 1//1 3//1 4//1
o Tri
v 5 0 0
v 6 0 0
v 5 1 0
vn 0 0 1
usemtl Blue
f 5//2 6//2 7//2
`;

/** Cube moved up by 10 and gets an extra vertex; Tri uses relative indices and moved right. */
export const OBJ_V2 = `# two objects
mtllib scene.mtl
o Cube
v 0 10 0
v 1 10 0
v 1 11 0
v 0 11 0
v 0.5 12 0
vn 0 0 1
usemtl Red
f 1//1 2//1 3//1
f 1//1 3//1 4//1
f 3//1 5//1 4//1
o Tri
v 7 0 0
v 8 0 0
v 7 1 0
vn 0 0 1
usemtl Green
f -3//-1 -2//-1 -1//-1
`;

export const JSON_V1 = `{
    "name": "castle",
    "settings": {
        "audio": { "volume": 0.8, "muted": false },
        "video": {
            "fullscreen": true,
            "resolution": [1920, 1080]
        }
    },
    "items": ["sword", "shield", "potion"]
}
`;

export const JSON_V2 = `{
    "name": "castle-2",
    "settings": {
        "audio": { "volume": 0.2, "muted": true },
        "video": {
            "fullscreen": false,
            "resolution": [1280, 720]
        }
    },
    "items": ["sword", "bow", "potion"]
}
`;

export const TSCN_V1 = `[gd_scene load_steps=3 format=3 uid="uid://bmain"]

[ext_resource type="Texture2D" uid="uid://icon" path="res://icon.svg" id="1_icon"]

[sub_resource type="RectangleShape2D" id="RectangleShape2D_a"]
size = Vector2(16, 16)

[node name="Main" type="Node2D"]

[node name="Player" type="CharacterBody2D" parent="."]
position = Vector2(100, 200)

[node name="Sprite" type="Sprite2D" parent="Player"]
texture = ExtResource("1_icon")
scale = Vector2(2, 2)

[node name="Shape" type="CollisionShape2D" parent="Player"]
shape = SubResource("RectangleShape2D_a")

[node name="Camera" type="Camera2D" parent="."]
zoom = Vector2(1, 1)
`;

/** Sprite: other scale, no texture (and the ext_resource is gone); Camera zoomed; Shape deleted with its sub-resource. */
export const TSCN_V2 = `[gd_scene load_steps=1 format=3 uid="uid://bmain"]

[node name="Main" type="Node2D"]

[node name="Player" type="CharacterBody2D" parent="."]
position = Vector2(100, 200)

[node name="Sprite" type="Sprite2D" parent="Player"]
scale = Vector2(5, 5)

[node name="Camera" type="Camera2D" parent="."]
zoom = Vector2(3, 3)
`;
