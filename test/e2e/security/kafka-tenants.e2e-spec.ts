// Issue 11, Kafka: "a collector that produces directly is limited to its tenant's machines".
// Tenant t has a topic of its own (proc.tenant.t.…) that only its principal collector-t may write
// (the broker's ACLs), and the writer stores from it only t's machines (whole-segment prefix);
// the rest is dead-lettered with the reason. DLQs are under proc.dlq., closed to the gateway.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { tenantTopicOf } from '@pa/contracts';
import { buildSnapshot, pollUntil, snapshotRecord, uniqueSuffix } from '@pa/testing';
import { readDeadLetters } from '../support/dead-letters';
import { waitCaughtUp } from '../support/consumer-lag';
import { asPrincipal, deleteTopics, produce, refusal } from '../support/kafka-principals';
import { kafkaTenant } from '../support/kafka-tenants';
import { Pipeline } from '../support/pipeline';
import { pipelineSuite } from '../support/pipeline-suite';
import { scrape } from '../support/prometheus-text';
import { countsByShard, total } from '../support/shard-queries';

const runFile = promisify(execFile);
const COLLECTOR = resolve(__dirname, '..', '..', '..', 'dist', 'apps', 'collector', 'src', 'main.js');
const OUTSIDE = /^machine outside tenant: machine_id (\S+) is not a machine of tenant (\S+) \(topic (\S+)\)$/;

describe('Kafka tenants: collectors producing directly are limited to their tenant', () => {
  const pipeline = new Pipeline();
  const run = `e2e-kt-${uniqueSuffix()}`;
  const [tenantA, tenantB] = [`${run}-a`, `${run}-b`];
  const [topicA, topicB] = [tenantTopicOf(pipeline.topic, tenantA), tenantTopicOf(pipeline.topic, tenantB)];
  const collectorA = () => asPrincipal(`collector-${tenantA}`);
  const now = Date.now();
  // Before the pipeline starts: the writer resolves its tenant-topic pattern when it subscribes.
  beforeAll(async () => {
    for (const tenant of [tenantA, tenantB]) await kafkaTenant('add', tenant, pipeline.topic);
  }, 180_000);
  const { pools } = pipelineSuite(pipeline);
  afterAll(async () => {
    for (const tenant of [tenantA, tenantB]) await kafkaTenant('remove', tenant, pipeline.topic);
    await deleteTopics(topicA, topicB);
  }, 180_000);

  const stored = async (prefix: string) => total(await countsByShard(pools, prefix));

  it("lets a tenant's principal write its own topic, and not another tenant's, the snapshot topic or the DLQ", async () => {
    await produce(collectorA(), topicA, [snapshotRecord(buildSnapshot(`${tenantA}-probe`, 1, now))]);
    for (const target of [topicB, pipeline.topic, pipeline.dlqTopic]) {
      await expect(refusal(produce(collectorA(), target))).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    }
  });

  it("keeps the gateway and the shared collector principal off a tenant's topic, and the gateway off the DLQ", async () => {
    for (const principal of ['gateway', 'collector']) {
      await expect(refusal(produce(asPrincipal(principal), topicA))).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    }
    await expect(refusal(produce(asPrincipal('gateway'), pipeline.dlqTopic))).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
  });

  it("stores the tenant's own machine exactly once and dead-letters a foreign or look-alike one with the reason", async () => {
    const own = snapshotRecord(buildSnapshot(`${tenantA}-1`, 3, now - 1_000));
    const foreign = snapshotRecord(buildSnapshot(`${tenantB}-1`, 2, now - 1_000));
    // `${run}-ab-1` starts with tenant A's name but not at a segment boundary: not A's.
    const lookalike = snapshotRecord(buildSnapshot(`${run}-ab-1`, 2, now - 1_000));
    // the own record twice: a collector's retry after a lost ack
    await produce(collectorA(), topicA, [own, foreign, lookalike, own]);
    await waitCaughtUp(pipeline.groupId, topicA, 60_000);
    expect(await stored(`${tenantA}-1`)).toEqual({ snapshots: 1, rows: 3 });
    expect(await stored(`${tenantB}-`)).toEqual({ snapshots: 0, rows: 0 });
    expect(await stored(`${run}-ab-`)).toEqual({ snapshots: 0, rows: 0 });

    const letters = (await readDeadLetters(pipeline.dlqTopic, 2)).filter((l) => l.sourceTopic === topicA);
    expect(letters.map((l) => l.key).sort()).toEqual([`${run}-ab-1`, `${tenantB}-1`].sort());
    for (const letter of letters) {
      expect(OUTSIDE.exec(letter.reason)?.slice(1)).toEqual([letter.key, tenantA, topicA]);
      expect(letter.value).toBe(letter.key === foreign.key ? foreign.value : lookalike.value);
    }
    const metric = await pollUntil(
      () => scrape(`${pipeline.writerUrl}/metrics`),
      (samples) => samples.some((s) => s.name === 'pa_writer_foreign_machine_records_total' && s.labels.tenant === tenantA),
      { timeoutMs: 10_000, what: 'the foreign-machine counter' },
    );
    expect(metric.find((s) => s.name === 'pa_writer_foreign_machine_records_total' && s.labels.tenant === tenantA)?.value).toBe(2);
  });

  it('the collector with COLLECTOR_TENANT writes its tenant topic as its principal: own machines stored, others dead-lettered', async () => {
    const simulate = (prefix: string) =>
      runFile(process.execPath, [COLLECTOR, 'simulate', '--kafka', '--machines', '2', '--processes', '2', '--ticks', '1', '--interval', '100ms', '--prefix', prefix], {
        env: { ...process.env, COLLECTOR_TENANT: tenantA, KAFKA_TOPIC: pipeline.topic, OTEL_SDK_DISABLED: 'true', NO_COLOR: '1' },
        timeout: 60_000,
      });
    await simulate(`${tenantA}-sim-`);
    await simulate(`${tenantB}-sim-`);
    await waitCaughtUp(pipeline.groupId, topicA, 60_000);
    expect(await stored(`${tenantA}-sim-`)).toEqual({ snapshots: 2, rows: 4 });
    expect(await stored(`${tenantB}-sim-`)).toEqual({ snapshots: 0, rows: 0 });
    const letters = await readDeadLetters(pipeline.dlqTopic, 4);
    const fromSimulation = letters.filter((l) => l.key.startsWith(`${tenantB}-sim-`));
    expect(fromSimulation).toHaveLength(2);
    for (const letter of fromSimulation) expect(OUTSIDE.exec(letter.reason)?.slice(1)).toEqual([letter.key, tenantA, topicA]);
  });
});
