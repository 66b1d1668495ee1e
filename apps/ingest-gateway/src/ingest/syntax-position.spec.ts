import { buildSnapshot } from '@pa/testing';
import { describeJsonError, findInvalidUtf8, findJsonSyntaxError } from './syntax-position';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('findJsonSyntaxError agrees with JSON.parse', () => {
  const valid = JSON.stringify({ ...buildSnapshot('m-1', 2), extra: [1, -2.5e3, true, false, null, 'é\u00e9\\"\t', {}, []] }, null, 1);

  it('on a valid document and every truncation of it', () => {
    expect(findJsonSyntaxError(valid)).toBeUndefined();
    for (let n = 0; n < valid.length; n++) {
      const text = valid.slice(0, n);
      expect([n, findJsonSyntaxError(text) === undefined]).toEqual([n, parses(text)]);
    }
  });

  it('on every one-character change of it', () => {
    for (let n = 0; n < valid.length; n += 3) {
      for (const c of ['x', '}', ']', ',', ':', '"', '\\', '0', ' ', '\u0001']) {
        const text = valid.slice(0, n) + c + valid.slice(n + 1);
        expect([text, findJsonSyntaxError(text) === undefined]).toEqual([text, parses(text)]);
      }
    }
  });

  it('on deep nesting, without overflowing the stack', () => {
    expect(findJsonSyntaxError('['.repeat(1_000_000))).toMatchObject({ offset: 1_000_000, reason: 'the JSON ends before it is complete' });
  });

  it('says where, in line and column, and never quotes the text', () => {
    const text = '{\n  "machine_id": "s3cr3t-token"\n  "ts": 1\n}';
    expect(describeJsonError(text, false)).toBe("at line 3, column 3: expected ',' or '}'");
    expect(describeJsonError('{"a": s3cr3t}', true)).toBe('at column 7: a value is malformed');
  });
});

describe('findInvalidUtf8', () => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decodes = (bytes: Uint8Array) => {
    try {
      decoder.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  it('finds the first bad byte, and agrees with TextDecoder on random bytes', () => {
    expect(findInvalidUtf8(Buffer.from('héllo'))).toBe(-1);
    expect(findInvalidUtf8(Buffer.from([0x7b, 0xff, 0x7d]))).toBe(1);
    expect(findInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate
    let seed = 7;
    for (let n = 0; n < 20_000; n++) {
      const bytes = Uint8Array.from({ length: 1 + (n % 6) }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8) & 0xff);
      expect([Array.from(bytes), findInvalidUtf8(bytes) === -1]).toEqual([Array.from(bytes), decodes(bytes)]);
    }
  });
});
