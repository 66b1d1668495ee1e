export * from './snapshot-v2.codec';
export * from './scrub-memo';
export * from './snapshot-record';
