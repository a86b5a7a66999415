import { childProcess } from '../../builtins.js';

/**
 * Where the user name and password for a remote come from. Vault never writes a password to disk itself: a
 * URL is stored without it (`urlWithoutPassword`), and a password typed into a URL, the environment or a
 * prompt lives only as long as the command, unless the user asks (`saveCredentials`) to hand it to git's
 * credential helper.
 *
 * The order, first found wins: credentials the caller passes (a prompt), the URL's own `user:password@`
 * (this command only), VAULT_GIT_TOKEN / VAULT_GIT_USERNAME / VAULT_GIT_PASSWORD. A user name in the URL
 * without a password is kept and paired with a password from the environment. With none of these, the
 * first request goes without credentials, as git's does; when the server answers 401, git's credential
 * helper is asked (`git credential fill`, so an existing `git` login to GitHub, GitLab or Gitea works), and
 * told how it went (`approve` once the server accepted them, `reject` when it refused them).
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

/** The user name a URL names (`https://me@host/...`), if any. */
export function urlUser(url: string): string {
  try {
    return decode(new URL(url).username);
  } catch {
    return '';
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

/** How long one `git credential` call may take before it is given up (a helper waiting for a GUI, say). */
export const CREDENTIAL_HELPER_TIMEOUT_MS = 15_000;

/**
 * One `git credential ACTION` (fill, approve or reject) for `url` (its password, if any, is not passed as
 * part of the URL). Never prompts on a terminal (GIT_TERMINAL_PROMPT=0, no askpass program) and gives up
 * after `timeoutMs`. `fill` resolves to the credentials the helper knows, or undefined when git is not
 * installed, no helper knows any, or the helper failed; approve and reject resolve once git is done, and
 * never throw (a helper that cannot store is not the remote refusing anything).
 */
export async function gitCredential(
  action: 'fill' | 'approve' | 'reject',
  url: string,
  creds?: Credentials,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Credentials | undefined> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (/[\n\0]/.test(`${url}${creds?.username ?? ''}${creds?.password ?? ''}`)) return undefined;
  u.password = '';
  if (creds) u.username = '';
  const lines = [`url=${u.toString()}`];
  if (creds) lines.push(`username=${creds.username}`, `password=${creds.password}`);
  const input = `${lines.join('\n')}\n\n`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...opts.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GCM_INTERACTIVE: 'never',
  };
  const out = await new Promise<string | undefined>((resolve) => {
    let child;
    try {
      child = childProcess().spawn('git', ['-c', 'core.askPass=', 'credential', action], {
        env,
        stdio: ['pipe', 'pipe', 'ignore'],
        timeout: opts.timeoutMs ?? CREDENTIAL_HELPER_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        windowsHide: true,
      });
    } catch {
      return resolve(undefined);
    }
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (text += d));
    child.on('error', () => resolve(undefined)); // git is not installed
    child.on('close', (code) => resolve(code === 0 ? text : undefined));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
  if (action !== 'fill' || out === undefined) return undefined;
  const got: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) got[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return got.password !== undefined ? { username: got.username ?? '', password: got.password } : undefined;
}

export interface AuthOptions {
  /** credentials the caller has (typed at a prompt): used as they are */
  credentials?: Credentials;
  /** VAULT_GIT_*, and the environment git's credential helper runs in (HOME, ...); default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * hand credentials given by the caller or in the URL to git's credential helper once the server accepted
   * them (`git credential approve`); also VAULT_GIT_SAVE_CREDENTIALS=1. Default: never stored.
   */
  saveCredentials?: boolean;
}

/** Where the credentials a RemoteAuth uses came from. */
export type CredentialSource = 'given' | 'url' | 'env' | 'helper' | 'none';

/**
 * The credentials of one command talking to one remote. `first` runs the command's first request: with the
 * credentials from the caller, the URL or the environment; with none, without any, then (on 401/403) with
 * git credential helper's, which is told whether the server took them. Later requests use `credentials`.
 * VAULT_GIT_CREDENTIAL_HELPER=0 leaves git's credential helper out.
 */
export class RemoteAuth {
  credentials: Credentials | undefined;
  source: CredentialSource;
  private readonly env: NodeJS.ProcessEnv;
  private readonly save: boolean;
  /** a request went through: later ones use `credentials` as they are */
  private settled = false;

  constructor(
    readonly url: string,
    opts: AuthOptions = {},
  ) {
    this.env = opts.env ?? process.env;
    this.save = opts.saveCredentials ?? this.env.VAULT_GIT_SAVE_CREDENTIALS === '1';
    if (opts.credentials) {
      this.credentials = opts.credentials;
      this.source = 'given';
    } else {
      this.credentials = credentialsFor(url, this.env);
      if (!this.credentials) this.source = 'none';
      else this.source = hasPassword(url) ? 'url' : 'env';
    }
  }

  private helperEnabled(): boolean {
    return this.env.VAULT_GIT_CREDENTIAL_HELPER !== '0';
  }

  private helperOpts() {
    return { env: this.env };
  }

  /** Run the first request; see the class. Errors other than a refusal pass through. */
  async first<T>(request: (c: Credentials | undefined) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await request(this.credentials);
    } catch (e) {
      if (!isAuthRefusal(e) || this.source !== 'none' || !this.helperEnabled()) throw e;
      const filled = await gitCredential('fill', this.url, undefined, this.helperOpts());
      if (!filled) throw e;
      this.credentials = filled;
      this.source = 'helper';
      try {
        result = await request(filled);
      } catch (e2) {
        if (isAuthRefusal(e2)) await gitCredential('reject', this.url, filled, this.helperOpts());
        throw e2;
      }
    }
    await this.accepted();
    this.settled = true;
    return result;
  }

  /**
   * Any request of the command, for commands that do not know which one comes first: until one went
   * through, `first` (the credential helper on a refusal); after that, with the credentials that worked.
   */
  async run<T>(request: (c: Credentials | undefined) => Promise<T>): Promise<T> {
    return this.settled ? request(this.credentials) : this.first(request);
  }

  /** The server took the credentials: refresh the helper's, and store given ones if the user agreed. */
  private async accepted(): Promise<void> {
    if (!this.credentials || !this.helperEnabled()) return;
    if (this.source === 'helper' || (this.save && (this.source === 'given' || this.source === 'url')))
      await gitCredential('approve', this.url, this.credentials, this.helperOpts());
  }
}

function isAuthRefusal(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'EAUTH';
}
