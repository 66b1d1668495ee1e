export * from './native-crc32c';
// After the CRC32C (its record batches use the one installed) and before anything loads kafkajs.
export * from './direct-produce-encoder';
export * from './log-sink';
export * from './kafka-client';
export * from './topics';
export * from './kafka.errors';
export * from './record-producer';
export * from './batch-compression';
export * from './consumer-lag';
export * from './coalescing-sender';
export * from './kafkajs-encoder';
export * from './fetch-ahead';
