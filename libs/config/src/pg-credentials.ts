import { readFileSync } from 'node:fs';
import { EnvReader } from './env-reader';

/** The role, password and CA a service connects to every PostgreSQL node with. */
export interface PgCredentials {
  /** PG_USER: the login role; the URL's user when absent */
  user?: string;
  /** the password read from PG_PASSWORD_FILE (never from the environment itself, never logged) */
  password?: string;
  /** PG_SSLROOTCERT: the CA file a node's certificate must chain to; with it, sslmode=verify-full */
  sslRootCert?: string;
}

/**
 * Reads PG_USER, PG_PASSWORD_FILE and PG_SSLROOTCERT. A password file that cannot be read is a
 * config problem naming the variable and the path, not the content.
 */
export function readPgCredentials(env: EnvReader): PgCredentials {
  const passwordFile = env.optionalString('PG_PASSWORD_FILE');
  let password: string | undefined;
  if (passwordFile) {
    try {
      password = readFileSync(passwordFile, 'utf8').trim();
      if (!password) env.problem(`PG_PASSWORD_FILE=${passwordFile}: the file is empty`);
    } catch (error) {
      env.problem(`PG_PASSWORD_FILE=${passwordFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return { user: env.optionalString('PG_USER'), password, sslRootCert: env.optionalString('PG_SSLROOTCERT') };
}

/**
 * `url` with the role and password of `credentials` (when given) and, with a CA, the parameters
 * `sslmode=verify-full&sslrootcert=<file>`. Written out in full because pg-connection-string 2.x
 * treats `require` as verify-full today and announces that v3 will weaken it to libpq's meaning
 * (no certificate check); verify-full checks the chain and the host name in every version.
 */
export function withPgCredentials(url: string, credentials: PgCredentials): string {
  const parsed = new URL(url);
  if (credentials.user) parsed.username = encodeURIComponent(credentials.user);
  if (credentials.password !== undefined) parsed.password = encodeURIComponent(credentials.password);
  if (credentials.sslRootCert) {
    parsed.searchParams.set('sslmode', 'verify-full');
    parsed.searchParams.set('sslrootcert', credentials.sslRootCert);
  }
  return parsed.toString();
}

/** withPgCredentials with PG_USER / PG_PASSWORD_FILE / PG_SSLROOTCERT of `env` (tests, tools). */
export function withPgCredentialsOf(url: string, env: Record<string, string | undefined> = process.env): string {
  const reader = new EnvReader(env);
  const credentials = readPgCredentials(reader);
  reader.finish({});
  return withPgCredentials(url, credentials);
}
