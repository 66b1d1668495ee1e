import { EnvReader } from './env-reader';
import { readServerTls } from './https.config';
import { loadQueryConfig } from './query.config';

describe('readServerTls', () => {
  const read = (env: Record<string, string>) => readServerTls(new EnvReader(env));

  it('serves HTTPS by default with the local server certificate under PA_STATE_DIR', () => {
    expect(read({ PA_STATE_DIR: '/srv/pa' })).toEqual({ certFile: '/srv/pa/tls/server.crt', keyFile: '/srv/pa/tls/server.key' });
  });

  it('takes other files, and plain HTTP only when HTTP_PLAIN says so', () => {
    expect(read({ TLS_CERT_FILE: '/etc/c.pem', TLS_KEY_FILE: '/etc/k.pem' })).toEqual({ certFile: '/etc/c.pem', keyFile: '/etc/k.pem' });
    expect(read({ HTTP_PLAIN: 'true' })).toBeUndefined();
  });
});

describe('query cache transport', () => {
  it('trusts the local CA for rediss:// and reads the password from REDIS_PASSWORD_FILE', () => {
    const config = loadQueryConfig({ PA_STATE_DIR: '/srv/pa', REDIS_URL: 'rediss://query-api@127.0.0.1:6380', REDIS_PASSWORD_FILE: '/srv/pa/secrets/redis-query-api.password' });
    expect(config.cache).toMatchObject({ caFile: '/srv/pa/tls/ca.crt', passwordFile: '/srv/pa/secrets/redis-query-api.password' });
    expect(config.http.tls).toEqual({ certFile: '/srv/pa/tls/server.crt', keyFile: '/srv/pa/tls/server.key' });
  });

  it('needs no CA for a redis:// URL', () => {
    expect(loadQueryConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).cache?.caFile).toBeUndefined();
  });
});
