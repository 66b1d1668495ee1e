import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaSecurityOptions } from './kafka-client';

describe('kafkaSecurityOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pa-kafka-sec-'));
  const caFile = join(dir, 'ca.crt');
  const passwordFile = join(dir, 'pw');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
  writeFileSync(passwordFile, 's3cret-value\n');

  it('is empty for plaintext or no security', () => {
    expect(kafkaSecurityOptions(undefined)).toEqual({});
    expect(kafkaSecurityOptions({ protocol: 'plaintext' })).toEqual({});
  });

  it('verifies the broker against the CA and logs in with SCRAM-SHA-512 (password trimmed)', () => {
    const options = kafkaSecurityOptions({ protocol: 'sasl_ssl', username: 'gateway', passwordFile, caFile });
    expect(options.ssl).toEqual({ ca: ['-----BEGIN CERTIFICATE-----\n'], rejectUnauthorized: true });
    expect(options.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'gateway', password: 's3cret-value' });
  });

  it('names the variable and path of a missing file', () => {
    const missing = join(dir, 'missing');
    expect(() => kafkaSecurityOptions({ protocol: 'sasl_ssl', username: 'gateway', passwordFile: missing, caFile })).toThrow(
      `KAFKA_PASSWORD_FILE: cannot read ${missing} (ENOENT)`,
    );
  });
});
