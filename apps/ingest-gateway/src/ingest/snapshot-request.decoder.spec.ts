import { ProblemException } from '@pa/http';
import { createCommandLineScrubber } from '@pa/contracts';
import { buildSnapshot } from '@pa/testing';
import { SnapshotRequest, decodeSnapshotRequest } from './snapshot-request.decoder';

const nowMs = Date.parse('2026-11-29T12:00:00Z');
const rules = { limitBytes: 16 * 1024 * 1024, maxRecordBytes: 20_000, nowMs, retentionMs: 90 * 86_400_000 };
const ndjson = (...lines: unknown[]) => ({
  contentType: 'application/x-ndjson',
  contentEncoding: undefined,
  body: Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')),
});

describe('decodeSnapshotRequest: one snapshot is one Kafka record', () => {
  it('accepts snapshots up to maxRecordBytes', async () => {
    const { records } = await decodeSnapshotRequest(ndjson(buildSnapshot('m-1', 10, nowMs), buildSnapshot('m-1', 10, nowMs - 1_000)), rules);
    expect(records.map((r) => r.machineId)).toEqual(['m-1', 'm-1']);
  });

  it('refuses the whole request with 413 naming the snapshot that is larger (never a 503 that a client would retry forever)', async () => {
    const big = buildSnapshot('m-1', 100, nowMs - 2_000);
    const error = await decodeSnapshotRequest(ndjson(buildSnapshot('m-1', 10, nowMs), big), rules).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemException);
    const size = Buffer.byteLength(JSON.stringify(big));
    expect(error).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE', detail: `/snapshots/1: is ${size} bytes, more than the 20000 one snapshot may have (line 2)` });
  });

  it('reports invalid snapshots (400) before sizes', async () => {
    const error = await decodeSnapshotRequest(ndjson(buildSnapshot('m-1', 100, nowMs), { machine_id: 'm-2' }), rules).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_SNAPSHOT' });
  });
});

describe('decodeSnapshotRequest: snapshots that share a machine_id and ts inside one request', () => {
  const first = buildSnapshot('m-1', 3, nowMs - 5_000);

  it('publishes an exact repeat once and counts it as a duplicate, not as accepted', async () => {
    const { records, duplicates } = await decodeSnapshotRequest(ndjson(first, buildSnapshot('m-2', 1, nowMs), first), rules);
    expect(records.map((r) => r.machineId)).toEqual(['m-1', 'm-2']);
    expect(duplicates).toBe(1);
  });

  it('counts as a repeat what stores the same rows: keys in another order, unknown fields, another spelling of ts', async () => {
    const respelled = {
      processes: first.processes.map((p) => ({ ...p, note: 'ignored' })),
      ts: new Date(Date.parse(first.ts) + 3_600_000).toISOString().replace('Z', '+01:00'),
      machine_id: first.machine_id,
    };
    const { records, duplicates } = await decodeSnapshotRequest(ndjson(first, respelled), rules);
    expect([records.length, duplicates]).toEqual([1, 1]);
  });

  it('refuses the whole request with 400 naming both lines when the content differs', async () => {
    const other = { ...first, processes: first.processes.map((p, i) => (i === 2 ? { ...p, cpu_pct: p.cpu_pct + 1 } : p)) };
    const error = await decodeSnapshotRequest(ndjson(first, buildSnapshot('m-2', 1, nowMs), other), rules).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 400,
      code: 'INVALID_SNAPSHOT',
      detail: '/snapshots/2: has the machine_id and ts of line 1 but other content (a conflict: one of them would be lost) (line 3)',
    });
  });

  it('tells a sub-millisecond difference in ts apart from none: ts is stored to the millisecond', async () => {
    const later = { ...first, ts: first.ts.replace('Z', '').replace(/(\.\d{3})?$/, (m) => `${m || '.000'}4Z`) };
    const { records, duplicates } = await decodeSnapshotRequest(ndjson(first, later), rules);
    expect([records.length, duplicates]).toEqual([1, 1]);
  });
});

describe('decodeSnapshotRequest: schema version 2 in one walk per snapshot (GATEWAY_DIRECT_V2)', () => {
  const v2Rules = { ...rules, maxRecordBytes: 100_000, recordFormat: 'v2' as const, scrub: createCommandLineScrubber() };
  const json = (text: string) => ({ contentType: 'application/json', contentEncoding: undefined, body: Buffer.from(text) });
  const both = (request: SnapshotRequest) =>
    Promise.all([true, false].map((directV2) => decodeSnapshotRequest(request, { ...v2Rules, directV2 }).catch((e: unknown) => e)));

  it('publishes the record the usual way publishes', async () => {
    const snapshot = buildSnapshot('m-1', 20, nowMs - 1_000) as unknown as { processes: { cmdline?: string }[] };
    snapshot.processes[3].cmdline = 'mysql --password=hunter2 shop';
    const [direct, usual] = (await both(json(JSON.stringify(snapshot)))) as { records: { machineId: string; v2: Buffer }[] }[];
    expect(direct.records[0].v2.equals(usual.records[0].v2)).toBe(true);
    expect(direct.records[0].v2.includes('hunter2')).toBe(false);
    expect(direct.records[0].machineId).toBe('m-1');
  });

  it('answers invalid, stale and too large snapshots as the usual way does', async () => {
    const valid = buildSnapshot('m-1', 2, nowMs - 1_000);
    const bodies = [
      JSON.stringify({ ...valid, processes: [{ ...valid.processes[0], pid: -1 }] }),
      JSON.stringify({ ...valid, ts: new Date(nowMs - 91 * 86_400_000).toISOString() }),
      JSON.stringify(buildSnapshot('m-1', 2_000, nowMs - 1_000)),
      '{"machine_id":',
    ];
    for (const body of bodies) {
      const [direct, usual] = await both(json(body));
      expect(direct).toBeInstanceOf(ProblemException);
      const { status, code, detail, extras } = usual as ProblemException;
      expect(direct).toMatchObject({ status, code, detail, extras });
    }
  });

  it('publishes NDJSON lines as the usual way does, repeats and conflicts included', async () => {
    const [a, b] = [buildSnapshot('m-1', 3, nowMs - 5_000), buildSnapshot('m-2', 3, nowMs - 5_000)];
    const conflict = { ...a, processes: a.processes.map((p, i) => (i === 0 ? { ...p, cpu_pct: p.cpu_pct + 1 } : p)) };
    for (const request of [ndjson(a, b), ndjson(a, b, a), ndjson(a, conflict), ndjson(a, { machine_id: 'm-3' })]) {
      const [direct, usual] = await both(request);
      expect(direct).toEqual(usual);
      if (direct instanceof ProblemException) expect(direct).toMatchObject({ detail: (usual as ProblemException).detail, extras: (usual as ProblemException).extras });
    }
  });
});
