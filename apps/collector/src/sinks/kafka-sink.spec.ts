import type { Message } from 'kafkajs';
import { ProcessSnapshot, SNAPSHOT_V2_CONTENT_TYPE, encodeSnapshotV2 } from '@pa/contracts';
import { LogSink, PublishError } from '@pa/kafka';
import { KafkaSink, KafkaSinkOptions, SnapshotProducer } from './kafka-sink';

const quiet: LogSink = { log: () => undefined, warn: () => undefined, error: () => undefined };
const never = new AbortController().signal;
const OPTIONS: KafkaSinkOptions = {
  topic: 'proc.snapshots.v1',
  chunkSnapshots: 2,
  maxChunkBytes: 1024 * 1024,
  concurrency: 1,
  bufferSnapshots: 100,
  initialMs: 1,
  maxMs: 10,
};

/** Records every send; `failures` are thrown by the next sends, in order. */
class FakeProducer implements SnapshotProducer {
  readonly sends: { topic: string; messages: Message[] }[] = [];
  connects = 0;
  disconnects = 0;
  constructor(readonly failures: unknown[] = []) {}
  async connect() {
    this.connects++;
  }
  async send(topic: string, messages: Message[]) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sends.push({ topic, messages });
  }
  async disconnect() {
    this.disconnects++;
  }
}

function snapshot(machine: string, pid = 1): ProcessSnapshot {
  return { machine_id: machine, ts: '2026-11-29T12:00:00.000Z', processes: [{ pid, name: 'p', cpu_pct: 0, mem_pct: 0, rss_bytes: 0 }] };
}

describe('KafkaSink', () => {
  it('produces one record per snapshot keyed by machine_id with the contract headers', async () => {
    const producer = new FakeProducer();
    const prepare = jest.fn(async () => undefined);
    const sink = new KafkaSink(producer, { ...OPTIONS, prepare }, quiet);

    await sink.send([snapshot('a'), snapshot('b'), snapshot('c')]);
    const stats = await sink.close(never);

    expect(producer.sends.map((s) => s.messages.length)).toEqual([2, 1]);
    expect(producer.sends[0]).toEqual({
      topic: 'proc.snapshots.v1',
      messages: [
        { key: 'a', value: JSON.stringify(snapshot('a')), headers: { 'content-type': 'application/json', 'schema-version': '1' } },
        { key: 'b', value: JSON.stringify(snapshot('b')), headers: { 'content-type': 'application/json', 'schema-version': '1' } },
      ],
    });
    expect([producer.connects, prepare.mock.calls.length, producer.disconnects]).toEqual([1, 1, 1]);
    expect(stats).toMatchObject({ snapshotsSent: 3, rowsSent: 3 });
  });

  it('produces schema version 2 records with COLLECTOR_KAFKA_RECORD_FORMAT=v2', async () => {
    const producer = new FakeProducer();
    const sink = new KafkaSink(producer, { ...OPTIONS, recordFormat: 'v2' }, quiet);

    await sink.send([snapshot('a')]);
    await sink.close(never);

    const [message] = producer.sends[0].messages;
    expect(message).toMatchObject({ key: 'a', headers: { 'content-type': SNAPSHOT_V2_CONTENT_TYPE, 'schema-version': '2' } });
    expect((message.value as Buffer).equals(encodeSnapshotV2(snapshot('a')))).toBe(true);
  });

  it('retries while the broker is unreachable, including at connect', async () => {
    const down = new PublishError('proc.snapshots.v1', 2, new Error('Connection error'), true);
    const producer = new FakeProducer([down, down]);
    producer.connect = jest.fn().mockRejectedValueOnce(new Error('ECONNREFUSED')).mockResolvedValue(undefined);
    const sink = new KafkaSink(producer, OPTIONS, quiet);

    await sink.send([snapshot('a'), snapshot('b')]);
    const stats = await sink.close(never);

    expect(producer.sends).toHaveLength(1);
    expect(stats).toMatchObject({ snapshotsSent: 2, failedAttempts: 3 });
  });

  it('splits on a non-retriable error and refuses only the record that keeps failing', async () => {
    const tooLarge = new PublishError('proc.snapshots.v1', 2, new Error('MESSAGE_TOO_LARGE'), false);
    const producer = new FakeProducer([tooLarge, undefined, tooLarge]);
    const sink = new KafkaSink(producer, OPTIONS, quiet);

    await sink.send([snapshot('a'), snapshot('b')]);
    const stats = await sink.close(never);

    expect(producer.sends.map((s) => s.messages.map((m) => m.key))).toEqual([['a']]);
    expect(stats).toMatchObject({ snapshotsSent: 1, snapshotsRejected: 1 });
  });

  it('gives up on a send that never finishes shortly after close() gives up, counting it unsent', async () => {
    const producer = new FakeProducer();
    producer.send = () => new Promise(() => undefined); // a broker that never answers
    const sink = new KafkaSink(producer, OPTIONS, quiet);
    await sink.send([snapshot('a'), snapshot('b'), snapshot('c')]);

    const started = Date.now();
    const stats = await sink.close(AbortSignal.timeout(100));

    expect(stats).toMatchObject({ snapshotsSent: 0, snapshotsUnsent: 3, buffered: 0 });
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
