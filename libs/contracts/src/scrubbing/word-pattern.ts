import { SENSITIVE_WORD_PATTERN } from './scrubbing.constants';

// Wildcards as the Datadog agent compiles them (data_scrubber.go, CompileStringsToRegex): a
// trailing `*` stops at a delimiter; a leading or inner one also stops at `$` and `/`, so a path
// such as `/etc/vaultd/secrets/x.pem` is not taken for a `secret` argument.
const INNER_WILDCARD = '[^\\s=:$/]*';
const TRAILING_WILDCARD = '[^\\s=:]*';
const SEPARATOR = '[-_.]';

/** True when `word` may be used as a sensitive word (see SENSITIVE_WORD_PATTERN). */
export function isValidSensitiveWord(word: string): boolean {
  return SENSITIVE_WORD_PATTERN.test(word);
}

/** The regular expression source matching a name that contains `word` (wildcards applied). */
export function wordToNamePattern(word: string): string {
  let source = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === '*') source += i === word.length - 1 ? TRAILING_WILDCARD : INNER_WILDCARD;
    else source += literal(c);
  }
  return source;
}

/** The word without its wildcards: the cheap test run before the full expression. */
export function wordToLiteralPattern(word: string): string {
  return word.split('*').filter(Boolean).map((part) => [...part].map(literal).join('')).join('|');
}

function literal(c: string): string {
  if (c === '_' || c === '-' || c === '.') return SEPARATOR;
  return c;
}
