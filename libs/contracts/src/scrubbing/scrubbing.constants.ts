/** What replaces a secret: eight asterisks, as the Datadog agent writes it. */
export const SCRUBBED_VALUE = '********';

/**
 * Sensitive words matched in argument and variable names: the Datadog agent's defaults
 * (DataDog/datadog-agent, pkg/process/procutil/data_scrubber_notwin.go) plus `*token*`.
 * `*` is a wildcard; `_`, `-` and `.` in a word match each other (`api_key` finds `--api-key`).
 */
export const DEFAULT_SENSITIVE_WORDS: readonly string[] = [
  '*password*', '*passwd*', '*mysql_pwd*',
  '*access_token*', '*auth_token*',
  '*api_key*', '*apikey*',
  '*secret*', '*credentials*', 'stripetoken',
  '*token*',
];

/** A custom word: letters, digits, `_`, `-`, `.` and single `*` wildcards, not `*` alone. */
export const SENSITIVE_WORD_PATTERN = /^(?!\*+$)(?!.*\*\*)[A-Za-z0-9_.*-]+$/;
