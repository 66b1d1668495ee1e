/** Kafka topic carrying one process snapshot per message, keyed by machine_id. */
export const SNAPSHOTS_TOPIC = 'proc.snapshots.v1';
/**
 * Dead-letter topic: records the writer could not decode, validate or accept, with the reason in
 * headers. Under a prefix of its own (topic-names.ts) so that only the writer may write it.
 */
export const SNAPSHOTS_DLQ_TOPIC = 'proc.dlq.snapshots.v1';
/** Partition count used when the snapshots topic is created by us. */
export const SNAPSHOTS_TOPIC_PARTITIONS = 12;
/**
 * Value of the `schema-version` header of a JSON snapshot (version 1), and the topic's version
 * suffix. The topic carries both versions: a record says which by this header.
 */
export const SNAPSHOT_SCHEMA_VERSION = '1';
export const SNAPSHOT_CONTENT_TYPE = 'application/json';
/** `schema-version` of a binary snapshot (wire-v2/WIRE-V2.md), accepted beside version 1. */
export const SNAPSHOT_V2_SCHEMA_VERSION = '2';
export const SNAPSHOT_V2_CONTENT_TYPE = 'application/vnd.process-analyzer.snapshot.v2';

/** Kafka header names, shared by every producer and the writer. */
export const HEADER = {
  contentType: 'content-type',
  schemaVersion: 'schema-version',
  traceparent: 'traceparent',
  dlqReason: 'dlq-reason',
  dlqSourceTopic: 'dlq-source-topic',
  dlqSourcePartition: 'dlq-source-partition',
  dlqSourceOffset: 'dlq-source-offset',
} as const;

/** A snapshot whose ts lies further in the future than this is rejected (clock skew). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Default retention: snapshots older than this are rejected at ingest. */
export const DEFAULT_RETENTION_MS = 30 * 24 * 3_600_000;
/** Hard cap of processes in one snapshot (mirrors the schema's maxItems). */
export const MAX_PROCESSES_PER_SNAPSHOT = 10_000;
