import http from 'node:http';
import { VaultError } from '../../errors.js';
import https from 'node:https';
import { FLUSH, pkt, sideband } from './pktline.js';
import { RemoteAuthError, RemoteLimitError, RemoteProtocolError, RemoteUnreachableError } from './errors.js';
import { agentFor, authHeader, type Credentials } from './http.js';
import type { GitOid } from './objects.js';

/**
 * How much history a shallow fetch asks for (git's shallow protocol): `depth` commits from the wanted
 * tips (or, `relative`, beyond the current boundary), or the commits since `since` (seconds).
 */
export interface Deepen {
  readonly depth?: number;
  readonly since?: number;
  readonly relative?: boolean;
}

/** The boundary the server set: commits sent without their parents, and former ones now sent in full. */
export interface ShallowUpdate {
  readonly shallow: GitOid[];
  readonly unshallow: GitOid[];
}

/**
 * One upload-pack request (smart HTTP, protocol v0, stateless): every want,
 * the shallow boundary and how to deepen it (if any), every have, done; the
 * pack comes back side-band multiplexed and is handed to `sink` piece by
 * piece as it arrives (never held whole), with back-pressure.
 * `signal` stops it (rejecting with the signal's reason); a pack over `maxBytes` is refused as it arrives.
 */
export async function fetchPack(opts: {
  url: string;
  creds?: Credentials;
  wants: GitOid[];
  haves: GitOid[];
  sink: (b: Buffer) => Promise<void>;
  onMessage?: (line: string) => void;
  onBytes?: (n: number) => void;
  signal?: AbortSignal;
  maxBytes?: number;
  /** commits this side holds without their parents (sent as `shallow` lines) */
  shallow?: GitOid[];
  deepen?: Deepen;
}): Promise<ShallowUpdate> {
  opts.signal?.throwIfAborted();
  const u = new URL(opts.url);
  u.username = '';
  u.password = '';
  const target = new URL(`${u.toString().replace(/\/+$/, '')}/git-upload-pack`);
  const d = opts.deepen;
  const shallowCaps =
    d || opts.shallow?.length
      ? `shallow ${d?.since !== undefined ? 'deepen-since ' : ''}${d?.relative ? 'deepen-relative ' : ''}`
      : '';
  const caps = `${shallowCaps}side-band-64k ofs-delta agent=git/vault`;
  const deepenLines: Buffer[] = [];
  if (d?.depth !== undefined) deepenLines.push(pkt(`deepen ${d.depth}\n`));
  if (d?.since !== undefined) deepenLines.push(pkt(`deepen-since ${Math.floor(d.since)}\n`));
  const update: { shallow: GitOid[]; unshallow: GitOid[] } = { shallow: [], unshallow: [] };
  const body = Buffer.concat([
    ...opts.wants.map((w, i) => pkt(`want ${w}${i === 0 ? ` ${caps}` : ''}\n`)),
    ...(opts.shallow ?? []).map((c) => pkt(`shallow ${c}\n`)),
    ...deepenLines,
    FLUSH,
    ...opts.haves.map((h) => pkt(`have ${h}\n`)),
    pkt('done\n'),
  ]);
  const mod = target.protocol === 'https:' ? https : http;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      opts.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(
        e instanceof VaultError
          ? e
          : new RemoteUnreachableError(
              opts.url,
              (e as NodeJS.ErrnoException)?.code ?? String((e as Error)?.message ?? e),
            ),
      );
    };
    const req = mod.request(
      target,
      {
        method: 'POST',
        agent: agentFor(target.protocol),
        headers: {
          'user-agent': 'git/vault',
          ...authHeader(opts.creds),
          'content-type': 'application/x-git-upload-pack-request',
          accept: 'application/x-git-upload-pack-result',
          'content-length': String(body.length),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 401 || status === 403) {
          res.resume();
          return fail(new RemoteAuthError(opts.url, status));
        }
        if (status !== 200) {
          res.resume();
          return fail(new RemoteProtocolError(opts.url, `HTTP ${status} on git-upload-pack`));
        }
        let pending: Buffer = Buffer.alloc(0);
        let packBytes = 0;
        let chain: Promise<void> = Promise.resolve();
        let ended = false;
        res.on('data', (d: Buffer) => {
          opts.onBytes?.(d.length);
          pending = pending.length ? Buffer.concat([pending, d]) : d;
          const out: Buffer[] = [];
          while (pending.length >= 4) {
            const len = parseInt(pending.toString('latin1', 0, 4), 16);
            if (Number.isNaN(len)) return fail(new RemoteProtocolError(opts.url, 'malformed upload-pack response'));
            if (len < 4) {
              pending = pending.subarray(4);
              if (len === 0) ended = true;
              continue;
            }
            if (pending.length < len) break;
            const line = pending.subarray(4, len);
            pending = pending.subarray(len);
            ended = false; // the flush that ends the shallow lines is not the end
            const band = line[0];
            if (band === 1) {
              packBytes += line.length - 1;
              if (opts.maxBytes !== undefined && packBytes > opts.maxBytes)
                return fail(new RemoteLimitError('the download', packBytes, opts.maxBytes));
              out.push(Buffer.from(line.subarray(1)));
            } else if (band === 2) sideband(line, opts.onMessage);
            else if (band === 3)
              return fail(new RemoteProtocolError(opts.url, line.subarray(1).toString('utf8').trim()));
            else {
              const text = line.toString('utf8');
              if (text.startsWith('ERR ')) return fail(new RemoteProtocolError(opts.url, text.slice(4).trim()));
              const [, kind, oid] = /^(shallow|unshallow) ([0-9a-f]{40})\n?$/.exec(text) ?? [];
              if (kind && oid) update[kind as 'shallow' | 'unshallow'].push(oid);
              // ACK / NAK: nothing to do
            }
          }
          if (out.length) {
            res.pause();
            chain = chain
              .then(async () => {
                for (const b of out) await opts.sink(b);
              })
              .then(() => void res.resume(), fail);
          }
        });
        res.on('error', fail);
        res.on('aborted', () => fail(new Error('the connection was closed before the pack ended')));
        res.on('end', () => {
          void chain.then(() => {
            if (failed) return;
            if (!ended) return fail(new RemoteProtocolError(opts.url, 'the pack stream ended early'));
            failed = true;
            opts.signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      },
    );
    const onAbort = () => fail(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.end(body);
  });
  return update;
}
