import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '..', '..', '..');

/** The local CA and server certificate of the test stack (infra/lib/tls.sh made them). */
export function tlsFiles(): { ca: string; cert: string; key: string } {
  const dir = process.env.PA_TLS_DIR ?? join(resolve(process.env.PA_STATE_DIR ?? join(REPO, 'var')), 'tls');
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}
