import { isRfc3339DateTime, parseRfc3339 } from './rfc3339';

describe('parseRfc3339', () => {
  it('gives epoch ms and the microseconds within, offsets applied', () => {
    expect(parseRfc3339('2026-11-29T11:59:50.123456Z')).toEqual({ ms: Date.parse('2026-11-29T11:59:50.123Z'), us: 456 });
    expect(parseRfc3339('2026-11-29T13:59:50+02:00')).toEqual({ ms: Date.parse('2026-11-29T11:59:50Z'), us: 0 });
    expect(parseRfc3339('2026-11-29T06:29:50-05:30')).toEqual({ ms: Date.parse('2026-11-29T11:59:50Z'), us: 0 });
    expect(parseRfc3339('2026-11-29T11:59:50-00:00')).toEqual({ ms: Date.parse('2026-11-29T11:59:50Z'), us: 0 });
  });

  it('agrees with Date.parse to the millisecond on ordinary instants', () => {
    for (const text of ['1970-01-01T00:00:00Z', '1969-12-31T23:59:59.999Z', '2000-02-29T12:00:00.5+01:00', '2262-04-11T23:47:16.854Z']) {
      expect(parseRfc3339(text)?.ms).toBe(Date.parse(text));
    }
  });

  it('takes the lower-case t and z that RFC 3339 allows', () => {
    for (const text of ['2026-01-01t00:00:00z', '2026-01-01T00:00:00z', '2026-01-01t00:00:00Z']) {
      expect(parseRfc3339(text)?.ms).toBe(Date.UTC(2026, 0, 1));
    }
  });

  it('rounds the fraction to microseconds half to even, carrying into the second', () => {
    expect(parseRfc3339('2026-01-01T00:00:00.0000015Z')?.us).toBe(2);
    expect(parseRfc3339('2026-01-01T00:00:00.0000025Z')?.us).toBe(2);
    expect(parseRfc3339('2026-01-01T00:00:00.9999996Z')).toEqual({ ms: Date.UTC(2026, 0, 1, 0, 0, 1), us: 0 });
  });

  it('keeps years 1–99 out of Date.UTC’s 1900s', () => {
    expect(parseRfc3339('0001-01-01T00:00:00Z')?.ms).toBe(new Date('0001-01-01T00:00:00Z').getTime());
    expect(parseRfc3339('0099-12-31T23:59:59Z')?.ms).toBe(new Date('0099-12-31T23:59:59Z').getTime());
  });

  it('takes a leap second only at 23:59:60 UTC, as the next day’s first instant', () => {
    expect(parseRfc3339('2016-12-31T23:59:60Z')?.ms).toBe(Date.UTC(2017, 0, 1));
    expect(parseRfc3339('2016-12-31T18:59:60-05:00')?.ms).toBe(Date.UTC(2017, 0, 1));
    expect(parseRfc3339('2016-12-31T12:30:60Z')).toBeUndefined();
  });

  it.each([
    ['no time zone', '2026-01-01T00:00:00'],
    ['a date alone', '2026-01-01'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['30 February', '2024-02-30T00:00:00Z'],
    ['29 February of a common year', '2023-02-29T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['minute 60', '2026-01-01T00:60:00Z'],
    ['year 0000, which PostgreSQL refuses', '0000-01-01T00:00:00Z'],
    ['an offset beyond PostgreSQL’s ±15:59', '2026-01-01T00:00:00+16:00'],
    ['offset minutes 60', '2026-01-01T00:00:00+01:60'],
    ['words', 'yesterday'],
    ['trailing text', '2026-01-01T00:00:00Z '],
    ['a space for T (ISO 8601, not RFC 3339)', '2026-01-01 00:00:00Z'],
    ['a newline for T', '2026-01-01\n00:00:00Z'],
    ['an offset of hours alone', '2026-11-29T14:59:50+03'],
    ['an offset without a colon', '2026-11-29T06:29:50-0530'],
    ['an offset with seconds', '2026-11-29T06:29:50-05:30:00'],
    ['a fraction without digits', '2026-01-01T00:00:00.Z'],
    ['a comma for the decimal point', '2026-01-01T00:00:00,5Z'],
    ['a UTC instant before year 0001', '0001-01-01T00:00:00+00:01'],
    ['a UTC instant after year 9999', '9999-12-31T23:59:59-00:01'],
    ['a leap second carrying into year 10000', '9999-12-31T23:59:60Z'],
    ['a fraction rounding into year 10000', '9999-12-31T23:59:59.9999996Z'],
    ['a five-digit year', '10000-01-01T00:00:00Z'],
    ['a signed year', '+2026-01-01T00:00:00Z'],
    ['full-width digits', '２026-01-01T00:00:00Z'],
  ])('refuses %s', (_, text) => {
    expect(parseRfc3339(text)).toBeUndefined();
    expect(isRfc3339DateTime(text)).toBe(false);
  });

  it('accepts 29 February of a leap year and offsets up to ±15:59', () => {
    expect(isRfc3339DateTime('2024-02-29T00:00:00Z')).toBe(true);
    expect(isRfc3339DateTime('2000-02-29T00:00:00Z')).toBe(true);
    expect(isRfc3339DateTime('1900-02-29T00:00:00Z')).toBe(false);
    expect(isRfc3339DateTime('2026-01-01T00:00:00-15:59')).toBe(true);
  });

  it('accepts the first and last instants RFC 3339 can write in UTC', () => {
    expect(parseRfc3339('0001-01-01T00:00:00Z')?.ms).toBe(-62_135_596_800_000);
    expect(parseRfc3339('9999-12-31T23:59:59.999999Z')).toEqual({ ms: 253_402_300_799_999, us: 999 });
    expect(parseRfc3339('0001-01-01T00:00:00-01:00')?.ms).toBe(-62_135_596_800_000 + 3_600_000);
  });
});
