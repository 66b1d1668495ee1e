import { SqlParams, statementName } from './sql-params';

describe('statementName: one prepared statement per statement text', () => {
  it('is the same for the same text and differs for another', () => {
    const text = 'SELECT $1::int AS n';
    expect(statementName('pa-top', text)).toBe(statementName('pa-top', text));
    expect(statementName('pa-top', text)).not.toBe(statementName('pa-top', `${text} `));
    expect(statementName('pa-top', text)).toMatch(/^pa-top-[0-9a-f]{20}$/);
  });

  it('fits PostgreSQL identifiers (63 bytes) with a short prefix', () => {
    expect(statementName('pa-top', 'x'.repeat(100_000)).length).toBeLessThanOrEqual(63);
  });
});

describe('SqlParams', () => {
  it('gives one placeholder per distinct instant', () => {
    const p = new SqlParams();
    expect([p.time(0), p.time(1), p.time(0)]).toEqual(['$1::timestamptz', '$2::timestamptz', '$1::timestamptz']);
    expect(p.values).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z']);
  });
});
