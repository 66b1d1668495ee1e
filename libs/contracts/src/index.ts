export * from './contracts.constants';
export * from './process-snapshot';
export * from './snapshot-validator';
export * from './rfc3339';
export * from './json-syntax';
export * from './uuid';
export * from './stored-content';
export type * from './query-api.types';
export * from './scrubbing';
