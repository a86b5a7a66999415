// Run by big.test.ts in its own process: push a vault and print the peak RSS (what the memory bound is about).
import { InlineCodec } from '../../src/plumbing/codec.js';
import { syncFs } from '../../src/plumbing/syncFs.js';
import { openVault } from '../../src/porcelain/openVault.js';
import { push } from '../../src/porcelain/sync/push.js';

const [dir, remote] = process.argv.slice(2);
const vault = await openVault({ fs: syncFs, cwd: dir, codec: new InlineCodec() });
const r = await push({ vault, remote });
await vault.close();
process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, bytesSent: r.bytesSent, requests: r.requests, objects: r.objectsSent })}\n`);
