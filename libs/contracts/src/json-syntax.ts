/**
 * Where a JSON text is broken, without quoting it: V8's SyntaxError messages quote the input
 * (`Unexpected token 'p', "password=…" is not valid JSON`), and an error body, log line or DLQ
 * header must not echo what a client sent (issue 14). Only V8's position and its "ended early"
 * are kept.
 */
export function jsonSyntaxProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const at = /at position (\d+)/.exec(message);
  if (at) return `is not valid JSON (error at character ${Number(at[1]) + 1})`;
  if (/Unexpected end of JSON input|Unterminated string/.test(message)) return 'is not valid JSON (it ends before the value is complete)';
  return 'is not valid JSON';
}
