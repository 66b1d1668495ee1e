export * from './snapshot-v2.codec';
export * from './scrub-memo';
export * from './cmdline-field-memo';
export * from './snapshot-record';
export * from './json-to-v2';
