/**
 * A real git smart-HTTP server for the sync tests: node's http server on
 * 127.0.0.1 running git's own `git http-backend` CGI per request, with basic
 * auth. Everything that calls the git CLI is asynchronous (the server runs in
 * this same process).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';

export const run = promisify(execFile);

export interface GitServer {
  readonly port: number;
  url(repo: string, auth?: { user: string; password: string }): string;
  /** request body bytes received, by service (git-receive-pack, git-upload-pack, other) */
  readonly bytesIn: Record<string, number>;
  /** response body bytes sent, by service */
  readonly bytesOut: Record<string, number>;
  readonly requests: { method: string; path: string; status: number }[];
  /** called with the running byte count of each receive-pack POST body; return true to kill the server */
  killWhen?: (receivedBytes: number) => boolean;
  /** set: an upload-pack response stops after 16 KiB and the connection stays open (a stalled server) */
  stallUploadPack?: boolean;
  resetCounters(): void;
  /** close the server and every connection at once (like a crash) */
  kill(): void;
  stop(): Promise<void>;
  /** listen again on the same port */
  restart(): Promise<void>;
}

export async function makeBareRepo(root: string, name: string): Promise<string> {
  const dir = `${root}/${name}`;
  await run('git', ['init', '--quiet', '--bare', '-b', 'main', dir]);
  await run('git', ['-C', dir, 'config', 'http.receivepack', 'true']);
  return dir;
}

export async function startGitServer(opts: { root: string; user: string; password: string }): Promise<GitServer> {
  const sockets = new Set<Socket>();
  const children = new Set<ChildProcess>();
  const bytesIn: Record<string, number> = {};
  const bytesOut: Record<string, number> = {};
  const requests: GitServer['requests'] = [];
  let server: http.Server;
  let port = 0;

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString('base64')}`;
    let service: 'git-receive-pack' | 'git-upload-pack' | 'other' = 'other';
    if (u.pathname.endsWith('/git-receive-pack') || u.searchParams.get('service') === 'git-receive-pack')
      service = 'git-receive-pack';
    else if (u.pathname.endsWith('/git-upload-pack')) service = 'git-upload-pack';
    if (auth !== expected) {
      requests.push({ method: req.method ?? '', path: u.pathname, status: 401 });
      req.resume();
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: opts.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: opts.user,
      REMOTE_ADDR: '127.0.0.1',
      GIT_HTTP_MAX_REQUEST_BUFFER: '1000M',
    };
    if (req.headers['content-length']) env.CONTENT_LENGTH = req.headers['content-length'];
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding'];
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    child.on('close', () => children.delete(child));
    child.stderr.resume();
    child.stdin.on('error', () => {});
    let received = 0;
    req.on('data', (d: Buffer) => {
      received += d.length;
      bytesIn[service] = (bytesIn[service] ?? 0) + d.length;
      if (service === 'git-receive-pack' && req.method === 'POST' && gs.killWhen?.(received)) {
        gs.kill();
        return;
      }
      if (!child.stdin.write(d)) req.pause();
    });
    child.stdin.on('drain', () => req.resume());
    req.on('end', () => child.stdin.end());
    let head = Buffer.alloc(0);
    let headerDone = false;
    let sent = 0;
    child.stdout.on('data', (d: Buffer) => {
      if (headerDone) {
        bytesOut[service] = (bytesOut[service] ?? 0) + d.length;
        res.write(d);
        sent += d.length;
        if (gs.stallUploadPack && service === 'git-upload-pack' && req.method === 'POST' && sent > 16384)
          child.stdout.pause();
        return;
      }
      head = Buffer.concat([head, d]);
      let i = head.indexOf('\r\n\r\n');
      let sep = 4;
      if (i < 0) {
        i = head.indexOf('\n\n');
        sep = 2;
      }
      if (i < 0) return;
      headerDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, i).toString('latin1').split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c < 0) continue;
        const k = line.slice(0, c).trim();
        const v = line.slice(c + 1).trim();
        if (k.toLowerCase() === 'status') status = parseInt(v, 10);
        else headers[k] = v;
      }
      requests.push({ method: req.method ?? '', path: u.pathname, status });
      res.writeHead(status, headers);
      bytesOut[service] = (bytesOut[service] ?? 0) + head.length - i - sep;
      res.write(head.subarray(i + sep));
    });
    child.stdout.on('end', () => {
      if (!headerDone) {
        res.writeHead(500);
      }
      res.end();
    });
  };

  const listen = () =>
    new Promise<void>((resolve) => {
      server = http.createServer(handler);
      server.keepAliveTimeout = 60_000;
      server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();

  const gs: GitServer = {
    get port() {
      return port;
    },
    url: (repo, auth) =>
      `http://${auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : ''}127.0.0.1:${port}/${repo}`,
    bytesIn,
    bytesOut,
    requests,
    resetCounters() {
      for (const k of Object.keys(bytesIn)) delete bytesIn[k];
      for (const k of Object.keys(bytesOut)) delete bytesOut[k];
      requests.length = 0;
    },
    kill() {
      server.close();
      for (const s of sockets) s.destroy();
      for (const c of children) c.kill('SIGKILL');
    },
    async stop() {
      gs.kill();
      await new Promise((r) => setTimeout(r, 10));
    },
    restart: listen,
  };
  return gs;
}

// ---- fixtures shared by the sync tests ----
import { tempDir } from '../helpers/vault.js';

export const USER = 'artist';
export const PASSWORD = 's3cret';
export const ENV = { VAULT_GIT_USERNAME: USER, VAULT_GIT_PASSWORD: PASSWORD };

export interface SyncCtx {
  tmp: string;
  srvRoot: string;
  server: GitServer;
  remove: () => Promise<void>;
  n: number;
}

/** before.each: a temp folder and a running server with an empty bare repo per call of `repo()`. */
export async function startFixture(): Promise<SyncCtx> {
  const t = await tempDir('vault-sync-');
  const srvRoot = `${t.path}/srv`;
  const { mkdir } = await import('node:fs/promises');
  await mkdir(srvRoot, { recursive: true });
  const server = await startGitServer({ root: srvRoot, user: USER, password: PASSWORD });
  return { tmp: t.path, srvRoot, server, remove: t.remove, n: 0 };
}

export async function stopFixture(ctx: SyncCtx): Promise<void> {
  await ctx.server.stop();
  await ctx.remove();
}

/** A new bare repo; returns its URL (no credentials in it). */
export async function newRepo(ctx: SyncCtx): Promise<{ url: string; dir: string }> {
  const name = `r${++ctx.n}.git`;
  const dir = await makeBareRepo(ctx.srvRoot, name);
  return { url: ctx.server.url(name), dir };
}
