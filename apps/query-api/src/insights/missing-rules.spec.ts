import { MissingRules, findMissing } from './missing-rules';
import { NameRow, PresenceRow, ReportRow } from './missing.sql';

const RULES: MissingRules = { minPresence: 0.8, minRecentCoverage: 0.5, minBaselineBuckets: 3, recentMinutes: 10, stepMs: 300_000 };
const T0 = new Date('2026-01-01T10:00:00Z');
const at = (buckets: number) => new Date(T0.getTime() + buckets * 300_000);

const presence = (machine_id: string, name: string, buckets: number): PresenceRow => ({ machine_id, name, buckets, last_bucket: at(buckets - 1) });
const report = (machine_id: string, base_buckets: number, recent_minutes: number): ReportRow => ({ machine_id, base_buckets, recent_minutes, last_seen: at(12) });
const recent = (machine_id: string, name: string): NameRow => ({ machine_id, name });

describe('missing-process test', () => {
  it('reports a name that ran all baseline and is absent while the machine reports', () => {
    const found = findMissing([presence('m1', 'worker', 12), presence('m1', 'sshd', 12)], [report('m1', 12, 10)], [recent('m1', 'sshd')], RULES);
    expect(found.missing).toEqual([{ machine_id: 'm1', name: 'worker', presence: 1, last_seen_before: at(12).toISOString() }]);
    expect(found.silent).toEqual([]);
  });

  it('reports a silent machine once, and none of its processes', () => {
    const found = findMissing([presence('m2', 'worker', 12), presence('m2', 'sshd', 12)], [report('m2', 12, 0)], [], RULES);
    expect(found.missing).toEqual([]);
    expect(found.silent).toEqual([{ machine_id: 'm2', last_seen: at(12).toISOString() }]);
  });

  it('says nothing of a machine just back from a collector restart (too few recent minutes)', () => {
    const found = findMissing([presence('m3', 'worker', 12)], [report('m3', 12, 2)], [], RULES);
    expect(found).toEqual({ missing: [], silent: [] });
  });

  it('counts presence over the buckets the machine reported in, not over the whole baseline', () => {
    // The collector was down for half the baseline: the name ran in every bucket it was watched.
    const found = findMissing([presence('m4', 'worker', 6)], [report('m4', 6, 10)], [], RULES);
    expect(found.missing.map((m) => m.presence)).toEqual([1]);
  });

  it('leaves out kernel worker threads, which the kernel renames all the time', () => {
    const found = findMissing([presence('m7', 'kworker/3:1-events', 12), presence('m7', 'postgres', 12)], [report('m7', 12, 10)], [], RULES);
    expect(found.missing.map((m) => m.name)).toEqual(['postgres']);
  });

  it('does not report an occasional process, nor one seen in a baseline too short to judge', () => {
    expect(findMissing([presence('m5', 'cron-job', 4)], [report('m5', 12, 10)], [], RULES).missing).toEqual([]);
    expect(findMissing([presence('m6', 'worker', 2)], [report('m6', 2, 10)], [], RULES).missing).toEqual([]);
  });
});
