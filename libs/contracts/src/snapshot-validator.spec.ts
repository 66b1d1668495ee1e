import { checkSnapshot, describeIssues } from './snapshot-validator';

const NOW = Date.parse('2026-11-29T12:00:00Z');

function snapshot(overrides: Record<string, unknown> = {}) {
  return {
    machine_id: 'host-0001',
    ts: '2026-11-29T11:59:50.123Z',
    processes: [{ pid: 1, name: 'init', cpu_pct: 0.5, mem_pct: 0.1, rss_bytes: 4096 }],
    ...overrides,
  };
}

function issuesOf(value: unknown): string[] {
  const result = checkSnapshot(value, { nowMs: NOW });
  return result.ok ? [] : describeIssues(result.issues);
}

describe('checkSnapshot', () => {
  it('accepts a valid snapshot and resolves ts to epoch ms', () => {
    const result = checkSnapshot(snapshot(), { nowMs: NOW });
    expect(result).toMatchObject({ ok: true, snapshot: { tsMs: Date.parse('2026-11-29T11:59:50.123Z') } });
  });

  it('ignores unknown fields', () => {
    expect(issuesOf(snapshot({ extra: { deep: true } }))).toEqual([]);
  });

  it('names a negative cpu_pct by pointer', () => {
    const bad = snapshot({ processes: [{ pid: 1, name: 'x', cpu_pct: -1, mem_pct: 0, rss_bytes: 0 }] });
    expect(issuesOf(bad)).toEqual(['/processes/0/cpu_pct: must be a number ≥ 0']);
  });

  it('names missing required fields', () => {
    expect(issuesOf({ ts: '2026-11-29T11:59:50Z', processes: [] })).toEqual(['/machine_id: is required']);
  });

  it('rejects wrong types instead of coercing them', () => {
    const bad = snapshot({ processes: [{ pid: '7', name: 'x', cpu_pct: 1, mem_pct: 0, rss_bytes: 0 }] });
    expect(issuesOf(bad)).toEqual(['/processes/0/pid: must be an integer']);
  });

  it('rejects a machine_id with characters outside the allowed set', () => {
    expect(issuesOf(snapshot({ machine_id: 'host 1; drop table' }))).toEqual([
      '/machine_id: must contain only letters, digits and . _ : -',
    ]);
  });

  it('rejects a ts without a time zone', () => {
    expect(issuesOf(snapshot({ ts: '2026-11-29T11:59:50' }))).toEqual([
      '/ts: must be an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction] then Z or ±HH:MM, years 0001–9999)',
    ]);
  });

  it('rejects a ts more than 5 minutes in the future', () => {
    expect(issuesOf(snapshot({ ts: '2026-11-29T12:05:01Z' }))).toEqual(['/ts: is more than 5 minutes in the future']);
    expect(issuesOf(snapshot({ ts: '2026-11-29T12:04:59Z' }))).toEqual([]);
  });

  it('rejects a ts older than the retention', () => {
    const result = checkSnapshot(snapshot({ ts: '2026-11-20T00:00:00Z' }), { nowMs: NOW, retentionMs: 86_400_000 });
    expect(result.ok).toBe(false);
  });

  it('rejects NUL characters that PostgreSQL text cannot store', () => {
    const bad = snapshot({ processes: [{ pid: 1, name: 'a\u0000b', cpu_pct: 1, mem_pct: 0, rss_bytes: 0 }] });
    expect(issuesOf(bad)).toEqual(['/processes/0/name: must be valid Unicode text without NUL characters (no lone surrogates)']);
  });

  it.each([
    ['name', { name: 'a\ud800b' }],
    ['username', { username: '\udfff' }],
    ['cmdline', { cmdline: 'x\udbff' }],
    ['state', { state: '\ud83d' }],
  ])('rejects a lone surrogate in %s, which PostgreSQL would store as U+FFFD', (field, override) => {
    const bad = snapshot({ processes: [{ pid: 1, name: 'x', cpu_pct: 1, mem_pct: 0, rss_bytes: 0, ...override }] });
    expect(issuesOf(bad)).toEqual([`/processes/0/${field}: must be valid Unicode text without NUL characters (no lone surrogates)`]);
  });

  it('accepts surrogate pairs (characters beyond U+FFFF) and other odd but valid text', () => {
    const names = ['😀', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\uffff\ufffe', 'e\u0301', '\u0001\u001f\u007f', '\u202eRTL', 'tab\there'];
    for (const name of names) {
      expect(issuesOf(snapshot({ processes: [{ pid: 1, name, cpu_pct: 1, mem_pct: 0, rss_bytes: 0 }] }))).toEqual([]);
    }
  });

  it.each([
    ['a urn:uuid: prefix', 'urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
    ['braces', '{6ba7b810-9dad-11d1-80b4-00c04fd430c8}'],
    ['no hyphens', '6ba7b8109dad11d180b400c04fd430c8'],
    ['a non-hex digit', '6ba7b810-9dad-11d1-80b4-00c04fd430cg'],
  ])('rejects a batch_id with %s, which the shard’s uuid type would refuse or rewrite', (_, batchId) => {
    expect(issuesOf(snapshot({ batch_id: batchId }))).toEqual(['/batch_id: must be a UUID written as 8-4-4-4-12 hexadecimal digits']);
  });

  it('accepts a canonical batch_id in either case', () => {
    expect(issuesOf(snapshot({ batch_id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }))).toEqual([]);
    expect(issuesOf(snapshot({ batch_id: '6BA7B810-9DAD-11D1-80B4-00C04FD430C8' }))).toEqual([]);
  });

  it('caps the number of issues reported', () => {
    const processes = Array.from({ length: 500 }, () => ({ pid: -1 }));
    expect(issuesOf(snapshot({ processes })).length).toBe(20);
  });

  it('prefixes pointers, e.g. with the NDJSON line', () => {
    expect(describeIssues([{ pointer: '', message: 'must be an object' }], '/snapshots/3')).toEqual([
      '/snapshots/3: must be an object',
    ]);
  });
});
