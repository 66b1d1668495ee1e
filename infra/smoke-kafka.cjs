#!/usr/bin/env node
// Smoke test of the local broker with the client the apps use (kafkajs):
//   npm exec -- node infra/smoke-kafka.cjs          (KAFKA_PORT / KAFKA_BROKERS honoured)
// 1. admin: describeCluster, create a 12-partition topic
// 2. idempotent producer (idempotent, maxInFlightRequests 1, acks -1): batch A
// 3. consumer group, autoCommit off, commitOffsets(offset + 1) per message: reads A
// 4. batch B is produced; a second consumer in the same group, started with
//    fromBeginning, must get exactly B (it resumes from the committed offsets)
//    (consumer 1 uses eachMessage, consumer 2 eachBatch with heartbeat(), as the writer does)
// 5. end offsets == produced count (no duplicates), committed offsets == end offsets
// 6. the admin calls tools and tests use: listTopics, describeGroups, listGroups,
//    describeConfigs, fetchTopicOffsetsByTimestamp, resetOffsets (via setOffsets);
//    gzip-compressed messages with headers round-trip
// Cleans up its topic and group. Exit code 0 on success.
'use strict';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel, Partitioners, CompressionTypes, ConfigResourceTypes } = require('kafkajs');

const brokers = (process.env.KAFKA_BROKERS || `127.0.0.1:${process.env.KAFKA_PORT || 9092}`).split(',');
const PARTITIONS = 12;
const PER_BATCH = 240;
const run = `${Date.now()}-${process.pid}`;
const topic = `pa-smoke-${run}`;
const groupId = `pa-smoke-group-${run}`;
const t0 = Date.now();
const ms = () => `${Date.now() - t0}ms`;

// As admin over TLS + SCRAM (infra/lib/kafka-security.sh), unless KAFKA_SECURITY=plaintext.
const state = process.env.PA_STATE_DIR || require('node:path').resolve(__dirname, '..', 'var');
const security =
  process.env.KAFKA_SECURITY === 'plaintext'
    ? {}
    : {
        ssl: { ca: [require('node:fs').readFileSync(`${state}/tls/ca.crt`, 'utf8')] },
        sasl: { mechanism: 'scram-sha-512', username: 'admin', password: require('node:fs').readFileSync(`${state}/secrets/kafka-admin.password`, 'utf8').trim() },
      };
const kafka = new Kafka({ clientId: 'pa-smoke', brokers, logLevel: logLevel.WARN, ...security });

const headersSeen = [];
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

async function consumeUntil(label, expected, fromBeginning, mode = 'eachMessage') {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
  const seen = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const handlers =
    mode === 'eachMessage'
      ? {
          eachMessage: async ({ topic: t, partition, message }) => {
            seen.push(message.value.toString());
            await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            if (seen.length >= expected) resolveDone();
          },
        }
      : {
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            for (const message of batch.messages) {
              seen.push(message.value.toString());
              headersSeen.push(message.headers && message.headers.traceparent && message.headers.traceparent.toString());
              resolveOffset(message.offset);
            }
            await heartbeat();
            const last = batch.messages[batch.messages.length - 1];
            if (last) {
              await consumer.commitOffsets([
                { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
              ]);
            }
            if (seen.length >= expected) resolveDone();
          },
        };
  await consumer.run({ autoCommit: false, ...handlers });
  const timer = setTimeout(resolveDone, 30000);
  await done;
  clearTimeout(timer);
  // Give a possible extra (duplicate / unexpected) message a moment to show up.
  await new Promise((r) => setTimeout(r, 1000));
  await consumer.disconnect();
  console.log(`  ${label}: consumed ${seen.length} (${ms()})`);
  return seen;
}

async function main() {
  const admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  console.log(`  cluster ${cluster.clusterId}, brokers ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(',')} (${ms()})`);

  const created = await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  assert(created, 'topic created');
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  assert(meta.topics[0].partitions.length === PARTITIONS, `${PARTITIONS} partitions`);
  console.log(`  topic ${topic} with ${PARTITIONS} partitions (${ms()})`);

  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const batch = (name) =>
    Array.from({ length: PER_BATCH }, (_, i) => ({ key: `host-${i % 37}`, value: `${name}-${i}` }));
  const send = (name, extra = {}) => producer.send({ topic, acks: -1, messages: batch(name), ...extra });

  await send('A');
  console.log(`  produced batch A: ${PER_BATCH} (${ms()})`);
  const first = await consumeUntil('consumer 1 (fromBeginning)', PER_BATCH, true);
  assert(first.length === PER_BATCH && first.every((v) => v.startsWith('A-')), 'consumer 1 got exactly batch A');

  const beforeB = Date.now();
  await producer.send({
    topic,
    acks: -1,
    compression: CompressionTypes.GZIP,
    messages: batch('B').map((m) => ({ ...m, headers: { traceparent: TRACEPARENT } })),
  });
  console.log(`  produced batch B (gzip, with headers): ${PER_BATCH} (${ms()})`);
  const second = await consumeUntil('consumer 2 (same group, fromBeginning, eachBatch)', PER_BATCH, true, 'eachBatch');
  assert(second.length === PER_BATCH, `consumer 2 got ${second.length}, want ${PER_BATCH}`);
  assert(second.every((v) => v.startsWith('B-')), 'consumer 2 resumed from the committed offsets (no batch A)');
  assert(new Set(second).size === PER_BATCH, 'no duplicates');
  assert(headersSeen.every((h) => h === TRACEPARENT), 'headers round-trip');
  await producer.disconnect();

  const ends = await admin.fetchTopicOffsets(topic);
  const total = ends.reduce((s, p) => s + Number(p.high), 0);
  assert(total === 2 * PER_BATCH, `log end offsets sum ${total}, want ${2 * PER_BATCH}`);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const byPart = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
  for (const p of ends) {
    const c = byPart.get(p.partition);
    assert(c === p.high || (c === '-1' && p.high === '0'), `partition ${p.partition}: committed ${c}, end ${p.high}`);
  }
  console.log(`  end offsets sum ${total}, committed offsets == end offsets on all ${PARTITIONS} partitions`);

  // --- admin calls used by tools and tests --------------------------------
  const topics = await admin.listTopics();
  assert(topics.includes(topic), 'listTopics');
  const { groups } = await admin.describeGroups([groupId]);
  assert(groups[0] && groups[0].state === 'Empty', `describeGroups state ${groups[0] && groups[0].state}`);
  const listed = await admin.listGroups();
  assert(listed.groups.some((g) => g.groupId === groupId), 'listGroups');
  const cfg = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    includeSynonyms: false,
  });
  assert(cfg.resources[0].configEntries.length === 1, 'describeConfigs');
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, beforeB);
  const atB = byTime.reduce((s, p) => s + Number(p.offset), 0);
  assert(atB === PER_BATCH, `fetchTopicOffsetsByTimestamp: ${atB}, want ${PER_BATCH}`);
  // resetOffsets goes through kafkajs setOffsets, which joins the group with a
  // temporary consumer: about 5 s, with any broker.
  await admin.resetOffsets({ groupId, topic, earliest: true });
  const after = await admin.fetchOffsets({ groupId, topics: [topic] });
  // kafkajs commits the EARLIEST sentinel (-2); the broker stores it as is.
  assert(after[0].partitions.every((p) => p.offset === '-2' || p.offset === '0'), 'resetOffsets earliest');
  console.log(`  admin: listTopics, describeGroups, listGroups, describeConfigs, offsetsByTimestamp, resetOffsets OK (${ms()})`);

  await admin.deleteGroups([groupId]);
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  console.log(`kafka smoke: OK against ${brokers.join(',')} in ${ms()}`);
}

main().catch((err) => {
  console.error(`kafka smoke: FAILED against ${brokers.join(',')}: ${err.stack || err}`);
  process.exit(1);
});
