import { ProblemException } from '@pa/http';
import { buildSnapshot } from '@pa/testing';
import { decodeSnapshotRequest } from './snapshot-request.decoder';

const nowMs = Date.parse('2026-11-29T12:00:00Z');
const rules = { limitBytes: 16 * 1024 * 1024, maxRecordBytes: 20_000, nowMs, retentionMs: 90 * 86_400_000 };
const ndjson = (...lines: unknown[]) => ({
  contentType: 'application/x-ndjson',
  contentEncoding: undefined,
  body: Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')),
});

describe('decodeSnapshotRequest: one snapshot is one Kafka record', () => {
  it('accepts snapshots up to maxRecordBytes', async () => {
    const records = await decodeSnapshotRequest(ndjson(buildSnapshot('m-1', 10, nowMs), buildSnapshot('m-1', 10, nowMs - 1_000)), rules);
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
