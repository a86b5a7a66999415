import { VaultError } from '../../errors.js';

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
