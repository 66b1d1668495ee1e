import { HEADER, SNAPSHOT_CONTENT_TYPE, SNAPSHOT_SCHEMA_VERSION, SNAPSHOT_V2_CONTENT_TYPE, SNAPSHOT_V2_SCHEMA_VERSION } from '../contracts.constants';
import { ProcessSnapshot } from '../process-snapshot';
import { encodeSnapshotV2 } from './snapshot-v2.codec';

/** The wire formats of a snapshot record: JSON (schema version 1) or binary (version 2). */
export type WireFormat = 'v1' | 'v2';
export const WIRE_FORMATS: readonly WireFormat[] = ['v1', 'v2'];

/** The headers of a schema version 1 (JSON) record of the snapshot topic. */
export const SNAPSHOT_RECORD_HEADERS: Readonly<Record<string, string>> = { [HEADER.contentType]: SNAPSHOT_CONTENT_TYPE, [HEADER.schemaVersion]: SNAPSHOT_SCHEMA_VERSION };

/** The headers of a schema version 2 (binary) record. */
export const SNAPSHOT_V2_RECORD_HEADERS: Readonly<Record<string, string>> = {
  [HEADER.contentType]: SNAPSHOT_V2_CONTENT_TYPE,
  [HEADER.schemaVersion]: SNAPSHOT_V2_SCHEMA_VERSION,
};

/** A Kafka record of the snapshot topic, in the shape kafkajs's Message takes. */
export interface SnapshotRecord {
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
}

/**
 * A snapshot as a producer writes it to Kafka in `format`: key = machine_id (one machine, one
 * partition, in order), the value in that format, the contract's headers.
 */
export function snapshotRecordOf(snapshot: ProcessSnapshot, format: WireFormat = 'v1'): SnapshotRecord {
  if (format === 'v2') return { key: snapshot.machine_id, value: encodeSnapshotV2(snapshot), headers: { ...SNAPSHOT_V2_RECORD_HEADERS } };
  return { key: snapshot.machine_id, value: JSON.stringify(snapshot), headers: { ...SNAPSHOT_RECORD_HEADERS } };
}
