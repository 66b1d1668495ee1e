import { copyField } from './copy-rows';

describe('copyField', () => {
  it('writes null and undefined as \\N', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
  });

  it('escapes the characters COPY text format treats specially', () => {
    expect(copyField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
  });

  it('keeps a literal "\\N" string distinct from null', () => {
    expect(copyField('\\N')).toBe('\\\\N');
  });

  it('writes numbers in their shortest round-trip form', () => {
    expect(copyField(0.1 + 0.2)).toBe('0.30000000000000004');
  });
});
