import { SENSITIVE_WORD_PATTERN } from './scrubbing.constants';

// Wildcards as the Datadog agent compiles them (data_scrubber.go, CompileStringsToRegex): a
// trailing `*` stops at a delimiter; a leading or inner one also stops at `$` and `/`, so a path
// such as `/etc/vaultd/secrets/x.pem` is not taken for a `secret` argument.
const INNER_WILDCARD = '[^\\s=:$/]*';
const INNER_WILDCARD_LAZY = '[^\\s=:$/]*?';
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

/**
 * A lower-case piece of text that every name matching `word` contains: its longest run without a
 * wildcard or separator (`*api_key*` → `api`). A line without it cannot match, so it is skipped.
 */
export function wordToLiteral(word: string): string {
  return word.toLowerCase().split(/[*_.-]/).reduce((best, part) => (part.length > best.length ? part : best), '');
}

/** True when `word` is `*text*` with no other wildcard: such words fold into one alternation. */
export function isSurroundedWord(word: string): boolean {
  return word.length > 2 && word.startsWith('*') && word.endsWith('*') && !word.slice(1, -1).includes('*');
}

/** The regular expression source of a name containing any of `words`, all of the `*text*` shape. */
export function surroundedWordsPattern(words: readonly string[]): string {
  const bodies = words.map((w) => wordToNamePattern(w.slice(1, -1)));
  // Lazy: from the start of the name, the first place any word begins (one scan, not one per word).
  return `${INNER_WILDCARD_LAZY}(?:${bodies.join('|')})${TRAILING_WILDCARD}`;
}

function literal(c: string): string {
  if (c === '_' || c === '-' || c === '.') return SEPARATOR;
  return c;
}
