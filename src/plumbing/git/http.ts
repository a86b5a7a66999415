import http from 'node:http';
import https from 'node:https';
import type { HttpClient, GitHttpRequest, GitHttpResponse } from 'isomorphic-git';
import { FLUSH, parsePkts, pkt, sideband } from './pktline.js';
import { RemoteAuthError, RemoteProtocolError, RemoteUnreachableError, safeUrl } from './errors.js';
import type { Credentials } from './credentials.js';
import type { GitOid } from './objects.js';

/**
 * Keep-alive agents: node 20's default agent drops an idle socket after 5 s,
 * which breaks a long push whose server is still busy with the pack.
 */
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

export function agentFor(protocol: string): http.Agent {
  return protocol === 'https:' ? agents.https : agents.http;
}

export { credentialsFor, type Credentials } from './credentials.js';

export function authHeader(c: Credentials | undefined): Record<string, string> {
  return c ? { authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` } : {};
}

function bareUrl(url: string): URL {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u;
}

/**
 * The repository's URL as requests are made from it: no credentials, no trailing slash (git takes
 * `https://host/team/castle.git/`; `castle.git//info/refs` is an error to git http-backend).
 */
export function repoUrl(url: string): string {
  try {
    return bareUrl(url).toString().replace(/\/+$/, '');
  } catch {
    return url;
  }
}

function netCause(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code
    ? `${err.code}${err.message && !err.message.includes(err.code) ? ` (${err.message})` : ''}`
    : String(err?.message ?? e);
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request. `write` streams the body (with back-pressure); without it
 * the request has no body. Network failures become RemoteUnreachableError.
 */
export async function request(opts: {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  write?: (send: (b: Buffer) => Promise<void>) => Promise<void>;
  signal?: AbortSignal;
}): Promise<Response> {
  const u = new URL(opts.url);
  const mod = u.protocol === 'https:' ? https : http;
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new RemoteUnreachableError(opts.url, `unsupported protocol ${u.protocol} (only http and https)`);
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      reject(
        e instanceof Error && 'code' in e && typeof (e as { user?: boolean }).user === 'boolean'
          ? e
          : new RemoteUnreachableError(opts.url, netCause(e)),
      );
    };
    const req = mod.request(
      u,
      {
        method: opts.method,
        headers: { 'user-agent': 'git/vault', ...opts.headers },
        agent: u.protocol === 'https:' ? agents.https : agents.http,
        signal: opts.signal,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('error', fail);
        res.on('end', () => {
          if (!failed) resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) });
        });
        res.on('aborted', () => fail(new Error('the connection was closed before the response ended')));
      },
    );
    req.on('error', fail);
    if (!opts.write) {
      req.end();
      return;
    }
    const send = async (b: Buffer) => {
      if (failed) throw new Error('request failed');
      if (!req.write(b)) {
        await new Promise<void>((res) => {
          const done = () => {
            req.off('drain', done);
            req.off('close', done);
            res();
          };
          req.on('drain', done);
          req.on('close', done);
        });
      }
      if (failed || req.destroyed) throw new Error('request failed');
    };
    opts.write(send).then(
      () => req.end(),
      (e) => {
        req.destroy();
        fail(e);
      },
    );
  });
}

export interface RemoteRefs {
  refs: Map<string, GitOid>;
  capabilities: Set<string>;
}

function checkStatus(url: string, r: Response, what: string): void {
  if (r.status === 401 || r.status === 403) throw new RemoteAuthError(url, r.status);
  if (r.status === 404) throw new RemoteProtocolError(url, `no git repository there (HTTP 404 on ${what})`);
  if (r.status !== 200) throw new RemoteProtocolError(url, `HTTP ${r.status} on ${what}`);
}

/** The refs a receive-pack advertises (smart HTTP, protocol v0). */
export async function discoverReceivePack(url: string, creds?: Credentials): Promise<RemoteRefs> {
  const base = repoUrl(url);
  const r = await request({
    url: `${base}/info/refs?service=git-receive-pack`,
    method: 'GET',
    headers: authHeader(creds),
  });
  checkStatus(url, r, 'info/refs');
  if (!String(r.headers['content-type'] ?? '').includes('git-receive-pack-advertisement')) {
    throw new RemoteProtocolError(url, 'not a smart-HTTP git server (dumb HTTP is not supported)');
  }
  const refs = new Map<string, GitOid>();
  const capabilities = new Set<string>();
  let first = true;
  for (const line of parsePkts(r.body)) {
    if (!line) continue;
    let s = line.toString('utf8').replace(/\n$/, '');
    if (s.startsWith('# service=')) continue;
    const nul = s.indexOf('\0');
    if (nul >= 0) {
      for (const c of s.slice(nul + 1).split(' ')) if (c) capabilities.add(c);
      s = s.slice(0, nul);
    }
    const [oid = '', name] = s.split(' ');
    if (first && name === 'capabilities^{}') {
      first = false;
      continue;
    }
    first = false;
    if (/^[0-9a-f]{40}$/.test(oid) && name && !name.endsWith('^{}')) refs.set(name, oid);
  }
  return { refs, capabilities };
}

export interface RefCommand {
  ref: string;
  old: GitOid;
  new: GitOid;
}

export interface PushReport {
  /** bytes of the request body */
  sent: number;
  rejected: { ref: string; reason: string }[];
}

/**
 * One receive-pack request: ref commands, then a pack streamed by `writePack`.
 * Resolves once the server reports; throws unless it unpacked the pack.
 */
export async function postReceivePack(opts: {
  url: string;
  creds?: Credentials;
  commands: RefCommand[];
  capabilities: Set<string>;
  /** writes the pack (absent: only deletions, no pack) */
  writePack?: (send: (b: Buffer) => Promise<void>) => Promise<void>;
  onMessage?: (line: string) => void;
}): Promise<PushReport> {
  const base = repoUrl(opts.url);
  const caps = [
    'report-status',
    ...(opts.capabilities.has('side-band-64k') ? ['side-band-64k'] : []),
    'agent=git/vault',
  ];
  let sent = 0;
  const r = await request({
    url: `${base}/git-receive-pack`,
    method: 'POST',
    headers: {
      ...authHeader(opts.creds),
      'content-type': 'application/x-git-receive-pack-request',
      accept: 'application/x-git-receive-pack-result',
    },
    write: async (send) => {
      const counted = async (b: Buffer) => {
        sent += b.length;
        await send(b);
      };
      const head = Buffer.concat([
        ...opts.commands.map((c, i) => pkt(`${c.old} ${c.new} ${c.ref}${i === 0 ? `\0${caps.join(' ')}` : ''}\n`)),
        FLUSH,
      ]);
      await counted(head);
      if (opts.writePack) await opts.writePack(counted);
    },
  });
  checkStatus(opts.url, r, 'git-receive-pack');
  // demultiplex side-band: 1 = report-status data, 2 = progress, 3 = fatal error
  let report = r.body;
  if (caps.includes('side-band-64k')) {
    const data: Buffer[] = [];
    for (const p of parsePkts(r.body)) {
      if (!p || !p.length) continue;
      if (p[0] === 1) data.push(p.subarray(1));
      else if (p[0] === 2) sideband(p, opts.onMessage);
      else if (p[0] === 3) throw new RemoteProtocolError(opts.url, p.subarray(1).toString('utf8').trim());
    }
    report = Buffer.concat(data);
  }
  const lines = parsePkts(report)
    .filter((l): l is Buffer => !!l)
    .map((l) => l.toString('utf8').replace(/\n$/, ''));
  const unpack = lines.find((l) => l.startsWith('unpack '));
  if (unpack !== 'unpack ok') throw new RemoteProtocolError(opts.url, unpack ? unpack : 'no report from the server');
  const rejected: { ref: string; reason: string }[] = [];
  for (const l of lines) {
    if (l.startsWith('ng ')) {
      const rest = l.slice(3);
      const sp = rest.indexOf(' ');
      rejected.push({ ref: sp < 0 ? rest : rest.slice(0, sp), reason: sp < 0 ? 'rejected' : rest.slice(sp + 1) });
    }
  }
  return { sent, rejected };
}

/** isomorphic-git's http client, with a keep-alive agent; `signal` aborts its requests. */
export function isoHttpClient(signal?: AbortSignal): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      const u = new URL(req.url);
      const mod = u.protocol === 'https:' ? https : http;
      const body = req.body ? Buffer.concat(await collectBody(req.body)) : undefined;
      return new Promise<GitHttpResponse>((resolve, reject) => {
        const r = mod.request(
          u,
          {
            method: req.method ?? 'GET',
            headers: req.headers,
            agent: u.protocol === 'https:' ? agents.https : agents.http,
            signal,
          },
          (res) => {
            resolve({
              url: req.url,
              method: req.method,
              statusCode: res.statusCode ?? 0,
              statusMessage: res.statusMessage ?? '',
              headers: res.headers as Record<string, string>,
              body: res as unknown as AsyncIterableIterator<Uint8Array>,
            });
          },
        );
        r.on('error', (e) => reject(new RemoteUnreachableError(safeUrl(req.url), netCause(e))));
        r.end(body);
      });
    },
  };
}

async function collectBody(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) out.push(Buffer.from(c));
  return out;
}
