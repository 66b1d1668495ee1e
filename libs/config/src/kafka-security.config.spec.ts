import { ConfigError, EnvReader } from './env-reader';
import { readKafkaSecurity } from './kafka-security.config';

function read(env: Record<string, string>, principal = 'writer') {
  const r = new EnvReader(env);
  return r.finish({ security: readKafkaSecurity(r, principal) }).security;
}

describe('readKafkaSecurity', () => {
  it('defaults to TLS + SCRAM as the service principal, with files under PA_STATE_DIR', () => {
    expect(read({ PA_STATE_DIR: '/srv/pa' })).toEqual({
      protocol: 'sasl_ssl',
      username: 'writer',
      passwordFile: '/srv/pa/secrets/kafka-writer.password',
      caFile: '/srv/pa/tls/ca.crt',
    });
  });

  it('takes another user, password file and CA from the environment', () => {
    const env = { KAFKA_USERNAME: 'admin', KAFKA_PASSWORD_FILE: '/run/pw', KAFKA_CA_FILE: '/etc/ca.pem' };
    expect(read(env)).toEqual({ protocol: 'sasl_ssl', username: 'admin', passwordFile: '/run/pw', caFile: '/etc/ca.pem' });
  });

  it('turns security off only when told to', () => {
    expect(read({ KAFKA_SECURITY: 'plaintext' })).toEqual({ protocol: 'plaintext' });
  });

  it('names a bad KAFKA_SECURITY', () => {
    expect(() => read({ KAFKA_SECURITY: 'ssl' })).toThrow(ConfigError);
    expect(() => read({ KAFKA_SECURITY: 'ssl' })).toThrow(/KAFKA_SECURITY="ssl": must be one of sasl_ssl, plaintext/);
  });
});
