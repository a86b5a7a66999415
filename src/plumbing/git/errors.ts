import { VaultError } from '../../errors.js';
import { formatBytes } from '../../units.js';

/** Where a URL's credentials are shown: never. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

export class RemoteAuthError extends VaultError {
  constructor(url: string, status: number) {
    super(
      'EAUTH',
      `the remote ${safeUrl(url)} refused the credentials (HTTP ${status})`,
      { url: safeUrl(url), status },
      'set VAULT_GIT_USERNAME and VAULT_GIT_PASSWORD (or VAULT_GIT_TOKEN) to an account that may read and write the repository',
    );
  }
}

export class RemoteUnreachableError extends VaultError {
  constructor(url: string, cause: string) {
    super(
      'ENETWORK',
      `cannot talk to the remote ${safeUrl(url)}: ${cause}`,
      { url: safeUrl(url), cause },
      'check the URL and the network, then run the command again; what was confirmed sent is not sent twice',
    );
  }
}

export class RemoteProtocolError extends VaultError {
  constructor(url: string, reason: string) {
    super('EREMOTE', `the remote ${safeUrl(url)} did not accept the request: ${reason}`, { url: safeUrl(url), reason });
  }
}

/** How to raise the limits a fetch or clone works within (see porcelain/sync/limits.ts). */
export const LIMIT_HINT =
  'if you trust the remote, raise the limit with --max-size SIZE / --max-files N (or VAULT_SYNC_MAX_SIZE / VAULT_SYNC_MAX_FILES)';

/**
 * What a remote sent is bigger than Vault accepts: bigger than the remote itself declared, than any object
 * Vault holds in memory, or than the user allows. Refused before it is inflated or written.
 */
export class RemoteLimitError extends VaultError {
  constructor(
    what: string,
    size: number,
    limit: number,
    opts: { unit?: 'bytes' | 'entries' | 'levels'; hint?: string } = {},
  ) {
    const unit = opts.unit ?? 'bytes';
    const show = (n: number) => (unit === 'bytes' ? formatBytes(n) : `${n} ${unit}`);
    super(
      'ELIMIT',
      `${what} would be ${Number.isFinite(size) ? show(size) : 'unbounded'}, over the limit of ${show(limit)}`,
      { what, size: Number.isFinite(size) ? size : null, limit, unit },
      opts.hint ?? LIMIT_HINT,
    );
  }
}
