import { DEFAULT_SENSITIVE_WORDS, SCRUBBED_VALUE } from './scrubbing.constants';
import { isValidSensitiveWord, wordToLiteralPattern, wordToNamePattern } from './word-pattern';
import { TOOL_RULES } from './tool-rules';

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
  const name = `-{0,2}(?:${words.map(wordToNamePattern).join('|')})`;
  const mentionsSecret = new RegExp(`${words.map(wordToLiteralPattern).join('|')}|authorization|bearer|://`, 'i');
  // One pass, leftmost match first: what one rule replaced is not seen again by another.
  const secrets = new RegExp(
    `${URL_PASSWORD}|${AUTHORIZATION}|(?<=\\s)(${name}(?:${DELIMITER}))(${VALUE})|^(${name}=)(${VALUE})`,
    'gi',
  );
  return (commandLine) => {
    let line = commandLine;
    if (mentionsSecret.test(line)) line = line.replace(secrets, replaceSecret);
    for (const rule of TOOL_RULES) {
      if (rule.tool.test(line)) line = line.replace(rule.secret, `$1${SCRUBBED_VALUE}`);
    }
    return line;
  };
}

// Groups: 1-2 URL, 3-4 Authorization, 5-6 a named argument, 7-8 an assignment at the start.
function replaceSecret(match: string, ...groups: (string | undefined)[]): string {
  const kept = groups[0] ?? groups[2] ?? groups[4] ?? groups[6];
  if (kept === undefined) return match;
  const value = (groups[1] ?? groups[3] ?? groups[5] ?? groups[7]) as string;
  return kept + SCRUBBED_VALUE + closingQuote(kept, value);
}

// `-H "X-Api-Key: abc"`: the name opened a quote that the value closes; keep it closed.
function closingQuote(kept: string, value: string): string {
  const quote = kept.replace(/^-*/, '')[0];
  if (quote !== '"' && quote !== "'") return '';
  return value.endsWith(quote) && !value.startsWith(quote) ? quote : '';
}
