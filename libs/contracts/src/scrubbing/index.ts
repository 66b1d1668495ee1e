export * from './scrubbing.constants';
export * from './command-line-scrubber';
export * from './scrub-snapshot';
export { isValidSensitiveWord } from './word-pattern';
