// Run by big.test.ts and hostile.test.ts in its own process: push a vault (or clone one) and print the peak RSS.
import { InlineCodec } from '../../src/plumbing/codec.js';
import { syncFs } from '../../src/plumbing/syncFs.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { clone } from '../../src/porcelain/sync/clone.js';
import { push } from '../../src/porcelain/sync/push.js';
import { syncLimits } from '../../src/porcelain/sync/limits.js';

const [mode, dir, arg] = process.argv.slice(2);
if (!dir || !arg) throw new Error('usage: pushChild.ts push DIR REMOTE | clone DIR URL');
if (mode === 'push') {
  const vault = await openVault({ fs: syncFs, cwd: dir, codec: new InlineCodec() });
  const r = await push({ vault, remote: arg });
  await vault.close();
  process.stdout.write(
    `${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, bytesSent: r.bytesSent, requests: r.requests, objects: r.objectsSent })}\n`,
  );
} else {
  // a hostile remote's clone fails: its error code is reported with the peak RSS
  let result: { imported?: number; code?: string; message?: string };
  try {
    const r = await clone({ fs: syncFs, url: arg, dir, codec: new InlineCodec(), limits: syncLimits({}) });
    result = { imported: r.imported };
  } catch (e) {
    result = { code: (e as { code?: string }).code ?? 'NOT-A-VAULT-ERROR', message: String((e as Error).message) };
  }
  process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, ...result })}\n`);
}
