/**
 * Where a body is broken, never what it says: V8's JSON.parse messages quote the text around the
 * error (`Unexpected token 'x', "{"machine_…" is not valid JSON`), and a body may hold secrets
 * (command lines). These run only after JSON.parse or UTF-8 decoding has failed.
 */

export interface SyntaxPosition {
  /** UTF-16 code units from the start of the text */
  offset: number;
  /** 1-based */
  line: number;
  /** 1-based, in characters of that line */
  column: number;
  /** what was expected there, in our words */
  reason: string;
}

type State = 'value' | 'firstValue' | 'key' | 'firstKey' | 'colon' | 'after';

/** The first JSON syntax error in `text` (RFC 8259), or undefined when there is none. Iterative: deep nesting cannot overflow the stack. */
export function findJsonSyntaxError(text: string): SyntaxPosition | undefined {
  const closers: string[] = [];
  let state: State = 'value';
  let i = skipSpace(text, 0);
  for (; i < text.length; i = skipSpace(text, i)) {
    const c = text[i];
    const top = closers[closers.length - 1];
    if (state === 'firstValue' && c === ']') [i, state] = [i + 1, close(closers)];
    else if (state === 'value' || state === 'firstValue') {
      if (c === '{' || c === '[') [i, state] = [i + 1, open(closers, c)];
      else {
        const end = scanScalar(text, i);
        if (end < 0) return at(text, -end - 1, 'a value is malformed');
        [i, state] = [end, 'after'];
      }
    } else if (state === 'firstKey' && c === '}') [i, state] = [i + 1, close(closers)];
    else if (state === 'key' || state === 'firstKey') {
      if (c !== '"') return at(text, i, 'expected a property name in double quotes');
      const end = scanString(text, i);
      if (end < 0) return at(text, -end - 1, 'a string is malformed');
      [i, state] = [end, 'colon'];
    } else if (state === 'colon') {
      if (c !== ':') return at(text, i, "expected ':' after a property name");
      [i, state] = [i + 1, 'value'];
    } else if (top === undefined) return at(text, i, 'unexpected text after the JSON value');
    else if (c === ',') [i, state] = [i + 1, top === '}' ? 'key' : 'value'];
    else if (c === top) [i, state] = [i + 1, close(closers)];
    else return at(text, i, `expected ',' or '${top}'`);
  }
  if (state === 'after' && closers.length === 0) return undefined;
  return at(text, i, 'the JSON ends before it is complete');
}

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function findInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const [length, min, max] = b < 0x80 ? [1, 0, 0] : b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b >= 0xe0 && b <= 0xef ? [3, 0x80, 0xbf] : b >= 0xf0 && b <= 0xf4 ? [4, 0x80, 0xbf] : [0, 0, 0];
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      // The second byte is narrower after E0 (overlong), ED (surrogates), F0 (overlong), F4 (> U+10FFFF).
      const [lo, hi] = k > 1 ? [min, max] : b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [min, max];
      if (i + k >= bytes.length || bytes[i + k] < lo || bytes[i + k] > hi) return i;
    }
    i += length;
  }
  return -1;
}

function open(closers: string[], c: string): State {
  closers.push(c === '{' ? '}' : ']');
  return c === '{' ? 'firstKey' : 'firstValue';
}

function close(closers: string[]): State {
  closers.pop();
  return 'after';
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** End of the scalar at `i`, or -(offset of the error) - 1. */
function scanScalar(text: string, i: number): number {
  if (text[i] === '"') return scanString(text, i);
  for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return i + literal.length;
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  number.lastIndex = i;
  return number.test(text) ? number.lastIndex : -i - 1;
}

/** End of the string starting at `i` (a '"'), or -(offset of the error) - 1. */
function scanString(text: string, i: number): number {
  for (let k = i + 1; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code === 0x22) return k + 1;
    if (code < 0x20) return -k - 1;
    if (code !== 0x5c) continue;
    const escape = text[k + 1];
    if (escape === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(k + 2, k + 6))) return -k - 1;
      k += 5;
    } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) k++;
    else return -k - 1;
  }
  return -text.length - 1;
}

/** "at line 3, column 18: expected ',' or '}'" (the column alone for one NDJSON line, whose line the caller names). */
export function describeJsonError(json: string, isOneLine: boolean): string {
  const error = findJsonSyntaxError(json);
  if (!error) return 'it does not parse';
  return `${isOneLine ? `at column ${error.column}` : `at line ${error.line}, column ${error.column}`}: ${error.reason}`;
}

/** "incorrect header check" and the like: zlib's fixed messages, by code, never its input. */
export function describeGzipError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'Z_BUF_ERROR') return 'the gzip stream ends before it is complete';
  if (code === 'Z_DATA_ERROR') return 'the gzip stream is corrupt (or not gzip)';
  return 'the gzip stream is not valid';
}

function at(text: string, offset: number, reason: string): SyntaxPosition {
  const before = offset > 0 ? text.lastIndexOf('\n', offset - 1) : -1;
  let line = 1;
  for (let k = text.indexOf('\n'); k !== -1 && k < offset; k = text.indexOf('\n', k + 1)) line++;
  return { offset, line, column: offset - before, reason };
}
