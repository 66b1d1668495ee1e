import { CmdlineFieldMemo, checkSnapshot, createCommandLineScrubber, decodeSnapshotV2, encodeSnapshotV2, scrubSnapshot } from '@pa/contracts';
import { buildProcess, buildSnapshot } from '@pa/testing';
import { encodeSnapshots } from './process-sample-rows';

const nowMs = Date.parse('2026-11-29T12:00:00Z');
const rules = { nowMs, retentionMs: 30 * 86_400_000 };

/** The same snapshot as the writer gets it from JSON (v1), scrubbed as the writer scrubs. */
function fromJson(json: string, scrub = createCommandLineScrubber()) {
  const check = checkSnapshot(JSON.parse(json), rules);
  if (!check.ok) throw new Error(JSON.stringify(check.issues));
  scrubSnapshot(check.snapshot, scrub);
  return check.snapshot;
}

function fromV2(value: Buffer, scrub = createCommandLineScrubber()) {
  const decoded = decodeSnapshotV2(value, { ...rules, scrub: new CmdlineFieldMemo(scrub) });
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.snapshot;
}

describe('content hash across wire formats (the ledger tells replay from conflict by it)', () => {
  const snapshot = buildSnapshot('m-1', 5, nowMs - 60_000);
  snapshot.batch_id = '0f8fad5b-d9cb-469f-a165-70867728950e';
  snapshot.processes[1] = buildProcess(2, { cmdline: 'curl -H "Authorization: Bearer abc.def" --password=s3cr3tvalue https://u:pw@h/', name: 'é日本😀' });
  snapshot.processes[2] = buildProcess(3, { ppid: undefined, start_time: '2026-01-01T01:00:00.1234565+01:00', cpu_pct: 0.1 + 0.2 });

  it('is the same, with the same rows, for a snapshot sent as v1 JSON and as v2', () => {
    const [v1] = encodeSnapshots([fromJson(JSON.stringify(snapshot))]);
    const [v2] = encodeSnapshots([fromV2(encodeSnapshotV2(snapshot))]);
    expect(v2.contentHash.equals(v1.contentHash)).toBe(true);
    expect(Buffer.concat(v2.parts).equals(Buffer.concat(v1.parts))).toBe(true);
    // The secrets were scrubbed on both paths before hashing.
    expect(Buffer.concat(v2.parts).toString('utf8')).not.toContain('s3cr3tvalue');
  });

  it('is the same when the v2 value was made from the scrubbed snapshot (the gateway transcodes after scrubbing)', () => {
    const scrubbed = fromJson(JSON.stringify(snapshot));
    const [v1] = encodeSnapshots([fromJson(JSON.stringify(snapshot))]);
    const [v2] = encodeSnapshots([fromV2(encodeSnapshotV2(scrubbed))]);
    expect(v2.contentHash.equals(v1.contentHash)).toBe(true);
  });

  it('differs when one stored field differs', () => {
    const other = structuredClone(snapshot);
    other.processes[4].rss_bytes += 1;
    const [v1] = encodeSnapshots([fromJson(JSON.stringify(snapshot))]);
    const [v2] = encodeSnapshots([fromV2(encodeSnapshotV2(other))]);
    expect(v2.contentHash.equals(v1.contentHash)).toBe(false);
  });

  it('is the same for an empty snapshot', () => {
    const empty = buildSnapshot('m-1', 0, nowMs - 60_000);
    const [v1] = encodeSnapshots([fromJson(JSON.stringify(empty))]);
    const [v2] = encodeSnapshots([fromV2(encodeSnapshotV2(empty))]);
    expect(v2.contentHash.equals(v1.contentHash)).toBe(true);
  });
});
