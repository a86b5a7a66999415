import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../../src/porcelain/commit.js';
import { verify } from '../../../src/porcelain/verify.js';
import { addWorkspace, listWorkspace, removeWorkspace } from '../../../src/personas/creative/workspace/config.js';
import { workspaceAttachment } from '../../../src/personas/creative/workspace/attachment.js';
import { NOTE_META, showWorkspace } from '../../../src/personas/creative/workspace/show.js';
import { restoreWorkspace } from '../../../src/personas/creative/workspace/restore.js';
import { codeOf, memVault } from '../../helpers/vault.js';
import { writeTree, symlink } from '../../helpers/tree.js';
import { must } from '../../helpers/must.js';

const test = suite('personas/creative/workspace');

const BRUSH = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 251));

async function setup() {
  const t = await memVault({ 'art.kra': 'painting v1' });
  await writeTree(t.fs, '/home/artist/.config/paint', {
    'layout.xml': '<layout dock="left"/>',
    brushes: { 'soft.brush': BRUSH, 'hard.brush': 'hard' },
    current: symlink('brushes/soft.brush'),
  });
  await t.fs.writeFile('/home/artist/palette.gpl', 'GIMP Palette\n255 0 0 red\n');
  await t.fs.chmod('/home/artist/palette.gpl', 0o644);
  await addWorkspace({ vault: t.vault, path: '/home/artist/.config/paint/' });
  await addWorkspace({ vault: t.vault, path: '/home/artist/palette.gpl', name: 'palette' });
  await addWorkspace({ vault: t.vault, path: '/home/artist/gone', name: 'gone' });
  const warnings: string[] = [];
  const snap = (message: string, meta?: Record<string, string>) =>
    commit({
      vault: t.vault,
      message,
      meta,
      attachments: [workspaceAttachment(t.vault)],
      onWarning: (w) => warnings.push(`${w.attachment}: ${w.message}`),
    });
  return { ...t, warnings, snap };
}

test('declaring workspace paths: names, duplicates, relative paths, the vault itself, removal', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  const w = await addWorkspace({ vault: t.vault, path: '/home/artist/.config/krita//' });
  assert.equal(w, { name: 'krita', path: '/home/artist/.config/krita' });
  assert.equal(listWorkspace(t.vault), [w]);
  assert.is(await codeOf(() => addWorkspace({ vault: t.vault, path: '/other/krita' })), 'EEXIST');
  assert.is(await codeOf(() => addWorkspace({ vault: t.vault, path: 'relative/krita' })), 'EUSAGE');
  assert.is(
    await codeOf(() => addWorkspace({ vault: t.vault, path: '/work' })),
    'EUSAGE',
    'the project holding the vault',
  );
  assert.is(await codeOf(() => addWorkspace({ vault: t.vault, path: '/work/.vault/refs' })), 'EUSAGE');
  assert.is(await codeOf(() => addWorkspace({ vault: t.vault, path: '/x', name: '../up' })), 'EUSAGE');
  const reopened = await t.reopen();
  assert.equal(listWorkspace(reopened), [w], 'kept in .vault/config');
  assert.equal(await removeWorkspace({ vault: t.vault, name: 'krita' }), w);
  assert.equal(listWorkspace(t.vault), []);
  assert.is(await codeOf(() => removeWorkspace({ vault: t.vault, name: 'krita' })), 'ENOWORKSPACE');
});

test('commit captures the workspace (folder, single file, symlink kept as a link); a missing path warns; show lists it with the note', async () => {
  const t = await setup();
  const r = await t.snap('first', { [NOTE_META]: 'Krita 5.2; open: art.kra' });
  assert.ok(r.id);
  assert.equal(t.warnings, ["workspace: 'gone': /home/artist/gone is missing; not captured"]);
  const s = await showWorkspace({ vault: t.vault });
  assert.is(s.note, 'Krita 5.2; open: art.kra');
  assert.equal(
    s.workspaces.map((w) => [w.name, w.kind, w.files, w.bytes]),
    [
      ['paint', 'dir', 3, BRUSH.length + 4 + 21],
      ['palette', 'file', 1, 25],
      ['gone', 'missing', 0, 0],
    ],
  );
  const paint = must(s.workspaces[0]);
  assert.equal(
    paint.items.map((i) => [i.rel, i.kind]),
    [
      ['brushes', 'dir'],
      ['brushes/hard.brush', 'file'],
      ['brushes/soft.brush', 'file'],
      ['current', 'symlink'],
      ['layout.xml', 'file'],
    ],
  );
  assert.is(paint.items.find((i) => i.kind === 'symlink')!.target, 'brushes/soft.brush');
  assert.equal((await verify({ vault: t.vault, readData: true })).problems, []);
});

test('an unchanged or merely touched workspace makes no snapshot; a changed one alone does', async () => {
  const t = await setup();
  const first = await t.snap('first');
  assert.is((await t.snap('again')).id, null);
  await t.fs.utimes('/home/artist/palette.gpl', 1_800_000_000, 1_800_000_000);
  assert.is((await t.snap('touched')).id, null, 'same content: no new snapshot');
  await t.fs.writeFile('/home/artist/.config/paint/layout.xml', '<layout dock="right"/>');
  const r = await t.snap('layout changed');
  assert.ok(r.id);
  assert.is(r.tree, first.tree, 'the project did not change');
});

test('restore puts files back at their absolute places; overwriting needs yes or a confirmation; nothing is written before', async () => {
  const t = await setup();
  await t.snap('good state');
  const P = '/home/artist/.config/paint';
  await t.fs.writeFile(`${P}/layout.xml`, '<layout broken/>');
  await t.fs.unlink(`${P}/brushes/hard.brush`);
  await t.fs.unlink(`${P}/current`);
  await t.fs.chmod('/home/artist/palette.gpl', 0o600);

  assert.is(await codeOf(() => restoreWorkspace({ vault: t.vault, snapshot: 'HEAD' })), 'EOVERWRITE');
  assert.is(
    await codeOf(() => restoreWorkspace({ vault: t.vault, snapshot: 'HEAD', confirm: async () => false })),
    'ECANCELED',
  );
  assert.is(
    await codeOf(() => restoreWorkspace({ vault: t.vault, snapshot: 'HEAD', names: ['nope'] })),
    'ENOWORKSPACE',
  );
  assert.not.ok(await t.fs.lstat(`${P}/brushes/hard.brush`).catch(() => null), 'nothing written when refused');

  let asked: readonly string[] = [];
  const r = await restoreWorkspace({
    vault: t.vault,
    snapshot: 'HEAD',
    confirm: async (a) => ((asked = a.overwrite), a.undeclared.length === 0),
  });
  assert.equal(asked, [`${P}/layout.xml`]);
  assert.equal([...r.written].sort(), [`${P}/brushes/hard.brush`, `${P}/current`, `${P}/layout.xml`]);
  assert.is(String(await t.fs.readFile(`${P}/layout.xml`, 'utf8')), '<layout dock="left"/>');
  assert.is(String(await t.fs.readFile(`${P}/brushes/hard.brush`, 'utf8')), 'hard');
  assert.is(String(await t.fs.readlink(`${P}/current`)), 'brushes/soft.brush');
  assert.is(Number((await t.fs.stat('/home/artist/palette.gpl')).mode) & 0o777, 0o644, 'mode put back');
  assert.equal(r.skipped, [], 'nothing skipped');
  assert.equal(r.missing, ['/home/artist/gone'], 'missing at commit time: nothing to put back');
  const again = await restoreWorkspace({ vault: t.vault, snapshot: 'HEAD' });
  assert.equal(again.written, [], 'already identical: nothing to write, nothing to ask');
});

test("restore never writes through a symlink that took a folder's place", async () => {
  const t = await setup();
  await t.snap('good state');
  const P = '/home/artist/.config/paint';
  await t.fs.rm(`${P}/brushes`, { recursive: true });
  await t.fs.mkdir('/elsewhere');
  await t.fs.symlink('/elsewhere', `${P}/brushes`);
  const r = await restoreWorkspace({ vault: t.vault, snapshot: 'HEAD', names: ['paint'], yes: true });
  assert.equal(
    r.skipped.map((s) => s.path),
    [`${P}/brushes`, `${P}/brushes/hard.brush`, `${P}/brushes/soft.brush`],
  );
  assert.equal(await t.fs.readdir('/elsewhere'), []);
});

test('paths the snapshot holds but this vault does not declare (a cloned vault) need a yes even when nothing is overwritten', async () => {
  const t = await setup();
  await t.snap('good state');
  await removeWorkspace({ vault: t.vault, name: 'palette' });
  await t.fs.unlink('/home/artist/palette.gpl');
  assert.is(
    await codeOf(() => restoreWorkspace({ vault: t.vault, snapshot: 'HEAD~0', names: ['palette'] })),
    'EUNDECLARED',
  );
  let undeclared: readonly string[] = [];
  assert.is(
    await codeOf(() =>
      restoreWorkspace({
        vault: t.vault,
        snapshot: 'HEAD',
        confirm: async (a) => ((undeclared = a.undeclared), false),
      }),
    ),
    'ECANCELED',
  );
  assert.equal(undeclared, ['/home/artist/palette.gpl']);
  assert.not.ok(await t.fs.lstat('/home/artist/palette.gpl').catch(() => null));
  const r = await restoreWorkspace({ vault: t.vault, snapshot: 'HEAD', names: ['palette'], yes: true });
  assert.equal(r.written, ['/home/artist/palette.gpl']);
});

test('a disk that fills up mid-restore leaves the old file whole and no temp file behind', async () => {
  const t = await setup();
  await t.snap('good state');
  const P = '/home/artist/.config/paint';
  await t.fs.writeFile(`${P}/brushes/soft.brush`, 'scribbled over');
  const full = new Proxy(t.fs, {
    get(target, prop, recv) {
      if (prop !== 'open') return Reflect.get(target, prop, recv);
      return async (path: string, ...rest: unknown[]) => {
        const fh = await (target.open as (...a: unknown[]) => Promise<import('node:fs/promises').FileHandle>)(
          path,
          ...rest,
        );
        if (!String(path).includes('.tmp-')) return fh;
        return new Proxy(fh, {
          get(h, k, r) {
            if (k === 'write')
              return async () => {
                throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
              };
            const v = Reflect.get(h, k, r);
            return typeof v === 'function' ? v.bind(h) : v;
          },
        });
      };
    },
  });
  const vault = { ...t.vault, fs: full };
  assert.is(await codeOf(() => restoreWorkspace({ vault, snapshot: 'HEAD', names: ['paint'], yes: true })), 'ENOSPC');
  assert.is(String(await t.fs.readFile(`${P}/brushes/soft.brush`, 'utf8')), 'scribbled over');
  assert.equal(((await t.fs.readdir(`${P}/brushes`)) as string[]).sort(), ['hard.brush', 'soft.brush']);
});

test('a snapshot without workspace state says so', async () => {
  const t = await memVault({ 'a.txt': 'a' });
  await commit({ vault: t.vault, message: 'plain' });
  assert.is(await codeOf(() => showWorkspace({ vault: t.vault })), 'ENOWORKSPACE');
  assert.is(await codeOf(() => restoreWorkspace({ vault: t.vault, snapshot: 'HEAD', yes: true })), 'ENOWORKSPACE');
});

test.run();
