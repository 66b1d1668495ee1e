import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { CollectorConfig } from '@pa/config';
import { RecordProducer, createKafka, ensureTopics } from '@pa/kafka';
import { DeliveryOptions } from './delivery-queue';
import { HttpSink } from './http-sink';
import { KafkaSink } from './kafka-sink';
import { SnapshotSink } from './snapshot-sink';

/** The sink the command asks for: Kafka with --kafka, else the gateway over HTTP. */
export function createSink(config: Readonly<CollectorConfig>, useKafka: boolean): { sink: SnapshotSink; target: string } {
  const delivery = deliveryOptions(config);
  if (!useKafka) {
    const { url, requestTimeoutMs } = config.gateway;
    const sink = new HttpSink({ ...delivery, gatewayUrl: url, requestTimeoutMs, apiKey: apiKeyOf(config) }, new Logger(HttpSink.name));
    return { sink, target: `${url}/v1/snapshots` };
  }
  const { kafka: k } = config;
  const kafka = createKafka({ brokers: k.brokers, clientId: k.clientId, security: k.security, logger: new Logger('kafkajs') });
  // RecordProducer refuses sends past this many unacknowledged records; our own buffer is the real bound.
  const producer = new RecordProducer(kafka, {
    ackTimeoutMs: k.ackTimeoutMs,
    maxInFlightRecords: delivery.chunkSnapshots * delivery.concurrency * 2,
    compression: k.compression,
  });
  const prepare = k.ensureTopic ? () => ensureTopics(kafka, [{ topic: k.topic, numPartitions: k.partitions }]) : undefined;
  const sink = new KafkaSink(producer, { ...delivery, topic: k.topic, prepare, recordFormat: k.recordFormat }, new Logger(KafkaSink.name));
  return { sink, target: `kafka ${k.brokers.join(',')} topic ${k.topic}` };
}

/** COLLECTOR_API_KEY, else the first line of COLLECTOR_API_KEY_FILE; throws when that file cannot be read. */
function apiKeyOf({ gateway }: Readonly<CollectorConfig>): string | undefined {
  if (gateway.apiKey) return gateway.apiKey;
  if (!gateway.apiKeyFile) return undefined;
  return readFileSync(gateway.apiKeyFile, 'utf8').trim();
}

function deliveryOptions({ delivery: d }: Readonly<CollectorConfig>): DeliveryOptions {
  return {
    chunkSnapshots: d.chunkSnapshots,
    maxChunkBytes: d.maxChunkBytes,
    concurrency: d.concurrency,
    bufferSnapshots: d.bufferSnapshots,
    initialMs: d.retryInitialMs,
    maxMs: d.retryMaxMs,
  };
}
