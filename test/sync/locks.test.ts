// Locks on a real git smart-HTTP server: take, refuse, release, break, survive a restart, stay out of a
// plain git clone, and pass git fsck.
import { execFile } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commit } from '../../src/porcelain/commit.js';
import {
  checkPushLocks,
  listLocks,
  lock,
  lockNotes,
  lockRefOf,
  refreshLocks,
  unlock,
  type LockedByOtherError,
} from '../../src/porcelain/locks/index.js';
import { push } from '../../src/porcelain/sync/push.js';
import { codeOf } from '../helpers/vault.js';
import { ENV, PASSWORD, run, startFixture, stopFixture, USER, type SyncCtx } from './gitServer.js';
import { closeTeam, makeTeam } from './lockTeam.js';

const test = suite<SyncCtx>('sync/locks', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
});
test.after.each(async (ctx) => stopFixture(ctx));

const git = async (dir: string, ...args: string[]) =>
  (await run('git', ['-C', dir, ...args], { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' })).stdout;
const fast = async () => {};
const HERO = 'Art/hero.psd';

async function lockRefs(repoDir: string): Promise<string[]> {
  return (await git(repoDir, 'for-each-ref', '--format=%(refname)', 'refs/vault/')).split('\n').filter(Boolean).sort();
}

test('lock, lock again, refused for another, listed, unlocked, unlock again: one ref holding a record', async (ctx) => {
  const { members, repo } = await makeTeam(ctx, ['ana', 'bo']);
  const [ana, bo] = members as [(typeof members)[0], (typeof members)[0]];
  try {
    const r = await lock({ vault: ana.vault, env: ENV, paths: [HERO], message: 'repainting the sky', host: 'ana-pc' });
    assert.equal(
      r.locked.map((l) => l.record?.path),
      [HERO],
    );
    assert.equal(await lockRefs(repo.dir), [lockRefOf(HERO)]);
    const record = JSON.parse(await git(repo.dir, 'show', `${lockRefOf(HERO)}:lock.json`));
    assert.equal(
      { path: record.path, owner: record.owner, host: record.host, message: record.message },
      {
        path: HERO,
        owner: { name: 'Ana', email: 'ana@studio.example' },
        host: 'ana-pc',
        message: 'repainting the sky',
      },
    );
    assert.match(await git(repo.dir, 'log', '-1', '--format=%an <%ae> %s', lockRefOf(HERO)), /^Ana <ana@studio/);

    // a lock you hold is not an error (a retry after a network failure finds it)
    const again = await lock({ vault: ana.vault, env: ENV, paths: [`./${HERO}`] });
    assert.equal(again.locked, []);
    assert.equal(
      again.alreadyHeld.map((l) => l.record?.path),
      [HERO],
    );
    assert.equal(await lockRefs(repo.dir), [lockRefOf(HERO)], 'still one lock');

    const err = (await lock({ vault: bo.vault, env: ENV, paths: [HERO] }).catch((e) => e)) as LockedByOtherError;
    assert.is(err.code, 'ELOCKEDBYOTHER');
    assert.match(err.message, /Ana <ana@studio\.example> \(on ana-pc, .* ago: "repainting the sky"\)/);
    assert.equal((err.data.held as { owner: { email: string } }[])[0]!.owner.email, 'ana@studio.example');

    const seen = await listLocks({ vault: bo.vault, env: ENV });
    assert.is(seen.cached, false);
    assert.equal(
      seen.locks.map((l) => [l.record?.path, l.record?.owner.name, l.mine]),
      [[HERO, 'Ana', false]],
    );
    // bo may not release it
    assert.is(await codeOf(() => unlock({ vault: bo.vault, env: ENV, paths: [HERO] })), 'ELOCKEDBYOTHER');
    assert.equal(await lockRefs(repo.dir), [lockRefOf(HERO)]);

    const u = await unlock({ vault: ana.vault, env: ENV, paths: [HERO] });
    assert.equal(
      u.unlocked.map((l) => l.record?.path),
      [HERO],
    );
    assert.equal(await lockRefs(repo.dir), []);
    const u2 = await unlock({ vault: ana.vault, env: ENV, paths: [HERO] });
    assert.equal(u2.notLocked, [HERO], 'unlocking what is not locked is not an error');

    const b = await lock({ vault: bo.vault, env: ENV, paths: [HERO, 'scenes/level.tscn'] });
    assert.is(b.locked.length, 2);
    assert.equal(
      (await listLocks({ vault: ana.vault, env: ENV })).locks.map((l) => l.record?.owner.name),
      ['Bo', 'Bo'],
    );
  } finally {
    await closeTeam(members);
  }
});

test('two and three clones race for the same lock 50 times: exactly one winner, the others are told who', async (ctx) => {
  const { members } = await makeTeam(ctx, ['ana', 'bo', 'cy']);
  try {
    for (const size of [2, 3]) {
      const racers = members.slice(0, size);
      for (let round = 0; round < 50; round++) {
        const path = `Art/race-${size}.psd`;
        const results = await Promise.allSettled(
          racers.map((m) => lock({ vault: m.vault, env: ENV, paths: [path], sleep: fast })),
        );
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [racers[i]!] : []));
        assert.is(winners.length, 1, `round ${round} of ${size}: one winner`);
        const winner = winners[0]!;
        assert.equal(
          (results[racers.indexOf(winner)] as PromiseFulfilledResult<Awaited<ReturnType<typeof lock>>>).value.locked
            .length,
          1,
        );
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          const e = r.reason as LockedByOtherError;
          assert.is(e.code, 'ELOCKEDBYOTHER', String(e));
          const held = e.data.held as { owner: { email: string } }[];
          assert.is(held[0]!.owner.email, `${winner.name}@studio.example`, 'the error names the winner');
          assert.ok(e.message.includes(winner.author.split(' <')[0]!));
        }
        await unlock({ vault: winner.vault, env: ENV, paths: [path], sleep: fast });
      }
    }
  } finally {
    await closeTeam(members);
  }
});

test('force unlock: recorded on the remote, the owner is told once; lock refs pass fsck and stay out of git clone', async (ctx) => {
  const { members, repo } = await makeTeam(ctx, ['ana', 'bo']);
  const [ana, bo] = members as [(typeof members)[0], (typeof members)[0]];
  try {
    const taken = await lock({ vault: ana.vault, env: ENV, paths: [HERO, 'scenes/level.tscn'], host: 'ana-pc' });
    const heroLock = taken.locked.find((l) => l.record?.path === HERO)!;
    const r = await unlock({ vault: bo.vault, env: ENV, paths: [HERO], force: true, host: 'bo-pc' });
    assert.equal(
      r.broken.map((b) => [b.record?.path, b.break.owner.name, b.break.brokenBy.name]),
      [[HERO, 'Ana', 'Bo']],
    );
    assert.equal(await lockRefs(repo.dir), [`refs/vault/lock-breaks/${heroLock.oid}`, lockRefOf('scenes/level.tscn')]);
    const rec = JSON.parse(await git(repo.dir, 'show', `refs/vault/lock-breaks/${heroLock.oid}:break.json`));
    assert.equal([rec.path, rec.owner.name, rec.brokenBy.name, rec.host], [HERO, 'Ana', 'Bo', 'bo-pc']);
    assert.is((await git(repo.dir, 'rev-parse', `refs/vault/lock-breaks/${heroLock.oid}^`)).trim(), heroLock.oid);

    const seen = await refreshLocks({ vault: ana.vault, env: ENV });
    assert.equal(
      seen.brokenLocks.map((b) => [b.path, b.brokenBy.email]),
      [[HERO, 'bo@studio.example']],
    );
    assert.equal(
      seen.locks.map((l) => l.record?.path),
      ['scenes/level.tscn'],
    );
    assert.equal((await refreshLocks({ vault: ana.vault, env: ENV })).brokenLocks, [], 'told once');
    assert.equal((await refreshLocks({ vault: bo.vault, env: ENV })).brokenLocks, [], 'the breaker is not told');

    // git fsck --full --strict on the server, and a plain clone of the branch does not carry lock refs
    await run('git', ['-C', repo.dir, 'fsck', '--full', '--strict']);
    const plain = join(ctx.tmp, 'plain');
    const url = repo.url.replace('http://', `http://${USER}:${PASSWORD}@`);
    await run('git', ['clone', '--quiet', '--no-checkout', url, plain]);
    const refs = await git(plain, 'for-each-ref', '--format=%(refname)');
    assert.not.match(refs, /vault/);
    assert.match(refs, /refs\/remotes\/origin\/main/);
    assert.is(await codeOf(() => run('git', ['-C', plain, 'cat-file', '-e', heroLock.oid])), '1', 'no lock object');
  } finally {
    await closeTeam(members);
  }
});

test('a lock survives a server restart; offline, vault locks shows the cached state and its age', async (ctx) => {
  const { members } = await makeTeam(ctx, ['ana', 'bo']);
  const [ana, bo] = members as [(typeof members)[0], (typeof members)[0]];
  try {
    await lock({ vault: ana.vault, env: ENV, paths: [HERO] });
    await listLocks({ vault: bo.vault, env: ENV });
    await ctx.server.stop();
    const offline = await listLocks({ vault: bo.vault, env: ENV });
    assert.is(offline.cached, true);
    assert.is(offline.error?.code, 'ENETWORK');
    assert.ok(offline.fetchedAt !== null);
    assert.equal(
      offline.locks.map((l) => l.record?.owner.name),
      ['Ana'],
    );
    await ctx.server.restart();
    assert.is(await codeOf(() => lock({ vault: bo.vault, env: ENV, paths: [HERO] })), 'ELOCKEDBYOTHER');
  } finally {
    await closeTeam(members);
  }
});

test('a lock killed mid-request leaves no lock or a whole one; running it again takes it', async (ctx) => {
  const { members, repo } = await makeTeam(ctx, ['ana']);
  const [ana] = members as [(typeof members)[0]];
  try {
    ctx.server.killWhen = (n) => n > 200;
    assert.is(await codeOf(() => lock({ vault: ana.vault, env: ENV, paths: [HERO], sleep: fast })), 'ENETWORK');
    ctx.server.killWhen = undefined;
    await ctx.server.restart();
    assert.equal(await lockRefs(repo.dir), [], 'the server never applied a half-received lock');
    await run('git', ['-C', repo.dir, 'fsck', '--full', '--strict']);
    const r = await lock({ vault: ana.vault, env: ENV, paths: [HERO] });
    assert.is(r.locked.length + r.alreadyHeld.length, 1);
    assert.equal(await lockRefs(repo.dir), [lockRefOf(HERO)]);
  } finally {
    await closeTeam(members);
  }
});

test('push refuses snapshots that change a file someone else locked; --ignore-locks pushes; status tells', async (ctx) => {
  const { members } = await makeTeam(ctx, ['ana', 'bo']);
  const [ana, bo] = members as [(typeof members)[0], (typeof members)[0]];
  try {
    await lock({ vault: ana.vault, env: ENV, paths: [HERO], message: 'sky' });
    await listLocks({ vault: bo.vault, env: ENV });
    const heroAbs = join(bo.dir, HERO);
    await writeFile(heroAbs, 'bo painted over it\n').catch(async () => {
      // read-only is applied by the CLI after clone; in-process clones leave modes alone
      throw new Error('unexpected read-only file');
    });
    await writeFile(join(bo.dir, 'notes.md'), 'more notes\n');
    const notes = await lockNotes({ vault: bo.vault, paths: [HERO, 'notes.md'] });
    assert.equal(
      notes.notes.map((n) => [n.path, n.lock?.record?.owner.name]),
      [[HERO, 'Ana']],
    );
    assert.ok(notes.fetchedAt);
    await commit({ vault: bo.vault, message: 'over the sky' });
    const err = (await push({ vault: bo.vault, env: ENV }).catch((e) => e)) as LockedByOtherError;
    assert.is(err.code, 'ELOCKEDBYOTHER');
    assert.match(err.message, /cannot push changes to Art\/hero\.psd: it is locked by Ana/);
    assert.ok((err.data.held as { ageSeconds: number }[])[0]!.ageSeconds >= 0);
    const forced = await push({ vault: bo.vault, env: ENV, ignoreLocks: true });
    assert.is(forced.updated.length, 1);
    assert.equal(
      forced.locks.others.map((l) => l.record?.path),
      [HERO],
    );

    // the owner's own push names the locked files it changed (what push --unlock releases)
    const mine = await checkPushLocks({ vault: ana.vault, env: ENV, snapshots: [] });
    assert.equal(mine, { mine: [], others: [] });
    assert.ok((await stat(heroAbs)).isFile());
  } finally {
    await closeTeam(members);
  }
});

/** A lock ref made with plain git on the server: `json` as lock.json (or, null, the branch's commit). */
async function plantLock(repoDir: string, path: string, json: unknown | null): Promise<void> {
  const sh = (cmd: string, input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = execFile('sh', ['-c', cmd], { cwd: repoDir, env: { ...process.env, ...GIT_WHO } }, (e, out) =>
        e ? reject(e) : resolve(out.trim()),
      );
      if (input !== undefined) child.stdin!.end(input);
    });
  let commit: string;
  if (json === null) commit = await sh('git rev-parse main');
  else {
    const blob = await sh('git hash-object -w --stdin', JSON.stringify(json));
    const tree = await sh('git mktree', `100644 blob ${blob}\tlock.json\n`);
    commit = await sh(`git commit-tree ${tree} -m planted`);
  }
  await sh(`git update-ref ${lockRefOf(path)} ${commit}`);
}
const GIT_WHO = {
  GIT_AUTHOR_NAME: 'M',
  GIT_AUTHOR_EMAIL: 'm@x',
  GIT_COMMITTER_NAME: 'M',
  GIT_COMMITTER_EMAIL: 'm@x',
};

test('lock refs made by something else: unreadable records hold the file for "someone"; text is cleaned', async (ctx) => {
  const { members, repo } = await makeTeam(ctx, ['ana']);
  const [ana] = members as [(typeof members)[0]];
  try {
    const time = new Date().toISOString();
    await plantLock(repo.dir, HERO, null); // a branch commit, no lock.json
    // a record claiming another path than its ref's
    await plantLock(repo.dir, 'Art/sky.psd', {
      vault: 'lock',
      path: 'notes.md',
      owner: { name: 'M', email: 'm@x' },
      time,
    });
    await plantLock(repo.dir, 'notes.md', {
      vault: 'lock',
      path: 'notes.md',
      owner: { name: '\x1b[31mMallory\x07', email: 'mal@x\r\n' },
      host: 'evil\x1b]0;title\x07',
      time,
      message: 'hi\x1b[2J\nsecond line',
    });
    const seen = await listLocks({ vault: ana.vault, env: ENV });
    const byPath = (p: string) => seen.locks.find((l) => l.ref === lockRefOf(p))!;
    assert.is(byPath(HERO).record, null);
    assert.is(byPath('Art/sky.psd').record, null, 'a record for another path is not believed');
    assert.equal(byPath('notes.md').record, {
      path: 'notes.md',
      owner: { name: '[31mMallory', email: 'mal@x' },
      host: 'evil]0;title',
      time: Date.parse(time),
      message: 'hi[2J\nsecond line',
    });
    const err = (await lock({ vault: ana.vault, env: ENV, paths: [HERO] }).catch((e) => e)) as LockedByOtherError;
    assert.is(err.code, 'ELOCKEDBYOTHER');
    assert.match(err.message, /locked by someone \(the lock record is unreadable/);
    assert.is(await codeOf(() => unlock({ vault: ana.vault, env: ENV, paths: [HERO] })), 'ELOCKEDBYOTHER');
    const broke = await unlock({ vault: ana.vault, env: ENV, paths: [HERO], force: true });
    assert.is(broke.broken.length, 1);
    assert.equal(broke.broken[0]!.break.owner, { name: 'unknown', email: 'unknown' });
    await run('git', ['-C', repo.dir, 'fsck', '--full', '--strict']);
  } finally {
    await closeTeam(members);
  }
});

test.run();
