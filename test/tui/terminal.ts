/**
 * The TUI tests' fake terminal and a long history, without Ink: a test that must load Ink itself (the
 * first-frame test, which loads it the way `vault tui` does) imports this file rather than harness.ts.
 */
import { EventEmitter } from 'node:events';
import { encodeSnapshot } from '../../src/objects/snapshot.js';
import { commit } from '../../src/porcelain/commit.js';
import { updateRef } from '../../src/refs/refs.js';
import { memVault } from '../helpers/vault.js';

export class FakeStdout extends EventEmitter {
  columns: number;
  rows: number;
  isTTY = true;
  frames: string[] = [];
  constructor(columns: number, rows: number) {
    super();
    this.columns = columns;
    this.rows = rows;
  }
  write = (s: string) => {
    this.frames.push(s);
    return true;
  };
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(s: string) {
    this.data = s;
    this.emit('readable');
    this.emit('data', s);
  }
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');

/**
 * `n` snapshots of one small project, "snapshot 1" (the first) to "snapshot n" (HEAD): one commit,
 * then snapshot objects written directly on the same tree (fast, for long histories).
 */
export async function longVault(n: number) {
  const t = await memVault({ 'notes.md': 'notes\n' });
  const { vault } = t;
  const first = await commit({ vault, message: 'snapshot 1' });
  let parent = first.id!;
  for (let i = 2; i <= n; i++) {
    const body = encodeSnapshot({
      tree: first.tree,
      parents: [parent],
      author: 'Tess Ter <tess@example.org>',
      time: 1_700_000_000_000 + i * 60_000,
      message: `snapshot ${i}`,
      meta: {},
    });
    parent = await vault.db.writeLoose('snapshot', body);
  }
  await updateRef({
    ...vault.refs,
    ref: 'refs/heads/main',
    value: parent,
    expected: first.id!,
    message: 'long history',
    author: vault.author,
    time: vault.clock(),
  });
  return t;
}
