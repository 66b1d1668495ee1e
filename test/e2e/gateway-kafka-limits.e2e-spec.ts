import { ConfigResourceTypes, KafkaJSError } from 'kafkajs';
import { encodeSnapshotV2 } from '@pa/contracts';
import { buildSnapshot, pollUntil, uniqueSuffix } from '@pa/testing';
import { Pipeline } from './support/pipeline';
import { testKafka } from './support/test-stack';
import { recordsInTopic } from './support/topic-offsets';

/** The topic's max.message.bytes at creation, far under the gateway's own GATEWAY_MAX_RECORD_BYTES (16 MiB). */
const TOPIC_LIMIT = 64 * 1024;
/** What it is lowered to while the gateway runs, which the gateway learns only from Kafka's refusal. */
const LOWERED_LIMIT = 16 * 1024;

/** A snapshot whose JSON is just over `bytes` (by less than 10 processes). */
/** A snapshot whose record (schema version 2, what the gateway produces by default) is over `bytes`; its JSON. */
function snapshotOver(bytes: number, machineId: string): string {
  for (let processes = 10; ; processes += 10) {
    const snapshot = buildSnapshot(machineId, processes);
    if (encodeSnapshotV2(snapshot).length > bytes) return JSON.stringify(snapshot);
  }
}

interface Problem {
  status: number;
  code: string;
  detail: string;
}

describe('a snapshot Kafka refuses as too large is a 413, never a 503 the client would retry forever', () => {
  const pipeline = new Pipeline();
  const prefix = `e2e-klimit-${uniqueSuffix()}`;

  beforeAll(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: pipeline.topic, numPartitions: 2, configEntries: [{ name: 'max.message.bytes', value: String(TOPIC_LIMIT) }] }],
      });
    } finally {
      await admin.disconnect();
    }
    await pipeline.startGateway();
  }, 90_000);
  afterAll(() => pipeline.stop());

  it("refuses a snapshot over the topic's max.message.bytes with 413 naming the limit, and publishes nothing", async () => {
    const before = await recordsInTopic(pipeline.topic);
    const response = await pipeline.post(snapshotOver(TOPIC_LIMIT, `${prefix}-a`));
    expect(response.status).toBe(413);
    expect(response.headers.get('retry-after')).toBeNull();
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    expect(problem.detail).toContain(`more than the ${TOPIC_LIMIT - 1024} one snapshot may have`);
    expect(await recordsInTopic(pipeline.topic)).toBe(before);
  });

  it('takes a snapshot under it (202)', async () => {
    const before = await recordsInTopic(pipeline.topic);
    const response = await pipeline.post(JSON.stringify(buildSnapshot(`${prefix}-b`, 5)));
    expect(response.status).toBe(202);
    expect(await recordsInTopic(pipeline.topic)).toBe(before + 1);
  });

  it('answers 413, not 503, when Kafka itself refuses the record (the limit was lowered under the running gateway), and learns the new limit', async () => {
    await lowerTopicLimit(pipeline.topic, LOWERED_LIMIT);
    const oversized = snapshotOver(LOWERED_LIMIT, `${prefix}-c`);
    await waitUntilBrokerRefuses(pipeline.topic, oversized);
    const before = await recordsInTopic(pipeline.topic);
    const response = await pipeline.post(oversized);
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ status: 413, code: 'RECORD_TOO_LARGE' });
    expect(response.status).toBe(413);
    expect(problem.detail).toContain(`at most ${LOWERED_LIMIT - 1024} bytes`);
    expect(await recordsInTopic(pipeline.topic)).toBe(before);
    // Learnt: the next one is refused before anything is sent, and small ones still go through.
    const again = (await (await pipeline.post(oversized)).json()) as Problem;
    expect(again).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    expect((await pipeline.post(JSON.stringify(buildSnapshot(`${prefix}-d`, 5)))).status).toBe(202);
    expect(await recordsInTopic(pipeline.topic)).toBe(before + 1);
  });
});

async function lowerTopicLimit(topic: string, bytes: number): Promise<void> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }],
    });
  } finally {
    await admin.disconnect();
  }
}

/** A topic config change reaches the partition's log a little after the admin call returns: wait for Kafka to refuse `value`. */
async function waitUntilBrokerRefuses(topic: string, value: string): Promise<void> {
  const producer = testKafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await pollUntil(
      () => producer.send({ topic, messages: [{ key: 'probe', value }] }).then(() => false, isTooLarge),
      Boolean,
      { timeoutMs: 30_000, what: `Kafka to refuse ${value.length} bytes on ${topic}` },
    );
  } finally {
    await producer.disconnect();
  }
}

function isTooLarge(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as { cause?: unknown }).cause as Error) {
    if (e instanceof KafkaJSError && (e as KafkaJSError & { type?: string }).type === 'MESSAGE_TOO_LARGE') return true;
  }
  return false;
}
