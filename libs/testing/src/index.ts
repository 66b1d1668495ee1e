export * from './poll-until.util';
export * from './unique-name.util';
export * from './snapshot.builder';
export * from './free-port.util';
export * from './service-process';
export * from './prng.util';
export * from './snapshot-edge-cases';
export * from './secret-corpus';
