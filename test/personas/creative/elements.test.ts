import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readPsd } from 'ag-psd';
import { parse as parseYaml } from 'yaml';
import { listElements, restoreElement } from '../../../src/personas/creative/elements/index.js';
import { commit } from '../../../src/porcelain/commit.js';
import { restore } from '../../../src/porcelain/restore.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import {
  JSON_V1,
  JSON_V2,
  OBJ_V1,
  OBJ_V2,
  PSD_W,
  TSCN_V1,
  TSCN_V2,
  colorOf,
  makeGlb,
  makePsd,
  positionsOf,
  readGlb,
  type LayerSpec,
  type Rgba,
} from './elements.fixtures.js';

const test = suite('personas/creative/elements');

type T = Awaited<ReturnType<typeof memVault>>;

/** A vault holding `path` = v1 (committed), then v2 (committed). */
async function twoVersions(
  path: string,
  v1: string | Uint8Array,
  v2: string | Uint8Array,
): Promise<T & { v1: string; v2: string; read: () => Promise<Buffer> }> {
  const parts = path.split('/');
  let tree: Record<string, unknown> = { [parts.pop()!]: v1 };
  while (parts.length) tree = { [parts.pop()!]: tree };
  const t = await memVault({ ...(tree as Record<string, string | Uint8Array>), 'notes.txt': 'hello\n' } as never);
  const a = await commit({ vault: t.vault, message: 'v1' });
  await t.fs.writeFile(`/work/${path}`, v2);
  const b = await commit({ vault: t.vault, message: 'v2' });
  return {
    ...t,
    v1: a.id!,
    v2: b.id!,
    read: async () => Buffer.from((await t.fs.readFile(`/work/${path}`)) as Buffer),
  };
}

function layerPixel(psdBytes: Uint8Array, name: string, x = 0, y = 0): number[] {
  const psd = readPsd(psdBytes, { useImageData: true, skipThumbnail: true });
  const find = (ls: typeof psd.children): NonNullable<typeof psd.children>[number] | undefined => {
    for (const l of ls ?? []) {
      if (l.name === name) return l;
      const inner = find(l.children);
      if (inner) return inner;
    }
    return undefined;
  };
  const l = find(psd.children);
  if (!l?.imageData) throw new Error(`no layer ${name}`);
  const i = (y * l.imageData.width + x) * 4;
  return [...l.imageData.data.slice(i, i + 4)];
}

function layerNames(psdBytes: Uint8Array): string[] {
  const psd = readPsd(psdBytes, {
    useImageData: true,
    skipThumbnail: true,
    skipLayerImageData: true,
    skipCompositeImageData: true,
  });
  const out: string[] = [];
  const walk = (ls: typeof psd.children, prefix: string) => {
    for (const l of ls ?? []) {
      out.push(prefix + l.name);
      walk(l.children, `${prefix}${l.name}/`);
    }
  };
  walk(psd.children, '');
  return out;
}

function compositePixel(psdBytes: Uint8Array, x: number, y: number): number[] {
  const psd = readPsd(psdBytes, { useImageData: true, skipThumbnail: true });
  const i = (y * psd.width + x) * 4;
  return [...psd.imageData!.data.slice(i, i + 4)];
}

const WHITE: Rgba = [255, 255, 255, 255];
const RED: Rgba = [220, 20, 20, 255];
const GREEN: Rgba = [20, 200, 20, 255];
const BLUE: Rgba = [0, 0, 255, 255];
const PURPLE: Rgba = [128, 0, 128, 255];

const psdV1: LayerSpec[] = [
  { name: 'Background', color: WHITE },
  { name: 'Sky', color: BLUE, rect: [0, 0, PSD_W, 4] },
  { name: 'Characters', children: [{ name: 'Hero', color: RED, rect: [4, 6, 3, 3] }] },
];
const psdV2: LayerSpec[] = [
  { name: 'Background', color: WHITE },
  { name: 'Sky', color: PURPLE, rect: [0, 0, PSD_W, 4] },
  { name: 'Characters', children: [{ name: 'Hero', color: GREEN, rect: [4, 6, 3, 3] }] },
];

test('PSD: the old layer comes back, the other layers keep their current pixels, the composite is rebuilt', async () => {
  const t = await twoVersions('Art/castle.psd', makePsd(psdV1), makePsd(psdV2));
  const list = await listElements(t.vault, t.v1, 'Art/castle.psd');
  assert.equal(
    list.elements.map((e) => [e.kind, e.name]),
    [
      ['layer', 'Background'],
      ['layer', 'Sky'],
      ['group', 'Characters'],
      ['layer', 'Characters/Hero'],
    ],
  );
  assert.equal(list.elements[3]!.details, {
    width: 3,
    height: 3,
    left: 4,
    top: 6,
    visible: true,
    opacity: 1,
    blendMode: 'normal',
  });
  const before = await t.read();
  const r = await restoreElement({ vault: t.vault, rev: t.v1, path: 'Art/castle.psd', element: 'Hero' });
  assert.is(r.action, 'replaced');
  assert.is(r.element.name, 'Characters/Hero');
  const now = await t.read();
  assert.equal(layerPixel(now, 'Hero', 1, 1), [...RED], 'restored layer has v1 pixels');
  assert.equal(layerPixel(now, 'Sky'), [...PURPLE], 'other layer keeps v2 pixels');
  assert.equal(layerPixel(now, 'Background'), [...WHITE]);
  assert.equal(layerNames(now), ['Background', 'Sky', 'Characters', 'Characters/Hero'], 'same stack order');
  assert.equal(compositePixel(now, 5, 7), [...RED], 'composite shows the restored layer');
  assert.equal(compositePixel(now, 0, 0), [...PURPLE], 'and the current sky');
  assert.equal(compositePixel(now, 0, 11), [...WHITE]);
  // nothing had changed since v2: HEAD is the undo snapshot, and it restores the file as it was
  assert.is(r.undo!.snapshot, t.v2);
  assert.is(r.undo!.created, false);
  assert.is(r.undo!.command, `vault restore ${t.v2} Art/castle.psd --force`);
  await restore({ vault: t.vault, snapshot: r.undo!.snapshot, paths: ['Art/castle.psd'], force: true });
  assert.ok((await t.read()).equals(before));
});

test('PSD: a layer deleted since goes back into its group, above the sibling it was above', async () => {
  const v1: LayerSpec[] = [
    { name: 'Background', color: WHITE },
    {
      name: 'Fx',
      children: [
        { name: 'Glow', color: BLUE, rect: [0, 0, 2, 2] },
        { name: 'Spark', color: RED, rect: [2, 2, 2, 2] },
        { name: 'Smoke', color: GREEN, rect: [8, 8, 2, 2] },
      ],
    },
  ];
  const v2: LayerSpec[] = [
    { name: 'Background', color: PURPLE },
    {
      name: 'Fx',
      children: [
        { name: 'Glow', color: BLUE, rect: [0, 0, 2, 2] },
        { name: 'Smoke', color: GREEN, rect: [8, 8, 2, 2] },
      ],
    },
  ];
  const t = await twoVersions('fx.psd', makePsd(v1), makePsd(v2));
  await t.fs.writeFile('/work/notes.txt', 'uncommitted edit\n');
  const r = await restoreElement({ vault: t.vault, rev: 'HEAD~1', path: 'fx.psd', element: 'Fx/Spark' });
  assert.is(r.action, 'inserted');
  const now = await t.read();
  assert.equal(layerNames(now), ['Background', 'Fx', 'Fx/Glow', 'Fx/Spark', 'Fx/Smoke']);
  assert.equal(layerPixel(now, 'Spark'), [...RED]);
  assert.equal(layerPixel(now, 'Background'), [...PURPLE]);
  // the uncommitted edit made the undo snapshot a new one
  assert.is(r.undo!.created, true);
  assert.is.not(r.undo!.snapshot, t.v2);
  await restore({ vault: t.vault, snapshot: r.undo!.snapshot, paths: ['fx.psd'], force: true });
  assert.ok((await t.read()).equals(makePsd(v2)));
});

test('GLB: the old node (transform and mesh) comes back; the other node keeps its current vertices and material', async () => {
  const tri = (x: number) => [x, 0, 0, x + 1, 0, 0, x, 1, 0];
  const v1 = await makeGlb([
    { name: 'Tower', positions: tri(0), color: [1, 0, 0, 1], translation: [0, 0, 0] },
    { name: 'Wall', positions: tri(5), color: [0, 0, 1, 1] },
  ]);
  const v2 = await makeGlb([
    { name: 'Tower', positions: [...tri(0), 0, 0, 2, 1, 0, 2, 0, 1, 2], color: [1, 0, 0, 1], translation: [0, 3, 0] },
    { name: 'Wall', positions: tri(9), color: [0, 1, 0, 1] },
  ]);
  const t = await twoVersions('models/keep.glb', v1, v2);
  const list = await listElements(t.vault, t.v1, 'models/keep.glb');
  assert.equal(
    list.elements.map((e) => `${e.kind}:${e.name}`),
    ['node:Tower', 'node:Wall', 'mesh:TowerMesh', 'mesh:WallMesh', 'material:TowerMat', 'material:WallMat'],
  );
  const r = await restoreElement({ vault: t.vault, rev: t.v1, path: 'models/keep.glb', element: 'node:Tower' });
  assert.is(r.action, 'replaced');
  const doc = await readGlb(await t.read());
  assert.equal(positionsOf(doc, 'Tower'), tri(0), 'v1 vertices');
  assert.equal(
    [
      ...doc
        .getRoot()
        .listNodes()
        .find((n) => n.getName() === 'Tower')!
        .getTranslation(),
    ],
    [0, 0, 0],
    'v1 transform',
  );
  assert.equal(positionsOf(doc, 'Wall'), tri(9), 'the other node keeps v2 vertices');
  assert.equal(colorOf(doc, 'Wall'), [0, 1, 0, 1]);
  assert.is(doc.getRoot().listNodes().length, 2);
  assert.is(doc.getRoot().listAccessors().length, 2, 'the replaced vertex data is gone');
});

test('GLB: a material is restored in place; a mesh too, with its own material', async () => {
  const tri = (x: number) => [x, 0, 0, x + 1, 0, 0, x, 1, 0];
  const v1 = await makeGlb([
    { name: 'A', positions: tri(0), color: [1, 0, 0, 1] },
    { name: 'B', positions: tri(3), color: [0, 0, 1, 1] },
  ]);
  const v2 = await makeGlb([
    { name: 'A', positions: tri(1), color: [0.5, 0.5, 0, 1] },
    { name: 'B', positions: tri(4), color: [0, 1, 1, 1] },
  ]);
  const t = await twoVersions('m.glb', v1, v2);
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'm.glb', element: 'AMat' });
  let doc = await readGlb(await t.read());
  assert.equal(colorOf(doc, 'A'), [1, 0, 0, 1]);
  assert.equal(positionsOf(doc, 'A'), tri(1), 'material restore leaves the geometry');
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'm.glb', element: 'mesh:BMesh' });
  doc = await readGlb(await t.read());
  assert.equal(positionsOf(doc, 'B'), tri(3));
  assert.equal(colorOf(doc, 'B'), [0, 0, 1, 1], 'its material, used by nothing else, comes back too');
  assert.equal(positionsOf(doc, 'A'), tri(1));
});

test('OBJ: the old object comes back re-indexed; the other object keeps its current vertices', async () => {
  const t = await twoVersions('m/scene.obj', OBJ_V1, OBJ_V2);
  const list = await listElements(t.vault, t.v1, 'm/scene.obj');
  assert.equal(
    list.elements.map((e) => [e.kind, e.name, e.details?.vertices, e.details?.faces]),
    [
      ['object', 'Cube', 4, 2],
      ['object', 'Tri', 3, 1],
    ],
  );
  const r = await restoreElement({ vault: t.vault, rev: t.v1, path: 'm/scene.obj', element: 'Cube' });
  assert.is(r.action, 'replaced');
  const text = (await t.read()).toString();
  assert.is(
    text,
    `# two objects
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
v 7 0 0
v 8 0 0
v 7 1 0
vn 0 0 1
usemtl Green
f -3//-1 -2//-1 -1//-1
`,
  );
  // absolute indices: the restored block's own faces, and the faces after a block that shrank, are re-numbered
  const v2abs = OBJ_V2.replace('f -3//-1 -2//-1 -1//-1', 'f 6//2 7//2 8//2');
  const t2 = await twoVersions('s.obj', OBJ_V1, v2abs);
  await restoreElement({ vault: t2.vault, rev: t2.v1, path: 's.obj', element: 'Tri' });
  let now = (await t2.read()).toString();
  assert.is(
    now,
    v2abs.replace(/o Tri[^]*/, 'o Tri\nv 5 0 0\nv 6 0 0\nv 5 1 0\nvn 0 0 1\nusemtl Blue\nf 6//2 7//2 8//2\n'),
  );
  await restoreElement({ vault: t2.vault, rev: t2.v1, path: 's.obj', element: 'Cube' });
  now = (await t2.read()).toString();
  assert.is(now, OBJ_V1, 'Tri (after the shorter Cube) points at its own vertices again');
});

test('JSON: one key path comes back; everything else keeps its text and indentation', async () => {
  const t = await twoVersions('config/game.json', JSON_V1, JSON_V2);
  const list = await listElements(t.vault, t.v1, 'config/game.json');
  assert.ok(list.elements.some((e) => e.name === 'settings.audio.volume' && e.kind === 'value'));
  assert.ok(list.elements.some((e) => e.name === 'items[2]'));
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'config/game.json', element: 'settings.audio.volume' });
  assert.is((await t.read()).toString(), JSON_V2.replace('"volume": 0.2', '"volume": 0.8'));
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'config/game.json', element: 'items[1]' });
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'config/game.json', element: 'settings.video' });
  const now = (await t.read()).toString();
  assert.is(
    now,
    JSON_V2.replace('"volume": 0.2', '"volume": 0.8')
      .replace('"bow"', '"shield"')
      .replace('"fullscreen": false', '"fullscreen": true')
      .replace('[1280, 720]', '[\n                1920,\n                1080\n            ]'),
  );
  assert.equal(JSON.parse(now).name, 'castle-2');
  // kind:name as the lists show it works too
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'config/game.json', element: 'value:settings.audio.muted' });
  assert.is(JSON.parse((await t.read()).toString()).settings.audio.muted, false);
});

test('JSON: a key the current file lost is added back to its object in the same style', async () => {
  const t = await twoVersions(
    'a.json',
    '{\n  "a": 1,\n  "b": {\n    "c": true\n  }\n}\n',
    '{\n  "b": {\n    "c": false\n  }\n}\n',
  );
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'a.json', element: 'a' });
  assert.is((await t.read()).toString(), '{\n  "b": {\n    "c": false\n  },\n  "a": 1\n}\n');
  assert.is(
    await codeOf(() => restoreElement({ vault: t.vault, rev: t.v1, path: 'a.json', element: 'b.x' })),
    'ENOELEMENT',
  );
});

test('Godot .tscn: a node section comes back with the resources it uses; other nodes keep their current properties', async () => {
  const t = await twoVersions('scenes/main.tscn', TSCN_V1, TSCN_V2);
  const list = await listElements(t.vault, t.v1, 'scenes/main.tscn');
  assert.equal(
    list.elements.map((e) => e.name),
    ['Main', 'Player', 'Player/Sprite', 'Player/Shape', 'Camera'],
  );
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'scenes/main.tscn', element: 'Player/Sprite' });
  let now = (await t.read()).toString();
  assert.match(
    now,
    '[ext_resource type="Texture2D" uid="uid://icon" path="res://icon.svg" id="1_icon"]\n\n[node name="Main"',
  );
  assert.match(
    now,
    '[node name="Sprite" type="Sprite2D" parent="Player"]\ntexture = ExtResource("1_icon")\nscale = Vector2(2, 2)\n\n[node name="Camera"',
  );
  assert.match(now, 'zoom = Vector2(3, 3)', 'the other node keeps its current properties');
  assert.match(now, '[gd_scene load_steps=2 ');
  const r = await restoreElement({ vault: t.vault, rev: t.v1, path: 'scenes/main.tscn', element: 'Shape' });
  assert.is(r.action, 'inserted');
  now = (await t.read()).toString();
  assert.match(
    now,
    '[sub_resource type="RectangleShape2D" id="RectangleShape2D_a"]\nsize = Vector2(16, 16)\n\n[node name="Main"',
  );
  assert.match(
    now,
    'scale = Vector2(2, 2)\n\n[node name="Shape" type="CollisionShape2D" parent="Player"]\nshape = SubResource("RectangleShape2D_a")\n\n[node name="Camera"',
  );
  assert.match(now, '[gd_scene load_steps=3 ');
  assert.ok(now.endsWith('zoom = Vector2(3, 3)\n'));
});

test('YAML: a key path comes back, comments stay', async () => {
  const t = await twoVersions(
    'level.yaml',
    '# level\nname: one\nspawn:\n  x: 1 # left\n  y: 2\n',
    '# level\nname: two\nspawn:\n  x: 9 # left\n  y: 8\n',
  );
  await restoreElement({ vault: t.vault, rev: t.v1, path: 'level.yaml', element: 'spawn.x' });
  const text = (await t.read()).toString();
  assert.equal(parseYaml(text), { name: 'two', spawn: { x: 1, y: 8 } });
  assert.match(text, '# level');
});

test('errors: unknown element with close names, ambiguous names, unsupported formats; nothing is written', async () => {
  const t = await twoVersions('Art/castle.psd', makePsd(psdV1), makePsd(psdV2));
  const before = await t.read();
  try {
    await restoreElement({ vault: t.vault, rev: t.v1, path: 'Art/castle.psd', element: 'Heroo' });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code: string }).code, 'ENOELEMENT');
    assert.equal((e as { data: { candidates: string[] } }).data.candidates[0], 'Characters/Hero');
  }
  assert.ok((await t.read()).equals(before));
  await t.fs.writeFile('/work/readme.txt', 'x');
  await commit({ vault: t.vault, message: 'txt' });
  assert.is(
    await codeOf(() => restoreElement({ vault: t.vault, rev: 'HEAD', path: 'readme.txt', element: 'x' })),
    'EUNSUPPORTED',
  );
  assert.is(await codeOf(() => listElements(t.vault, 'HEAD', 'nope.psd')), 'ENOPATH');
  assert.is(
    await codeOf(() => restoreElement({ vault: t.vault, rev: t.v1, path: '../outside.psd', element: 'Sky' })),
    'EUNSAFEPATH',
  );
  const amb = [
    { name: 'A', children: [{ name: 'Hero', color: RED, rect: [0, 0, 2, 2] }] },
    { name: 'B', children: [{ name: 'Hero', color: BLUE, rect: [0, 0, 2, 2] }] },
  ] as LayerSpec[];
  const g = await twoVersions('amb.psd', makePsd(amb), makePsd([{ name: 'Background', color: WHITE }]));
  assert.is(
    await codeOf(() => restoreElement({ vault: g.vault, rev: g.v1, path: 'amb.psd', element: 'Hero' })),
    'EAMBIGUOUSELEMENT',
  );
  const top = await restoreElement({ vault: g.vault, rev: g.v1, path: 'amb.psd', element: 'B/Hero' });
  assert.is(top.action, 'inserted');
  assert.match(top.notes.join('\n'), "group 'B' is not in the current file");
  assert.equal(layerNames(await g.read()), ['Background', 'Hero']);
  const d = await twoVersions(
    'd.psd',
    makePsd([
      { name: 'A', color: RED },
      { name: 'A', color: BLUE },
    ]),
    makePsd([
      { name: 'A', color: GREEN },
      { name: 'A', color: BLUE },
    ]),
  );
  const r = await restoreElement({ vault: d.vault, rev: d.v1, path: 'd.psd', element: 'A' });
  assert.is(r.element.name, 'A', 'the first of two same-named layers is A, the second A#2');
  assert.equal(layerPixel(await d.read(), 'A'), [...RED]);
});

test('a symlink in the way is refused, and the file is not written through it', async () => {
  const t = await twoVersions('c.json', '{"a": 1}\n', '{"a": 2}\n');
  await t.fs.mkdir('/elsewhere');
  await t.fs.writeFile('/elsewhere/c.json', '{"a": 3}\n');
  await t.fs.unlink('/work/c.json');
  await t.fs.symlink('/elsewhere/c.json', '/work/c.json');
  assert.is(
    await codeOf(() => restoreElement({ vault: t.vault, rev: t.v1, path: 'c.json', element: 'a' })),
    'EUNSAFEPATH',
  );
  assert.is(String(await t.fs.readFile('/elsewhere/c.json', 'utf8')), '{"a": 3}\n');
});

test.run();
