import { execFileSync } from 'node:child_process';
import { crc32c } from '@node-rs/crc32';

// kafkajs's own implementation, loaded directly (not through the cache entry the native module sets).
 
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (b: Buffer) => number;
const unsigned = (value: number) => value >>> 0;

describe('the native CRC32C for kafkajs', () => {
  it('equals kafkajs’s own on every length and alignment up to 64 bytes and on 1 MiB of varied bytes', () => {
    const bytes = Buffer.alloc(1 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 7)) & 255;
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length <= 64; length++) {
        const slice = bytes.subarray(start, start + length);
        expect(crc32c(slice)).toBe(unsigned(kafkajsCrc32c(slice)));
      }
    }
    expect(crc32c(bytes)).toBe(unsigned(kafkajsCrc32c(bytes)));
  });

  it('gives the check value of CRC-32C ("123456789" → 0xE3069283)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('is the function kafkajs’s record batch encoder holds once installed first (a real Node process, not Jest’s registry)', () => {
    const script = `
      const { nativeCrc32c } = require(${JSON.stringify(require.resolve('./native-crc32c'))});
      require('kafkajs');
      const held = require('kafkajs/src/protocol/recordBatch/crc32C');
      process.stdout.write(String(held === nativeCrc32c));`;
    const run = (env: Record<string, string>) =>
      execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(run({})).toBe('true');
    expect(run({ KAFKA_NATIVE_CRC32C: 'off' })).toBe('false');
  });
});
