import { KafkaMessage } from 'kafkajs';
import { CmdlineFieldMemo, createCommandLineScrubber, encodeSnapshotV2 } from '@pa/contracts';
import { buildSnapshot } from '@pa/testing';
import { decodeRecord } from './record-decoder';

const rules = { nowMs: Date.parse('2026-11-29T12:00:00Z'), retentionMs: 90 * 86_400_000 };

const HEADERS = { 'schema-version': Buffer.from('1') };
const V2_HEADERS = { 'schema-version': Buffer.from('2') };

function message(value: Buffer | null, headers: KafkaMessage['headers'] = HEADERS, key: Buffer | null = Buffer.from('m-1')): KafkaMessage {
  return { key, value, headers, offset: '7', timestamp: '0', attributes: 0 };
}

describe('decodeRecord', () => {
  const snapshot = buildSnapshot('m-1', 2, rules.nowMs - 60_000);

  it('accepts a valid snapshot', () => {
    const decoded = decodeRecord(message(Buffer.from(JSON.stringify(snapshot))), rules);
    expect(decoded).toMatchObject({ ok: true, offset: '7', snapshot: { machine_id: 'm-1' } });
  });

  it('rejects invalid UTF-8 instead of storing U+FFFD in its place', () => {
    const json = Buffer.from(JSON.stringify({ ...snapshot, processes: [{ ...snapshot.processes[0], name: 'AAAA' }] }));
    const at = json.indexOf('AAAA');
    json[at] = 0xff;
    json[at + 1] = 0xfe;
    expect(decodeRecord(message(json), rules)).toMatchObject({ ok: false, reason: 'value is not valid UTF-8' });
  });

  it.each([
    ['no value', null, 'record has no value'],
    ['not JSON', Buffer.from('{"machine_id":'), 'value is not valid JSON'],
    ['a missing field', Buffer.from(JSON.stringify({ ...snapshot, processes: undefined })), '/processes: is required'],
  ])('rejects %s with a reason', (_name, value, reason) => {
    expect(decodeRecord(message(value), rules)).toMatchObject({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('rejects a record without the schema-version header', () => {
    expect(decodeRecord(message(Buffer.from(JSON.stringify(snapshot)), {}), rules)).toMatchObject({
      ok: false,
      reason: 'no schema-version header (must be 1 or 2)',
    });
  });

  it.each([
    ['no key', null, 'record has no key (must be its machine_id)'],
    ['an empty key', Buffer.alloc(0), 'record has no key (must be its machine_id)'],
    ['the key of another machine', Buffer.from('m-2'), 'record key is not its machine_id m-1'],
    ['a key that differs in case', Buffer.from('M-1'), 'record key is not its machine_id m-1'],
  ])('rejects a record with %s: the key picks the partition, which keeps a machine in order', (_, key, reason) => {
    expect(decodeRecord(message(Buffer.from(JSON.stringify(snapshot)), HEADERS, key), rules)).toMatchObject({ ok: false, reason });
  });

  it('does not quote the value in a JSON error', () => {
    const decoded = decodeRecord(message(Buffer.from('{"machine_id": "m-1", password=hunter2}')), rules);
    expect(decoded).toMatchObject({ ok: false, reason: 'value is not valid JSON (error at character 23)' });
    expect(JSON.stringify(decoded.ok ? '' : decoded.reason)).not.toContain('hunter2');
  });

  it('rejects another schema version', () => {
    const decoded = decodeRecord(message(Buffer.from(JSON.stringify(snapshot)), { 'schema-version': Buffer.from('3') }), rules);
    expect(decoded).toMatchObject({ ok: false, reason: 'unsupported schema-version 3' });
  });

  it('accepts a schema version 2 record, its rows as COPY bytes', () => {
    const decoded = decodeRecord(message(encodeSnapshotV2(snapshot), V2_HEADERS), rules);
    expect(decoded).toMatchObject({ ok: true, offset: '7', snapshot: { machine_id: 'm-1', processes: [], copyRows: { count: 2 } } });
  });

  it('rejects JSON labelled schema version 2, and a v2 record keyed by another machine', () => {
    expect(decodeRecord(message(Buffer.from(JSON.stringify(snapshot)), V2_HEADERS), rules)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('is not a schema version 2 snapshot'),
    });
    expect(decodeRecord(message(encodeSnapshotV2(snapshot), V2_HEADERS, Buffer.from('m-2')), rules)).toMatchObject({
      ok: false,
      reason: 'record key is not its machine_id m-1',
    });
  });
});

describe('decodeRecord: secret scrubbing of records produced directly', () => {
  const scrubber = createCommandLineScrubber();
  const scrub = { lines: scrubber, fields: new CmdlineFieldMemo(scrubber) };
  const sent = buildSnapshot('m-1', 2, rules.nowMs - 60_000) as unknown as { processes: { cmdline?: string }[] };
  sent.processes[0].cmdline = 'AWS_SECRET_ACCESS_KEY=abc123 ./job --region eu';
  const record = () => message(Buffer.from(JSON.stringify(sent)));

  it('scrubs each cmdline before the snapshot is stored', () => {
    const decoded = decodeRecord(record(), { ...rules, scrub });
    expect(decoded).toMatchObject({ ok: true });
    const { snapshot } = decoded as { snapshot: { processes: { cmdline?: string }[] } };
    expect(snapshot.processes[0].cmdline).toBe('AWS_SECRET_ACCESS_KEY=******** ./job --region eu');
    expect(snapshot.processes[1].cmdline).toBe(sent.processes[1].cmdline);
  });

  it('decodes the raw record and one the gateway already scrubbed to the same rows (one ledger entry)', () => {
    const raw = decodeRecord(record(), { ...rules, scrub }) as { snapshot: object };
    const scrubbedSent = { ...sent, processes: sent.processes.map((p) => ({ ...p, cmdline: p.cmdline && scrubber(p.cmdline) })) };
    const again = decodeRecord(message(Buffer.from(JSON.stringify(scrubbedSent))), { ...rules, scrub }) as { snapshot: object };
    expect(again.snapshot).toEqual(raw.snapshot);
  });

  it('scrubs a version 2 record to the same rows as its JSON twin', () => {
    const json = decodeRecord(record(), { ...rules, scrub });
    const v2 = decodeRecord(message(encodeSnapshotV2(sent as never), V2_HEADERS), { ...rules, scrub });
    if (!json.ok || !v2.ok) throw new Error('refused');
    const rows = Buffer.concat(v2.snapshot.copyRows?.parts ?? []);
    expect(rows.toString('utf8')).toContain('AWS_SECRET_ACCESS_KEY=******** ./job --region eu');
    expect(rows.toString('utf8')).not.toContain('abc123');
    expect(json.snapshot.processes[0].cmdline).toBe('AWS_SECRET_ACCESS_KEY=******** ./job --region eu');
  });

  it('stores the cmdline as sent when scrubbing is off', () => {
    const decoded = decodeRecord(record(), rules) as { snapshot: { processes: { cmdline?: string }[] } };
    expect(decoded.snapshot.processes[0].cmdline).toBe(sent.processes[0].cmdline);
  });
});
