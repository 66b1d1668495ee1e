// kafkajs checksums every record batch it produces with CRC32C computed byte by byte in JavaScript
// (kafkajs/src/protocol/recordBatch/crc32C), about 150-340 MB/s here, and offers no option to plug
// another (its codecs are for compression only). @node-rs/crc32 computes the same CRC32C natively
// (SSE 4.2; 2-4 GB/s measured here). kafkajs takes its CRC function with `require('../crc32C')` when
// its record batch encoder is first loaded, so this module puts the native function in Node's
// require cache under that path before anything loads kafkajs: import it first in a service's
// main.ts. KAFKA_NATIVE_CRC32C=off keeps kafkajs's own (the bench compares both).
import Module from 'node:module';
import { crc32c } from '@node-rs/crc32';

const KAFKAJS_CRC32C = 'kafkajs/src/protocol/recordBatch/crc32C/index.js';

/** True when the native CRC32C is in place for kafkajs (false when turned off or kafkajs was already loaded). */
export function useNativeCrc32c(env: Record<string, string | undefined> = process.env): boolean {
  if (env.KAFKA_NATIVE_CRC32C === 'off') return false;
  const path = require.resolve(KAFKAJS_CRC32C);
  if (require.cache[path]) return require.cache[path].exports === nativeCrc32c;
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = nativeCrc32c;
  require.cache[path] = module;
  return true;
}

/** kafkajs's contract: the unsigned 32-bit CRC32C of the buffer. */
export function nativeCrc32c(buffer: Buffer): number {
  return crc32c(buffer);
}

useNativeCrc32c();
