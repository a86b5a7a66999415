/**
 * Where the user name and password for a remote come from. Vault never writes a password to disk: a URL
 * is stored without it (`urlWithoutPassword`), and a password typed into a URL, the environment or a
 * prompt lives only as long as the command.
 *
 * The order, first found wins: credentials the caller passes (a prompt), the URL's own `user:password@`
 * (this command only), VAULT_GIT_TOKEN / VAULT_GIT_USERNAME / VAULT_GIT_PASSWORD. A user name in the URL
 * without a password is kept and paired with a password from the environment. git's credential helper
 * (`git credential fill`) would be one more source after these; `credentialsFor` is the one place to add it.
 */
export interface Credentials {
  username: string;
  password: string;
}

/** The URL as it may be stored: any password removed, the user name kept. */
export function urlWithoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** Whether a URL carries a password. */
export function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Credentials for a URL: from the URL itself, else from the environment (see above). */
export function credentialsFor(url: string, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  let user = '';
  try {
    const u = new URL(url);
    if (u.password) return { username: decode(u.username), password: decode(u.password) };
    user = decode(u.username);
  } catch {
    /* not a URL: the request fails later with a clear error */
  }
  if (env.VAULT_GIT_TOKEN)
    return { username: user || env.VAULT_GIT_USERNAME || 'vault', password: env.VAULT_GIT_TOKEN };
  if (env.VAULT_GIT_USERNAME || env.VAULT_GIT_PASSWORD)
    return { username: user || (env.VAULT_GIT_USERNAME ?? ''), password: env.VAULT_GIT_PASSWORD ?? '' };
  return undefined;
}
