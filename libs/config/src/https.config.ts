import { EnvReader } from './env-reader';
import { statePath } from './state-paths';

/** The certificate and key an HTTPS server presents (PEM files, read at boot). */
export interface ServerTlsConfig {
  certFile: string;
  keyFile: string;
}

/**
 * HTTPS with TLS_CERT_FILE / TLS_KEY_FILE (default: the local CA's server certificate under
 * PA_STATE_DIR/tls), unless HTTP_PLAIN=true: plain HTTP, only for a service behind a proxy that
 * terminates TLS for it. Undefined means plain HTTP.
 */
export function readServerTls(env: EnvReader): ServerTlsConfig | undefined {
  if (env.bool('HTTP_PLAIN', false)) return undefined;
  return {
    certFile: env.string('TLS_CERT_FILE', statePath(env, 'tls', 'server.crt')),
    keyFile: env.string('TLS_KEY_FILE', statePath(env, 'tls', 'server.key')),
  };
}
