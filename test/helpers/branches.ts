/** Two lines of history in a test vault: a base snapshot, a `feature` branch and `main`, each changed its own way. */
import { commit } from '../../src/porcelain/commit.js';
import { createBranch } from '../../src/porcelain/branch.js';
import { switchBranch } from '../../src/porcelain/switchBranch.js';
import type { FsPromises } from '../../src/plumbing/fs.js';
import { memVault, type TestVault } from './vault.js';
import type { FileTree } from './tree.js';

/** What a side does to the folder: path -> new content, or null to delete it. */
export type Edits = Record<string, string | Uint8Array | null>;

export async function edit(fs: FsPromises, dir: string, edits: Edits): Promise<void> {
  for (const [p, c] of Object.entries(edits)) {
    const abs = `${dir}/${p}`;
    if (c === null) await fs.rm(abs, { recursive: true, force: true });
    else {
      await fs.mkdir(abs.slice(0, abs.lastIndexOf('/')), { recursive: true });
      await fs.writeFile(abs, c);
    }
  }
}

export interface Diverged {
  readonly t: TestVault;
  readonly base: string;
  readonly ours: string;
  readonly theirs: string;
}

/** base -> `feature` (theirs edits) and base -> `main` (ours edits); HEAD on main. */
export async function diverged(tree: FileTree, ours: Edits, theirs: Edits, t?: TestVault): Promise<Diverged> {
  t ??= await memVault(tree);
  const { vault } = t;
  const base = (await commit({ vault, message: 'base' })).id!;
  await createBranch({ vault, name: 'feature' });
  await switchBranch({ vault, name: 'feature' });
  await edit(t.fs, t.dir, theirs);
  const th = (await commit({ vault, message: 'their change', allowEmpty: true })).id!;
  await switchBranch({ vault, name: 'main' });
  await edit(t.fs, t.dir, ours);
  const ou = (await commit({ vault, message: 'our change', allowEmpty: true })).id!;
  return { t, base, ours: ou, theirs: th };
}

/** A file's bytes as text (null when missing). */
export async function read(t: TestVault, p: string): Promise<string | null> {
  return t.fs.readFile(`${t.dir}/${p}`, 'utf8').then(
    (s) => s as string,
    () => null,
  );
}
