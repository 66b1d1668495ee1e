export * from './native-crc32c';
export * from './log-sink';
export * from './kafka-client';
export * from './topics';
export * from './kafka.errors';
export * from './record-producer';
export * from './consumer-lag';
export * from './coalescing-sender';
