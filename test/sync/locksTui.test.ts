// The TUI's lock badges and its L key, against the real git server: Bo's lock shows as [locked: Bo] in Ana's
// diff, and L takes the lock of the selected file (then [locked: you]).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listLocks, lock } from '../../src/porcelain/locks/index.js';
import { KEYS, renderApp } from '../tui/harness.js';
import { ENV, run, startFixture, stopFixture, type SyncCtx } from './gitServer.js';
import { closeTeam, makeTeam } from './lockTeam.js';

const test = suite<SyncCtx>('sync/locksTui', {} as SyncCtx);
test.before.each(async (ctx) => {
  Object.assign(ctx, await startFixture());
  Object.assign(process.env, ENV); // the TUI's L uses the environment's credentials
});
test.after.each(async (ctx) => stopFixture(ctx));

test('lock badges in the diff view; L locks the selected file on the remote', async (ctx) => {
  const { members, repo } = await makeTeam(ctx, ['ana', 'bo']);
  const [ana, bo] = members as [(typeof members)[0], (typeof members)[0]];
  try {
    await lock({ vault: bo.vault, env: ENV, paths: ['scenes/level.tscn'] });
    await listLocks({ vault: ana.vault, env: ENV });
    const s = renderApp(ana.vault, { columns: 100 });
    await s.waitFor((f) => f.includes('start'), 'timeline');
    await s.press(KEYS.enter);
    let f = await s.waitFor((f) => f.includes('(first snapshot)'), 'root diff');
    assert.match(f, /added\s+scenes\/level\.tscn\s+\[locked: Bo\]/);
    assert.not.match(f, /hero\.psd\s+\[locked/);
    // rows are sorted by path: .vaultlockable, Art/hero.psd, ...
    await s.press('j', 'L');
    f = await s.waitFor((f) => f.includes('locked Art/hero.psd on origin'), 'lock message');
    assert.match(f, /added\s+Art\/hero\.psd\s+\[locked: you\]/);
    const owner = await run('git', ['-C', repo.dir, 'for-each-ref', '--format=%(authorname)', 'refs/vault/locks/']);
    assert.equal(owner.stdout.trim().split('\n').sort(), ['Ana', 'Bo']);
    // L on a file someone else holds: the error names them
    await s.press('j', 'j', 'j', 'L');
    await s.waitFor((f) => /error: cannot lock scenes\/level\.tscn: it is locked by Bo/.test(f), 'refusal');
    s.unmount();
  } finally {
    await closeTeam(members);
  }
});

test.run();
