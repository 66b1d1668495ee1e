import { checkSnapshot, createCommandLineScrubber, decodeSnapshotV2, encodeSnapshotV2 } from '@pa/contracts';
import { buildSnapshot } from '@pa/testing';
import { decodeSnapshotRequest } from './snapshot-request.decoder';

const nowMs = Date.parse('2026-11-29T12:00:00Z');
const scrub = createCommandLineScrubber();
const rules = { limitBytes: 1024 * 1024, maxRecordBytes: 100_000, nowMs, retentionMs: 90 * 86_400_000, scrub };
const body = (text: string) => ({ contentType: 'application/json', contentEncoding: undefined, body: Buffer.from(text) });

function withCmdline(cmdline: string) {
  const snapshot = buildSnapshot('m-1', 2, nowMs - 1_000) as unknown as { processes: { cmdline?: string }[] };
  snapshot.processes[1].cmdline = cmdline;
  return snapshot;
}

describe('decodeSnapshotRequest: secret scrubbing', () => {
  it('publishes the scrubbed snapshot, every other field as sent', async () => {
    const sent = withCmdline('mysql --password=hunter2 shop');
    const { records } = await decodeSnapshotRequest(body(JSON.stringify(sent)), rules);
    const published = JSON.parse(records[0].json as string);
    expect(published.processes[1].cmdline).toBe('mysql --password=******** shop');
    expect(records[0].json).not.toContain('hunter2');
    published.processes[1].cmdline = sent.processes[1].cmdline;
    expect(published).toEqual(sent); // nothing else changed, and no tsMs of ours on the wire
  });

  it('publishes the text as sent, byte for byte, when no cmdline holds a secret', async () => {
    const text = JSON.stringify(withCmdline('nginx -g daemon off;'), null, 2).replace('"m-1"', '"m-1"  ');
    const { records } = await decodeSnapshotRequest(body(text), rules);
    expect(records[0].json).toBe(text);
  });

  it('publishes secrets as sent when scrubbing is off (no scrubber)', async () => {
    const text = JSON.stringify(withCmdline('mysql --password=hunter2 shop'));
    const { records } = await decodeSnapshotRequest(body(text), { ...rules, scrub: undefined });
    expect(records[0].json).toBe(text);
  });

  it('counts two snapshots that differ only by a secret as one (they store the same rows)', async () => {
    const a = JSON.stringify(withCmdline('app --token=aaa'));
    const b = JSON.stringify(withCmdline('app --token=bbb'));
    const ndjson = { contentType: 'application/x-ndjson', contentEncoding: undefined, body: Buffer.from(`${a}\n${b}`) };
    const { records, duplicates } = await decodeSnapshotRequest(ndjson, rules);
    expect([records.length, duplicates]).toEqual([1, 1]);
  });
});

describe('decodeSnapshotRequest: GATEWAY_RECORD_FORMAT=v2', () => {
  it('transcodes the validated, scrubbed snapshot to schema version 2, which the writer decodes to the same rows', async () => {
    const sent = withCmdline('mysql --password=hunter2 shop');
    const { records } = await decodeSnapshotRequest(body(JSON.stringify(sent)), { ...rules, recordFormat: 'v2' });
    const v2 = records[0].v2 as Buffer;
    expect(v2.subarray(0, 4).toString('latin1')).toBe('PAS2');
    expect(v2.toString('latin1')).not.toContain('hunter2');
    const decoded = decodeSnapshotV2(v2, { nowMs, retentionMs: rules.retentionMs });
    expect(decoded).toMatchObject({ ok: true, snapshot: { machine_id: 'm-1', copyRows: { count: 2 } } });
    expect(records[0].json).toBeUndefined(); // no JSON re-encoded for a scrubbed snapshot: only v2 is published
    const scrubbed = withCmdline('mysql --password=******** shop');
    const check = checkSnapshot(scrubbed, { nowMs });
    expect(check.ok && encodeSnapshotV2(check.snapshot).equals(v2)).toBe(true);
  });

  it('refuses a snapshot whose v2 value is over the record limit (413 detail names its size)', async () => {
    await expect(decodeSnapshotRequest(body(JSON.stringify(withCmdline('x'.repeat(3000)))), { ...rules, maxRecordBytes: 1000, recordFormat: 'v2' })).rejects.toMatchObject({
      message: expect.stringContaining('more than the 1000 one snapshot may have'),
    });
  });
});
