/**
 * The TUI opens fast on a long history: it reads the first screenful of snapshots, not the whole log.
 * Builds 1,000 snapshots with plumbing (commit-tree style: snapshot objects over two trees), on disk,
 * and prints how long the first screen took.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { commit } from '../../src/porcelain/commit.js';
import { log } from '../../src/porcelain/log.js';
import { readSnapshot } from '../../src/porcelain/readSnapshot.js';
import { updateRef } from '../../src/refs/refs.js';
import { diskVault, tempDir } from '../helpers/vault.js';
import { KEYS, renderApp } from './harness.js';

const test = suite('tui open time');
const N = 1000;

test(`opens on ${N} snapshots with the first screenful only, and prints the time`, async () => {
  const tmp = await tempDir();
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++) files[`f${String(i).padStart(3, '0')}.txt`] = `file ${i}\n`;
    const t = await diskVault(tmp.path, { src: files });
    const { vault } = t;
    const a = await readSnapshot(vault, (await commit({ vault, message: 'tree a' })).id!);
    await t.fs.writeFile(`${t.dir}/src/f000.txt`, 'changed\n');
    const b = await readSnapshot(vault, (await commit({ vault, message: 'tree b' })).id!);
    let parent = b.id;
    /** the chain from the oldest written here to HEAD */
    const chain: string[] = [];
    const built = Date.now();
    for (let i = 0; i < N - 2; i++) {
      const body = encodeSnapshot({
        tree: i % 2 ? b.tree : a.tree,
        parents: [parent],
        author: 'Bulk <bulk@example.org>',
        time: 1_700_000_000_000 + i * 1000,
        message: `snapshot ${i + 3}`,
        meta: {},
      });
      parent = await vault.db.writeLoose('snapshot', body);
      chain.push(parent);
    }
    await updateRef({
      ...vault.refs,
      ref: 'refs/heads/main',
      value: parent,
      expected: b.id,
      message: 'bulk',
      author: vault.author,
      time: vault.clock(),
    });
    const buildMs = Date.now() - built;

    const reopened = await t.reopen();
    // snapshots deeper than 40 from HEAD are held back until `release`: the first screen and its change
    // counts must not need them (opening is lazy); the background count waits for them
    const deep = new Set(chain.slice(0, -40));
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const readTyped = reopened.db.readTyped.bind(reopened.db);
    reopened.db.readTyped = async (id, type) => {
      if (type === 'snapshot' && deep.has(id)) await gate;
      return readTyped(id, type);
    };
    const t0 = performance.now();
    const s = renderApp(reopened);
    const f = await s.waitFor(
      (f) => f.includes(`snapshot ${N}`) && f.split('\n').filter((l) => /snapshot \d+/.test(l)).length >= 20,
      'the first screenful',
      20000,
    );
    const openMs = performance.now() - t0;
    await s.waitFor(
      (f) => !f.includes('…') && (f.match(/\+\d+ ~\d+ -\d+/g) ?? []).length >= 20,
      'change counts of the visible rows',
      20000,
    );
    const countsMs = performance.now() - t0;
    assert.match(s.frame(), /Timeline \(\d+\+ snapshots\)/, 'counting: the header says "N+" meanwhile');
    void f;
    release();
    await s.waitFor((f) => f.includes(`Timeline (${N} snapshots)`), 'the count in the header', 20000);
    assert.match(s.frame(), new RegExp(`> .* snapshot ${N}\\b`), 'still on the newest (nothing moved)');
    await s.press('G');
    await s.waitFor(
      (f) => f.includes('Timeline (1000 snapshots)') && f.includes('tree a'),
      'the end of the history after scrolling',
      20000,
    );
    s.unmount();

    const l0 = performance.now();
    assert.is((await log({ vault: reopened })).length, N);
    const logMs = performance.now() - l0;
    await reopened.close();
    await vault.close();
    console.log(
      `\n  TUI open time on ${N} snapshots (80x24, built in ${buildMs} ms): first screen ${openMs.toFixed(0)} ms, with change counts ${countsMs.toFixed(0)} ms (reading the whole log: ${logMs.toFixed(0)} ms)\n`,
    );
    assert.ok(openMs < 3000, `opening took ${openMs} ms`);
    void KEYS;
  } finally {
    await tmp.remove();
  }
});

test.run();
