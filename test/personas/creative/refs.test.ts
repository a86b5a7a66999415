import { Document, NodeIO } from '@gltf-transform/core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../../src/porcelain/commit.js';
import { readAttachment } from '../../../src/porcelain/attachments.js';
import { readSnapshot } from '../../../src/porcelain/readSnapshot.js';
import { referencesAttachment } from '../../../src/personas/creative/references/attachment.js';
import { brokenReferences, referencesOf, usedBy } from '../../../src/personas/creative/references/queries.js';
import { loadReferenceGraph } from '../../../src/personas/creative/references/graph.js';
import {
  glbJson,
  godotRoots,
  mtlMapFile,
  parseReferences,
} from '../../../src/personas/creative/references/parseReferences.js';
import { resolveReference } from '../../../src/personas/creative/references/resolveReference.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { GD, GLTF, MATERIAL, MTL, OBJ, TSCN, creativeProject, png } from './refs-fixtures.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/creative/refs');

const none = () => false;
const targets = (refs: { target: string | null }[]) => refs.map((r) => r.target);

test('resolving: relative to the referencing file, res:// from the root, leaving the project, URLs ignored', () => {
  assert.equal(resolveReference('Models/a.mtl', '../Textures/b.png'), { target: 'Textures/b.png' });
  assert.equal(resolveReference('Models/a.mtl', '..\\Textures\\b.png'), { target: 'Textures/b.png' });
  assert.equal(resolveReference('scenes/x.tscn', 'res://Textures/./b.png'), { target: 'Textures/b.png' });
  assert.equal(resolveReference('Models/a.mtl', '../../elsewhere/b.png'), { target: null, outside: true });
  assert.equal(resolveReference('Models/a.mtl', 'C:\\Users\\me\\b.png'), { target: null, outside: true });
  assert.equal(resolveReference('Models/a.mtl', '/home/me/b.png'), { target: null, outside: true });
  assert.equal(resolveReference('Models/a.gltf', 'my%20tex.png', { uri: true }), { target: 'Models/my tex.png' });
  assert.is(resolveReference('Models/a.gltf', 'data:image/png;base64,AAAA', { uri: true }), null);
  assert.is(resolveReference('Models/a.gltf', 'https://example.org/a.png'), null);
});

test('parsing each format: OBJ mtllib, MTL maps with options, glTF uris, GLB JSON chunk, Godot ext_resource, GDScript load, JSON paths', () => {
  assert.equal(targets(parseReferences('obj', 'Models/hero.obj', OBJ, none)), ['Models/hero.mtl']);
  const mtl = parseReferences('mtl', 'Models/hero.mtl', MTL, none);
  assert.equal(targets(mtl), ['Textures/brick.png', 'Textures/brick_normal.png']);
  assert.equal(
    mtl.map((r) => [r.kind, r.line]),
    [
      ['texture', 3],
      ['texture', 4],
    ],
  );
  assert.is(mtlMapFile('-s 1 1 1 -o 0.5 tex file.png'), 'tex file.png');
  assert.is(mtlMapFile('-clamp on -imfchan r rough.png'), 'rough.png');
  assert.equal(
    parseReferences('gltf', 'Models/ship.gltf', GLTF, none).map((r) => [r.kind, r.target]),
    [
      ['buffer', 'Models/ship.bin'],
      ['image', 'Textures/hull paint.png'],
    ],
  );
  const json = Buffer.from(JSON.stringify({ asset: { version: '2.0' }, images: [{ uri: 'skin.png' }] }));
  const pad = Buffer.alloc((4 - (json.length % 4)) % 4, 0x20);
  const glb = Buffer.alloc(20);
  glb.write('glTF', 0, 'latin1');
  glb.writeUInt32LE(2, 4);
  glb.writeUInt32LE(20 + json.length + pad.length, 8);
  glb.writeUInt32LE(json.length + pad.length, 12);
  glb.write('JSON', 16, 'latin1');
  assert.equal(glbJson(glb.subarray(0, 10)), { need: 20 });
  assert.equal(glbJson(glb), { need: 20 + json.length + pad.length });
  assert.is(JSON.parse(glbJson(Buffer.concat([glb, json, pad])) as string).images[0].uri, 'skin.png');
  assert.equal(
    parseReferences('godot', 'scenes/level.tscn', TSCN, none).map((r) => [r.kind, r.target, r.line]),
    [
      ['ext_resource', 'Textures/brick.png', 3],
      ['ext_resource', 'scripts/player.gd', 4],
    ],
  );
  assert.equal(targets(parseReferences('gdscript', 'scripts/player.gd', GD, none)), [
    'Textures/brick_normal.png',
    'Models/hero.obj',
  ]);
  const exists = (p: string) => p === 'Textures/brick.png';
  assert.equal(targets(parseReferences('json', 'Materials/brick.json', MATERIAL, exists)), [
    'Textures/brick.png',
    'Textures/brick_normal.png',
  ]);
  const yaml = 'material:\n  albedo: ../Textures/brick.png\n  label: not a path\n---\nother: res://scenes/level.tscn\n';
  assert.equal(targets(parseReferences('yaml', 'Materials/m.yaml', yaml, exists)), [
    'Textures/brick.png',
    'scenes/level.tscn',
  ]);
  assert.equal(parseReferences('json', 'a.json', '{not json', none), []);
});

test('the graph is stored with the snapshot; refs, used-by, recursive; a rename that breaks references warns naming both files', async () => {
  const t = await memVault(creativeProject());
  const warnings: string[] = [];
  const onWarning = (w: { attachment: string; message: string }) => warnings.push(`${w.attachment}: ${w.message}`);
  await commit({ vault: t.vault, message: 'assets', attachments: [referencesAttachment()], onWarning });
  assert.equal(warnings, []);
  const g = await loadReferenceGraph({ vault: t.vault });
  assert.ok(g.stored);

  const hero = await referencesOf({ vault: t.vault, path: 'Models/hero.obj' });
  assert.equal(
    hero.references.map((r) => [r.target, r.status]),
    [['Models/hero.mtl', 'ok']],
  );
  const deep = await referencesOf({ vault: t.vault, path: 'Models/hero.obj', recursive: true });
  assert.equal(targets(deep.references as never), [
    'Models/hero.mtl',
    'Textures/brick.png',
    'Textures/brick_normal.png',
  ]);
  const users = await usedBy({ vault: t.vault, path: 'Textures/brick.png' });
  assert.equal(
    users.references.map((r) => r.from),
    ['Materials/brick.json', 'Models/hero.mtl', 'scenes/level.tscn'],
  );
  assert.equal((await usedBy({ vault: t.vault, path: 'Textures' })).references.length, 7);
  assert.equal((await brokenReferences({ vault: t.vault })).references, []);
  assert.is(await codeOf(() => referencesOf({ vault: t.vault, path: 'Models/nope.obj' })), 'ENOPATH');

  await t.fs.rename('/work/Textures/brick.png', '/work/Textures/brick_old.png');
  const r = await commit({ vault: t.vault, message: 'rename', attachments: [referencesAttachment()], onWarning });
  assert.ok(r.id);
  assert.is(warnings.length, 3, warnings.join('\n'));
  const mtlWarning = warnings.find((w) => w.includes('Models/hero.mtl'));
  assert.ok(mtlWarning);
  assert.match(
    mtlWarning!,
    /^references: Models\/hero\.mtl still uses Textures\/brick\.png, which this commit renames to Textures\/brick_old\.png \(line 3/,
  );
  const broken = await brokenReferences({ vault: t.vault });
  assert.equal(
    broken.references.map((x) => [x.from, x.target, x.status]),
    [
      ['Materials/brick.json', 'Textures/brick.png', 'missing'],
      ['Models/hero.mtl', 'Textures/brick.png', 'missing'],
      ['scenes/level.tscn', 'Textures/brick.png', 'missing'],
    ],
  );
  // the older snapshot is still whole
  assert.equal((await brokenReferences({ vault: t.vault, snapshot: 'HEAD~1' })).references, []);
});

test('only changed folders get a new shard; the others are carried forward as the same objects', async () => {
  const t = await memVault(creativeProject());
  await commit({ vault: t.vault, message: 'one', attachments: [referencesAttachment()] });
  const before = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'references');
  assert.equal([...before.keys()].sort(), [
    'index.json',
    'tree/d-Materials/refs.json',
    'tree/d-Models/refs.json',
    'tree/d-scenes/refs.json',
    'tree/d-scripts/refs.json',
  ]);
  await t.fs.writeFile('/work/Models/hero.mtl', `${MTL}map_Ks -s 2 2 2 ../Textures/spec.png\n`);
  await t.fs.writeFile('/work/Textures/brick_normal.png', png(8, 8, [1, 2, 3, 255]));
  const warnings: string[] = [];
  await commit({
    vault: t.vault,
    message: 'two',
    attachments: [referencesAttachment()],
    onWarning: (w) => warnings.push(w.message),
  });
  assert.equal(
    warnings,
    ['Models/hero.mtl uses Textures/spec.png, which is not in this snapshot (line 5: ../Textures/spec.png)'],
    'a newly broken reference in a changed file',
  );
  const after = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'references');
  for (const k of ['tree/d-Materials/refs.json', 'tree/d-scenes/refs.json', 'tree/d-scripts/refs.json'])
    assert.is(after.get(k)!.id, before.get(k)!.id, k);
  assert.is.not(after.get('tree/d-Models/refs.json')!.id, before.get('tree/d-Models/refs.json')!.id);
  const broken = await brokenReferences({ vault: t.vault });
  assert.equal(
    broken.references.map((x) => [x.from, x.line, x.target]),
    [['Models/hero.mtl', 5, 'Textures/spec.png']],
  );

  // deleting the only referencing file of a folder drops its shard
  await t.fs.unlink('/work/Materials/brick.json');
  await commit({ vault: t.vault, message: 'three', attachments: [referencesAttachment()] });
  const third = await readAttachment(t.vault, (await readSnapshot(t.vault, 'HEAD')).attachments, 'references');
  assert.not.ok(third.has('tree/d-Materials/refs.json'));
});

test('glTF written by @gltf-transform: .gltf buffer and image uris; a big GLB is read only up to its JSON chunk', async () => {
  const doc = new Document();
  const buf = doc.createBuffer();
  const tex = doc
    .createTexture('skin')
    .setImage(png(4, 4, [9, 9, 9, 255]))
    .setMimeType('image/png')
    .setURI('../Textures/skin.png');
  const positions = new Float32Array(3 * 250_000).map((_, i) => (i % 7) * 0.5 + Math.sin(i));
  const pos = doc.createAccessor().setType('VEC3').setArray(positions).setBuffer(buf);
  doc
    .createMesh('hull')
    .addPrimitive(
      doc
        .createPrimitive()
        .setAttribute('POSITION', pos)
        .setMaterial(doc.createMaterial('paint').setBaseColorTexture(tex)),
    );
  const io = new NodeIO();
  const { json } = await io.writeJSON(doc, { basename: 'ship' });
  const glb = await io.writeBinary(doc);
  assert.ok(glb.length > 2_000_000);
  const t = await memVault({
    Models: { 'ship.gltf': JSON.stringify(json), 'ship.glb': glb },
    Textures: { 'skin.png': png(4, 4, [9, 9, 9, 255]) },
  });
  await commit({ vault: t.vault, message: 'ship' });
  const gltf = await referencesOf({ vault: t.vault, path: 'Models/ship.gltf' });
  assert.equal(
    gltf.references.map((r) => [r.kind, r.target, r.status]),
    [
      ['buffer', 'Models/ship.bin', 'missing'],
      ['image', 'Textures/skin.png', 'ok'],
    ],
  );
  // count the chunks read while parsing the GLB (its images are embedded: no references)
  const db = t.vault.db;
  const read = db.read.bind(db);
  let chunks = 0;
  db.read = async (id) => {
    const o = await read(id);
    if (o.type === 'chunk') chunks++;
    return o;
  };
  const glbRefs = await referencesOf({ vault: t.vault, path: 'Models/ship.glb' });
  assert.equal(glbRefs.references, []);
  assert.ok(chunks >= 1 && chunks <= 2, `${chunks} chunks read of a ${glb.length}-byte GLB`);
});

test('a big OBJ is scanned piece by piece for mtllib lines: numbers right across chunk boundaries, CRLF, last line without newline', async () => {
  const lines: string[] = [];
  for (let i = 0; i < 120_000; i++) {
    if (i % 20_011 === 5) lines.push(`  mtllib part${i}.mtl`);
    else if (i === 777) lines.push(`# ${'x'.repeat(10_000)} mtllib not-this.mtl`);
    else if (i === 778) lines.push(`mtllib ${'y'.repeat(5_000)}.mtl`);
    else lines.push(`v ${i} ${i * 2} ${i * 3}`);
  }
  lines.push('mtllib last.mtl');
  const text = lines.join('\r\n');
  assert.ok(text.length > 2_000_000);
  const t = await memVault({ 'big.obj': text });
  await commit({ vault: t.vault, message: 'big' });
  const r = await referencesOf({ vault: t.vault, path: 'big.obj' });
  const want = lines
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l.startsWith('mtllib') && l.length < 4096)
    .map(([l, n]) => [l.slice(7), n]);
  assert.equal(
    r.references.map((x) => [x.raw, x.line]),
    want,
  );
  assert.is(want.length, 7);
});

test('a rename that breaks many references warns about the first 20 and counts the rest', async () => {
  const scenes: Record<string, string> = {};
  for (let i = 0; i < 25; i++) scenes[`s${String(i).padStart(2, '0')}.tscn`] = TSCN;
  const t = await memVault({ ...creativeProject(), scenes });
  await commit({ vault: t.vault, message: 'one', attachments: [referencesAttachment()] });
  await t.fs.unlink('/work/Textures/brick.png');
  const warnings: string[] = [];
  await commit({
    vault: t.vault,
    message: 'two',
    attachments: [referencesAttachment()],
    onWarning: (w) => warnings.push(w.message),
  });
  assert.is(warnings.length, 21);
  assert.match(
    must(warnings[0]),
    /^Materials\/brick\.json still uses Textures\/brick\.png, which this commit deletes$/,
  );
  assert.is(warnings[20], "... and 7 more broken reference(s): run 'vault refs --broken'");
  assert.is((await brokenReferences({ vault: t.vault })).references.length, 27);
});

test('a snapshot made without the graph gets it computed from its tree; outside and case-mismatched references are told apart', async () => {
  const tree = creativeProject();
  const t = await memVault({
    ...tree,
    Models: {
      ...tree.Models,
      'hero.mtl': `${MTL}map_Ks ../../shared/spec.png\nmap_d C:\\art\\alpha.png\nnorm ../textures/BRICK_NORMAL.png\n`,
    },
  });
  await commit({ vault: t.vault, message: 'no persona yet' });
  const g = await loadReferenceGraph({ vault: t.vault });
  assert.not.ok(g.stored);
  const hero = await referencesOf({ vault: t.vault, path: 'Models/hero.mtl' });
  assert.equal(
    hero.references.map((r) => r.status),
    ['ok', 'ok', 'outside', 'outside', 'missing'],
  );
  assert.is(must(hero.references[4]).suggestion, 'Textures/brick_normal.png');
  const broken = await brokenReferences({ vault: t.vault });
  assert.equal(
    broken.references.map((r) => r.raw),
    ['../textures/BRICK_NORMAL.png'],
  );
  assert.equal(
    broken.outside.map((r) => r.raw),
    ['../../shared/spec.png', 'C:\\art\\alpha.png'],
  );
});

test('res:// names the folder holding project.godot when the Godot project sits inside a bigger project', async () => {
  const roots = godotRoots(['art/a.png', 'game/project.godot', 'game/scenes/level.tscn', 'tools/project.godot']);
  assert.is(roots('game/scenes/level.tscn'), 'game');
  assert.is(roots('art/a.psd'), '');
  const t = await memVault({
    game: {
      'project.godot':
        'config_version=5\n[application]\nrun/main_scene="res://scenes/level.tscn"\nconfig/icon="res://icon.png"\n',
      scenes: { 'level.tscn': TSCN.replace('res://scripts/player.gd', 'res://../shared/player.gd') },
      Textures: { 'brick.png': png(2, 2, [1, 1, 1, 255]) },
    },
    shared: { 'player.gd': GD },
  });
  await commit({ vault: t.vault, message: 'game', attachments: [referencesAttachment()] });
  const level = await referencesOf({ vault: t.vault, path: 'game/scenes/level.tscn' });
  assert.equal(
    level.references.map((r) => [r.target, r.status]),
    [
      ['game/Textures/brick.png', 'ok'],
      ['shared/player.gd', 'ok'],
    ],
  );
  const project = await referencesOf({ vault: t.vault, path: 'game/project.godot' });
  assert.equal(
    project.references.map((r) => [r.target, r.status]),
    [
      ['game/scenes/level.tscn', 'ok'],
      ['game/icon.png', 'missing'],
    ],
  );
});

test.run();
