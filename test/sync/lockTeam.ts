/**
 * A team for the lock tests: one project pushed to a real git server, cloned by each member, each clone
 * opened with its own author (the lock owner).
 */
import { join } from 'node:path';
import { InlineCodec } from '../../src/plumbing/codec.js';
import { commit } from '../../src/porcelain/commit.js';
import { openVault, type Vault } from '../../src/porcelain/openVault.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { push } from '../../src/porcelain/sync/push.js';
import { addRemote } from '../../src/porcelain/sync/state.js';
import { prngBytes } from '../helpers/prng.js';
import { writeTree, type FileTree } from '../helpers/tree.js';
import { fakeClock, nodeFs } from '../helpers/vault.js';
import { initVault } from '../../src/porcelain/openVault.js';
import { ENV, newRepo, type SyncCtx } from './gitServer.js';

export interface Member {
  readonly name: string;
  readonly author: string;
  readonly dir: string;
  readonly vault: Vault;
  reopen(): Promise<Vault>;
}

export const PROJECT: FileTree = {
  '.vaultlockable': '# team files\n*.psd\n*.tscn\n',
  'notes.md': 'castle notes\n',
  Art: { 'hero.psd': prngBytes(3, 300_000), 'sky.psd': prngBytes(4, 1000) },
  scenes: { 'level.tscn': '[gd_scene format=3]\n' },
};

/** Clocks start near now, so lock ages read as seconds. */
function clockFor(i: number): () => number {
  return fakeClock(Date.now() + i * 1000);
}

/** `names[0]` makes the project and pushes it; the others clone it. Returns every member and the repo. */
export async function makeTeam(
  ctx: SyncCtx,
  names: readonly string[],
  tree: FileTree = PROJECT,
): Promise<{ members: Member[]; repo: { url: string; dir: string } }> {
  const repo = await newRepo(ctx);
  const members: Member[] = [];
  for (const [i, name] of names.entries()) {
    const dir = join(ctx.tmp, name);
    const author = `${name[0]!.toUpperCase()}${name.slice(1)} <${name}@studio.example>`;
    const clock = clockFor(i);
    const open = () => openVault({ fs: nodeFs, cwd: dir, codec: new InlineCodec(), clock, author });
    if (i === 0) {
      await writeTree(nodeFs, dir, tree);
      await initVault({ fs: nodeFs, dir });
      const vault = await open();
      await commit({ vault, message: 'start' });
      await addRemote(nodeFs, vault.vaultDir, 'origin', repo.url);
      await push({ vault, env: ENV });
      members.push({ name, author, dir, vault, reopen: open });
    } else {
      await clone({ fs: nodeFs, url: repo.url, dir, codec: new InlineCodec(), env: ENV, author, clock });
      members.push({ name, author, dir, vault: await open(), reopen: open });
    }
  }
  return { members, repo };
}

export async function closeTeam(members: readonly Member[]): Promise<void> {
  for (const m of members) await m.vault.close();
}
