import { DEFAULT_SENSITIVE_WORDS, SCRUBBED_VALUE } from './scrubbing.constants';
import { isSurroundedWord, isValidSensitiveWord, surroundedWordsPattern, wordToLiteral, wordToNamePattern } from './word-pattern';
import { MENTIONS_TOOL, TOOL_RULES } from './tool-rules';

export interface ScrubberOptions {
  /** words added to DEFAULT_SENSITIVE_WORDS (same syntax); an invalid one throws a TypeError */
  extraWords?: readonly string[];
}

/** Replaces secrets in one command line by `********`; pure, and scrubbing twice changes nothing. */
export type CommandLineScrubber = (commandLine: string) => string;

// An HTTP credential's scheme (kept when it follows Authorization:).
const AUTH_SCHEME = '(?:bearer|basic|token|digest|negotiate|ntlm|apikey)[ \\t]+';
// A value: an HTTP scheme and its credential, a quoted string (with what is glued to it), or
// everything up to the next whitespace (possibly nothing: `--password=` becomes `--password=********`).
const VALUE = `${AUTH_SCHEME}\\S+|"[^"]*"\\S*|'[^']*'\\S*|\\S*`;
// `name: value` (a header), `name=value`, or `-name value`, as data_scrubber.go's delimiter.
const DELIMITER = '[ \\t]*:[ \\t]*|=|[ \\t]+';
const AUTHORIZATION = `((?:authorization[ \\t]*[:=][ \\t]*(?:${AUTH_SCHEME})?)|(?<![a-z0-9])bearer[ \\t]+)([^\\s"']+)`;
// The password of a URL's user info (RFC 3986 §3.2.1): the user info ends at the authority's last
// `@`, and the authority ends at `/`, `?` or `#` (as libpq and the WHATWG URL parser read it).
const URL_PASSWORD = `((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://[^\\s/?#@:"']*:)([^\\s/?#"']+)(?=@)`;
const MENTIONS_AUTHORIZATION = /authorization|bearer/i;

const enum Rule {
  Url = 1,
  Authorization = 2,
  Named = 4,
}

/**
 * Builds a scrubber for the default sensitive words plus `extraWords`. It hides the value of an
 * argument or an environment assignment whose name contains a sensitive word (`--password=x`,
 * `--password x`, `-password x`, `PASSWORD=x`, `password: x`, any case), the password in a URL
 * (`postgres://user:********@host`), an HTTP `Authorization` credential or `Bearer` token, and the
 * password options of a few tools (`mysql -p…`, `curl -u user:…`, `sshpass -p …`).
 * Names are matched as in the Datadog agent: the name starts a word of the command line (after
 * whitespace, then up to two `-`); the first word (the program) is taken only as `NAME=value`.
 */
export function createCommandLineScrubber(options: ScrubberOptions = {}): CommandLineScrubber {
  const extra = options.extraWords ?? [];
  const bad = extra.filter((w) => !isValidSensitiveWord(w));
  if (bad.length > 0) throw new TypeError(`invalid sensitive word(s): ${bad.join(', ')}`);
  const words = [...DEFAULT_SENSITIVE_WORDS, ...extra];
  const literals = [...new Set(words.map(wordToLiteral))].join('|');
  // Cheap tests first (about 100 ns on a typical line): most command lines hold none of the words,
  // no URL and no credential, and skip the full expression (about 1 µs).
  const mayHoldSecret = new RegExp(`${literals}|authorization|bearer|://`, 'i');
  const mentionsName = new RegExp(literals, 'i');
  const expressions = expressionsFor(namePattern(words));
  return (commandLine) => {
    let line = commandLine;
    if (mayHoldSecret.test(line)) {
      const hasScheme = line.includes('://');
      const hasAuthorization = MENTIONS_AUTHORIZATION.test(line);
      const rules =
        (hasScheme && line.includes('@') ? Rule.Url : 0) |
        (hasAuthorization ? Rule.Authorization : 0) |
        // Without a scheme or a credential, a word is what the first test found.
        ((!hasScheme && !hasAuthorization) || mentionsName.test(line) ? Rule.Named : 0);
      if (rules !== 0) line = line.replace(expressions[rules], replaceSecret);
    }
    return MENTIONS_TOOL.test(line) ? scrubToolOptions(line) : line;
  };
}

/** A name containing any of `words`: the `*text*` ones folded into one alternation, the others each. */
function namePattern(words: readonly string[]): string {
  const surrounded = words.filter(isSurroundedWord);
  const others = words.filter((w) => !isSurroundedWord(w)).map(wordToNamePattern);
  return `-{0,2}(?:${[...(surrounded.length > 0 ? [surroundedWordsPattern(surrounded)] : []), ...others].join('|')})`;
}

/**
 * One expression per set of rules a line may need (index: the Rule bits), each matching in one
 * pass, leftmost first, so that what one rule replaced is never seen again by another. Each
 * alternative has two groups: what is kept, then the secret.
 */
function expressionsFor(name: string): RegExp[] {
  // `\\s` is kept with the name rather than looked behind for: half the time (measured, V8 12).
  const named = `(\\s${name}(?:${DELIMITER}))(${VALUE})|^(${name}=)(${VALUE})`;
  return Array.from({ length: 8 }, (_, rules) => {
    const parts = [rules & Rule.Url ? URL_PASSWORD : '', rules & Rule.Authorization ? AUTHORIZATION : '', rules & Rule.Named ? named : ''];
    return new RegExp(parts.filter(Boolean).join('|') || '(?!)', 'gi');
  });
}

function scrubToolOptions(commandLine: string): string {
  let line = commandLine;
  for (const rule of TOOL_RULES) if (rule.tool.test(line)) line = line.replace(rule.secret, `$1${SCRUBBED_VALUE}`);
  return line;
}

function replaceSecret(match: string, ...args: unknown[]): string {
  // args: the groups in pairs (kept, secret), then the offset and the whole line.
  for (let i = 0; i + 1 < args.length && typeof args[i] !== 'number'; i += 2) {
    const kept = args[i];
    if (typeof kept === 'string') return kept + SCRUBBED_VALUE + closingQuote(kept, args[i + 1] as string);
  }
  return match;
}

// `-H "X-Api-Key: abc"`: the name opened a quote that the value closes; keep it closed.
function closingQuote(kept: string, value: string): string {
  const quote = kept.replace(/^\s?-*/, '')[0];
  if (quote !== '"' && quote !== "'") return '';
  return value.endsWith(quote) && !value.startsWith(quote) ? quote : '';
}
